import json

import click
from flask.cli import with_appcontext

from crm.cli import parse_instant
from crm.events.retention import apply_retention, retention_due
from crm.privacy.services import erase_person, personal_data
from crm.unit_of_work import unit_of_work


@click.group()
def privacy() -> None:
    """Data-protection requests (export or erase a person's data) and retention."""


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
        f"registrations anonymised, {report.consents_deleted} consents deleted, "
        f"{report.messages_scrubbed} mails scrubbed, "
        f"{report.activities_scrubbed} timeline entries scrubbed."
    )


@privacy.command("retention")
@click.option("--now", "now_text", help="Act as if it were this instant (ISO 8601 with offset).")
@click.option("--dry-run", is_flag=True, help="Show what would be anonymised, change nothing.")
@with_appcontext
@unit_of_work
def retention(now_text: str | None, dry_run: bool) -> None:
    """Anonymise the registrations of events whose retention period is over, except what a
    consent keeps (what the worker does on every pass)."""
    now = parse_instant(now_text)
    plans = retention_due(now) if dry_run else apply_retention(now)
    for plan in plans:
        click.echo(str(plan))
    count = sum(len(plan.to_anonymise) for plan in plans)
    click.echo(f"{count} registrations {'to anonymise' if dry_run else 'anonymised'}.")
