"""Rules every capability applies to values alike: required and bounded text, numbers within a
range, dates and moments the databases can hold. Each returns the refusal, or None."""

import re
from datetime import UTC, date, datetime

from flask_babel import lazy_gettext as _

from crm.i18n import lazy_number
from crm.refusals import Refused

FIRST_YEAR, LAST_YEAR = 1900, 2999

# A scheme (https://, mailto:), www., an @ (mail address), or a host name followed by a path.
LINK_OR_ADDRESS = re.compile(
    r"[a-z][a-z0-9+.-]*://|\bmailto:|\bwww\.|@|\b[a-z0-9-]+(\.[a-z0-9-]+)+/", re.IGNORECASE
)


def required_text(field: str, value: str | None) -> Refused | None:
    if not (value or "").strip():
        return Refused("required", field, _("This field is required."))
    return None


def bounded_text(field: str, value: str | None, limit: int) -> Refused | None:
    if value is not None and len(value) > limit:
        return Refused(
            "too_long", field, _("At most {limit} characters."), limit=lazy_number(limit)
        )
    return None


def plain_name(field: str, value: str | None) -> Refused | None:
    """A name (of a person or a company) carries no web or mail address.

    Names typed into public forms are repeated in mail to the address typed in; a link there
    would let strangers send a message of their choosing from the organisation's sender.
    """
    if value and LINK_OR_ADDRESS.search(value):
        return Refused("link_in_name", field, _("A name cannot contain web or mail addresses."))
    return None


def number_within(field: str, value: int | None, high: int, low: int = 0) -> Refused | None:
    if value is not None and not low <= value <= high:
        return Refused(
            "out_of_range",
            field,
            _("Between {low} and {high}."),
            low=lazy_number(low),
            high=lazy_number(high),
        )
    return None


def _year_refusal(field: str) -> Refused:
    return Refused(
        "out_of_range",
        field,
        _("Give a date between {first} and {last}."),
        first=FIRST_YEAR,
        last=LAST_YEAR,
    )


def storable_date(field: str, value: date | None) -> Refused | None:
    if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
        return _year_refusal(field)
    return None


def storable_moment(field: str, value: datetime | None) -> Refused | None:
    """An aware moment the databases hold in UTC (near year 9999 the conversion overflows)."""
    if value is None:
        return None
    try:
        utc = value.astimezone(UTC)
    except (OverflowError, ValueError):
        return _year_refusal(field)
    return None if FIRST_YEAR <= utc.year <= LAST_YEAR else _year_refusal(field)


def refusals_of(*checks: Refused | None) -> list[Refused]:
    return [refusal for refusal in checks if refusal is not None]
