"""Language and time zone of a request, and the one way pages and mail show dates, times,
numbers and amounts.

The language: ``?lang=`` (remembered in a cookie), then the logged-in staff member's own, then
the visitor's remembered choice, then the browser's ``Accept-Language``, then English. Mail is
written in its recipient's language (``flask_babel.force_locale``). The time zone: the logged-in
staff member's own, else the office's (``BABEL_DEFAULT_TIMEZONE``).
"""

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from babel import dates, numbers
from flask import Flask, Response, current_app, has_request_context, request
from flask_babel import LazyString, get_locale, get_timezone, gettext, refresh
from flask_login import current_user

LANGUAGE_COOKIE = "lang"
LANGUAGE_COOKIE_DAYS = 365
# The region whose conventions each language writes dates and numbers in: British English has
# the day before the month and a 24-hour clock, as the cluster writes dates.
FORMATTING_LOCALES = {"en": "en_GB", "de": "de_DE"}
MOMENT_PATTERNS = {"en": "yyyy-MM-dd HH:mm zzz", "de": "dd.MM.yyyy HH:mm zzz"}


def organisation() -> str:
    """The one name of the organisation in each language."""
    return str(gettext("Saxony Trade & Invest"))


ORGANISATION = LazyString(organisation)


def forget_cached_locale() -> None:
    """Flask-Babel caches the locale per application context; decide afresh for each request."""
    refresh()


def asked_language() -> str | None:
    asked = request.args.get("lang")
    return asked if asked in current_app.config["LANGUAGES"] else None


def select_locale() -> str | None:
    if not has_request_context():
        return None  # Flask-Babel falls back to BABEL_DEFAULT_LOCALE
    asked = asked_language()
    if asked:
        return asked
    if current_user and current_user.is_authenticated:
        return str(current_user.language)
    return visitor_language()


def visitor_language() -> str | None:
    """The language of this browser, decided without the database: ``?lang=``, the remembered
    choice, ``Accept-Language``."""
    languages: list[str] = current_app.config["LANGUAGES"]
    remembered = request.cookies.get(LANGUAGE_COOKIE)
    chosen = remembered if remembered in languages else None
    return asked_language() or chosen or browser_language(languages)


def browser_language(languages: list[str]) -> str | None:
    """The first language the browser accepts, by quality, that we write: ``de-AT, en;q=0.5``
    is German (an exact match for ``en`` does not beat a regional ``de``)."""
    for value, _quality in request.accept_languages:
        primary = value.replace("_", "-").split("-")[0].lower()
        if primary in languages:
            return primary
    return None


def remember_language(response: Response) -> Response:
    """A visitor's ``?lang=`` choice is kept for their next visits."""
    asked = asked_language()
    if asked and request.cookies.get(LANGUAGE_COOKIE) != asked:
        response.set_cookie(
            LANGUAGE_COOKIE,
            asked,
            max_age=int(timedelta(days=LANGUAGE_COOKIE_DAYS).total_seconds()),
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
            httponly=True,
            samesite="Lax",
        )
    return response


def select_timezone() -> str | None:
    if has_request_context() and current_user and current_user.is_authenticated:
        return str(current_user.timezone)
    return None  # Flask-Babel falls back to BABEL_DEFAULT_TIMEZONE


def language() -> str:
    """The language being written in: the reader's, or the recipient's inside ``force_locale``."""
    return get_locale().language if get_locale() is not None else "en"


def formatting_locale() -> str:
    return FORMATTING_LOCALES.get(language(), FORMATTING_LOCALES["en"])


def moment(value: datetime) -> str:
    """A stored UTC moment as the reader's local date and time with its zone."""
    pattern = MOMENT_PATTERNS.get(language(), MOMENT_PATTERNS["en"])
    # The zone abbreviation by language alone: British English has none for American zones.
    return str(dates.format_datetime(value, pattern, tzinfo=get_timezone(), locale=language()))


def day(value: date | datetime, form: str = "medium") -> str:
    """A calendar day (``short``, ``medium``, ``long`` or ``full``); a moment in the reader's
    zone."""
    if isinstance(value, datetime):
        value = value.astimezone(ZoneInfo(str(get_timezone()))).date()
    return str(dates.format_date(value, form, locale=formatting_locale()))


def number(value: int | float | Decimal) -> str:
    return str(numbers.format_decimal(value, locale=formatting_locale()))


def money(amount: int | float | Decimal) -> str:
    """An amount in euros, as the reader writes it (``€1,500,000.00``, ``1.500.000,00 €``)."""
    return str(numbers.format_currency(amount, "EUR", locale=formatting_locale()))


def lazy_number(value: int | float | Decimal) -> LazyString:
    """A number written in the language of whoever reads it, decided when it is shown."""
    return LazyString(number, value)


class Scheduled(Protocol):
    """What an event says about when it takes place."""

    is_all_day: bool
    starts_on: date | None
    ends_on: date | None
    timezone: str

    @property
    def begins_at(self) -> datetime: ...

    @property
    def finishes_at(self) -> datetime: ...


def event_when(event: Scheduled) -> str:
    """An event's dates (and local times in its own zone) as people read them."""
    locale = formatting_locale()

    def long_day(value: date) -> str:
        return str(dates.format_date(value, "long", locale=locale))

    if event.is_all_day:
        assert event.starts_on is not None and event.ends_on is not None
        if event.ends_on == event.starts_on:
            return long_day(event.starts_on)
        return f"{long_day(event.starts_on)} \N{EN DASH} {long_day(event.ends_on)}"
    zone = ZoneInfo(event.timezone)
    begins = event.begins_at.astimezone(zone)
    finishes = event.finishes_at.astimezone(zone)
    start = dates.format_time(begins.time(), "short", locale=locale)
    end = dates.format_time(finishes.time(), "short", locale=locale)
    if begins.date() != finishes.date():
        end = f"{long_day(finishes.date())} {end}"
    return f"{long_day(begins.date())}, {start} \N{EN DASH} {end} ({event.timezone})"


def from_reader_time(local: datetime) -> datetime:
    """A wall-clock time entered by the reader (no zone) as a moment in the reader's zone."""
    return local.replace(tzinfo=ZoneInfo(str(get_timezone())))


def install(app: Flask) -> None:
    """The formatting helpers as template filters, and the language on every request."""
    app.before_request(forget_cached_locale)
    app.after_request(remember_language)
    for helper in (moment, day, number, money):
        app.add_template_filter(helper)
    app.add_template_global(event_when, "when")
    app.add_template_global(language, "page_language")
    app.add_template_global(organisation)


# The words for the members of the enums pages and mail show (stages, statuses, roles, kinds).
ENUM_LABELS: dict[Any, Any] = {}


def name_members(labels: Mapping[Any, Any]) -> None:
    """Give enum members their words (``lazy_gettext`` strings, read in the reader's language)."""
    ENUM_LABELS.update(labels)


class Labelled:
    """Mixed into an enum: ``member.label`` is its word in the reader's language."""

    name: str

    @property
    def label(self) -> str:
        return str(self.lazy_label)

    @property
    def lazy_label(self) -> Any:
        """The word, decided when it is shown: for choices made once, at import."""
        known = ENUM_LABELS.get(self)
        return known if known is not None else self.name.replace("_", " ").capitalize()
