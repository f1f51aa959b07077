import secrets
import sys

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from crm.auth.models import Role, User
from crm.auth.services import UserError, create_user
from crm.extensions import db


@click.group()
def users() -> None:
    """Manage staff accounts."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([role.name for role in Role]), default="staff")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from standard input, do not ask.",
)
@with_appcontext
def create(email: str, name: str, role: str, password_stdin: bool) -> None:
    """Create a staff account; the password is asked for, never given as an argument."""
    if password_stdin or not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(email, name, Role[role], password)
    except UserError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created {user.role.name} {user.email}.")


@users.command("bootstrap")
@click.option("--email", default="admin@example.org", show_default=True)
@with_appcontext
def bootstrap(email: str) -> None:
    """Create a first admin with a generated password, unless an admin exists already."""
    if db.session.scalar(select(User).where(User.role == Role.admin)):
        click.echo("An admin account exists already; log in with it.")
        return
    password = secrets.token_urlsafe(12)
    user = create_user(email, "Administrator", Role.admin, password)
    db.session.commit()
    click.echo(f"Created the first admin: {user.email} / password {password}")
    click.echo("Change it soon: this is the only time it is shown.")
