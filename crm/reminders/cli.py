import click
from flask.cli import with_appcontext

from crm.cli import parse_instant
from crm.reminders.services import due_reminders, queue_due_reminders
from crm.unit_of_work import unit_of_work


@click.group("reminders")
def reminders() -> None:
    """Reminder mails before events."""


@reminders.command("send")
@click.option("--now", "now_text", help="Act as if it were this instant (ISO 8601 with offset).")
@click.option("--dry-run", is_flag=True, help="List the due reminders without queueing them.")
@with_appcontext
@unit_of_work
def send(now_text: str | None, dry_run: bool) -> None:
    """Queue every reminder that is due for confirmed registrations."""
    now = parse_instant(now_text)
    found = due_reminders(now) if dry_run else queue_due_reminders(now)
    for reminder in found:
        click.echo(str(reminder))
    click.echo(f"{len(found)} reminders {'due' if dry_run else 'queued'}.")
