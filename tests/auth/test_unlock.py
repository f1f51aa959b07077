"""An admin unlocks an account throttled after failed logins, at every address at once."""

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from crm.auth.models import Role, User
from crm.extensions import db
from tests.auth.test_login import attempt, fail_repeatedly
from tests.conftest import TEST_PASSWORD
from tests.helpers import submit_form

ADDRESSES = ("203.0.113.66", "198.51.100.7")


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """Room for the failures of several rounds; the per-address rate is tested on its own."""
    return app_config | {"LOGIN_RATE_LIMIT": "100 per minute"}


def throttled_everywhere(app: Flask, email: str) -> list[FlaskClient]:
    clients = []
    for address in ADDRESSES:
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        with app.app_context():
            fail_repeatedly(app, client, email)
            assert attempt(client, email, TEST_PASSWORD).status_code == 401
        clients.append(client)
    return clients


def unlock_as(client: FlaskClient, user: User) -> Any:
    return submit_form(client, f"/admin/users/{user.id}/unlock", {}, form_page="/admin/users/")


def test_an_admin_unlocks_a_throttled_account_at_every_address(
    app: Flask, create_user: Callable[..., User], login: Callable[[User], None], client: FlaskClient
) -> None:
    locked = create_user(Role.staff)
    login(create_user(Role.admin))
    elsewhere = throttled_everywhere(app, locked.email)

    response = unlock_as(client, locked)

    assert response.status_code == 302
    assert f"{locked.email} can log in again" in client.get("/admin/users/").text
    for other in elsewhere:
        with app.app_context():
            assert attempt(other, locked.email, TEST_PASSWORD).status_code == 302


def test_staff_cannot_unlock_and_the_account_stays_throttled(
    app: Flask, create_user: Callable[..., User], login: Callable[[User], None], client: FlaskClient
) -> None:
    locked = create_user(Role.staff)
    login(create_user(Role.staff))
    [first, _] = throttled_everywhere(app, locked.email)

    assert (
        submit_form(
            client, f"/admin/users/{locked.id}/unlock", {}, form_page="/dashboard"
        ).status_code
        == 403
    )

    db.session.rollback()
    assert db.session.get_one(User, locked.id).login_unlocks == 0
    with app.app_context():
        assert attempt(first, locked.email, TEST_PASSWORD).status_code == 401


def test_failures_after_an_unlock_throttle_again(
    app: Flask, create_user: Callable[..., User], login: Callable[[User], None], client: FlaskClient
) -> None:
    locked = create_user(Role.staff)
    login(create_user(Role.admin))
    [first, _] = throttled_everywhere(app, locked.email)
    unlock_as(client, locked)
    with app.app_context():
        fail_repeatedly(app, first, locked.email)
        assert attempt(first, locked.email, TEST_PASSWORD).status_code == 401
