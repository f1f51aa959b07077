"""Consent by purpose: handling the registration (required), follow-up and partner sharing
(optional), each stored with its text version, language and time, withdrawn and given again
through the private link, and obeyed where staff introduce and follow up."""

import csv
import io
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from crm.auth.models import User
from crm.consents.models import Consent, ConsentPurpose
from crm.consents.texts import text_of
from crm.events import services
from crm.events.consents import give_consent, withdraw_consent
from crm.events.models import Event, Registration
from crm.events.tokens import manage_token
from crm.extensions import db
from crm.leads.digest import digest_for, queue_digest
from crm.leads.models import Contact
from crm.mail.dispatch import dispatch_due
from crm.mail.models import OutboxMessage
from crm.partners.models import LinkStatus, Partner, PartnerLink
from crm.partners.services import introduce, link_between
from crm.refusals import Conflict, Refused
from tests.conftest import SMTPServer
from tests.events.test_registration_form import form_data
from tests.helpers import csrf_token, submit_form

Registrations = Callable[..., Registration]


def purposes(registration: Registration) -> dict[ConsentPurpose, Consent]:
    db.session.refresh(registration)
    return {c.purpose: c for c in registration.consents if c.withdrawn_at is None}


# --- stored as given -----------------------------------------------------------------------


def test_each_consent_is_stored_with_its_text_version_language_and_time(
    client: FlaskClient, event: Event, clock: Callable[[datetime | str], None]
) -> None:
    clock("2026-12-01T09:30:00+00:00")
    response = submit_form(
        client,
        f"/events/{event.slug}/register?lang=de",
        form_data(follow_up_consent="y", language="en"),
    )
    assert response.status_code == 200
    registration = db.session.scalars(select(Registration)).one()
    rows = sorted(registration.consents, key=lambda c: c.purpose.value)
    assert [(c.purpose, c.text_version, c.language) for c in rows] == [
        (ConsentPurpose.follow_up, "follow-up-2026-12", "de"),
        (ConsentPurpose.registration, "registration-2026-12", "de"),
    ]
    assert {c.given_at for c in rows} == {datetime(2026, 12, 1, 9, 30, tzinfo=UTC)}
    assert all(c.withdrawn_at is None and c.contact_id == registration.contact_id for c in rows)
    # The text stored is the one the German page showed, word for word.
    assert text_of("follow-up-2026-12", "de") in client.get(
        f"/events/{event.slug}/register?lang=de"
    ).text.replace("&amp;", "&")
    assert text_of("follow-up-2026-12", "de").startswith("Freiwillig: Die Wirtschaftsförderung")


def test_the_optional_consents_are_not_required(client: FlaskClient, event: Event) -> None:
    response = submit_form(client, f"/events/{event.slug}/register", form_data())
    assert response.status_code == 200
    registration = db.session.scalars(select(Registration)).one()
    assert set(purposes(registration)) == {ConsentPurpose.registration}


def test_the_registration_consent_is_required(client: FlaskClient, event: Event) -> None:
    data = form_data(follow_up_consent="y", partner_sharing_consent="y")
    del data["consent"]
    response = submit_form(client, f"/events/{event.slug}/register", data)
    assert response.status_code == 422
    assert db.session.scalar(select(Consent)) is None


def test_the_api_stores_each_consent_in_the_language_given(
    client: FlaskClient, event: Event
) -> None:
    response = client.post(
        f"/api/v1/events/{event.slug}/registrations",
        json={
            "name": "Lise Meitner",
            "email": "lise@kwi.example",
            "company": "Kaiser Wilhelm Institut",
            "country": "DE",
            "language": "de",
            "consent": True,
            "partner_sharing_consent": True,
            "answers": {"dietary": "vegetarian"},
        },
    )
    assert response.status_code == 202, response.json
    registration = db.session.scalars(select(Registration)).one()
    assert {(p, c.language) for p, c in purposes(registration).items()} == {
        (ConsentPurpose.registration, "de"),
        (ConsentPurpose.partner_sharing, "de"),
    }


def test_the_api_refuses_an_unknown_consent_language(client: FlaskClient, event: Event) -> None:
    response = client.post(
        f"/api/v1/events/{event.slug}/registrations",
        json={
            "name": "Lise Meitner",
            "email": "lise@kwi.example",
            "company": "Kaiser Wilhelm Institut",
            "country": "DE",
            "consent": True,
            "consent_language": "fr",
        },
    )
    assert response.status_code == 422
    assert "consent_language" in response.json["errors"]["json"]
    assert db.session.scalar(select(Registration)) is None


def test_staff_adding_someone_record_only_the_registration_consent(
    event: Event, create_registration: Registrations
) -> None:
    registration = services.register(
        event,
        services.RegistrationDetails(
            name="Otto Hahn",
            email="otto@kwi.example",
            company_name="KWI",
            consent=True,
            follow_up_consent=True,
            partner_sharing_consent=True,
            country="DE",
        ),
        by_staff=True,
    ).registration
    assert set(purposes(registration)) == {ConsentPurpose.registration}


# --- the private link ------------------------------------------------------------------------


def test_a_registrant_withdraws_and_gives_again_through_the_manage_link(
    client: FlaskClient, event: Event, create_registration: Registrations
) -> None:
    registration = create_registration(event, follow_up_consent=True)
    page = client.get(f"/r/{manage_token(registration)}", follow_redirects=True)
    assert "Withdraw this consent" in page.text
    response = client.post(
        "/r/consents",
        data={"csrf_token": csrf_token(page.text), "purpose": "follow_up", "action": "withdraw"},
    )
    assert response.status_code == 200
    assert "Your consent is withdrawn." in response.text
    db.session.expire_all()
    row = db.session.scalars(select(Consent).where(Consent.purpose == "follow_up")).one()
    assert row.withdrawn_at is not None
    assert ConsentPurpose.follow_up not in purposes(registration)

    response = client.post(
        "/r/consents",
        data={"csrf_token": csrf_token(page.text), "purpose": "follow_up", "action": "give"},
    )
    assert response.status_code == 200
    rows = db.session.scalars(select(Consent).where(Consent.purpose == "follow_up")).all()
    assert len(rows) == 2  # the withdrawn one stays, with its time
    assert ConsentPurpose.follow_up in purposes(registration)


def test_the_registration_consent_cannot_be_withdrawn_through_the_link(
    client: FlaskClient, event: Event, create_registration: Registrations
) -> None:
    registration = create_registration(event)
    page = client.get(f"/r/{manage_token(registration)}", follow_redirects=True)
    response = client.post(
        "/r/consents",
        data={"csrf_token": csrf_token(page.text), "purpose": "registration", "action": "withdraw"},
    )
    assert response.status_code == 422
    assert ConsentPurpose.registration in purposes(registration)
    with pytest.raises(Refused) as refused:
        withdraw_consent(registration, ConsentPurpose.registration)
    assert refused.value.code == "consent_not_optional"


def test_withdrawing_follow_up_on_one_registration_withdraws_it_for_the_person(
    create_event: Callable[..., Event], create_registration: Registrations
) -> None:
    first = create_registration(create_event(), email="ada@engines.example", follow_up_consent=True)
    second = create_registration(
        create_event(), email="ada@engines.example", follow_up_consent=True
    )
    assert first.contact_id == second.contact_id
    withdraw_consent(first, ConsentPurpose.follow_up)
    db.session.commit()
    assert ConsentPurpose.follow_up not in purposes(second)


# --- partner sharing (3): never introduced by mail without it ----------------------------------


@pytest.fixture
def rotop(partner: Callable[[str], Partner]) -> Partner:
    found = partner("rotop")
    found.contact_name, found.contact_email = "Dr. Jens Bauer", "jens.bauer@rotop.example"
    db.session.commit()
    return found


def requested_link(registration: Registration, partner: Partner) -> PartnerLink:
    assert registration.company is not None
    link = link_between(registration.company, partner)
    assert link is not None
    return link


def test_a_registrant_who_did_not_agree_to_sharing_is_never_introduced_by_mail(
    smtp_server: SMTPServer,
    event: Event,
    rotop: Partner,
    create_registration: Registrations,
    staff_client: FlaskClient,
    staff_user: User,
) -> None:
    registration = create_registration(event, partners_to_meet=[rotop])
    link = requested_link(registration, rotop)
    queued_before = db.session.scalars(select(OutboxMessage)).all()

    page = staff_client.get(f"/leads/{link.company_id}")
    assert "have not agreed that their details are shared" in page.text
    assert f"/partners/links/{link.id}/introduce" not in page.text
    response = staff_client.post(
        f"/partners/links/{link.id}/introduce", data={"csrf_token": csrf_token(page.text)}
    )
    assert response.status_code in (302, 303)
    db.session.expire_all()
    assert db.session.scalars(select(OutboxMessage)).all() == queued_before
    assert link.status is LinkStatus.suggested
    with pytest.raises(Conflict) as refused:
        introduce(link, staff_user)
    assert refused.value.code == "no_partner_sharing_consent"

    dispatch_due()
    assert smtp_server.messages  # the registrant's confirmation went out
    assert all(m["rcpt_tos"] != [rotop.contact_email] for m in smtp_server.messages)


def test_a_registrant_who_withdrew_sharing_is_no_longer_introduced(
    event: Event, rotop: Partner, create_registration: Registrations, staff_user: User
) -> None:
    registration = create_registration(
        event, partners_to_meet=[rotop], partner_sharing_consent=True
    )
    withdraw_consent(registration, ConsentPurpose.partner_sharing)
    with pytest.raises(Conflict) as refused:
        introduce(requested_link(registration, rotop), staff_user)
    assert refused.value.code == "no_partner_sharing_consent"


def test_a_registrant_who_agreed_to_sharing_is_introduced_by_mail(
    event: Event,
    rotop: Partner,
    create_registration: Registrations,
    staff_client: FlaskClient,
) -> None:
    registration = create_registration(
        event, partners_to_meet=[rotop], partner_sharing_consent=True
    )
    link = requested_link(registration, rotop)
    page = staff_client.get(f"/leads/{link.company_id}")
    assert f"/partners/links/{link.id}/introduce" in page.text
    staff_client.post(
        f"/partners/links/{link.id}/introduce", data={"csrf_token": csrf_token(page.text)}
    )
    message = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_email == rotop.contact_email)
    ).one()
    assert message.key.startswith(f"introduction:link:{link.id}:")


def test_giving_sharing_later_through_the_link_allows_the_introduction(
    event: Event, rotop: Partner, create_registration: Registrations, staff_user: User
) -> None:
    registration = create_registration(event, partners_to_meet=[rotop])
    give_consent(registration, ConsentPurpose.partner_sharing, "en")
    message = introduce(requested_link(registration, rotop), staff_user)
    assert message.to_email == rotop.contact_email


# --- follow-up (2): shown wherever staff would follow up ----------------------------------------


@pytest.fixture
def withdrawn(event: Event, create_registration: Registrations) -> Registration:
    """Grace Hopper agreed to follow-up at registration, then withdrew it."""
    registration = create_registration(
        event, name="Grace Hopper", email="grace@cobol.example", follow_up_consent=True
    )
    withdraw_consent(registration, ConsentPurpose.follow_up)
    db.session.commit()
    return registration


def test_a_contact_who_withdrew_follow_up_is_shown_so_on_the_lead_page(
    withdrawn: Registration, staff_client: FlaskClient
) -> None:
    page = staff_client.get(f"/leads/{withdrawn.company_id}").text
    row = page.split("grace@cobol.example", 1)[1].split("</tr>", 1)[0]
    assert "Does not want follow-up" in row


def test_a_contact_who_withdrew_follow_up_is_shown_so_in_the_leads_list(
    withdrawn: Registration,
    create_registration: Registrations,
    event: Event,
    staff_client: FlaskClient,
) -> None:
    create_registration(event, name="Alan Turing", follow_up_consent=True)
    page = staff_client.get("/leads/").text
    assert "Grace Hopper does not want follow-up" in page
    assert "Alan Turing does not want follow-up" not in page


def test_a_contact_who_withdrew_follow_up_is_shown_so_in_the_export(
    withdrawn: Registration,
    create_registration: Registrations,
    event: Event,
    staff_client: FlaskClient,
) -> None:
    other = create_registration(event, follow_up_consent=True)
    response = staff_client.get("/leads/export.csv")
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(response.text))}
    assert rows[str(withdrawn.company_id)]["no_follow_up_contacts"] == "grace@cobol.example"
    assert rows[str(other.company_id)]["no_follow_up_contacts"] == ""


def test_a_contact_who_withdrew_follow_up_is_shown_so_in_the_api(
    withdrawn: Registration, staff_client: FlaskClient, event: Event
) -> None:
    contacts = staff_client.get(f"/api/v1/companies/{withdrawn.company_id}/contacts").json
    (grace,) = [c for c in contacts["items"] if c["email"] == "grace@cobol.example"]
    assert grace["declines_follow_up"] is True
    registrations = staff_client.get(f"/api/v1/events/{event.slug}/registrations").json
    (row,) = registrations["items"]
    follow_up = [c for c in row["consents"] if c["purpose"] == "follow_up"]
    assert follow_up[0]["withdrawn_at"] is not None


def test_a_contact_who_never_registered_is_not_marked(
    staff_client: FlaskClient, create_company: Callable[..., object]
) -> None:
    company = create_company(name="Staff Known GmbH")
    db.session.add(Contact(company=company, name="Known Person", email="known@staff.example"))
    db.session.commit()
    assert "does not want follow-up" not in staff_client.get("/leads/").text


def test_the_digest_says_which_contact_does_not_want_follow_up(
    withdrawn: Registration, staff_user: User, create_task: Callable[..., object]
) -> None:
    assert withdrawn.company is not None
    day = date.today()
    create_task(
        staff_user, day - timedelta(days=1), title="Call about a site", company=withdrawn.company
    )
    digest = digest_for(staff_user, day)
    assert digest is not None
    message = queue_digest(digest)
    assert "Grace Hopper does not want follow-up" in message.text_body
    assert "Grace Hopper does not want follow-up" in (message.html_body or "")


def test_the_partner_page_asks_once_which_links_may_not_be_introduced(
    event: Event,
    rotop: Partner,
    create_registration: Registrations,
    staff_client: FlaskClient,
    count_queries: Callable[[], Any],
) -> None:
    def queries_for_partner_page() -> int:
        with count_queries() as statements:
            page = staff_client.get("/partners/rotop")
            assert page.status_code == 200
        return len(statements)

    create_registration(event, partners_to_meet=[rotop])
    create_registration(event, partners_to_meet=[rotop], partner_sharing_consent=True)
    few = queries_for_partner_page()
    for number in range(4):
        create_registration(
            event, partners_to_meet=[rotop], partner_sharing_consent=bool(number % 2)
        )
    assert queries_for_partner_page() == few
    page = staff_client.get("/partners/rotop").text
    assert page.count("have not agreed that their details are shared") == 3
    assert page.count("/introduce") == 3
