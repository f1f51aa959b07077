"""One transaction per request, CLI command and worker step, committed in one place.

Services only flush. A request that answers below 400 is committed after its view has run; any
other answer, any exception, and any refusal a view showed (``refused()``, called by
``crm.forms``) roll everything back, so a refused or failed request leaves nothing half-done and
the mail it would have queued is never sent.
CLI commands get the same through ``@unit_of_work``; the worker commits after each step.
"""

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import Flask, Response, g

from crm.extensions import db

P = ParamSpec("P")
R = TypeVar("R")


def refused() -> None:
    """A refusal was shown to the person: whatever the answer, nothing of this request stays."""
    g.refused = True


def finish_request(response: Response) -> Response:
    if response.status_code < 400 and not g.get("refused"):
        db.session.commit()
    else:
        db.session.rollback()
    return response


def roll_back_on_error(error: BaseException | None) -> None:
    if error is not None:
        db.session.rollback()


def start_request() -> None:
    """Each request starts with no refusal shown."""
    g.pop("refused", None)


def install(app: Flask) -> None:
    app.before_request(start_request)
    app.after_request(finish_request)
    app.teardown_request(roll_back_on_error)


def unit_of_work(command: Callable[P, R]) -> Callable[P, R]:
    """Commit what a CLI command did when it ends normally; roll back when it fails."""

    @wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            outcome = command(*args, **kwargs)
        except BaseException:
            db.session.rollback()
            raise
        db.session.commit()
        return outcome

    return run
