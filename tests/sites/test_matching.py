"""The ranking of sites for a lead and of leads for a site, on fixed examples (no database)."""

from datetime import date
from types import SimpleNamespace
from typing import Any

from crm.sites.matching import match, rank_leads, rank_sites
from crm.sites.models import SiteKind

NEEDS = ("office", "lab", "production", "cleanroom", "gmp", "controlled_area")
NEEDS += ("radiation_licence", "hot_cells")


def lead(name: str = "Nordlicht", area: int | None = None, **needs: Any) -> SimpleNamespace:
    flags = {f"needs_{need}": False for need in NEEDS}
    landing = needs.pop("landing", None)
    flags |= {f"needs_{need}": value for need, value in needs.items()}
    return SimpleNamespace(name=name, site_area_m2=area, estimated_landing_on=landing, **flags)


def site(
    name: str, area: int, kind: SiteKind = SiteKind.production, **features: Any
) -> SimpleNamespace:
    values = {
        "is_gmp_ready": False,
        "is_hot_cell_capable": False,
        "is_radiation_licence_possible": False,
        "available_from": None,
    } | features
    return SimpleNamespace(name=name, area_m2=area, kind=kind, **values)


def names(matches: list[Any]) -> list[str]:
    return [found.site.name for found in matches]


def test_a_site_short_of_area_and_hot_cells_says_so_and_scores_the_share_met() -> None:
    found = match(lead(area=1000, production=True, hot_cells=True), site("Hall 3", 800))

    assert found is not None
    assert found.shortfalls == ("area 800 of 1,000 m²", "no hot cells")
    assert found.reasons == ("production space",)
    # (0.8 + 1 + 0) / 3
    assert found.score == 0.6


def test_a_site_meeting_everything_scores_one_and_has_no_shortfall() -> None:
    needs = lead(area=2500, production=True, gmp=True, hot_cells=True, controlled_area=True)
    plot = site("Plot 7", 5000, SiteKind.plot, is_gmp_ready=True, is_hot_cell_capable=True)
    plot.is_radiation_licence_possible = True

    found = match(needs, plot)

    assert found is not None and found.is_full_fit and found.score == 1.0
    assert found.reasons == (
        "area 5,000 m² for 2,500 m² needed",
        "production space (to be built on the plot)",
        "GMP-ready",
        "controlled area can be set up",
        "hot cells possible",
    )


def test_sites_rank_by_score_then_by_the_least_area_to_spare_then_by_name() -> None:
    needs = lead(area=1000, lab=True, gmp=True)
    sites = [
        site("Big plot", 20_000, SiteKind.plot, is_gmp_ready=True),
        site("Lab wing B", 1200, SiteKind.lab, is_gmp_ready=True),
        site("Lab wing A", 1200, SiteKind.lab, is_gmp_ready=True),
        site("Small lab", 500, SiteKind.lab, is_gmp_ready=True),
        site("Office floor", 3000, SiteKind.office),
        site("Plain lab", 1500, SiteKind.lab),
    ]

    ranked = rank_sites(needs, sites)

    assert names(ranked) == [
        "Lab wing A",  # 1.0, 200 m² to spare
        "Lab wing B",  # 1.0, 200 m² to spare, then by name
        "Big plot",  # 1.0, 19,000 m² to spare
        "Small lab",  # (0.5 + 1 + 1) / 3
        "Plain lab",  # (1 + 1 + 0) / 3
        "Office floor",  # (1 + 0 + 0) / 3
    ]
    assert [found.score for found in ranked] == [1.0, 1.0, 1.0, 0.8333, 0.6667, 0.3333]


def test_a_site_meeting_no_part_of_the_requirement_in_full_is_left_out() -> None:
    needs = lead(area=1000, hot_cells=True, gmp=True)

    assert rank_sites(needs, [site("Office", 300, SiteKind.office)]) == []


def test_a_lead_without_a_requirement_gets_no_sites() -> None:
    assert rank_sites(lead(), [site("Hall", 1000)]) == []


def test_a_site_available_only_after_the_planned_landing_falls_short_of_it() -> None:
    needs = lead(area=500, landing=date(2026, 6, 1))
    later = site("New hall", 600, available_from=date(2026, 9, 1))

    found = match(needs, later)

    assert found is not None
    assert found.shortfalls == (
        "available only from 2026-09-01, after the planned landing on 2026-06-01",
    )
    assert found.score == 0.5


def test_a_controlled_area_unit_meets_the_radiation_needs_itself() -> None:
    needs = lead(controlled_area=True, radiation_licence=True, lab=True)

    found = match(needs, site("Zone K", 400, SiteKind.controlled_area))

    assert found is not None and found.is_full_fit
    assert "controlled radiation area" in found.reasons


def test_for_a_site_only_leads_it_meets_in_full_rank_closest_fit_first() -> None:
    hall = site("Hall 3", 1000, is_gmp_ready=True)
    leads = [
        lead("Too big", area=1500, production=True),
        lead("Small", area=200, production=True),
        lead("Snug", area=900, production=True, gmp=True),
        lead("Needs hot cells", area=500, hot_cells=True),
        lead("Nothing recorded"),
    ]

    ranked = rank_leads(hall, leads)

    assert [found.lead.name for found in ranked] == ["Snug", "Small"]
