"""Strangers cannot make the organisation's sender mail a text of their choosing, at volume, to
addresses of their choosing: the form and the API share one limit per client address and one per
recipient mail domain, each event takes a number of public registrations per hour, and names
carry no links."""

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from crm.events.models import Event
from crm.extensions import db
from crm.mail.models import OutboxMessage
from tests.events.test_registration_form import form_data
from tests.helpers import submit_form

SPAM_NAME = "customer. URGENT: your invoice is overdue, pay at https://evil.example/pay"


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return app_config | {
        "REGISTRATION_RATE_LIMIT": "3 per minute",
        "REGISTRATION_DOMAIN_RATE_LIMIT": "4 per hour",
    }


def by_form(client: FlaskClient, event: Event, **overrides: Any) -> int:
    url = f"/events/{event.slug}/register"
    return submit_form(client, url, form_data(**overrides)).status_code


def by_api(client: FlaskClient, event: Event, **overrides: Any) -> int:
    body = {
        "name": "Marie Curie",
        "email": "marie@radium-institute.example",
        "company": "Radium Institute SA",
        "country": "FR",
        "answers": {"dietary": "vegetarian"},
        "consent": True,
    } | overrides
    return client.post(f"/api/v1/events/{event.slug}/registrations", json=body).status_code


def mail_queued() -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id))) or 0


def test_public_registration_is_rate_limited(client: FlaskClient, event: Event) -> None:
    statuses = [by_form(client, event, email=f"p{n}@x{n}.example") for n in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_the_form_and_the_api_share_one_limit_per_client_address(
    client: FlaskClient, event: Event
) -> None:
    statuses = [
        by_form(client, event, email="a@one.example"),
        by_api(client, event, email="b@two.example"),
        by_form(client, event, email="c@three.example"),
        by_api(client, event, email="d@four.example"),
    ]
    assert statuses == [200, 202, 200, 429]
    assert mail_queued() == 3


def test_one_recipient_domain_is_limited_whoever_sends(client: FlaskClient, event: Event) -> None:
    statuses = []
    for number in range(5):
        client.environ_base["REMOTE_ADDR"] = f"198.51.100.{number}"
        door = by_form if number % 2 else by_api
        statuses.append(door(client, event, email=f"victim+{number}@mailbox.example"))
    assert statuses == [202, 200, 202, 200, 429]
    assert mail_queued() == 4


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", SPAM_NAME),
        ("name", "Pay now: www.evil.example"),
        ("company", "Write to billing@evil.example"),
        ("company", "evil.example/pay"),
    ],
)
def test_names_with_links_or_addresses_are_refused_at_both_doors(
    client: FlaskClient, event: Event, field: str, value: str
) -> None:
    response = submit_form(client, f"/events/{event.slug}/register", form_data(**{field: value}))
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    assert "cannot contain web or mail addresses" in response.text
    api = client.post(
        f"/api/v1/events/{event.slug}/registrations",
        json={
            "name": "Marie Curie",
            "email": "marie@radium-institute.example",
            "company": "Radium Institute SA",
            "country": "FR",
            "answers": {"dietary": "vegetarian"},
            "consent": True,
        }
        | {field: value},
    )
    assert api.status_code == 422
    assert field in api.json["errors"]["json"]
    assert "link_in_name" in api.json["codes"]
    assert mail_queued() == 0


def test_company_names_with_dots_are_still_welcome(client: FlaskClient, event: Event) -> None:
    assert by_form(client, event, company="Booking.com B.V. & Co. KG") == 200


def test_beyond_the_hourly_cap_new_public_registrations_are_refused(
    client: FlaskClient, event: Event
) -> None:
    event.public_registrations_per_hour = 2
    db.session.commit()
    assert by_form(client, event, email="a@one.example") == 200
    assert by_api(client, event, email="b@two.example") == 202
    refused = submit_form(
        client, f"/events/{event.slug}/register", form_data(email="c@three.example")
    )
    assert refused.status_code == 422
    assert "Many registrations have arrived for this event in the last hour" in refused.text
    client.environ_base["REMOTE_ADDR"] = "198.51.100.9"  # beyond this address's own limit
    assert by_api(client, event, email="d@four.example") == 409
    assert mail_queued() == 2
