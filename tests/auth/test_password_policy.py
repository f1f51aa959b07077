"""The one password rule: long enough, not the address's name, not a common password; the same at
every door that sets a password (the command line, the admin form, one's own change, the reset)."""

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from crm.auth.models import Role, User
from crm.auth.services import common_passwords, password_refusal
from crm.extensions import db
from crm.mail.models import OutboxMessage
from crm.password_reset.services import request_reset
from tests.conftest import TEST_PASSWORD
from tests.helpers import csrf_token, submit_form

ADDRESS = "katrin.vogel@wfs.example"


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("short", "password_length"),
        ("Katrin.Vogel-2026", "password_contains_email"),
        ("my vogel house", "password_contains_email"),
        ("Password123!", "password_common"),
        ("1q2w3e4r5t", "password_common"),
        ("!!Passwort2026", "password_common"),
        ("qwertzuiop", "password_common"),
    ],
)
def test_weak_passwords_are_refused(password: str, code: str) -> None:
    refusal = password_refusal(password, ADDRESS)
    assert refusal is not None and refusal.code == code


@pytest.mark.parametrize("password", [TEST_PASSWORD, "dragon-horse-9x", "password with words"])
def test_long_uncommon_passwords_pass(password: str) -> None:
    assert password_refusal(password, ADDRESS) is None


def test_the_list_is_read_in_lower_case_without_its_notes() -> None:
    assert "password" in common_passwords()
    assert all(entry == entry.lower() and not entry.startswith("#") for entry in common_passwords())


def users_count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(User.id))) or 0


def test_the_command_line_refuses_a_common_password(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["users", "create", "--email", ADDRESS, "--name", "Katrin"], input="password123\n"
    )
    assert result.exit_code == 1
    assert "most common" in result.output
    assert users_count() == 0


def test_the_admin_form_refuses_a_password_with_the_address_in_it(
    client: FlaskClient, login: Callable[[User], None], create_user: Callable[..., User]
) -> None:
    login(create_user(Role.admin))
    before = users_count()
    response = submit_form(
        client,
        "/admin/users/",
        {"email": ADDRESS, "name": "Katrin", "role": "staff", "password": "katrin-is-here"},
    )
    assert response.status_code == 422
    assert "must not contain the name of the email address" in response.text
    assert users_count() == before


def test_ones_own_change_refuses_a_common_password(
    staff_client: FlaskClient, staff_user: User
) -> None:
    before = staff_user.password_hash
    response = submit_form(
        staff_client,
        "/account/password",
        {"current_password": TEST_PASSWORD, "new_password": "Qwerty123456"},
        form_page="/account",
    )
    assert response.status_code == 422
    assert "most common" in response.text
    db.session.rollback()
    assert db.session.get_one(User, staff_user.id).password_hash == before


def test_the_reset_link_refuses_a_common_password(
    app: Flask, client: FlaskClient, staff_user: User
) -> None:
    request_reset(staff_user.email)
    db.session.commit()
    body = db.session.scalars(select(OutboxMessage.text_body)).one()
    link = body.split("http://localhost", 1)[1].split()[0]
    before = staff_user.password_hash
    token = csrf_token(client.get(link).text)

    response = client.post(link, data={"csrf_token": token, "password": "iloveyou123"})

    assert response.status_code == 422
    assert "most common" in response.text
    db.session.rollback()
    assert db.session.get_one(User, staff_user.id).password_hash == before
