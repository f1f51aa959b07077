"""On SQLite one dispatcher at a time: an exclusive lock on a file next to the database.

The operating system drops the lock the moment its process ends, however it ends, so the next
dispatcher knows at once that every row still marked as being sent was left by a dead one.
PostgreSQL needs no such lock: there a claim is a row lock, which dies with its connection.
"""

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from crm.extensions import db


def claims_are_row_locks() -> bool:
    """Whether a claim lives in the open transaction (PostgreSQL) rather than in a commit."""
    return db.engine.dialect.name != "sqlite"


def lock_file() -> Path | None:
    """Where the SQLite database's dispatcher lock lives; None for an in-memory database."""
    database = db.engine.url.database
    if claims_are_row_locks() or not database or database == ":memory:":
        return None
    return Path(f"{database}.dispatcher.lock")


@contextmanager
def sole_dispatcher() -> Iterator[bool]:
    """True while this process may send the outbox; False if another dispatcher holds it."""
    path = lock_file()
    if path is None:
        yield True
        return
    with path.open("a") as held:
        try:
            fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(held, fcntl.LOCK_UN)
