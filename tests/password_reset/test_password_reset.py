"""Forgotten passwords: a single-use, expiring link by mail; asking tells no one who has an
account."""

import email
import re
from collections.abc import Callable
from email.message import EmailMessage
from email.policy import default
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from crm.auth.models import Role, User, UserSession
from crm.auth.passwords import verify_password
from crm.extensions import db
from crm.mail.models import OutboxMessage
from crm.password_reset.models import PasswordResetToken
from tests.conftest import TEST_PASSWORD, SMTPServer
from tests.helpers import csrf_token, submit_form

NEW_PASSWORD = "a long and new secret phrase"
LINK = re.compile(r"http://localhost(/password/reset/[\w-]+)")


def ask_for_link(client: FlaskClient, address: str) -> Any:
    return submit_form(client, "/password/forgot", {"email": address})


def mailed_link(message: OutboxMessage) -> str:
    found = LINK.search(message.text_body)
    assert found, message.text_body
    return found.group(1)


def queued() -> list[OutboxMessage]:
    db.session.rollback()  # read what the requests committed
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def set_password(client: FlaskClient, link: str, password: str = NEW_PASSWORD) -> Any:
    return submit_form(client, link, {"password": password})


def stored_hash(user_id: int) -> str:
    db.session.rollback()
    return db.session.get_one(User, user_id).password_hash


def test_the_login_page_links_to_the_forgotten_password_form(client: FlaskClient) -> None:
    page = client.get("/login")
    assert 'href="/password/forgot"' in page.text
    assert client.get("/password/forgot").status_code == 200


def test_a_known_and_an_unknown_address_get_the_same_answer(
    app: Flask, client: FlaskClient, staff_user: User
) -> None:
    known = ask_for_link(client, staff_user.email)
    with app.app_context():  # another browser: nothing shared with the first one's requests
        unknown = ask_for_link(app.test_client(), "nobody@wfs.example")

    assert known.status_code == unknown.status_code == 302
    assert known.location == unknown.location == "/login"
    assert client.get("/login").text.count("If an account uses this address") == 1
    assert [message.to_email for message in queued()] == [staff_user.email]


def test_a_disabled_account_gets_no_link(
    client: FlaskClient, create_user: Callable[..., User]
) -> None:
    user = create_user(Role.staff, email="gone@wfs.example")
    user.is_enabled = False
    db.session.commit()
    assert ask_for_link(client, user.email).status_code == 302
    assert queued() == []


def test_the_link_arrives_over_smtp_and_sets_a_new_password_once(
    smtp_server: SMTPServer, app: Flask, client: FlaskClient, staff_user: User
) -> None:
    ask_for_link(client, staff_user.email)
    result = app.test_cli_runner().invoke(args=["mail", "dispatch", "--once"])
    assert result.exit_code == 0, result.output
    arrived = email.message_from_bytes(smtp_server.messages[0]["data"], policy=default)
    assert isinstance(arrived, EmailMessage)
    assert arrived["Subject"] == "Set a new password for the nukliD Lead Desk"
    assert smtp_server.messages[0]["rcpt_tos"] == [staff_user.email]
    body = arrived.get_body(preferencelist=("plain",))
    assert body is not None
    link = LINK.search(body.get_content())
    assert link is not None
    token = link.group(1).rsplit("/", 1)[1]
    assert db.session.scalar(select(PasswordResetToken.token_hash)) != token  # only the hash

    assert set_password(client, link.group(1)).location == "/login"
    assert verify_password(stored_hash(staff_user.id), NEW_PASSWORD)
    before = stored_hash(staff_user.id)
    assert client.get(link.group(1)).status_code == 404
    token_field = csrf_token(client.get("/password/forgot").text)
    again = {"csrf_token": token_field, "password": "yet another long one"}
    assert client.post(link.group(1), data=again).status_code == 404
    assert stored_hash(staff_user.id) == before


def test_a_german_speaking_account_gets_the_mail_in_german(
    client: FlaskClient, create_user: Callable[..., User]
) -> None:
    user = create_user(Role.staff, email="anna@wfs.example")
    user.language = "de"
    db.session.commit()
    ask_for_link(client, user.email)
    [message] = queued()
    assert message.language == "de"
    assert message.subject == "Neues Passwort für den nukliD Lead Desk"
    assert "Sitzungen" in message.text_body


def test_the_link_expires_after_an_hour(
    client: FlaskClient, staff_user: User, clock: Callable[[str], None]
) -> None:
    clock("2026-03-02T09:00:00+00:00")
    ask_for_link(client, staff_user.email)
    link = mailed_link(queued()[0])
    clock("2026-03-02T10:00:01+00:00")
    before = stored_hash(staff_user.id)

    assert client.get(link).status_code == 404
    assert stored_hash(staff_user.id) == before


def test_setting_the_password_ends_every_session_of_the_account(
    app: Flask, staff_client: FlaskClient, staff_user: User
) -> None:
    with app.app_context():  # another browser
        ask_for_link(app.test_client(), staff_user.email)
    link = mailed_link(queued()[0])
    assert staff_client.get("/dashboard").status_code == 200

    with app.app_context():
        set_password(app.test_client(), link)

    with app.app_context():
        assert staff_client.get("/dashboard").status_code == 302
    db.session.rollback()
    assert (
        db.session.scalar(
            select(func.count(UserSession.id)).where(UserSession.revoked_at.is_(None))
        )
        == 0
    )


def test_a_refused_password_changes_nothing_and_keeps_the_link(
    client: FlaskClient, staff_user: User
) -> None:
    ask_for_link(client, staff_user.email)
    link = mailed_link(queued()[0])
    before = stored_hash(staff_user.id)

    refused = set_password(client, link, "short")

    assert refused.status_code == 422
    assert "at least" in refused.text
    assert stored_hash(staff_user.id) == before
    assert client.get(link).status_code == 200


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    app_config["PASSWORD_RESET_RATE_LIMIT"] = "2 per minute"
    return app_config


def test_asking_for_links_is_rate_limited(client: FlaskClient, staff_user: User) -> None:
    for _ in range(2):
        assert ask_for_link(client, staff_user.email).status_code == 302
    assert ask_for_link(client, staff_user.email).status_code == 429
    assert len(queued()) == 2


def test_the_old_password_no_longer_logs_in(
    client: FlaskClient, staff_user: User, login: Callable[..., None]
) -> None:
    ask_for_link(client, staff_user.email)
    set_password(client, mailed_link(queued()[0]))
    response = submit_form(client, "/login", {"email": staff_user.email, "password": TEST_PASSWORD})
    assert response.status_code == 401
