"""Behind a reverse proxy, failed logins still count per client, not per proxy."""

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from crm.auth.models import User
from tests.conftest import TEST_PASSWORD
from tests.helpers import submit_form


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return app_config | {"TRUSTED_PROXIES": 1}


def attempt_from(client: FlaskClient, address: str, email: str, password: str) -> int:
    client.environ_base["HTTP_X_FORWARDED_FOR"] = address
    return submit_form(client, "/login", {"email": email, "password": password}).status_code


def test_an_attacker_behind_the_same_proxy_does_not_lock_the_owner_out(
    app: Flask, client: FlaskClient, staff_user: User
) -> None:
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert attempt_from(client, "203.0.113.66", staff_user.email, "wrong password") == 401
    assert attempt_from(client, "203.0.113.66", staff_user.email, TEST_PASSWORD) == 401
    assert attempt_from(client, "198.51.100.7", staff_user.email, TEST_PASSWORD) == 302
