"""The demo data brings sites, so that a newcomer sees matching on the demo leads."""

from flask import Flask
from sqlalchemy import func, select

from crm.extensions import db
from crm.leads.models import Company
from crm.seed.services import seed
from crm.sites.models import Site, SiteStatus
from crm.sites.services import leads_for, site_matches_for


def demo_lead(name: str) -> Company:
    found = db.session.scalar(select(Company).where(Company.name == name))
    assert found is not None
    return found


def test_the_demo_sites_are_labelled_and_match_the_demo_leads(app: Flask) -> None:
    seed(with_demo=True)

    sites = db.session.scalars(select(Site)).all()
    assert len(sites) == 6
    assert all(site.is_demo and site.name.startswith("Demo:") for site in sites)
    nordlicht = demo_lead("Demo: Nordlicht Isotopes AB")
    matches = site_matches_for(nordlicht)
    assert matches[0].site.name == "Demo: Plot R7, Rossendorf park" and matches[0].is_full_fit
    assert any(found.shortfalls for found in matches[1:])
    lab_floor = next(site for site in sites if site.name == "Demo: Lab and office floor L3")
    assert [found.lead.name for found in leads_for(lab_floor)] == [
        "Demo: Atlantic Theranostics Inc."
    ]


def test_the_demo_lead_holds_a_reservation_and_seeding_again_adds_no_site(app: Flask) -> None:
    seed(with_demo=True)
    seed(with_demo=True)
    db.session.expire_all()

    plot = db.session.scalars(select(Site).where(Site.status == SiteStatus.reserved)).one()
    assert plot.name == "Demo: Plot R7, Rossendorf park"
    assert plot.status_changes[0].company == demo_lead("Demo: Nordlicht Isotopes AB")
    assert db.session.scalar(select(func.count()).select_from(Site)) == 6


def test_the_landed_demo_lead_took_the_site_it_reserved_for_its_decision(app: Flask) -> None:
    seed(with_demo=True)

    taken = db.session.scalars(select(Site).where(Site.status == SiteStatus.taken)).one()
    assert taken.name == "Demo: Production unit P1"
    assert taken.taken_by == demo_lead("Demo: Sakura Radiopharma K.K.")
