"""Which event brought which lead, and how far each company got since it registered.

A company is brought by the event of its first registration (two at the same moment: both) and is
counted under every event it registered for. A milestone counts when the stage history shows a
move to it, or to a later pipeline stage, after the company's first registration for the event.
"""

from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import FunctionFilter, case, func, select

from crm.events.models import Event, Registration, RegistrationStatus, registration_meeting_requests
from crm.extensions import db
from crm.leads.confidential import Reader, name_seen_by
from crm.leads.models import PIPELINE, Company, Stage, StageChange

MILESTONES = (Stage.qualified, Stage.site_visit, Stage.decision, Stage.landed)


class ListedCompany(NamedTuple):
    """What a list of companies shows of each: its name, linked to its page."""

    id: int
    name: str


@dataclass(frozen=True)
class AttributedCompany:
    company: ListedCompany
    is_brought: bool
    reached: frozenset[Stage]


@dataclass(frozen=True)
class Milestone:
    stage: Stage
    attended: list[ListedCompany] = field(default_factory=list)
    brought: list[ListedCompany] = field(default_factory=list)


@dataclass(frozen=True)
class EventAttribution:
    registrations: int
    confirmed: int
    waitlisted: int
    cancelled: int
    checked_in: int
    no_shows: int
    meeting_requests: int
    attended: list[ListedCompany]
    brought: list[ListedCompany]
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


def companies_of(event: Event, reader: Reader) -> list[AttributedCompany]:
    """The companies registered for the event (by the names ``reader`` may read), whether it
    brought them, the milestones reached."""
    at_event = (
        select(
            Registration.company_id.label("company_id"),
            func.min(Registration.created_at).label("registered_at"),
        )
        .where(Registration.event_id == event.id, Registration.company_id.is_not(None))
        .group_by(Registration.company_id)
        .subquery()
    )
    first = (
        select(
            Registration.company_id.label("company_id"),
            func.min(Registration.created_at).label("first_at"),
        )
        .where(Registration.company_id.in_(select(at_event.c.company_id)))
        .group_by(Registration.company_id)
        .subquery()
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
    rows = db.session.execute(
        select(
            Company.id,
            name_seen_by(reader),
            at_event.c.registered_at <= first.c.first_at,
            *(func.coalesce(progress.c[stage.value], 0) for stage in MILESTONES),
        )
        .join(at_event, at_event.c.company_id == Company.id)
        .join(first, first.c.company_id == Company.id)
        .outerjoin(progress, progress.c.company_id == Company.id)
        .order_by(Company.normalised_name, Company.id)
    ).all()
    return [
        AttributedCompany(
            ListedCompany(company_id, name),
            bool(is_brought),
            frozenset(stage for stage, flag in zip(MILESTONES, flags, strict=True) if flag),
        )
        for company_id, name, is_brought, *flags in rows
    ]


def and_later(milestone: Stage) -> tuple[Stage, ...]:
    return PIPELINE[PIPELINE.index(milestone) :]


def event_attribution(event: Event, reader: Reader) -> EventAttribution:
    registrations, confirmed, waitlisted, cancelled, checked_in, no_shows = registration_counts(
        event
    )
    found = companies_of(event, reader)
    milestones = [
        Milestone(
            stage,
            [each.company for each in found if stage in each.reached],
            [each.company for each in found if each.is_brought and stage in each.reached],
        )
        for stage in MILESTONES
    ]
    return EventAttribution(
        registrations=registrations,
        confirmed=confirmed,
        waitlisted=waitlisted,
        cancelled=cancelled,
        checked_in=checked_in,
        no_shows=no_shows,
        meeting_requests=meeting_requests(event),
        attended=[each.company for each in found],
        brought=[each.company for each in found if each.is_brought],
        milestones=milestones,
    )
