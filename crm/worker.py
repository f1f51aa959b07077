"""The long-running worker: queues reminders and digests, sends the outbox, pass after pass.

SIGTERM (and Ctrl-C) let the current pass finish and end the loop; a row being sent when the
process is killed outright is claimed again after MAIL_CLAIM_TIMEOUT_SECONDS. What a pass did
is logged at INFO, an idle pass only at DEBUG, a failed step with its traceback at ERROR.
"""

import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType

import click
from flask import current_app
from flask.cli import with_appcontext

from crm.extensions import db
from crm.leads.digest import queue_due_digests_now
from crm.mail.dispatch import dispatch_due
from crm.reminders.services import queue_due_reminders_now

Step = Callable[[], object]
"""A unit of work; its outcome is falsy when there was nothing to do, else a summary."""

log = logging.getLogger(__name__)


def log_to_stderr() -> None:
    """Timestamped INFO lines on standard error for the long-running commands."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


class Worker:
    def __init__(self, steps: list[Step], interval_seconds: float | None = None) -> None:
        self.steps = steps
        self.interval_seconds = (
            interval_seconds
            if interval_seconds is not None
            else current_app.config["WORKER_INTERVAL_SECONDS"]
        )
        self.stopping = threading.Event()
        self.passes = 0

    def install_signal_handlers(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)

    def stop(self, signum: int | None = None, frame: FrameType | None = None) -> None:
        self.stopping.set()

    def run_pass(self) -> None:
        """Run every step once; a step that fails is rolled back and logged, the others run."""
        for step in self.steps:
            try:
                outcome = step()
            except Exception:
                db.session.rollback()
                log.exception("%s failed", step.__name__)
            else:
                if outcome:
                    log.info("%s: %s", step.__name__, outcome)
                else:
                    log.debug("%s: nothing to do", step.__name__)
        self.passes += 1

    def run(self, *, once: bool = False) -> None:
        """Pass after pass until stopped; the first pass runs even if a stop is already asked."""
        while True:
            self.run_pass()
            if once or self.stopping.wait(self.interval_seconds):
                return


@click.command("worker")
@click.option("--once", is_flag=True, help="Run one pass and exit.")
@with_appcontext
def worker(once: bool) -> None:
    """Queue due reminders and staff digests and send the outbox until SIGTERM."""
    log_to_stderr()
    running = Worker(steps=[queue_due_reminders_now, queue_due_digests_now, dispatch_due])
    if not once:
        running.install_signal_handlers()
    log.info("worker started: a pass every %s s", running.interval_seconds)
    running.run(once=once)
