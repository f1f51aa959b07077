"""Logging out and changing the password end sessions on the server, not only in the browser."""

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from crm.auth.models import User, UserSession
from crm.auth.passwords import verify_password
from crm.extensions import db
from tests.conftest import TEST_PASSWORD
from tests.helpers import submit_form

NEW_PASSWORD = "a much longer new secret"


def session_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def test_a_session_cookie_saved_before_logout_no_longer_logs_in(
    app: Flask, staff_client: FlaskClient
) -> None:
    saved = session_cookie(staff_client)
    submit_form(staff_client, "/logout", {}, form_page="/dashboard")
    replay = app.test_client()
    replay.set_cookie("session", saved)
    with app.app_context():  # another browser: nothing cached from this one's requests
        response = replay.get("/dashboard")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_each_login_gets_a_new_session_id(
    client: FlaskClient, staff_user: User, login: Callable[[User], None]
) -> None:
    login(staff_user)
    submit_form(client, "/logout", {}, form_page="/dashboard")
    login(staff_user)
    sessions = db.session.scalars(select(UserSession).order_by(UserSession.id)).all()
    assert len(sessions) == 2
    assert sessions[0].revoked_at is not None and sessions[1].revoked_at is None
    assert sessions[0].token_hash != sessions[1].token_hash


def change_password(client: FlaskClient, current: str, new: str):
    return submit_form(
        client,
        "/account/password",
        {"current_password": current, "new_password": new},
        form_page="/account",
    )


def test_a_password_change_logs_out_the_other_sessions_only(
    app: Flask, staff_client: FlaskClient, staff_user: User
) -> None:
    other = app.test_client()
    with app.app_context():  # a second browser: its own request globals (CSRF token)
        submit_form(other, "/login", {"email": staff_user.email, "password": TEST_PASSWORD})
        assert other.get("/dashboard").status_code == 200
    response = change_password(staff_client, TEST_PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302
    with app.app_context():
        assert other.get("/dashboard").status_code == 302
    sessions = db.session.scalars(select(UserSession).order_by(UserSession.id)).all()
    assert [session.revoked_at is None for session in sessions] == [True, False]
    db.session.refresh(staff_user)
    assert verify_password(staff_user.password_hash, NEW_PASSWORD)


def test_a_password_change_needs_the_current_password(
    app: Flask, staff_client: FlaskClient, staff_user: User
) -> None:
    before = staff_user.password_hash
    response = change_password(staff_client, "not my password", NEW_PASSWORD)
    assert response.status_code == 422
    assert "not your current password" in response.text
    db.session.refresh(staff_user)
    assert staff_user.password_hash == before


def test_a_too_short_new_password_is_refused_next_to_its_field(
    staff_client: FlaskClient, staff_user: User
) -> None:
    before = staff_user.password_hash
    response = change_password(staff_client, TEST_PASSWORD, "short")
    assert response.status_code == 422
    assert 'id="new_password-error"' in response.text
    db.session.refresh(staff_user)
    assert staff_user.password_hash == before
