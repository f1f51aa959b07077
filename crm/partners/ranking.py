"""Ranking cluster partners for a lead by how well their capabilities meet the lead's needs.

A pure function over plain attributes: it reads ``slug``/``label`` of capability tags and
``name``/``capabilities`` of partners, queries nothing and changes nothing, so it is tested on
fixed examples without a database.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar, cast

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

COVERAGE_WEIGHT = 0.8
FOCUS_WEIGHT = 0.2


class Tag(Protocol):
    @property
    def slug(self) -> str: ...

    @property
    def label(self) -> str: ...


class Offering(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def capabilities(self) -> Sequence[Tag]: ...


# Any object with a name and capabilities (an Offering): left unbounded because mypy does not
# see the mapped Partner model as one inside the import cycle of the models.
P = TypeVar("P")


@dataclass(frozen=True)
class Suggestion(Generic[P]):
    partner: P
    score: float
    matched: tuple[str, ...]

    @property
    def explanation(self) -> str:
        return str(gettext("matches: %(tags)s", tags=", ".join(self.matched)))


@dataclass(frozen=True)
class Ranking(Generic[P]):
    suggestions: list[Suggestion[P]]
    why_empty: Any = None  # words read in the reader's language, or None


NO_NEEDS = _l("No needs are recorded for this company; add capability tags to get suggestions.")
NO_MATCH = _l("No partner offers any of the capabilities this company needs.")


def rank_partners(needs: Iterable[Tag], partners: Iterable[P]) -> Ranking[P]:
    """Partners that offer at least one needed capability, best match first.

    For a company with the set of needs N and a partner with the set of capabilities C, the
    matched tags are M = N ∩ C and the score is::

        score = 0.8 · |M| / |N|  +  0.2 · |M| / |C|

    The first term (coverage) says how much of what the company needs the partner covers and
    dominates the order. The second term (focus) says how much of the partner's offer is relevant
    to the company: of two partners covering the same needs, the specialist ranks above the
    generalist. Both terms lie in [0, 1], so the score does too; 1 means the partner offers
    exactly what the company needs. Partners matching nothing are left out. Ties are broken by the
    number of matched tags, then by name, so the order is stable.

    The explanation lists the matched capability labels in the order of the company's needs.
    """
    needed = {tag.slug: tag.label for tag in needs}
    if not needed:
        return Ranking([], NO_NEEDS)
    suggestions = []
    for partner in partners:
        offered = {tag.slug for tag in cast(Offering, partner).capabilities}
        matched = [label for slug, label in needed.items() if slug in offered]
        if not matched:
            continue
        score = COVERAGE_WEIGHT * len(matched) / len(needed) + FOCUS_WEIGHT * len(matched) / len(
            offered
        )
        suggestions.append(Suggestion(partner, round(score, 4), tuple(matched)))
    suggestions.sort(key=lambda s: (-s.score, -len(s.matched), cast(Offering, s.partner).name))
    return Ranking(suggestions, None if suggestions else NO_MATCH)
