import secrets
import sys

import click
from flask.cli import with_appcontext

from crm.auth.models import Role
from crm.auth.services import create_user, has_admin
from crm.refusals import Refusals
from crm.unit_of_work import unit_of_work


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
@unit_of_work
def create(email: str, name: str, role: str, password_stdin: bool) -> None:
    """Create a staff account; the password is asked for, never given as an argument."""
    if password_stdin or not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(email, name, Role[role], password)
    except Refusals as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Created {user.role.name} {user.email}.")


@users.command("bootstrap")
@click.option("--email", default="admin@example.org", show_default=True)
@with_appcontext
@unit_of_work
def bootstrap(email: str) -> None:
    """Create a first admin with a generated password, unless an admin exists already."""
    if has_admin():
        click.echo("An admin account exists already; log in with it.")
        return
    password = secrets.token_urlsafe(12)
    user = create_user(email, "Administrator", Role.admin, password)
    click.echo(f"Created the first admin: {user.email} / password {password}")
    click.echo("Change it soon: this is the only time it is shown.")
