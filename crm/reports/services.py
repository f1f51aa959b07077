"""The dashboard's figures, each counted by the database in a fixed number of queries."""

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Integer, case, extract, func, select
from sqlalchemy.orm import joinedload

from crm.events.models import Event, EventStatus, Registration, RegistrationStatus
from crm.extensions import db
from crm.leads.models import PIPELINE, Company, FollowUpTask, LeadSource, Stage, company_needs
from crm.mail.models import OutboxMessage, OutboxStatus
from crm.vocabulary.models import Capability

MONTHS_SHOWN = 24
TOP_ROWS = 15
UPCOMING_EVENTS = 10
TASKS_SHOWN = 20
UNSENT = (OutboxStatus.pending, OutboxStatus.sending)


@dataclass(frozen=True)
class Count:
    """One row of a figure: what is counted, its label and how many."""

    key: str
    label: str
    count: int


def live_companies() -> ColumnElement[bool]:
    return Company.is_archived.is_(False)


@dataclass(frozen=True)
class LeadCounts:
    """Live leads counted once by stage, source and country together (a single pass over the
    companies); the figures by stage, source and country add them up."""

    rows: list[tuple[Stage, LeadSource, str | None, int]]

    def by(self, position: int) -> Counter[Any]:
        counted: Counter[Any] = Counter()
        for row in self.rows:
            counted[row[position]] += row[3]
        return counted


def lead_counts() -> LeadCounts:
    columns = (Company.stage, Company.source, Company.country)
    rows = db.session.execute(
        select(*columns, func.count()).where(live_companies()).group_by(*columns)
    ).all()
    return LeadCounts([(stage, source, country, count) for stage, source, country, count in rows])


def leads_by_stage(counts: LeadCounts) -> list[Count]:
    """Every stage in pipeline order, then the sidelined ones, each with its live leads."""
    counted = counts.by(0)
    order = list(PIPELINE) + [stage for stage in Stage if stage not in PIPELINE]
    return [Count(stage.value, stage.label, counted[stage]) for stage in order]


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    count: int

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)


def months_back(today: date, months: int) -> list[tuple[int, int]]:
    """The ``months`` calendar months ending with the one ``today`` is in, oldest first."""
    index = today.year * 12 + today.month - 1
    return [divmod(index - back, 12) for back in reversed(range(months))]


def new_leads_per_month(today: date, months: int = MONTHS_SHOWN) -> list[Month]:
    """Live leads created in each of the last ``months`` calendar months (UTC), empty months too,
    as the list each month links to counts them."""
    shown = [(year, month + 1) for year, month in months_back(today, months)]
    first_year, first_month = shown[0]
    year = extract("year", Company.created_at).cast(Integer)
    month = extract("month", Company.created_at).cast(Integer)
    counted = {
        (row_year, row_month): count
        for row_year, row_month, count in db.session.execute(
            select(year, month, func.count())
            .where(
                live_companies(),
                Company.created_at >= datetime(first_year, first_month, 1, tzinfo=UTC),
            )
            .group_by(year, month)
        )
    }
    return [Month(year, month, counted.get((year, month), 0)) for year, month in shown]


def leads_by_country(counts: LeadCounts, limit: int = TOP_ROWS) -> list[Count]:
    """The countries with the most live leads, leads without a country among them."""
    ranked = sorted(counts.by(2).items(), key=lambda item: (-item[1], item[0] or ""))
    return [Count(country or "", country or "", count) for country, count in ranked[:limit]]


def leads_by_need(limit: int = TOP_ROWS) -> list[Count]:
    rows = db.session.execute(
        select(Capability, func.count())
        .join(company_needs, company_needs.c.capability_id == Capability.id)
        # Archived leads are few: leaving them out beats joining every live one.
        .where(company_needs.c.company_id.not_in(select(Company.id).where(~live_companies())))
        .group_by(Capability.id)
        .order_by(func.count().desc(), Capability.slug)
        .limit(limit)
    )
    return [Count(need.slug, need.label, count) for need, count in rows]


def leads_by_source(counts: LeadCounts) -> list[Count]:
    counted = counts.by(1)
    return [Count(source.value, source.label, counted[source]) for source in LeadSource]


def tasks_due(owner_id: int, today: date, limit: int = TASKS_SHOWN) -> list[FollowUpTask]:
    """The owner's open tasks due today or overdue, the oldest first."""
    return list(
        db.session.scalars(
            select(FollowUpTask)
            .options(joinedload(FollowUpTask.company))
            .where(
                FollowUpTask.owner_id == owner_id,
                FollowUpTask.is_done.is_(False),
                FollowUpTask.due_on <= today,
            )
            .order_by(FollowUpTask.due_on, FollowUpTask.id)
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class EventSeats:
    event: Event
    confirmed: int
    waitlisted: int


def upcoming_events(now: datetime, limit: int = UPCOMING_EVENTS) -> list[EventSeats]:
    """Events not cancelled that start from ``now`` on, with seats taken and the waiting list."""

    def counting(status: RegistrationStatus) -> ColumnElement[int]:
        return func.count(case((Registration.status == status, Registration.id)))

    rows = db.session.execute(
        select(
            Event, counting(RegistrationStatus.confirmed), counting(RegistrationStatus.waitlisted)
        )
        .outerjoin(Registration, Registration.event_id == Event.id)
        .where(Event.sort_at >= now, Event.status != EventStatus.cancelled)
        .group_by(Event.id)
        .order_by(Event.sort_at, Event.id)
        .limit(limit)
    )
    return [EventSeats(event, confirmed, waitlisted) for event, confirmed, waitlisted in rows]


@dataclass(frozen=True)
class OutboxHealth:
    queued: int
    failed: int
    oldest_unsent_at: datetime | None


def outbox_health() -> OutboxHealth:
    queued, failed, oldest = db.session.execute(
        select(
            func.count(case((OutboxMessage.status.in_(UNSENT), OutboxMessage.id))),
            func.count(case((OutboxMessage.status == OutboxStatus.failed, OutboxMessage.id))),
            func.min(case((OutboxMessage.status.in_(UNSENT), OutboxMessage.created_at))),
        )
    ).one()
    return OutboxHealth(queued, failed, oldest)
