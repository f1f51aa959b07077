"""The one way a business rule says no, whatever door the request came through.

A service raises ``Refused`` with a code (which rule), the field at fault and the values the
message needs. The doors render the same decision each their way: the HTML form shows the
message next to the field, the API answers 422 (409 for a ``Conflict``) naming the field, the CSV
import reports it on its row, the CLI prints it. Several refusals found at once travel together as
``Refusals``, so a form shows every problem in one go.
"""

from collections.abc import Iterable, Iterator
from typing import Any


class Refused(Exception):
    """A request a business rule does not allow.

    ``message`` is a template filled with ``params`` (``"Between {min} and {max}."``), usually a
    ``lazy_gettext`` string, so that it is read in the language of whoever is shown the refusal
    (a number among the params is best a ``crm.i18n.lazy_number``); ``field`` names the input at
    fault in the service's own terms (``owner_id``, ``country``), or is None when the refusal
    concerns the request as a whole.
    """

    def __init__(self, code: str, field: str | None, message: Any, **params: Any) -> None:
        self.code = code
        self.field = field
        self.template = message
        self.params = params
        self.facts: dict[str, Any] = {}  # more for the doors to show, e.g. the duplicates' ids
        super().__init__(code)

    @property
    def message(self) -> str:
        template = str(self.template)
        return template.format(**self.params) if self.params else template

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"Refused({self.code!r}, field={self.field!r})"


class Conflict(Refused):
    """Refused because of the state of things rather than the values sent: a stale edit, a
    duplicate, an event that is closed. The API answers 409."""


class Refusals(Exception):
    """Every refusal one check found, in the order of the fields."""

    def __init__(self, refusals: Iterable[Refused]) -> None:
        self.refusals = list(refusals)
        super().__init__(*(refusal.code for refusal in self.refusals))

    def __str__(self) -> str:
        return "; ".join(refusal.message for refusal in self.refusals)

    def __iter__(self) -> Iterator[Refused]:
        return iter(self.refusals)

    def by_field(self) -> dict[str | None, list[str]]:
        found: dict[str | None, list[str]] = {}
        for refusal in self.refusals:
            found.setdefault(refusal.field, []).append(refusal.message)
        return found


def refuse_any(refusals: Iterable[Refused]) -> None:
    """Raise the refusals found, if any, together."""
    found = list(refusals)
    if found:
        raise Refusals(found)


def each_refusal(error: Refused | Refusals) -> list[Refused]:
    return list(error) if isinstance(error, Refusals) else [error]
