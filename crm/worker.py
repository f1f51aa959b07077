"""The ``worker`` command: queues due reminders and staff digests, frees sites whose
reservations ran out, anonymises registrations whose retention period is over and sends the
outbox, pass after pass, until SIGTERM (crm.loop runs the passes)."""

import click
from flask.cli import with_appcontext

from crm.audit.actor import WORKER, acting_as
from crm.events.retention import apply_retention_now
from crm.leads.digest import queue_due_digests_now
from crm.loop import Step, Worker
from crm.mail.dispatch import dispatch_due
from crm.reminders.services import queue_due_reminders_now
from crm.sites.services import expire_reservations_now


@click.command("worker")
@click.option("--once", is_flag=True, help="Run one pass and exit.")
@with_appcontext
def worker(once: bool) -> None:
    """Queue due reminders and digests, free expired reservations, anonymise registrations past
    their retention period, send the outbox until SIGTERM."""
    steps: list[Step] = [
        queue_due_reminders_now,
        queue_due_digests_now,
        expire_reservations_now,
        apply_retention_now,
        dispatch_due,
    ]
    with acting_as(WORKER):
        Worker(steps=steps).run_until_stopped(once=once)
