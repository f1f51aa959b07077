"""Domain operations on sites and the rules they keep, whatever the door: the staff pages, the
API, the worker and the demo data create, edit, reserve and free sites through here.

A site's status changes only through ``change_status``, which records each change. A site is
``reserved`` while an active reservation covers today, ``available`` otherwise, and ``taken`` once
a lead lands on it. Reservations of one site never overlap: ``reserve`` locks the site row before
it looks at the others, so of two staff members reserving at the same moment exactly one wins.
"""

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, false, or_, select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.elements import ColumnElement

from crm.auth.models import User
from crm.db import utcnow
from crm.extensions import db
from crm.i18n import lazy_number
from crm.leads.confidential import shown_name
from crm.leads.models import OPEN_STAGES, ActivityKind, Company, Stage
from crm.leads.services import MAX_ID, office_today
from crm.leads.timeline import record_activity
from crm.refusals import Conflict, Refused, refuse_any
from crm.rules import bounded_text, number_within, required_text, storable_date
from crm.sites.matching import SPACES_OF_KIND, SiteMatch, rank_leads, rank_sites
from crm.sites.models import (
    MAX_FLOOR_LOAD_KN_M2,
    MAX_POWER_KVA,
    MAX_PRICE_EUR,
    MAX_SITE_AREA_M2,
    PriceBasis,
    Reservation,
    ReservationStatus,
    Site,
    SiteKind,
    SiteLocation,
    SiteStatus,
    SiteStatusChange,
)

# Fields staff set through the site form or the API; the status moves only via change_status.
SITE_FIELDS = (
    "name",
    "location",
    "address",
    "latitude",
    "longitude",
    "area_m2",
    "kind",
    "cleanroom_class",
    "is_gmp_ready",
    "is_hot_cell_capable",
    "is_radiation_licence_possible",
    "power_kva",
    "floor_load_kn_m2",
    "available_from",
    "price_basis",
    "price_min_eur",
    "price_max_eur",
    "description",
)
DEFAULTS: dict[str, Any] = {field: None for field in SITE_FIELDS} | {
    "address": "",
    "description": "",
    "is_gmp_ready": False,
    "is_hot_cell_capable": False,
    "is_radiation_licence_possible": False,
    "price_basis": PriceBasis.rent_per_m2_month,
}
NUMBER_LIMITS = {
    "power_kva": MAX_POWER_KVA,
    "floor_load_kn_m2": MAX_FLOOR_LOAD_KN_M2,
    "price_min_eur": MAX_PRICE_EUR,
    "price_max_eur": MAX_PRICE_EUR,
}
MAX_RESERVATION_DAYS = 2 * 366
LEADS_SHOWN = 50


# --- the inventory --------------------------------------------------------------------------


def coordinate_refusal(field: str, value: float | None, limit: int) -> Refused | None:
    if value is not None and not (math.isfinite(value) and -limit <= value <= limit):
        return Refused(
            "out_of_range", field, _l("Between -{limit} and {limit}."), limit=lazy_number(limit)
        )
    return None


def site_refusals(details: dict[str, Any]) -> Iterator[Refused]:
    """What is wrong with a site's complete details."""
    checks: list[Refused | None] = [
        required_text("name", details["name"]),
        bounded_text("name", details["name"], 200),
        bounded_text("address", details["address"], 300),
        bounded_text("description", details["description"], 10_000),
        coordinate_refusal("latitude", details["latitude"], 90),
        coordinate_refusal("longitude", details["longitude"], 180),
        storable_date("available_from", details["available_from"]),
    ]
    for field in ("location", "kind", "area_m2"):
        if details[field] is None:
            checks.append(Refused("required", field, _l("This field is required.")))
    checks.append(number_within("area_m2", details["area_m2"], MAX_SITE_AREA_M2, low=1))
    checks += [number_within(field, details[field], high) for field, high in NUMBER_LIMITS.items()]
    if (details["latitude"] is None) != (details["longitude"] is None):
        missing = "latitude" if details["latitude"] is None else "longitude"
        checks.append(
            Refused("position_incomplete", missing, _l("A map position needs both coordinates."))
        )
    low, high = details["price_min_eur"], details["price_max_eur"]
    if low is not None and high is not None and low > high:
        checks.append(
            Refused("price_order", "price_max_eur", _l("The upper price is below the lower one."))
        )
    is_cleanroom = details["kind"] is SiteKind.cleanroom
    if is_cleanroom and details["cleanroom_class"] is None:
        checks.append(
            Refused("class_required", "cleanroom_class", _l("A cleanroom needs its GMP grade."))
        )
    if not is_cleanroom and details["cleanroom_class"] is not None:
        checks.append(
            Refused(
                "class_without_cleanroom", "cleanroom_class", _l("Only a cleanroom has a grade.")
            )
        )
    yield from (refusal for refusal in checks if refusal is not None)


def save_site(
    site: Site | None, details: dict[str, Any], *, by: User | None, is_demo: bool = False
) -> Site:
    """Create a site (``site`` None) or change the fields given; refuse the whole edit if any
    field breaks a rule."""
    unknown = set(details) - set(SITE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    current = DEFAULTS if site is None else {field: getattr(site, field) for field in SITE_FIELDS}
    merged = current | details
    if isinstance(merged["name"], str):
        merged["name"] = merged["name"].strip()
    refuse_any(site_refusals(merged))
    is_new = site is None
    if site is None:
        site = Site(is_demo=is_demo, status=SiteStatus.available)
        db.session.add(site)
    for field, value in merged.items():
        setattr(site, field, value)
    if is_new:
        change_status(site, SiteStatus.available, by=by, reason="Offered")
    db.session.flush()
    return site


def set_archived(site: Site, is_archived: bool) -> None:
    """Archived sites leave the list and the matching; their history stays. A site with an
    active reservation (running or to come) is not archived."""
    if is_archived and active_reservations(site):
        raise Conflict(
            "site_reserved", None, _l("Release the reservations before archiving the site.")
        )
    site.is_archived = is_archived
    db.session.flush()


def site_by_id(site_id: int) -> Site | None:
    return db.session.get(Site, site_id) if 0 < site_id <= MAX_ID else None


@dataclass(frozen=True)
class SiteFilters:
    location: SiteLocation | None = None
    kind: SiteKind | None = None
    status: SiteStatus | None = None
    min_area_m2: int | None = None
    max_area_m2: int | None = None
    is_gmp_ready: bool | None = None
    is_hot_cell_capable: bool | None = None
    is_radiation_licence_possible: bool | None = None
    is_archived: bool = False


def filtered_sites(filters: SiteFilters) -> Select[Site]:
    query = (
        select(Site)
        .where(Site.is_archived == filters.is_archived)
        .options(selectinload(Site.taken_by))
    )
    for column, value in (
        (Site.location, filters.location),
        (Site.kind, filters.kind),
        (Site.status, filters.status),
        (Site.is_gmp_ready, filters.is_gmp_ready),
        (Site.is_hot_cell_capable, filters.is_hot_cell_capable),
        (Site.is_radiation_licence_possible, filters.is_radiation_licence_possible),
    ):
        if value is not None:
            query = query.where(column == value)
    if filters.min_area_m2 is not None:
        query = query.where(Site.area_m2 >= filters.min_area_m2)
    if filters.max_area_m2 is not None:
        query = query.where(Site.area_m2 <= filters.max_area_m2)
    return query.order_by(Site.location, Site.name, Site.id)


# --- status and reservations ----------------------------------------------------------------


def change_status(
    site: Site,
    to: SiteStatus,
    *,
    company: Company | None = None,
    until: date | None = None,
    by: User | None = None,
    reason: str = "",
) -> SiteStatusChange:
    """The one way a site's status changes: sets it and records from what, for whom, until
    when, by whom and why."""
    change = SiteStatusChange(
        site=site,
        from_status=None if site.id is None else site.status,
        to_status=to,
        company=company,
        until=until,
        reason=reason,
        changed_by=by,
        changed_at=utcnow(),
    )
    db.session.add(change)
    site.status = to
    site.taken_by = company if to is SiteStatus.taken else None
    db.session.flush()
    return change


def lock_site(site: Site) -> None:
    """Serialise reservations per site for the rest of the transaction.

    PostgreSQL locks the site row (another transaction's reserve waits here until this one
    ends, then sees its reservation); SQLite has no row locks, so a write to the row takes the
    database's one write lock before the reservations are read.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(Site).where(Site.id == site.id).with_for_update()).scalar_one()
    else:
        db.session.execute(
            update(Site)
            .where(Site.id == site.id)
            .values(status=Site.status, updated_at=Site.updated_at)
        )
    db.session.refresh(site)


def active_reservations(site: Site) -> list[Reservation]:
    return list(
        db.session.scalars(
            select(Reservation)
            .where(Reservation.site_id == site.id, Reservation.status == ReservationStatus.active)
            .order_by(Reservation.starts_on, Reservation.id)
            .execution_options(populate_existing=True)
        )
    )


def reservation_refusals(
    company: Company, starts_on: date | None, ends_on: date | None, note: str, today: date
) -> Iterator[Refused]:
    for field, day in (("starts_on", starts_on), ("ends_on", ends_on)):
        if day is None:
            yield Refused("required", field, _l("This field is required."))
        elif (refusal := storable_date(field, day)) is not None:
            yield refusal
    if (refusal := bounded_text("note", note, 2000)) is not None:
        yield refusal
    if company.is_archived:
        yield Refused("lead_archived", "company_id", _l("An archived lead cannot reserve a site."))
    if starts_on is None or ends_on is None:
        return
    if ends_on < starts_on:
        yield Refused("ends_before_start", "ends_on", _l("The reservation ends before it starts."))
    elif ends_on < today:
        yield Refused("ends_in_past", "ends_on", _l("The reservation would be over already."))
    elif (ends_on - starts_on).days >= MAX_RESERVATION_DAYS:
        yield Refused(
            "reservation_too_long",
            "ends_on",
            _l("A reservation lasts at most {days} days."),
            days=lazy_number(MAX_RESERVATION_DAYS),
        )


def reserve(
    site: Site,
    company: Company,
    *,
    starts_on: date | None,
    ends_on: date | None,
    note: str = "",
    by: User | None,
) -> Reservation:
    """Hold the site for the lead from ``starts_on`` to ``ends_on`` (both included).

    Refused when the dates are wrong, the site is taken or archived, or another active
    reservation of the site overlaps (a ``Conflict``: the API answers 409).
    """
    today = office_today()
    note = note.strip()
    refuse_any(reservation_refusals(company, starts_on, ends_on, note, today))
    assert starts_on is not None and ends_on is not None
    lock_site(site)
    if site.is_archived:
        raise Conflict("site_archived", None, _l("This site is archived."))
    if site.status is SiteStatus.taken:
        raise Conflict("site_taken", None, _l("This site is taken."))
    for other in active_reservations(site):
        if other.overlaps(starts_on, ends_on):
            raise Conflict(
                "reservation_overlaps",
                "starts_on",
                _l("The site is reserved for {company} from {starts} to {ends}."),
                company=shown_name(other.company, by),
                starts=other.starts_on.isoformat(),
                ends=other.ends_on.isoformat(),
            )
    reservation = Reservation(
        site=site,
        company=company,
        starts_on=starts_on,
        ends_on=ends_on,
        note=note,
        created_by=by,
        status=ReservationStatus.active,
    )
    db.session.add(reservation)
    db.session.flush()
    record_activity(
        company,
        ActivityKind.system,
        f"Site reserved: {site.name}, {starts_on.isoformat()} to {ends_on.isoformat()}",
        note,
        author=by,
    )
    refresh_status(site, today, by=by)
    return reservation


def end_reservation(reservation: Reservation, status: ReservationStatus) -> None:
    if reservation.status is not ReservationStatus.active:
        raise Conflict("reservation_ended", None, _l("This reservation has ended already."))
    reservation.status = status
    reservation.ended_at = utcnow()
    db.session.flush()


def release(reservation: Reservation, *, by: User | None) -> None:
    """Give the site up before the reservation's last day."""
    lock_site(reservation.site)
    end_reservation(reservation, ReservationStatus.released)
    record_activity(
        reservation.company,
        ActivityKind.system,
        f"Site reservation released: {reservation.site.name}",
        author=by,
    )
    refresh_status(reservation.site, office_today(), by=by, reason="Reservation released")


def latest_change(site: Site) -> SiteStatusChange | None:
    """From the database: the collection in memory holds changes in the order they were made
    in this session, not newest first."""
    return db.session.scalar(
        select(SiteStatusChange)
        .where(SiteStatusChange.site_id == site.id)
        .order_by(SiteStatusChange.changed_at.desc(), SiteStatusChange.id.desc())
        .limit(1)
    )


def refresh_status(
    site: Site, today: date, *, by: User | None = None, reason: str = "Reservation"
) -> None:
    """Reserved while an active reservation covers today, available otherwise (taken stays)."""
    if site.status is SiteStatus.taken:
        return
    running = next(
        (found for found in active_reservations(site) if found.overlaps(today, today)), None
    )
    if running is None:
        if site.status is not SiteStatus.available:
            change_status(site, SiteStatus.available, by=by, reason=reason)
        return
    last = latest_change(site)
    is_same = (
        site.status is SiteStatus.reserved
        and last is not None
        and last.company_id == running.company_id
        and last.until == running.ends_on
    )
    if not is_same:
        change_status(
            site,
            SiteStatus.reserved,
            company=running.company,
            until=running.ends_on,
            by=by,
            reason=reason,
        )


def expire_reservations(today: date) -> int:
    """End the reservations whose last day is before ``today`` and set each touched site's
    status for today; returns how many reservations expired."""
    expired = list(
        db.session.scalars(
            select(Reservation).where(
                Reservation.status == ReservationStatus.active, Reservation.ends_on < today
            )
        )
    )
    for reservation in expired:
        end_reservation(reservation, ReservationStatus.expired)
        record_activity(
            reservation.company,
            ActivityKind.system,
            f"Site reservation expired: {reservation.site.name}",
        )
    sites = db.session.scalars(
        select(Site).where(
            or_(
                Site.status == SiteStatus.reserved,
                Site.reservations.any(
                    (Reservation.status == ReservationStatus.active)
                    & (Reservation.starts_on <= today)
                ),
            )
        )
    )
    for site in sites:
        refresh_status(site, today, reason="Reservation expired")
    return len(expired)


def expire_reservations_now() -> str | None:
    """The worker step: free the sites whose reservations have run out."""
    count = expire_reservations(office_today())
    return f"{count} reservations expired" if count else None


def land_on_reserved_site(company: Company, *, by: User | None) -> Site | None:
    """A lead that lands takes the site of its latest active reservation (its others are
    released); returns the site, or None when it held no reservation."""
    held = list(
        db.session.scalars(
            select(Reservation)
            .where(
                Reservation.company_id == company.id,
                Reservation.status == ReservationStatus.active,
            )
            .order_by(Reservation.created_at.desc(), Reservation.id.desc())
        )
    )
    if not held:
        return None
    chosen, others = held[0], held[1:]
    lock_site(chosen.site)
    end_reservation(chosen, ReservationStatus.taken)
    change_status(chosen.site, SiteStatus.taken, company=company, by=by, reason="Lead landed")
    record_activity(
        company, ActivityKind.system, f"Landed on the site {chosen.site.name}", author=by
    )
    for other in others:
        release(other, by=by)
    return chosen.site


def chosen_site_refusals(company: Company, *, to: Stage, **_: Any) -> list[Refused]:
    """Receiver of ``leads.signals.stage_requested``: a decision needs a chosen site, that is
    an active reservation for the lead."""
    if to is not Stage.decision:
        return []
    held = db.session.scalar(
        select(Reservation.id)
        .where(Reservation.company_id == company.id, Reservation.status == ReservationStatus.active)
        .limit(1)
    )
    if held is not None:
        return []
    return [Refused("site_needed", "site", _l("A decision needs a chosen site: reserve one."))]


def taken_on_landing(company: Company, *, to: Stage, by: User | None, **_: Any) -> None:
    """Receiver of ``leads.signals.stage_moved``."""
    if to is Stage.landed:
        land_on_reserved_site(company, by=by)


def reservations_of_site(site: Site) -> Select[Reservation]:
    return (
        select(Reservation)
        .where(Reservation.site_id == site.id)
        .options(selectinload(Reservation.company), selectinload(Reservation.created_by))
        .order_by(Reservation.starts_on.desc(), Reservation.id.desc())
    )


def reservations_of_company(company: Company) -> list[Reservation]:
    return list(
        db.session.scalars(
            select(Reservation)
            .where(Reservation.company_id == company.id)
            .options(selectinload(Reservation.site))
            .order_by(Reservation.starts_on.desc(), Reservation.id.desc())
        )
    )


# --- matching -------------------------------------------------------------------------------


def site_matches_for(company: Company) -> list[SiteMatch]:
    """The sites on offer that meet some of the lead's requirement, best first."""
    sites = db.session.scalars(
        select(Site).where(~Site.is_archived, Site.status != SiteStatus.taken).order_by(Site.id)
    )
    return rank_sites(company, sites)


def fully_met_by(site: Site) -> ColumnElement[bool]:
    """Leads whose every stated need the site can meet, as SQL (the area and dates are held
    against it in ``rank_leads``)."""
    spaces = SPACES_OF_KIND[site.kind]
    is_controlled = site.kind is SiteKind.controlled_area
    offers = {
        "needs_office": "office" in spaces,
        "needs_lab": "lab" in spaces,
        "needs_production": "production" in spaces,
        "needs_cleanroom": "cleanroom" in spaces,
        "needs_gmp": site.is_gmp_ready,
        "needs_controlled_area": is_controlled or site.is_radiation_licence_possible,
        "needs_radiation_licence": is_controlled or site.is_radiation_licence_possible,
        "needs_hot_cells": site.is_hot_cell_capable,
    }
    has_requirement = or_(
        Company.site_area_m2.is_not(None), *(getattr(Company, column) for column in offers)
    )
    condition: ColumnElement[bool] = has_requirement
    for column, is_offered in offers.items():
        if not is_offered:
            condition = condition & (getattr(Company, column) == false())
    return condition & or_(Company.site_area_m2.is_(None), Company.site_area_m2 <= site.area_m2)


def leads_for(site: Site) -> list[SiteMatch]:
    """Open leads whose requirement the site meets in full, the closest fit first."""
    leads = db.session.scalars(
        select(Company)
        .where(~Company.is_archived, Company.stage.in_(OPEN_STAGES), fully_met_by(site))
        .order_by(Company.site_area_m2.desc().nulls_last(), Company.id)
        .limit(LEADS_SHOWN * 4)
    )
    return rank_leads(site, leads)[:LEADS_SHOWN]


def reservation_window(today: date | None = None) -> tuple[date, date]:
    """The dates a new reservation form suggests: from today for four weeks."""
    start = today or office_today()
    return start, start + timedelta(days=28)


def sites_taken_by(companies: list[Company]) -> dict[int, list[Site]]:
    """The sites each of ``companies`` has taken, by company id."""
    taken: dict[int, list[Site]] = {company.id: [] for company in companies}
    for site in db.session.scalars(
        select(Site)
        .where(Site.taken_by_id.in_(list(taken)), Site.status == SiteStatus.taken)
        .order_by(Site.name)
    ):
        if site.taken_by_id is not None:
            taken[site.taken_by_id].append(site)
    return taken
