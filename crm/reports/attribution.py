"""Which event brought which lead, and how far each company got since it registered.

A company is brought by the event of its first registration (two at the same moment: both) and is
counted under every event it registered for. A milestone counts when the stage history shows a
move to it, or to a later pipeline stage, after the company's first registration for the event.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import (
    CTE,
    ColumnElement,
    FunctionFilter,
    Integer,
    and_,
    case,
    func,
    literal,
    or_,
    select,
)

from crm.events.models import Event, Registration, RegistrationStatus, registration_meeting_requests
from crm.extensions import db
from crm.leads.confidential import Reader, name_seen_by, visible_to
from crm.leads.models import PIPELINE, Company, Stage, StageChange

MILESTONES = (Stage.qualified, Stage.site_visit, Stage.decision, Stage.landed)
# The companies a number names on the report page; the rest are a page of their own away.
LISTED = 50


class ListedCompany(NamedTuple):
    """What a list of companies shows of each: its name, linked to its page."""

    id: int
    name: str


class Group(NamedTuple):
    """Which companies a number counts: those the event brought or all it had, and those that
    reached a milestone after registering or all of them."""

    is_brought: bool = False
    reached: Stage | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> "Group":
        """The group named in query arguments; anything unknown names the wider group."""
        reached = args.get("reached", "")
        return cls(
            args.get("brought") == "yes",
            Stage[reached] if reached in {stage.name for stage in MILESTONES} else None,
        )

    def to_args(self) -> dict[str, str]:
        """Query arguments for a link to the group's companies."""
        return {
            **({"brought": "yes"} if self.is_brought else {}),
            **({"reached": self.reached.name} if self.reached else {}),
        }


class CompanyList(list[ListedCompany]):
    """Companies behind a number, by name (the first ones, or a page of them), how many there
    are in all and which group they are."""

    def __init__(
        self, companies: Iterable[ListedCompany] = (), total: int = 0, group: Group | None = None
    ) -> None:
        super().__init__(companies)
        self.total = total
        self.group = group or Group()

    @property
    def more(self) -> int:
        return self.total - len(self)


@dataclass(frozen=True)
class Milestone:
    stage: Stage
    attended: CompanyList = field(default_factory=CompanyList)
    brought: CompanyList = field(default_factory=CompanyList)


@dataclass(frozen=True)
class EventAttribution:
    registrations: int
    confirmed: int
    waitlisted: int
    cancelled: int
    checked_in: int
    no_shows: int
    meeting_requests: int
    attended: CompanyList
    brought: CompanyList
    milestones: list[Milestone]


def registration_counts(event: Event) -> tuple[int, ...]:
    def of_status(status: RegistrationStatus) -> FunctionFilter[int]:
        return func.count().filter(Registration.status == status)

    return tuple(
        db.session.execute(
            select(
                func.count(),
                of_status(RegistrationStatus.confirmed),
                of_status(RegistrationStatus.waitlisted),
                of_status(RegistrationStatus.cancelled),
                func.count(Registration.checked_in_at),
                func.count().filter(Registration.is_no_show.is_(True)),
            ).where(Registration.event_id == event.id)
        ).one()
    )


def meeting_requests(event: Event) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(registration_meeting_requests)
            .join(Registration, Registration.id == registration_meeting_requests.c.registration_id)
            .where(Registration.event_id == event.id)
        )
        or 0
    )


def attributed_companies(event: Event, reader: Reader) -> CTE:
    """The companies registered for the event (by the names ``reader`` may read), with whether it
    brought them (1 or 0) and, for each milestone, whether they reached it after registering (1
    or 0)."""
    at_event = (
        select(
            Registration.company_id.label("company_id"),
            func.min(Registration.created_at)
            .filter(Registration.event_id == event.id)
            .label("registered_at"),
            func.min(Registration.created_at).label("first_at"),
        )
        .where(Registration.company_id.is_not(None))
        .group_by(Registration.company_id)
        .having(func.count().filter(Registration.event_id == event.id) > 0)
        .cte("at_event")
    )
    progress = (
        select(
            StageChange.company_id.label("company_id"),
            *(
                func.max(case((StageChange.to_stage.in_(and_later(stage)), 1), else_=0)).label(
                    stage.value
                )
                for stage in MILESTONES
            ),
        )
        .join(at_event, at_event.c.company_id == StageChange.company_id)
        .where(StageChange.changed_at >= at_event.c.registered_at)
        .group_by(StageChange.company_id)
        .subquery()
    )
    return (
        select(
            Company.id,
            name_seen_by(reader).label("name"),
            case(
                (visible_to(reader), Company.normalised_name), else_=func.lower(Company.codename)
            ).label("sort_name"),
            case((at_event.c.registered_at <= at_event.c.first_at, 1), else_=0).label("is_brought"),
            *(func.coalesce(progress.c[stage.value], 0).label(stage.value) for stage in MILESTONES),
        )
        .join(at_event, at_event.c.company_id == Company.id)
        .outerjoin(progress, progress.c.company_id == Company.id)
        .cte("attributed")
    )


def and_later(milestone: Stage) -> tuple[Stage, ...]:
    return PIPELINE[PIPELINE.index(milestone) :]


def in_group(companies: CTE, group: Group) -> ColumnElement[int]:
    """1 for a company of the group, else 0."""
    flags = [companies.c.is_brought] if group.is_brought else []
    if group.reached is not None:
        flags.append(companies.c[group.reached.value])
    if not flags:
        return literal(1, Integer)
    return flags[0] * flags[1] if len(flags) == 2 else flags[0]


def companies_behind(
    event: Event, reader: Reader, groups: list[Group], limit: int, offset: int = 0
) -> dict[Group, CompanyList]:
    """For each group, its companies by name from ``offset`` (``limit`` of them) and how many
    it has in all: one query, however many companies the event had.

    A running count per group, over the companies sorted once by name, gives each company its
    place in every group it belongs to; only those in the places asked for are read.
    """
    companies = attributed_companies(event, reader)
    by_name = (companies.c.sort_name, companies.c.id)
    flags = [in_group(companies, group) for group in groups]
    ranked = select(
        companies.c.id,
        companies.c.name,
        *(flag.label(f"in_{number}") for number, flag in enumerate(flags)),
        *(
            func.sum(flag).over(order_by=by_name, rows=(None, 0)).label(f"place_{number}")
            for number, flag in enumerate(flags)
        ),
        *(func.sum(flag).over().label(f"total_{number}") for number, flag in enumerate(flags)),
    ).subquery()
    rows = db.session.execute(
        select(ranked).where(
            or_(
                *(
                    and_(
                        ranked.c[f"in_{number}"] == 1,
                        ranked.c[f"place_{number}"] > offset,
                        ranked.c[f"place_{number}"] <= offset + limit,
                    )
                    for number in range(len(groups))
                )
            )
        )
    ).all()
    count = len(groups)
    found: dict[int, list[tuple[int, ListedCompany]]] = {number: [] for number in range(count)}
    totals = [0] * count
    for company_id, name, *numbers in rows:
        member, places = numbers[:count], numbers[count : 2 * count]
        totals = [int(total) for total in numbers[2 * count :]]  # the same on every row
        for number in range(count):
            if member[number] and offset < places[number] <= offset + limit:
                found[number].append((places[number], ListedCompany(company_id, name)))
    return {
        group: CompanyList((company for _, company in sorted(found[number])), totals[number], group)
        for number, group in enumerate(groups)
    }


def event_attribution(event: Event, reader: Reader) -> EventAttribution:
    registrations, confirmed, waitlisted, cancelled, checked_in, no_shows = registration_counts(
        event
    )
    groups = [Group(), Group(is_brought=True)] + [
        Group(is_brought, stage) for stage in MILESTONES for is_brought in (False, True)
    ]
    listed = companies_behind(event, reader, groups, LISTED)
    return EventAttribution(
        registrations=registrations,
        confirmed=confirmed,
        waitlisted=waitlisted,
        cancelled=cancelled,
        checked_in=checked_in,
        no_shows=no_shows,
        meeting_requests=meeting_requests(event),
        attended=listed[Group()],
        brought=listed[Group(is_brought=True)],
        milestones=[
            Milestone(stage, listed[Group(False, stage)], listed[Group(True, stage)])
            for stage in MILESTONES
        ],
    )
