"""Staff create and change events through the API under the planning rules of the staff pages."""

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from crm.api.models import ApiScope
from crm.auth.models import Role
from crm.events.models import Event, EventStatus, Registration
from crm.extensions import db
from crm.mail.models import OutboxMessage

pytestmark = pytest.mark.usefixtures("seeded")
Headers = Callable[..., dict[str, str]]


def timed_event(**overrides: Any) -> dict[str, Any]:
    return {
        "title": "Radiopharmacy Day",
        "slug": "radiopharmacy-day-2031",
        "is_all_day": False,
        "timezone": "Europe/Berlin",
        "starts_at": "2031-03-30T09:00:00+02:00",
        "ends_at": "2031-03-30T17:00:00+02:00",
        "city": "Dresden",
        "country": "DE",
        "organiser_name": "WFS",
        "organiser_email": "Events@WFS.example",
        "capacity": 2,
    } | overrides


def test_staff_create_a_timed_event_as_a_draft_stored_in_utc(
    client: FlaskClient, token_headers: Headers
) -> None:
    response = client.post("/api/v1/events", json=timed_event(), headers=token_headers())
    assert response.status_code == 201, response.json
    assert response.json["status"] == "draft"
    assert response.json["starts_at"] == "2031-03-30T07:00:00+00:00"
    event = db.session.scalar(select(Event).where(Event.slug == "radiopharmacy-day-2031"))
    assert event is not None and event.organiser_email == "events@wfs.example"
    assert client.get("/api/v1/events/radiopharmacy-day-2031").status_code == 404


def test_publishing_through_patch_makes_the_event_public(
    client: FlaskClient, token_headers: Headers
) -> None:
    headers = token_headers()
    client.post("/api/v1/events", json=timed_event(), headers=headers)
    response = client.patch(
        "/api/v1/events/radiopharmacy-day-2031", json={"status": "published"}, headers=headers
    )
    assert response.status_code == 200 and response.json["status"] == "published"
    assert client.get("/api/v1/events/radiopharmacy-day-2031").status_code == 200


def test_moving_an_event_sends_registrants_an_updated_invitation(
    client: FlaskClient, token_headers: Headers
) -> None:
    headers = token_headers()
    registered = client.post(
        "/api/v1/events/isotope-forum/registrations",
        json={
            "name": "Jane",
            "email": "jane@isotopes.example",
            "company": "Isotopes",
            "consent": True,
            "country": "DE",
        },
    )
    assert registered.status_code == 202
    response = client.patch(
        "/api/v1/events/isotope-forum",
        json={"starts_at": "2031-05-01T10:00:00+02:00", "ends_at": "2031-05-01T16:00:00+02:00"},
        headers=headers,
    )
    assert response.status_code == 200, response.json
    registration = db.session.scalars(
        select(Registration).where(Registration.email == "jane@isotopes.example")
    ).one()
    keys = set(db.session.scalars(select(OutboxMessage.key)))
    assert f"change:registration:{registration.id}:seq:1" in keys


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_at": "2031-03-30T08:00:00+02:00"}, "ends_at"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"slug": "Not A Slug"}, "slug"),
        ({"slug": "isotope-forum"}, "slug"),
        ({"is_all_day": True, "starts_on": "2031-03-30"}, "ends_on"),
        ({"questions": [{"en": "No key"}]}, "questions"),
        ({"capacity": -1}, "capacity"),
        ({"is_all_day": True, "starts_on": "0001-01-01", "ends_on": "0001-01-01"}, "starts_on"),
        ({"is_all_day": True, "starts_on": "2031-03-30", "ends_on": "9999-12-31"}, "ends_on"),
        ({"registration_closes_at": "0001-01-01T00:00:00+01:00"}, "registration_closes_at"),
    ],
)
def test_an_impossible_event_is_refused_naming_the_field(
    client: FlaskClient, token_headers: Headers, change: dict[str, Any], field: str
) -> None:
    response = client.post("/api/v1/events", json=timed_event(**change), headers=token_headers())
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]["json"]
    assert db.session.scalar(select(Event).where(Event.title == "Radiopharmacy Day")) is None


def test_capacity_cannot_fall_below_the_confirmed_seats(
    client: FlaskClient, token_headers: Headers
) -> None:
    for person in ("a", "b"):
        client.post(
            "/api/v1/events/isotope-forum/registrations",
            json={
                "name": person,
                "email": f"{person}@isotopes.example",
                "company": "Isotopes",
                "consent": True,
                "country": "DE",
            },
        )
    response = client.patch(
        "/api/v1/events/isotope-forum", json={"capacity": 1}, headers=token_headers()
    )
    assert response.status_code == 422 and "capacity" in response.json["errors"]["json"]


def test_cancelling_through_patch_tells_everyone(
    client: FlaskClient, token_headers: Headers
) -> None:
    client.post(
        "/api/v1/events/isotope-forum/registrations",
        json={
            "name": "Jane",
            "email": "jane@isotopes.example",
            "company": "Isotopes",
            "consent": True,
            "country": "DE",
        },
    )
    response = client.patch(
        "/api/v1/events/isotope-forum", json={"status": "cancelled"}, headers=token_headers()
    )
    assert response.json["status"] == "cancelled"
    event = db.session.scalar(select(Event).where(Event.slug == "isotope-forum"))
    assert event.status is EventStatus.cancelled
    assert any(
        key.startswith("cancellation:") for key in db.session.scalars(select(OutboxMessage.key))
    )


@pytest.mark.parametrize(
    ("role", "scope"), [(Role.viewer, ApiScope.write), (Role.staff, ApiScope.read)]
)
def test_viewers_and_read_tokens_cannot_create_events(
    client: FlaskClient, token_headers: Headers, role: Role, scope: ApiScope
) -> None:
    response = client.post("/api/v1/events", json=timed_event(), headers=token_headers(role, scope))
    assert response.status_code == 403
