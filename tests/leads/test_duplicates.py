"""Duplicates are flagged on create and can be merged, with everything moving to the survivor."""

from collections.abc import Callable
from datetime import date

from flask.testing import FlaskClient
from sqlalchemy import select

from crm.auth.models import User
from crm.db import utcnow
from crm.events.models import Event, Registration, RegistrationStatus
from crm.extensions import db
from crm.leads.models import Activity, ActivityKind, Company, FollowUpTask, StageChange
from crm.leads.services import create_task, merge_companies, save_contact
from crm.leads.timeline import record_activity
from crm.mail.models import OutboxMessage
from crm.mail.outbox import queue_mail
from crm.partners.models import Capability
from crm.seed.services import seed_events
from tests.helpers import submit_form


def test_creating_a_company_with_a_matching_name_warns_and_offers_the_existing_one(
    staff_client: FlaskClient, company: Company
) -> None:
    response = submit_form(staff_client, "/leads/new", {"name": "Rotop Pharmaka", "source": "web"})
    assert response.status_code == 422
    assert "may exist already" in response.text
    assert f'href="/leads/{company.id}"' in response.text
    assert db.session.query(Company).count() == 1


def test_creating_a_company_with_a_matching_domain_warns(
    staff_client: FlaskClient, company: Company
) -> None:
    response = submit_form(
        staff_client,
        "/leads/new",
        {"name": "RP Dresden", "website": "https://www.rotop-pharmaka.de", "source": "web"},
    )
    assert "may exist already" in response.text


def test_staff_can_create_the_company_anyway(staff_client: FlaskClient, company: Company) -> None:
    response = submit_form(
        staff_client,
        "/leads/new",
        {"name": "Rotop Pharmaka", "source": "web", "create_anyway": "y"},
    )
    assert response.status_code == 302
    assert db.session.query(Company).count() == 2


def add_registration(company: Company, email: str) -> Registration:
    seed_events()
    event = db.session.scalars(select(Event).order_by(Event.id)).first()
    registration = Registration(
        event=event,
        company=company,
        email=email,
        name="Anna Berg",
        company_name=company.name,
        status=RegistrationStatus.confirmed,
        consent_version="2025-10",
        consent_at=utcnow(),
    )
    db.session.add(registration)
    db.session.flush()
    return registration


def test_merging_moves_everything_to_the_survivor_and_records_it(
    create_company: Callable[..., Company], staff_user: User, hot_cells: Capability
) -> None:
    survivor = create_company(name="ROTOP Pharmaka GmbH", city=None)
    duplicate = create_company(name="Rotop Pharmaka", city="Dresden", needs=[hot_cells])
    contact = save_contact(
        duplicate,
        {"name": "Anna Berg", "email": "anna@rotop.example", "language": "de"},
        has_consent=False,
        consent_version=None,
    )
    note = record_activity(duplicate, ActivityKind.call, "First call")
    task = create_task(duplicate, "Send offer", date(2030, 1, 1), owner_id=staff_user.id)
    registration = add_registration(duplicate, "anna@rotop.example")
    mail = queue_mail(
        "test:merge",
        to_email="anna@rotop.example",
        to_name="Anna",
        subject="Hi",
        text_body="Hi",
        company_id=duplicate.id,
    )
    db.session.commit()
    duplicate_id = duplicate.id

    merge_companies(survivor, duplicate, by=staff_user)
    db.session.commit()

    assert db.session.get(Company, duplicate_id) is None
    assert db.session.get(type(contact), contact.id).company_id == survivor.id
    assert db.session.get(Activity, note.id).company_id == survivor.id
    assert db.session.get(FollowUpTask, task.id).company_id == survivor.id
    assert db.session.get(Registration, registration.id).company_id == survivor.id
    assert db.session.get(OutboxMessage, mail.id).company_id == survivor.id
    assert survivor.needs == [hot_cells]
    assert survivor.city == "Dresden"
    assert (
        len(
            db.session.scalars(
                select(StageChange).where(StageChange.company_id == survivor.id)
            ).all()
        )
        == 2
    )
    merged_entry = db.session.scalars(
        select(Activity).where(
            Activity.company_id == survivor.id, Activity.kind == ActivityKind.system
        )
    ).one()
    assert merged_entry.subject == "Merged with Rotop Pharmaka"
    assert merged_entry.author == staff_user


def test_merging_keeps_needs_both_had_once(
    create_company: Callable[..., Company], staff_user: User, hot_cells: Capability
) -> None:
    survivor = create_company(needs=[hot_cells])
    duplicate = create_company(needs=[hot_cells])
    merge_companies(survivor, duplicate, by=staff_user)
    db.session.commit()
    assert survivor.needs == [hot_cells]


def test_the_merge_form_refuses_an_unknown_company(
    staff_client: FlaskClient, company: Company
) -> None:
    response = submit_form(
        staff_client,
        f"/leads/{company.id}/merge",
        {"duplicate_id": "999"},
        form_page=f"/leads/{company.id}",
    )
    assert response.status_code == 422
    assert "There is no company with this id." in response.text


def test_the_merge_form_merges_a_duplicate(
    staff_client: FlaskClient, create_company: Callable[..., Company]
) -> None:
    survivor = create_company(name="Survivor")
    duplicate = create_company(name="Duplicate")
    response = submit_form(
        staff_client,
        f"/leads/{survivor.id}/merge",
        {"duplicate_id": str(duplicate.id)},
        form_page=f"/leads/{survivor.id}",
    )
    assert response.status_code == 302
    assert "Merged with Duplicate" in staff_client.get(f"/leads/{survivor.id}").text
