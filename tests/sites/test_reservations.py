"""Reserving a site for a lead: recorded on both, never overlapping (also when two staff members
try at once), freed when it runs out, and taken when the lead lands."""

import threading
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from crm.extensions import db
from crm.leads import services as leads
from crm.leads.models import Activity, Company, Stage
from crm.refusals import Conflict, Refusals
from crm.sites import services
from crm.sites.models import Reservation, ReservationStatus, Site, SiteKind, SiteStatus
from crm.sites.services import expire_reservations_now, reserve
from tests.helpers import submit_form

TODAY = "2026-03-02T09:00:00+00:00"


@pytest.fixture
def today(clock: Callable[[str], None]) -> None:
    clock(TODAY)


def hold(site: Site, lead: Company, first_day: str, last_day: str) -> Reservation:
    """A reservation made through the service, by nobody in particular."""
    return reserve(
        site,
        lead,
        starts_on=date.fromisoformat(first_day),
        ends_on=date.fromisoformat(last_day),
        by=None,
    )


def timeline_of(company: Company) -> list[str]:
    return list(db.session.scalars(select(Activity.subject).where(Activity.company == company)))


def reservation_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Reservation)) or 0


def history(site: Site) -> list[tuple[SiteStatus | None, SiteStatus, str | None, date | None]]:
    db.session.expire_all()
    return [
        (c.from_status, c.to_status, c.company.name if c.company else None, c.until)
        for c in reversed(site.status_changes)
    ]


def test_a_reservation_marks_the_site_reserved_and_is_recorded_on_both(
    today: None,
    staff_client: FlaskClient,
    create_site: Callable[..., Site],
    create_company: Callable[..., Company],
) -> None:
    site = create_site(name="Hall 3")
    company = create_company(name="Nordlicht Isotopes AB", site_area_m2=900, needs_production=True)

    response = submit_form(
        staff_client,
        f"/sites/{site.id}/reservations",
        {"company_id": str(company.id), "starts_on": "2026-03-02", "ends_on": "2026-04-30"},
        form_page=f"/sites/{site.id}",
    )

    assert response.status_code == 302
    assert site.status is SiteStatus.reserved
    assert history(site) == [
        (None, SiteStatus.available, None, None),
        (SiteStatus.available, SiteStatus.reserved, "Nordlicht Isotopes AB", date(2026, 4, 30)),
    ]
    subjects = db.session.scalars(select(Activity.subject).where(Activity.company_id == company.id))
    assert "Site reserved: Hall 3, 2026-03-02 to 2026-04-30" in list(subjects)
    assert "Nordlicht Isotopes AB" in staff_client.get(f"/sites/{site.id}").text
    lead_page = staff_client.get(f"/leads/{company.id}").text
    assert "Hall 3</a>:\n          active, 2026-03-02 to 2026-04-30" in lead_page


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "field", "message"),
    [
        ("2026-03-20", "2026-03-10", "ends_on", "The reservation ends before it starts."),
        ("2026-02-01", "2026-02-20", "ends_on", "The reservation would be over already."),
        ("2026-03-02", "2029-03-01", "ends_on", "A reservation lasts at most 732 days."),
        ("2026-03-25", "2026-04-05", "starts_on", "The site is reserved for First GmbH"),
        ("", "2026-04-05", "starts_on", "This field is required."),
    ],
)
def test_a_bad_reservation_is_refused_on_the_form_and_nothing_is_stored(
    today: None,
    staff_client: FlaskClient,
    create_site: Callable[..., Site],
    create_company: Callable[..., Company],
    starts_on: str,
    ends_on: str,
    field: str,
    message: str,
) -> None:
    site = create_site()
    hold(site, create_company(name="First GmbH"), "2026-03-02", "2026-03-31")
    db.session.commit()
    second = create_company(name="Second GmbH")

    response = submit_form(
        staff_client,
        f"/sites/{site.id}/reservations",
        {"company_id": str(second.id), "starts_on": starts_on, "ends_on": ends_on},
        form_page=f"/sites/{site.id}",
    )

    assert response.status_code == 422
    assert f'id="reserve-{field.split("_")[0]}-error">{message}' in response.text
    assert reservation_count() == 1


def test_reservations_of_one_site_may_follow_each_other_but_never_overlap(
    today: None, create_site: Callable[..., Site], create_company: Callable[..., Company]
) -> None:
    site = create_site()
    first, second = create_company(), create_company()
    hold(site, first, "2026-03-02", "2026-03-31")

    later = hold(site, second, "2026-04-01", "2026-04-30")
    with pytest.raises(Conflict) as refused:
        hold(site, second, "2026-03-31", "2026-04-02")

    assert refused.value.code == "reservation_overlaps"
    assert later.status is ReservationStatus.active
    assert site.status is SiteStatus.reserved and reservation_count() == 2


def test_a_taken_or_archived_site_cannot_be_reserved(
    today: None, create_site: Callable[..., Site], create_company: Callable[..., Company]
) -> None:
    taken, archived = create_site(), create_site()
    lead = create_company()
    services.change_status(taken, SiteStatus.taken, company=lead)
    services.set_archived(archived, True)

    for site, code in ((taken, "site_taken"), (archived, "site_archived")):
        with pytest.raises(Conflict) as refused:
            hold(site, lead, "2026-03-02", "2026-03-09")
        assert refused.value.code == code
    assert reservation_count() == 0


def test_every_wrong_date_is_refused_at_once(
    today: None, create_site: Callable[..., Site], create_company: Callable[..., Company]
) -> None:
    with pytest.raises(Refusals) as refused:
        reserve(
            create_site(),
            create_company(),
            starts_on=None,
            ends_on=date(10_000 - 1, 1, 1),
            note="x" * 2001,
            by=None,
        )

    assert set(refused.value.by_field()) == {"starts_on", "ends_on", "note"}


def test_of_two_staff_members_reserving_at_the_same_moment_exactly_one_wins(
    app: Flask,
    today: None,
    create_site: Callable[..., Site],
    create_company: Callable[..., Company],
) -> None:
    site_id = create_site().id
    lead_ids = [create_company().id, create_company().id]
    start = threading.Barrier(len(lead_ids))
    outcomes: list[Any] = []

    def try_to_reserve(lead_id: int) -> None:
        with app.app_context():
            try:
                site = db.session.get(Site, site_id)
                lead = db.session.get(Company, lead_id)
                assert site is not None and lead is not None
                start.wait(timeout=30)
                hold(site, lead, "2026-03-05", "2026-03-20")
                db.session.commit()
                outcomes.append("reserved")
            except BaseException as error:
                db.session.rollback()
                outcomes.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=try_to_reserve, args=(lead,)) for lead in lead_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(map(str, outcomes))[-1] == "reserved"
    refusals = [outcome for outcome in outcomes if outcome != "reserved"]
    assert len(refusals) == 1 and isinstance(refusals[0], Conflict), outcomes
    assert refusals[0].code == "reservation_overlaps"
    assert reservation_count() == 1


def test_the_worker_frees_a_site_once_its_reservation_has_run_out(
    clock: Callable[[str], None],
    create_site: Callable[..., Site],
    create_company: Callable[..., Company],
) -> None:
    clock(TODAY)
    site = create_site()
    held = hold(site, create_company(name="Held AG"), "2026-03-02", "2026-03-10")
    db.session.commit()

    clock("2026-03-10T20:00:00+00:00")  # the last day, in Dresden
    assert expire_reservations_now() is None
    assert site.status is SiteStatus.reserved

    clock("2026-03-10T23:30:00+00:00")  # past midnight in Dresden
    assert expire_reservations_now() == "1 reservations expired"
    db.session.commit()

    assert held.status is ReservationStatus.expired
    assert history(site)[-1] == (SiteStatus.reserved, SiteStatus.available, None, None)
    assert "Site reservation expired: Unit 1" in timeline_of(held.company)


def test_the_worker_marks_a_site_reserved_when_a_later_reservation_begins(
    clock: Callable[[str], None],
    create_site: Callable[..., Site],
    create_company: Callable[..., Company],
) -> None:
    clock(TODAY)
    site = create_site()
    hold(site, create_company(name="Later KG"), "2026-04-01", "2026-04-30")
    db.session.commit()
    assert site.status is SiteStatus.available

    clock("2026-04-01T08:00:00+00:00")
    expire_reservations_now()

    assert history(site)[-1] == (
        SiteStatus.available,
        SiteStatus.reserved,
        "Later KG",
        date(2026, 4, 30),
    )


def test_releasing_frees_the_site_at_once(
    today: None,
    staff_client: FlaskClient,
    create_site: Callable[..., Site],
    create_company: Callable[..., Company],
) -> None:
    site = create_site()
    held = hold(site, create_company(), "2026-03-02", "2026-03-31")
    db.session.commit()

    response = submit_form(
        staff_client,
        f"/sites/reservations/{held.id}/release",
        {},
        form_page=f"/sites/{site.id}",
    )

    db.session.expire_all()
    assert response.status_code == 302
    assert held.status is ReservationStatus.released and site.status is SiteStatus.available


def test_a_lead_that_lands_takes_its_reserved_site(
    today: None, create_site: Callable[..., Site], create_company: Callable[..., Company]
) -> None:
    chosen, other = create_site(name="Plot 7", kind=SiteKind.plot), create_site(name="Hall 9")
    lead = create_company(
        name="Lander AB", stage=Stage.decision, site_area_m2=500, actual_landing_on=date(2026, 3, 2)
    )
    old = hold(other, lead, "2026-03-02", "2026-03-20")
    new = hold(chosen, lead, "2026-03-02", "2026-03-30")

    leads.move_stage(lead, Stage.landed, "", None)

    assert (chosen.status, chosen.taken_by) == (SiteStatus.taken, lead)
    assert new.status is ReservationStatus.taken
    assert (old.status, other.status) == (ReservationStatus.released, SiteStatus.available)
    assert [found.site for found in services.site_matches_for(lead)] == [other]
    assert "Landed on the site Plot 7" in timeline_of(lead)


def test_a_lead_landing_without_a_reservation_takes_no_site(
    today: None, create_site: Callable[..., Site], create_company: Callable[..., Company]
) -> None:
    site = create_site()
    lead = create_company(stage=Stage.decision, actual_landing_on=date(2026, 3, 2))

    leads.move_stage(lead, Stage.landed, "", None)

    assert site.status is SiteStatus.available


def test_the_lead_page_shows_the_sites_that_fit_with_reasons_and_shortfalls(
    staff_client: FlaskClient,
    create_site: Callable[..., Site],
    create_company: Callable[..., Company],
) -> None:
    create_site(name="Hall 3", area_m2=800, is_gmp_ready=True)
    create_site(name="Office block", kind=SiteKind.office, area_m2=100)
    lead = create_company(site_area_m2=1000, needs_production=True, needs_hot_cells=True)

    page = staff_client.get(f"/leads/{lead.id}").text

    assert "Hall 3</a>" in page and "Office block" not in page
    assert "Meets: production space" in page
    assert "Short of: area 800 of 1,000 m², no hot cells" in page


def test_the_site_page_lists_the_leads_it_meets_in_full(
    staff_client: FlaskClient,
    create_site: Callable[..., Site],
    create_company: Callable[..., Company],
) -> None:
    site = create_site(name="Hall 3", area_m2=1200, is_gmp_ready=True)
    create_company(name="Fits GmbH", site_area_m2=1000, needs_production=True, needs_gmp=True)
    create_company(name="Too Big GmbH", site_area_m2=5000, needs_production=True)
    create_company(name="Landed GmbH", site_area_m2=500, stage=Stage.landed)

    page = staff_client.get(f"/sites/{site.id}").text

    assert "Fits GmbH" in page
    assert "Too Big GmbH" not in page and "Landed GmbH" not in page


def test_the_worker_command_runs_the_expiry_step(
    app: Flask,
    clock: Callable[[str], None],
    create_site: Callable[..., Site],
    create_company: Callable[..., Company],
) -> None:
    clock(TODAY)
    site = create_site()
    held = hold(site, create_company(), "2026-03-02", "2026-03-03")
    db.session.commit()
    clock("2026-03-05T09:00:00+00:00")

    result = app.test_cli_runner().invoke(args=["worker", "--once"])

    db.session.expire_all()
    assert result.exit_code == 0, result.output
    assert held.status is ReservationStatus.expired and site.status is SiteStatus.available
