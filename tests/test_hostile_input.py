"""The probe's hostile requests get a 4xx answer, never a 500."""

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from crm.auth.models import User
from crm.events.models import Event, Registration
from crm.extensions import db
from tests.conftest import TEST_PASSWORD
from tests.helpers import csrf_token


def registration_url(event: Event) -> str:
    return f"/api/v1/events/{event.slug}/registrations"


def registrations() -> int:
    return db.session.scalar(select(func.count(Registration.id))) or 0


@pytest.mark.parametrize(
    "body",
    [
        '{"name": ' + "[" * 1000 + "]" * 1000 + "}",
        '{"name": "Ann", "answers": ' + '{"a": ' * 500 + "1" + "}" * 501,
        '{"name": "Ann", "email": ' + "9" * 5000 + "}",
        '{"name": "Ann", "capacity": 1e999}',
        '{"name": NaN}',
    ],
    ids=["nested arrays", "nested objects", "huge integer", "infinite number", "NaN"],
)
def test_hostile_json_is_a_400_naming_why(client: FlaskClient, event: Event, body: str) -> None:
    response = client.post(registration_url(event), data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.content_type == "application/problem+json"
    assert "Invalid JSON body" in response.json["errors"]["json"][0]
    assert registrations() == 0


def test_a_body_beyond_the_size_limit_is_a_413_problem(
    app: Flask, client: FlaskClient, event: Event
) -> None:
    body = '{"name": "' + "x" * (app.config["MAX_CONTENT_LENGTH"] + 1) + '"}'
    response = client.post(registration_url(event), data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.content_type == "application/problem+json"
    assert registrations() == 0


def test_a_form_beyond_the_size_limit_is_a_413(
    app: Flask, client: FlaskClient, event: Event
) -> None:
    response = client.post(
        f"/events/{event.slug}/register",
        data={"name": "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)},
    )
    assert response.status_code == 413
    assert registrations() == 0


@pytest.mark.parametrize("target", ["/%0aX", "/dash%0d%0aboard", "/%09/evil.example", "/\\evil"])
def test_a_next_with_control_characters_or_backslashes_is_dropped(
    client: FlaskClient, staff_user: User, target: str
) -> None:
    page = client.get("/login")
    response = client.post(
        f"/login?next={target}",
        data={
            "csrf_token": csrf_token(page.text),
            "email": staff_user.email,
            "password": TEST_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"


@pytest.mark.parametrize("argument", ["_method=POST", "_external=1", "_anchor=x", "_scheme=ftp"])
def test_query_arguments_named_like_url_building_options_are_harmless(
    staff_client: FlaskClient, event: Event, argument: str
) -> None:
    response = staff_client.get(f"/staff/events/{event.id}?{argument}")
    assert response.status_code == 200
    assert f'href="/staff/events/{event.id}/attendees.csv"' in response.text


def test_the_attendee_export_link_keeps_the_chosen_filters(
    staff_client: FlaskClient, event: Event
) -> None:
    page = staff_client.get(f"/staff/events/{event.id}?status=confirmed&_method=POST").text
    assert f'href="/staff/events/{event.id}/attendees.csv?status=confirmed"' in page


def test_api_page_links_ignore_url_building_options(
    client: FlaskClient, token_headers: Callable[..., dict[str, str]]
) -> None:
    response = client.get("/api/v1/companies?_method=POST&_external=1", headers=token_headers())
    assert response.status_code == 200
    assert response.json["links"]["self"].startswith("/api/v1/companies?")
    assert "_external=1" in response.json["links"]["self"]
