import click
from flask.cli import with_appcontext

from crm.loop import Worker
from crm.mail.dispatch import dispatch_due


@click.group("mail")
def mail() -> None:
    """Send the outbox."""


@mail.command("dispatch")
@click.option("--once", is_flag=True, help="Send what is due now and exit.")
@with_appcontext
def dispatch(once: bool) -> None:
    """Claim due outbox messages and send them; without --once keep doing so until SIGTERM."""
    Worker(steps=[dispatch_due]).run_until_stopped(once=once)
