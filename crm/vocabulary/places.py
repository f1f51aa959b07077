"""Countries (ISO 3166 alpha-2, named by Babel), time zones (IANA) and the languages the
application speaks."""

from functools import cache
from zoneinfo import available_timezones

from babel import Locale

LANGUAGES = ("en", "de")
LANGUAGE_NAMES = {"en": "English", "de": "Deutsch"}
DEFAULT_LANGUAGE = "en"

# Babel territories that are regions or placeholders rather than countries.
NOT_COUNTRIES = frozenset({"EU", "EZ", "QO", "UN", "XA", "XB", "ZZ"})


def language_or_default(language: str | None) -> str:
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


@cache
def country_names(language: str) -> tuple[tuple[str, str], ...]:
    """Every country as ``(code, name)`` in ``language``, sorted by name."""
    territories = Locale.parse(language_or_default(language)).territories
    countries = [
        (code, name)
        for code, name in territories.items()
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    ]
    return tuple(sorted(countries, key=lambda country: country[1]))


@cache
def country_codes() -> frozenset[str]:
    return frozenset(code for code, _ in country_names(DEFAULT_LANGUAGE))


def is_country(code: str | None) -> bool:
    return code is not None and code.isascii() and code.upper() in country_codes()


@cache
def time_zone_names() -> tuple[str, ...]:
    """The IANA zones people pick from: regions and cities, and UTC."""
    return tuple(sorted(zone for zone in available_timezones() if "/" in zone or zone == "UTC"))


def is_time_zone(name: str | None) -> bool:
    return name in time_zone_names()
