"""Language and time zone of a request, and the one way pages show a moment.

The language: ``?lang=``, then the visitor's choice, then the browser. The time zone: the
logged-in staff member's own, else the office's (``BABEL_DEFAULT_TIMEZONE``).
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app, request, session
from flask_babel import format_datetime, get_timezone, refresh
from flask_login import current_user


def forget_cached_locale() -> None:
    """Flask-Babel caches the locale per application context; decide afresh for each request."""
    refresh()


def select_locale() -> str | None:
    languages: list[str] = current_app.config["LANGUAGES"]
    asked = request.args.get("lang")
    if asked in languages:
        session["lang"] = asked
        return asked
    remembered = session.get("lang")
    if remembered in languages:
        return str(remembered)
    return request.accept_languages.best_match(languages)


def select_timezone() -> str | None:
    if current_user and current_user.is_authenticated:
        return str(current_user.timezone)
    return None  # Flask-Babel falls back to BABEL_DEFAULT_TIMEZONE


def moment(value: datetime) -> str:
    """A stored UTC moment as the reader's local date and time with its zone."""
    return str(format_datetime(value, "yyyy-MM-dd HH:mm zzz"))


def from_reader_time(local: datetime) -> datetime:
    """A wall-clock time entered by the reader (no zone) as a moment in the reader's zone."""
    return local.replace(tzinfo=ZoneInfo(str(get_timezone())))
