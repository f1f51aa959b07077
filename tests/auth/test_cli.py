from flask import Flask
from sqlalchemy import select

from crm.auth.models import Role, User
from crm.auth.passwords import verify_password
from crm.extensions import db


def test_users_create_reads_the_password_from_stdin(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["users", "create", "--email", "Ada@WFS.example", "--name", "Ada", "--role", "admin"],
        input="a-long-password\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "ada@wfs.example"))
    assert user is not None and user.role is Role.admin
    assert verify_password(user.password_hash, "a-long-password")
    assert "a-long-password" not in result.output


def test_users_create_has_no_password_option(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["users", "create", "--email", "a@wfs.example", "--name", "A", "--password", "x"],
    )
    assert result.exit_code != 0
    assert "No such option" in result.output


def test_users_create_refuses_a_short_password(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["users", "create", "--email", "a@wfs.example", "--name", "A"], input="short\n"
    )
    assert result.exit_code == 1
    assert "at least" in result.output
    assert db.session.scalar(select(User)) is None


def test_bootstrap_creates_one_first_admin_and_shows_its_password_once(app: Flask) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["users", "bootstrap", "--email", "boss@wfs.example"])
    assert first.exit_code == 0, first.output
    password = first.output.split("password ")[1].split()[0]
    admin = db.session.scalar(select(User).where(User.email == "boss@wfs.example"))
    assert admin is not None and admin.role is Role.admin
    assert verify_password(admin.password_hash, password)
    second = runner.invoke(args=["users", "bootstrap"])
    assert "exists already" in second.output
    assert len(db.session.scalars(select(User)).all()) == 1
