"""What the command-line tools share: reading an instant given on the command line."""

from datetime import UTC, datetime

import click

from crm.db import utcnow


def parse_instant(value: str | None) -> datetime:
    """``--now``: an ISO 8601 instant with its offset, or the present when not given."""
    if value is None:
        return utcnow()
    try:
        instant = datetime.fromisoformat(value)
    except ValueError as error:
        raise click.BadParameter(f"{value!r} is not an ISO 8601 date and time.") from error
    if instant.tzinfo is None:
        raise click.BadParameter("give a time zone offset, e.g. 2025-10-21T07:00:00+00:00.")
    return instant.astimezone(UTC)
