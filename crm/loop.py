"""Background work done pass after pass until SIGTERM: the worker and the mail dispatcher.

Each step is a unit of work of its own: committed when it returns, rolled back and logged when it
fails, while the other steps still run. What a pass did is logged at INFO, an idle pass only at
DEBUG, a failed step with its traceback at ERROR, a step the database could not be reached for
at WARNING: the next pass tries again, so an outage costs a delay, nothing else.
"""

import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType

from flask import current_app

from crm.db import is_unreachable
from crm.extensions import db

Step = Callable[[], object]
"""A unit of work; its outcome is falsy when there was nothing to do, else a summary."""

log = logging.getLogger("crm.worker")


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
        """Run every step once, each committed on its own; a failed one is rolled back."""
        for step in self.steps:
            try:
                outcome = step()
                db.session.commit()
            except Exception as error:
                db.session.rollback()
                if is_unreachable(error):
                    log.warning(
                        "%s: the database is unreachable, trying again in %s s (%s)",
                        step.__name__,
                        self.interval_seconds,
                        error.__cause__ or error,
                    )
                else:
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

    def run_until_stopped(self, *, once: bool = False) -> None:
        """The long-running command: logs to stderr and stops cleanly on SIGTERM or Ctrl-C."""
        log_to_stderr()
        if not once:
            self.install_signal_handlers()
        log.info("worker started: a pass every %s s", self.interval_seconds)
        self.run(once=once)
