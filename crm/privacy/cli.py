import json

import click
from flask.cli import with_appcontext

from crm.privacy.services import erase_person, personal_data
from crm.unit_of_work import unit_of_work


@click.group()
def privacy() -> None:
    """Data-protection requests: export or erase a person's data."""


@privacy.command("export")
@click.argument("email")
@with_appcontext
def export(email: str) -> None:
    """Print everything stored about EMAIL as JSON."""
    click.echo(json.dumps(personal_data(email), indent=2, ensure_ascii=False))


@privacy.command("erase")
@click.argument("email")
@click.confirmation_option(prompt="Erase this person's data for good?")
@with_appcontext
@unit_of_work
def erase(email: str) -> None:
    """Delete or anonymise everything stored about EMAIL."""
    report = erase_person(email)
    click.echo(
        f"{report.contacts_deleted} contacts deleted, {report.registrations_anonymised} "
        f"registrations anonymised, {report.messages_scrubbed} mails scrubbed, "
        f"{report.activities_scrubbed} timeline entries scrubbed."
    )
