"""POST /api/v1/events/<slug>/registrations follows exactly the rules of the public form."""

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from crm.api.models import ApiScope
from crm.auth.models import Role
from crm.events.models import Event, EventStatus, Registration, RegistrationStatus
from crm.extensions import db
from crm.mail.models import OutboxMessage
from crm.partners.models import LinkSource, PartnerLink
from tests.api.conftest import OPEN_EVENT

pytestmark = pytest.mark.usefixtures("seeded")

URL = "/api/v1/events/isotope-forum/registrations"


def registration(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "Jane Doe",
        "email": "jane@nordlicht-isotopes.example",
        "company": "Nordlicht Isotopes AB",
        "country": "SE",
        "language": "en",
        "needs": ["gmp-production"],
        "partners_to_meet": ["abx"],
        "consent": True,
    } | overrides


def registrations() -> list[Registration]:
    """The registrations for the open event (the demo events have their own)."""
    return list(
        db.session.scalars(
            select(Registration)
            .join(Registration.event)
            .where(Event.slug == OPEN_EVENT)
            .order_by(Registration.id)
        )
    )


def queued_mail() -> list[str]:
    return list(db.session.scalars(select(OutboxMessage.key).order_by(OutboxMessage.id)))


def test_a_registration_gets_a_seat_a_lead_a_partner_link_and_a_confirmation(
    client: FlaskClient,
) -> None:
    mail_before = queued_mail()
    response = client.post(URL, json=registration())
    assert response.status_code == 202, response.json
    [stored] = registrations()
    assert stored.status is RegistrationStatus.confirmed
    assert stored.company is not None and stored.company.name == "Demo: Nordlicht Isotopes AB"
    link = db.session.scalars(
        select(PartnerLink).where(PartnerLink.event_id == stored.event_id)
    ).one()
    assert link.source is LinkSource.event and link.partner.slug == "abx"
    assert queued_mail() == [*mail_before, f"confirmation:registration:{stored.id}:seq:0"]


def test_the_same_email_twice_gives_no_second_registration_and_the_same_answer(
    client: FlaskClient,
) -> None:
    first = client.post(URL, json=registration())
    again = client.post(URL, json=registration(email="JANE@nordlicht-isotopes.example"))
    assert (again.status_code, again.json) == (first.status_code, first.json)
    assert len(registrations()) == 1
    assert queued_mail()[-1].startswith("link:registration:")


def test_a_full_event_puts_people_on_the_waiting_list(client: FlaskClient) -> None:
    db.session.scalar(select(Event).where(Event.slug == "isotope-forum")).capacity = 1
    db.session.commit()
    client.post(URL, json=registration())
    second = client.post(URL, json=registration(email="tom@atlantic-theranostics.example"))
    assert second.status_code == 202
    assert [r.status for r in registrations()] == [
        RegistrationStatus.confirmed,
        RegistrationStatus.waitlisted,
    ]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"consent": False}, "consent"),
        ({"email": "not an email"}, "email"),
        ({"country": "XX"}, "country"),
        ({"needs": ["flying-cars"]}, "needs"),
        ({"partners_to_meet": ["nobody"]}, "partners_to_meet"),
        ({"name": ""}, "name"),
        ({"language": "fr"}, "language"),
        ({"answers": {"unknown-question": "yes"}}, "answers"),
    ],
)
def test_bad_values_are_refused_with_the_field_named_and_nothing_stored(
    client: FlaskClient, change: dict[str, Any], field: str
) -> None:
    mail_before = queued_mail()
    response = client.post(URL, json=registration(**change))
    assert response.status_code == 422, response.json
    assert response.content_type == "application/problem+json"
    assert field in response.json["errors"]["json"]
    assert registrations() == []
    assert queued_mail() == mail_before


def test_malformed_json_is_a_bad_request(client: FlaskClient) -> None:
    response = client.post(URL, data="{not json", content_type="application/json")
    assert response.status_code == 400


def test_a_cancelled_event_refuses_registrations_as_a_conflict(client: FlaskClient) -> None:
    db.session.scalar(
        select(Event).where(Event.slug == "isotope-forum")
    ).status = EventStatus.cancelled
    db.session.commit()
    response = client.post(URL, json=registration())
    assert response.status_code == 409 and "cancelled" in response.json["detail"]
    assert registrations() == []


def test_past_events_are_closed(client: FlaskClient) -> None:
    response = client.post("/api/v1/events/eanm-2025-lunch/registrations", json=registration())
    assert response.status_code == 409


def test_staff_list_registrations_and_the_public_cannot(
    client: FlaskClient, token_headers: Callable[..., dict[str, str]]
) -> None:
    client.post(URL, json=registration())
    assert client.get(URL).status_code == 401
    body = client.get(URL, headers=token_headers(Role.viewer, ApiScope.read)).json
    assert [r["email"] for r in body["items"]] == ["jane@nordlicht-isotopes.example"]
    assert body["items"][0]["status"] == "confirmed"


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "REGISTRATION_RATE_LIMIT": "2 per minute"}


def test_public_registration_is_rate_limited(client: FlaskClient) -> None:
    for number in range(2):
        client.post(URL, json=registration(email=f"p{number}@nordlicht-isotopes.example"))
    limited = client.post(URL, json=registration(email="p9@nordlicht-isotopes.example"))
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
