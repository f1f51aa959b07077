"""The ``worker`` command: queues due reminders and staff digests and sends the outbox, pass
after pass, until SIGTERM (crm.loop runs the passes)."""

import click
from flask.cli import with_appcontext

from crm.leads.digest import queue_due_digests_now
from crm.loop import Worker
from crm.mail.dispatch import dispatch_due
from crm.reminders.services import queue_due_reminders_now


@click.command("worker")
@click.option("--once", is_flag=True, help="Run one pass and exit.")
@with_appcontext
def worker(once: bool) -> None:
    """Queue due reminders and staff digests and send the outbox until SIGTERM."""
    Worker(steps=[queue_due_reminders_now, queue_due_digests_now, dispatch_due]).run_until_stopped(
        once=once
    )
