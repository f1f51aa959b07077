"""How well a site meets a lead's site requirement: a score, the reasons and the shortfalls.

Pure functions over plain attributes (the ``needs_*`` and ``site_area_m2`` of a lead, the kind,
area and features of a site): they query nothing and change nothing, so they are tested on fixed
examples without a database.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from crm.i18n import number
from crm.leads.models import has_site_requirement
from crm.sites.models import SiteKind

# The spaces each kind of site offers. A plot offers every space: the company builds to suit.
SPACES_OF_KIND: dict[SiteKind, frozenset[str]] = {
    SiteKind.plot: frozenset({"office", "lab", "production", "cleanroom"}),
    SiteKind.office: frozenset({"office"}),
    SiteKind.lab: frozenset({"lab", "office"}),
    SiteKind.production: frozenset({"production", "office"}),
    SiteKind.cleanroom: frozenset({"cleanroom", "production", "lab"}),
    SiteKind.controlled_area: frozenset({"lab", "office"}),
}
SPACES = ("office", "lab", "production", "cleanroom")
# Each space as a reason when the site offers it and as a shortfall when not.
SPACE_WORDS = {
    "office": (_l("office space"), _l("no office")),
    "lab": (_l("lab space"), _l("no lab")),
    "production": (_l("production space"), _l("no production")),
    "cleanroom": (_l("cleanroom space"), _l("no cleanroom")),
}
NO_REQUIREMENT = _l(
    "No site requirement is recorded for this lead: add the area or the kind of space."
)
NO_SITE = _l("No site on offer meets any part of this requirement.")


@dataclass(frozen=True)
class Fit:
    """One part of the requirement: how far the site meets it (0 to 1) and what to say."""

    value: float
    said: str


def area_fit(needed: int, offered: int) -> Fit:
    if offered >= needed:
        return Fit(
            1.0,
            _(
                "area %(offered)s m² for %(needed)s m² needed",
                offered=number(offered),
                needed=number(needed),
            ),
        )
    return Fit(
        offered / needed,
        _("area %(offered)s of %(needed)s m²", offered=number(offered), needed=number(needed)),
    )


def feature_fit(is_met: bool, met: str, missing: str) -> Fit:
    return Fit(1.0, met) if is_met else Fit(0.0, missing)


def fits(lead: Any, site: Any) -> list[Fit]:
    """Each part of the lead's requirement held against the site."""
    found = []
    if lead.site_area_m2:
        found.append(area_fit(lead.site_area_m2, site.area_m2))
    offered = SPACES_OF_KIND[site.kind]
    for space in SPACES:
        if getattr(lead, f"needs_{space}"):
            met, missing = (str(word) for word in SPACE_WORDS[space])
            if site.kind is SiteKind.plot:
                met = _("%(space)s (to be built on the plot)", space=met)
            found.append(feature_fit(space in offered, met, missing))
    is_controlled = site.kind is SiteKind.controlled_area
    if lead.needs_gmp:
        found.append(feature_fit(site.is_gmp_ready, _("GMP-ready"), _("not GMP-ready")))
    if lead.needs_controlled_area:
        found.append(
            feature_fit(
                is_controlled or site.is_radiation_licence_possible,
                _("controlled radiation area")
                if is_controlled
                else _("controlled area can be set up"),
                _("no controlled radiation area"),
            )
        )
    if lead.needs_radiation_licence:
        found.append(
            feature_fit(
                is_controlled or site.is_radiation_licence_possible,
                _("radiation licence possible"),
                _("no radiation licence possible"),
            )
        )
    if lead.needs_hot_cells:
        found.append(
            feature_fit(site.is_hot_cell_capable, _("hot cells possible"), _("no hot cells"))
        )
    landing: date | None = lead.estimated_landing_on
    if landing is not None and site.available_from is not None:
        found.append(
            feature_fit(
                site.available_from <= landing,
                _("available from %(day)s", day=site.available_from.isoformat()),
                _(
                    "available only from %(day)s, after the planned landing on %(landing)s",
                    day=site.available_from.isoformat(),
                    landing=landing.isoformat(),
                ),
            )
        )
    return found


@dataclass(frozen=True)
class SiteMatch:
    """A site held against a lead's requirement (``lead`` and ``site`` are the objects)."""

    lead: Any
    site: Any
    score: float
    reasons: tuple[str, ...]
    shortfalls: tuple[str, ...]

    @property
    def is_full_fit(self) -> bool:
        return not self.shortfalls


def match(lead: Any, site: Any) -> SiteMatch | None:
    """The site against the lead's requirement, or None when it meets no part of it in full."""
    parts = fits(lead, site)
    if not any(part.value == 1.0 for part in parts):
        return None
    score = sum(part.value for part in parts) / len(parts)
    return SiteMatch(
        lead,
        site,
        round(score, 4),
        tuple(part.said for part in parts if part.value == 1.0),
        tuple(part.said for part in parts if part.value < 1.0),
    )


def spare_area(found: SiteMatch) -> int:
    """Square metres beyond the need (0 without an area requirement)."""
    needed = found.lead.site_area_m2 or 0
    return max(found.site.area_m2 - needed, 0) if needed else 0


def rank_sites(lead: Any, sites: Iterable[Any]) -> list[SiteMatch]:
    """The sites that meet some of the lead's requirement, best first.

    The requirement has parts: the area (when given), each kind of space needed (office, lab,
    production, cleanroom), GMP, a controlled radiation area, a radiation licence, hot cells, and
    the availability by the planned landing date (when both dates are known). Each part scores
    between 0 and 1: the area by the share of it the site offers (800 of 1,000 m² scores 0.8,
    more than needed scores 1), every other part 1 when met and 0 when not. The site's score is
    the mean over the parts, so 1 means the site meets the whole requirement and each missing
    feature costs the same. A site meeting no part in full is left out (a 100 m² office for a
    1,000 m² production lead is no suggestion, even though it offers a tenth of the area).

    Equal scores are ordered by the area to spare (the closest fit first: a 1,200 m² unit ranks
    above a 20,000 m² plot for a 1,000 m² need), then by name, so the order is stable. Each match
    lists the parts met as reasons and the parts missed as shortfalls ("area 800 of 1,000 m²",
    "no hot cells").
    """
    if not has_site_requirement(lead):
        return []
    found = [found for site in sites if (found := match(lead, site)) is not None]
    found.sort(key=lambda m: (-m.score, spare_area(m), m.site.name))
    return found


def why_empty(lead: Any, matches: list[SiteMatch]) -> str | None:
    """Why a lead got no sites: no requirement recorded, or none on offer meets it."""
    if matches:
        return None
    return str(NO_SITE if has_site_requirement(lead) else NO_REQUIREMENT)


def rank_leads(site: Any, leads: Iterable[Any]) -> list[SiteMatch]:
    """The leads whose requirement the site meets in full, the closest fit first (the least area
    to spare), then by name."""
    found = [
        found
        for lead in leads
        if has_site_requirement(lead)
        and (found := match(lead, site)) is not None
        and found.is_full_fit
    ]
    found.sort(key=lambda m: (spare_area(m), m.lead.name))
    return found
