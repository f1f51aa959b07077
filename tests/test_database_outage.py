"""The database server goes away and comes back (a TCP proxy in front of PostgreSQL is cut)."""

import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy import func, select

from crm import create_app
from crm.auth.models import User
from crm.events.models import Event, Registration
from crm.extensions import db
from crm.leads.models import Company
from crm.loop import Worker
from crm.mail.dispatch import dispatch_due
from crm.mail.models import OutboxMessage, OutboxStatus
from tests.conftest import TEST_PASSWORD, DatabaseProxy
from tests.helpers import submit_form

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)

Proxy = tuple[DatabaseProxy, str]


@pytest.fixture
def proxied_app(app: Flask, app_config: dict[str, Any], database_proxy: Proxy) -> Iterator[Flask]:
    """The application reaching its database through the proxy (``app`` made the tables and
    is the test's own direct view of the database)."""
    application = create_app(app_config | {"DATABASE_URL": database_proxy[1]})
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def open_event(create_event: Callable[..., Event]) -> Event:
    return create_event(questions=[])


def registration(email: str = "jane@nordlicht-isotopes.example") -> dict[str, Any]:
    return {
        "name": "Jane Doe",
        "email": email,
        "company": "Nordlicht Isotopes AB",
        "country": "SE",
        "language": "en",
        "consent": True,
    }


def test_pages_and_the_api_answer_503_while_the_database_is_gone_and_200_once_it_is_back(
    proxied_app: Flask, database_proxy: Proxy, open_event: Event
) -> None:
    proxy, _ = database_proxy
    client = proxied_app.test_client()
    register = f"/api/v1/events/{open_event.slug}/registrations"
    assert client.get("/events/").status_code == 200

    proxy.cut()
    page = client.get("/events/")
    german = client.get(f"/events/{open_event.slug}", headers={"Accept-Language": "de"})
    api = client.post(register, json=registration())
    proxy.restore()

    assert (page.status_code, page.headers["Retry-After"]) == (503, "30")
    assert "The service is briefly unavailable" in page.text
    assert german.status_code == 503
    assert "Der Dienst ist kurz nicht erreichbar" in german.text
    assert (api.status_code, api.content_type) == (503, "application/problem+json")
    assert int(api.headers["Retry-After"]) >= 30  # the rate limiter may name its own, later
    assert api.json["detail"].startswith("The service is briefly unavailable")
    assert client.get("/events/").status_code == 200
    assert client.post(register, json=registration()).status_code == 202


def test_a_signed_in_staff_member_gets_the_503_page_too(
    proxied_app: Flask, database_proxy: Proxy, staff_user: User
) -> None:
    proxy, _ = database_proxy
    client = proxied_app.test_client()
    signed_in = submit_form(
        client, "/login", {"email": staff_user.email, "password": TEST_PASSWORD}
    )
    assert signed_in.status_code == 302

    proxy.cut()
    page = client.get("/leads/")
    proxy.restore()

    assert page.status_code == 503
    assert "briefly unavailable" in page.text
    assert client.get("/leads/").status_code == 200


def test_a_registration_cut_off_midway_leaves_nothing_behind(
    app: Flask, proxied_app: Flask, database_proxy: Proxy, open_event: Event
) -> None:
    proxy, _ = database_proxy
    with proxied_app.app_context():
        engine = db.engine

    def cut_after_the_registration(*args: Any) -> None:
        if args[2].startswith("INSERT INTO registrations"):
            proxy.cut()

    sqlalchemy_event.listen(engine, "after_cursor_execute", cut_after_the_registration)
    response = proxied_app.test_client().post(
        f"/api/v1/events/{open_event.slug}/registrations", json=registration()
    )
    sqlalchemy_event.remove(engine, "after_cursor_execute", cut_after_the_registration)
    proxy.restore()

    assert response.status_code == 503
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert db.session.scalar(select(Company).where(Company.name.contains("Nordlicht"))) is None


def test_a_commit_that_cannot_reach_the_database_answers_503_too(
    app: Flask, app_config: dict[str, Any], database_proxy: Proxy, open_event: Event
) -> None:
    proxy, url = database_proxy
    serving = create_app(app_config | {"DATABASE_URL": url, "PROPAGATE_EXCEPTIONS": False})
    with serving.app_context():
        engine = db.engine
    sqlalchemy_event.listen(engine, "commit", lambda connection: proxy.cut())

    response = serving.test_client().post(
        f"/api/v1/events/{open_event.slug}/registrations", json=registration()
    )
    proxy.restore()
    with serving.app_context():
        db.engine.dispose()

    assert (response.status_code, response.content_type) == (503, "application/problem+json")
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0


def test_the_worker_waits_out_an_outage_and_then_sends(
    proxied_app: Flask,
    database_proxy: Proxy,
    create_message: Callable[..., OutboxMessage],
    caplog: pytest.LogCaptureFixture,
) -> None:
    proxy, _ = database_proxy
    message = create_message()
    proxy.cut()

    with proxied_app.app_context(), caplog.at_level(logging.INFO, logger="crm.worker"):
        worker = Worker(steps=[dispatch_due], interval_seconds=0)
        worker.run_pass()
        proxy.restore()
        worker.run_pass()
        db.session.remove()

    assert worker.passes == 2
    assert "dispatch_due: the database is unreachable" in caplog.text
    db.session.refresh(message)
    assert message.status is OutboxStatus.sent
