from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from crm.auth import services as auth_services
from crm.auth.models import Role, User
from crm.auth.routes import login_failed
from crm.extensions import db
from tests.conftest import TEST_PASSWORD
from tests.helpers import submit_form


def attempt(client: FlaskClient, email: str, password: str):
    return submit_form(client, "/login", {"email": email, "password": password})


def test_staff_log_in_and_reach_the_dashboard(client: FlaskClient, staff_user: User) -> None:
    response = attempt(client, staff_user.email, TEST_PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"
    assert staff_user.name in client.get("/dashboard").text


@pytest.fixture
def limits_off(app_config: dict[str, Any]) -> None:
    app_config["RATELIMIT_ENABLED"] = False


@pytest.mark.usefixtures("limits_off")
def test_with_the_limits_switched_off_logins_work_and_failures_are_not_counted(
    client: FlaskClient, staff_user: User
) -> None:
    for _ in range(6):
        assert attempt(client, staff_user.email, "not the password").status_code == 401
    assert attempt(client, staff_user.email, TEST_PASSWORD).status_code == 302


def test_login_accepts_the_email_in_any_case(client: FlaskClient, staff_user: User) -> None:
    assert attempt(client, staff_user.email.upper(), TEST_PASSWORD).status_code == 302


def test_a_login_without_a_password_is_sent_back_with_422(
    client: FlaskClient, staff_user: User
) -> None:
    response = attempt(client, staff_user.email, "")
    assert response.status_code == 422
    assert client.get("/dashboard").status_code == 302


def test_pages_for_staff_send_visitors_to_the_login(client: FlaskClient) -> None:
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_login_does_not_redirect_to_other_hosts(client: FlaskClient, staff_user: User) -> None:
    page = client.get("/login?next=//evil.example/")
    from tests.helpers import csrf_token

    response = client.post(
        "/login?next=//evil.example/",
        data={
            "csrf_token": csrf_token(page.text),
            "email": staff_user.email,
            "password": TEST_PASSWORD,
        },
    )
    assert response.headers["Location"] == "/dashboard"


def fail_repeatedly(app: Flask, client: FlaskClient, email: str) -> None:
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert attempt(client, email, "wrong password").status_code == 401


@pytest.mark.parametrize("case", ["wrong password", "unknown user", "throttled", "disabled"])
def test_every_failed_login_gets_the_same_message(
    app: Flask, client: FlaskClient, staff_user: User, case: str
) -> None:
    email, password = staff_user.email, TEST_PASSWORD
    if case == "wrong password":
        password = "not the password"
    elif case == "unknown user":
        email = "nobody@wfs.example"
    elif case == "throttled":
        fail_repeatedly(app, client, email)
    else:
        staff_user.is_enabled = False
        db.session.commit()
    response = attempt(client, email, password)
    assert response.status_code == 401
    assert login_failed() in response.text
    assert client.get("/dashboard").status_code == 302


@pytest.mark.parametrize("case", ["wrong password", "unknown user", "throttled", "disabled"])
def test_every_failed_login_does_the_password_hash_work(
    app: Flask,
    client: FlaskClient,
    staff_user: User,
    monkeypatch: pytest.MonkeyPatch,
    case: str,
) -> None:
    """So that the time of the answer tells nothing either."""
    email, password = staff_user.email, TEST_PASSWORD
    if case == "wrong password":
        password = "not the password"
    elif case == "unknown user":
        email = "nobody@wfs.example"
    elif case == "throttled":
        fail_repeatedly(app, client, email)
    else:
        staff_user.is_enabled = False
        db.session.commit()
    checked: list[str] = []
    real_verify = auth_services.verify_password

    def counting(password_hash: str, candidate: str) -> bool:
        checked.append(password_hash)
        return real_verify(password_hash, candidate)

    monkeypatch.setattr(auth_services, "verify_password", counting)
    assert attempt(client, email, password).status_code == 401
    assert len(checked) == 1 and checked[0].startswith("$argon2id$")


def test_repeated_failures_throttle_that_account_from_that_address(
    app: Flask, client: FlaskClient, staff_user: User
) -> None:
    fail_repeatedly(app, client, staff_user.email)
    assert attempt(client, staff_user.email, TEST_PASSWORD).status_code == 401


def test_failures_from_elsewhere_do_not_lock_the_owner_out(
    app: Flask, client: FlaskClient, staff_user: User
) -> None:
    client.environ_base["REMOTE_ADDR"] = "203.0.113.66"
    fail_repeatedly(app, client, staff_user.email)
    client.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    assert attempt(client, staff_user.email, TEST_PASSWORD).status_code == 302


def test_the_throttle_ends_after_the_lockout_time(
    app: Flask, client: FlaskClient, staff_user: User, clock: Callable[[datetime], None]
) -> None:
    start = datetime(2026, 12, 1, 9, tzinfo=UTC)
    clock(start)
    fail_repeatedly(app, client, staff_user.email)
    clock(start + timedelta(minutes=app.config["LOGIN_LOCKOUT_MINUTES"], seconds=1))
    assert attempt(client, staff_user.email, TEST_PASSWORD).status_code == 302


def test_login_is_rate_limited(app: Flask, client: FlaskClient) -> None:
    limit = int(app.config["LOGIN_RATE_LIMIT"].split()[0])
    statuses = [attempt(client, "x@wfs.example", "wrong").status_code for _ in range(limit + 1)]
    assert statuses[:limit] == [401] * limit
    assert statuses[-1] == 429


def test_a_form_without_csrf_token_is_refused(client: FlaskClient, staff_user: User) -> None:
    response = client.post("/login", data={"email": staff_user.email, "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert "The form has expired or was sent from another site" in response.text


def test_logout_needs_a_post_with_csrf(staff_client: FlaskClient) -> None:
    assert staff_client.get("/logout").status_code == 405
    assert staff_client.post("/logout").status_code == 400
    response = submit_form(staff_client, "/logout", {}, form_page="/dashboard")
    assert response.status_code == 302
    assert staff_client.get("/dashboard").status_code == 302


def test_session_cookie_is_http_only_and_same_site(client: FlaskClient, staff_user: User) -> None:
    attempt(client, staff_user.email, TEST_PASSWORD)
    cookie = client.get_cookie("session")
    assert cookie is not None
    assert cookie.http_only
    assert cookie.same_site == "Lax"


def test_passwords_are_stored_as_argon2id_hashes(staff_user: User) -> None:
    assert staff_user.password_hash.startswith("$argon2id$")
    assert TEST_PASSWORD not in staff_user.password_hash


@pytest.mark.parametrize("role", [Role.viewer, Role.staff])
def test_only_admins_may_create_accounts(
    client: FlaskClient,
    create_user: Callable[..., User],
    login: Callable[[User], None],
    role: Role,
) -> None:
    login(create_user(role))
    assert client.get("/admin/users/").status_code == 403
    response = submit_form(
        client,
        "/admin/users/",
        {"email": "new@wfs.example", "name": "New", "role": "admin", "password": "x" * 12},
        form_page="/dashboard",
    )
    assert response.status_code == 403
    assert db.session.scalar(db.select(User).where(User.email == "new@wfs.example")) is None


def test_an_admin_creates_an_account(
    client: FlaskClient, create_user: Callable[..., User], login: Callable[[User], None]
) -> None:
    login(create_user(Role.admin))
    response = submit_form(
        client,
        "/admin/users/",
        {"email": "New@WFS.example", "name": "Nora New", "role": "viewer", "password": "x" * 12},
    )
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "new@wfs.example"))
    assert user is not None and user.role is Role.viewer


def test_an_account_with_a_taken_email_is_refused_with_a_message(
    client: FlaskClient, create_user: Callable[..., User], login: Callable[[User], None]
) -> None:
    admin = create_user(Role.admin)
    login(admin)
    response = submit_form(
        client,
        "/admin/users/",
        {"email": admin.email, "name": "Twin", "role": "staff", "password": "x" * 12},
    )
    assert response.status_code == 422
    assert "exists already" in response.text
