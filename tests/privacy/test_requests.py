import json
from collections.abc import Callable
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from crm.auth.models import Role, User
from crm.consents.models import Consent, ConsentPurpose
from crm.consents.texts import text_of
from crm.db import utcnow
from crm.events.consents import withdraw_consent
from crm.events.models import Event, EventStatus, Registration, RegistrationStatus
from crm.extensions import db
from crm.leads.models import Activity, ActivityKind, Company, Contact
from crm.leads.timeline import record_activity
from crm.mail.models import OutboxMessage, OutboxStatus
from crm.mail.outbox import queue_mail
from crm.privacy.services import ERASED, erase_person, personal_data
from tests.helpers import submit_form

EMAIL = "jane.doe@isotopes.example"


@pytest.fixture
def person(app: Flask) -> Registration:
    """Jane Doe: a contact, a confirmed registration, a sent and a queued mail, a timeline entry."""
    company = Company(name="Isotopes Ltd", normalised_name="isotopes", domain="isotopes.example")
    contact = Contact(company=company, name="Jane Doe", email=EMAIL, language="en")
    event = Event(
        slug="forum",
        title_en="Forum",
        is_all_day=True,
        starts_on=date(2030, 5, 1),
        ends_on=date(2030, 5, 1),
        timezone="Europe/Berlin",
        city="Dresden",
        country="DE",
        organiser_name="WFS",
        organiser_email="events@wfs.example",
        status=EventStatus.published,
    )
    registration = Registration(
        event=event,
        company=company,
        contact=contact,
        email=EMAIL,
        name="Jane Doe",
        company_name="Isotopes Ltd",
        position="CEO",
        country="GB",
        status=RegistrationStatus.confirmed,
        consent_version="2026-01",
        consent_at=utcnow(),
        answers={"dietary": "vegan"},
    )
    db.session.add_all([company, contact, event, registration])
    db.session.flush()
    sent = queue_mail(
        "sent:1", to_email=EMAIL, to_name="Jane Doe", subject="Welcome", text_body="Dear Jane Doe"
    )
    sent.status, sent.sent_at = OutboxStatus.sent, utcnow()
    queue_mail(
        "queued:1",
        to_email=EMAIL,
        to_name="Jane Doe",
        subject="Reminder",
        text_body="Dear Jane Doe",
    )
    record_activity(
        company,
        ActivityKind.registration,
        "Jane Doe registered for Forum",
        f"Registered as {EMAIL}",
    )
    record_activity(company, ActivityKind.note, "Call with the CFO", "Budget approved")
    db.session.commit()
    return registration


def test_export_holds_every_record_of_the_person(person: Registration) -> None:
    data = personal_data("Jane.Doe@Isotopes.example")
    assert [c["name"] for c in data["contacts"]] == ["Jane Doe"]
    assert data["registrations"][0]["event"] == "Forum"
    assert data["registrations"][0]["consent_version"] == "2026-01"
    assert data["registrations"][0]["answers"] == {"dietary": "vegan"}
    assert {m["subject"] for m in data["mail"]} == {"Welcome", "Reminder"}


def test_erasure_anonymises_registrations_and_deletes_contacts(person: Registration) -> None:
    report = erase_person(EMAIL)
    db.session.commit()
    assert (report.contacts_deleted, report.registrations_anonymised) == (1, 1)
    registration = db.session.get(Registration, person.id)
    assert registration.name != "Jane Doe" and EMAIL not in registration.email
    assert registration.status is RegistrationStatus.confirmed  # statistics keep it
    assert registration.country == "GB"
    assert registration.answers == {}
    assert db.session.scalar(select(Contact)) is None
    assert personal_data(EMAIL) == {
        "email": EMAIL,
        "contacts": [],
        "registrations": [],
        "mail": [],
        "audit_log": [],
    }


def test_erasure_cancels_queued_mail_and_scrubs_sent_mail(person: Registration) -> None:
    erase_person(EMAIL)
    db.session.commit()
    messages = {m.key: m for m in db.session.scalars(select(OutboxMessage))}
    assert messages["queued:1"].status is OutboxStatus.cancelled
    assert messages["sent:1"].status is OutboxStatus.sent
    assert all("Jane" not in m.text_body and m.to_email != EMAIL for m in messages.values())


def test_erasure_scrubs_the_person_from_the_timeline_only(person: Registration) -> None:
    report = erase_person(EMAIL)
    db.session.commit()
    assert report.activities_scrubbed == 1
    subjects = set(db.session.scalars(select(Activity.subject)))
    assert subjects == {f"{ERASED} registered for Forum", "Call with the CFO"}


def test_an_admin_downloads_the_export(
    client: FlaskClient,
    create_user: Callable[..., User],
    login: Callable[[User], None],
    person: Registration,
) -> None:
    login(create_user(Role.admin))
    response = submit_form(client, "/admin/privacy/", {"email": EMAIL, "export": "1"})
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert json.loads(response.data)["contacts"][0]["name"] == "Jane Doe"


def test_erasure_needs_an_explicit_confirmation(
    client: FlaskClient,
    create_user: Callable[..., User],
    login: Callable[[User], None],
    person: Registration,
) -> None:
    login(create_user(Role.admin))
    refused = submit_form(client, "/admin/privacy/", {"email": EMAIL, "erase": "1"})
    assert refused.status_code == 422 and "confirm" in refused.text
    assert db.session.scalar(select(Contact)) is not None
    done = submit_form(
        client, "/admin/privacy/", {"email": EMAIL, "erase": "1", "confirm_erasure": "y"}
    )
    assert done.status_code == 302
    assert db.session.scalar(select(Contact)) is None


def test_staff_cannot_handle_privacy_requests(staff_client: FlaskClient) -> None:
    assert staff_client.get("/admin/privacy/").status_code == 403


def test_the_cli_erases_after_confirmation(app: Flask, person: Registration) -> None:
    result = app.test_cli_runner().invoke(args=["privacy", "erase", EMAIL, "--yes"])
    assert result.exit_code == 0, result.output
    assert "1 contacts deleted" in result.output
    assert db.session.scalar(select(Contact)) is None


def test_the_cli_exports_as_json(app: Flask, person: Registration) -> None:
    result = app.test_cli_runner().invoke(args=["privacy", "export", EMAIL])
    assert json.loads(result.output)["registrations"][0]["position"] == "CEO"


@pytest.fixture
def registrant(event: Event, create_registration: Callable[..., Registration]) -> Registration:
    """A registrant who agreed to follow-up and later withdrew it."""
    registration = create_registration(
        event, name="Ida Noddack", email="ida@rhenium.example", follow_up_consent=True
    )
    withdraw_consent(registration, ConsentPurpose.follow_up)
    db.session.commit()
    return registration


def test_export_holds_each_consent_with_its_text_and_times(registrant: Registration) -> None:
    (registration,) = personal_data("ida@rhenium.example")["registrations"]
    consents = {consent["purpose"]: consent for consent in registration["consents"]}
    assert set(consents) == {"registration", "follow_up"}
    assert consents["follow_up"]["text_version"] == "follow-up-2026-12"
    assert consents["follow_up"]["language"] == "en"
    assert consents["follow_up"]["text"] == text_of("follow-up-2026-12", "en")
    assert consents["follow_up"]["withdrawn_at"] is not None
    assert consents["registration"]["withdrawn_at"] is None
    assert consents["registration"]["given_at"] == registrant.consent_at.isoformat()


def test_erasure_deletes_the_consents_of_the_person(registrant: Registration) -> None:
    report = erase_person("ida@rhenium.example")
    db.session.commit()
    assert report.consents_deleted == 2
    assert db.session.scalar(select(Consent)) is None
