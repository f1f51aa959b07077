"""Texts people read that are held in both languages (``<name>_en`` and ``<name>_de``): the one
way to pick the reader's, falling back to the other language when that one is empty.

The reader's language is Flask-Babel's locale: the page's in a request, the recipient's inside
``force_locale`` (mail, calendar invitations), the default language elsewhere.
"""

from collections.abc import Mapping
from typing import overload

from flask_babel import get_locale

from crm.refusals import Refused
from crm.vocabulary.places import LANGUAGES, language_or_default


def reader_language() -> str:
    try:
        locale = get_locale()
    except RuntimeError:  # no request to choose from, nor a forced locale: the default
        locale = None
    return language_or_default(locale.language if locale is not None else None)


def in_language(texts: Mapping[str, str | None], language: str | None = None) -> str:
    """The text in ``language`` (the reader's when not given), else in another language."""
    wanted = language_or_default(language) if language else reader_language()
    for candidate in (wanted, *LANGUAGES):
        if text := texts.get(candidate):
            return text
    return ""


def texts_of(record: object, name: str) -> dict[str, str | None]:
    """``{"en": record.<name>_en, "de": record.<name>_de}``."""
    return {language: getattr(record, f"{name}_{language}") for language in LANGUAGES}


def text_in(record: object, name: str, language: str | None = None) -> str:
    """``record``'s ``name`` in ``language`` (the reader's when not given), with fallback."""
    return in_language(texts_of(record, name), language)


class Translated:
    """A read-only attribute giving ``<name>_en``/``<name>_de`` in the reader's language."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, record: None, owner: type) -> "Translated": ...

    @overload
    def __get__(self, record: object, owner: type | None = None) -> str: ...

    def __get__(self, record: object, owner: type | None = None) -> "Translated | str":
        if record is None:
            return self
        return text_in(record, self.name)

    def __set__(self, record: object, value: object) -> None:
        raise AttributeError(f"{self.name} is read-only: set {self.name}_en or {self.name}_de")


def required_in_a_language(name: str, texts: Mapping[str, str | None]) -> list[Refused]:
    """Refused next to each language's field when ``name`` is empty in all of them."""
    if any((texts.get(language) or "").strip() for language in LANGUAGES):
        return []
    return [
        Refused(
            "required_in_a_language",
            f"{name}_{language}",
            "Write this in English or German (or both).",
        )
        for language in LANGUAGES
    ]
