import click
from flask.cli import with_appcontext

from crm.mail.dispatch import dispatch_due
from crm.worker import Worker, log_to_stderr


@click.group("mail")
def mail() -> None:
    """Send the outbox."""


@mail.command("dispatch")
@click.option("--once", is_flag=True, help="Send what is due now and exit.")
@with_appcontext
def dispatch(once: bool) -> None:
    """Claim due outbox messages and send them; without --once keep doing so until SIGTERM."""
    log_to_stderr()
    worker = Worker(steps=[dispatch_due])
    if not once:
        worker.install_signal_handlers()
    worker.run(once=once)
