from datetime import UTC, datetime

import click
from flask.cli import with_appcontext

from crm.db import utcnow
from crm.extensions import db
from crm.reminders.services import due_reminders, queue_due_reminders


def parse_instant(value: str | None) -> datetime:
    if value is None:
        return utcnow()
    try:
        instant = datetime.fromisoformat(value)
    except ValueError as error:
        raise click.BadParameter(f"{value!r} is not an ISO 8601 date and time.") from error
    if instant.tzinfo is None:
        raise click.BadParameter("give a time zone offset, e.g. 2025-10-21T07:00:00+00:00.")
    return instant.astimezone(UTC)


@click.group("reminders")
def reminders() -> None:
    """Reminder mails before events."""


@reminders.command("send")
@click.option("--now", "now_text", help="Act as if it were this instant (ISO 8601 with offset).")
@click.option("--dry-run", is_flag=True, help="List the due reminders without queueing them.")
@with_appcontext
def send(now_text: str | None, dry_run: bool) -> None:
    """Queue every reminder that is due for confirmed registrations."""
    now = parse_instant(now_text)
    found = due_reminders(now) if dry_run else queue_due_reminders(now)
    for reminder in found:
        click.echo(str(reminder))
    if not dry_run:
        db.session.commit()
    click.echo(f"{len(found)} reminders {'due' if dry_run else 'queued'}.")
