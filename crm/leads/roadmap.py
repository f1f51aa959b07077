"""The regulatory roadmap of a lead: the permits a radiopharmacy settlement needs, from a template
admins keep, each step with its authority, status, dates and owner."""

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Enum, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from crm.auth.models import User
from crm.db import number_range, utcnow
from crm.extensions import Model, db
from crm.i18n import Labelled, name_members
from crm.leads.models import ActivityKind, Company
from crm.leads.services import staff_member
from crm.leads.timeline import record_activity
from crm.refusals import Refused, refuse_any
from crm.rules import bounded_text, number_within, refusals_of, required_text, storable_date

MAX_POSITION = 1000


class StepStatus(Labelled, enum.Enum):
    open = "open"
    in_progress = "in_progress"
    granted = "granted"
    refused = "refused"
    not_needed = "not_needed"


# A step in one of these is settled: it has a done date and is never overdue.
SETTLED = frozenset({StepStatus.granted, StepStatus.refused, StepStatus.not_needed})

name_members(
    {
        StepStatus.open: _l("open"),
        StepStatus.in_progress: _l("in progress"),
        StepStatus.granted: _l("granted"),
        StepStatus.refused: _l("refused"),
        StepStatus.not_needed: _l("not needed"),
    }
)


class RoadmapTemplateStep(Model):
    """One step every new roadmap starts with; admins keep the list."""

    __tablename__ = "roadmap_template_steps"
    __table_args__ = (number_range("position", 0, MAX_POSITION),)

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    authority: Mapped[str] = mapped_column(String(200), default="")


class RoadmapStep(Model):
    """One permit or licence on a lead's way to settling."""

    __tablename__ = "roadmap_steps"
    __table_args__ = (
        number_range("position", 0, MAX_POSITION),
        CheckConstraint(
            "done_on IS NULL OR status IN ('granted', 'refused', 'not_needed')",
            name="done_only_when_settled",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    authority: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[StepStatus] = mapped_column(
        Enum(StepStatus, name="roadmap_step_status", native_enum=False, create_constraint=True),
        default=StepStatus.open,
    )
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    planned_on: Mapped[date | None]
    done_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    company: Mapped[Company] = relationship()
    owner: Mapped[User | None] = relationship()

    def is_overdue(self, today: date) -> bool:
        return (
            self.status not in SETTLED and self.planned_on is not None and self.planned_on < today
        )


# --- the template ------------------------------------------------------------------------------


def template_steps() -> list[RoadmapTemplateStep]:
    return list(
        db.session.scalars(
            select(RoadmapTemplateStep).order_by(
                RoadmapTemplateStep.position, RoadmapTemplateStep.id
            )
        )
    )


def save_template_step(
    step: RoadmapTemplateStep | None, title: str, authority: str, position: int | None
) -> RoadmapTemplateStep:
    refuse_any(
        refusals_of(
            required_text("title", title),
            bounded_text("title", title, 200),
            bounded_text("authority", authority, 200),
            number_within("position", position, MAX_POSITION),
        )
    )
    if step is None:
        step = RoadmapTemplateStep()
        db.session.add(step)
    step.title = title.strip()
    step.authority = authority.strip()
    step.position = position or 0
    db.session.flush()
    return step


def delete_template_step(step: RoadmapTemplateStep) -> None:
    db.session.delete(step)
    db.session.flush()


# --- a lead's roadmap --------------------------------------------------------------------------


def roadmap_of(company: Company) -> list[RoadmapStep]:
    return list(
        db.session.scalars(
            select(RoadmapStep)
            .where(RoadmapStep.company_id == company.id)
            .options(selectinload(RoadmapStep.owner))
            .order_by(RoadmapStep.position, RoadmapStep.id)
        )
    )


def start_roadmap(company: Company, *, by: User) -> list[RoadmapStep]:
    """The lead's roadmap, copied from the template; the lead's owner owns every step."""
    if roadmap_of(company):
        raise Refused("roadmap_started", None, _l("This lead already has a roadmap."))
    template = template_steps()
    if not template:
        raise Refused("roadmap_template_empty", None, _l("The roadmap template has no steps."))
    steps = [
        RoadmapStep(
            company=company,
            position=step.position,
            title=step.title,
            authority=step.authority,
            owner_id=company.owner_id,
        )
        for step in template
    ]
    db.session.add_all(steps)
    record_activity(
        company, ActivityKind.system, f"Regulatory roadmap started ({len(steps)} steps)", author=by
    )
    return steps


def update_step(
    step: RoadmapStep,
    status: StepStatus,
    *,
    owner_id: int | None,
    planned_on: date | None,
    done_on: date | None,
    today: date,
    by: User,
) -> RoadmapStep:
    """The one way a step changes; a change of status is written on the lead's timeline. A
    settled step is done on ``done_on`` (today unless given); an unsettled one has no done date."""
    refuse_any(
        refusals_of(storable_date("planned_on", planned_on), storable_date("done_on", done_on))
    )
    if done_on is not None and status not in SETTLED:
        raise Refused(
            "done_needs_outcome",
            "done_on",
            _l("Only a granted, refused or unneeded step has a done date."),
        )
    if done_on is not None and done_on > today:
        raise Refused("done_in_future", "done_on", _l("A step cannot be done in the future."))
    owner = staff_member(owner_id, "owner_id")
    previous = step.status
    step.status = status
    step.owner = owner
    step.planned_on = planned_on
    step.done_on = (done_on or step.done_on or today) if status in SETTLED else None
    db.session.flush()
    if status is not previous:
        record_activity(
            step.company,
            ActivityKind.system,
            f"Roadmap: {step.title}: {previous.value} → {status.value}",
            author=by,
        )
    return step


def overdue_steps_of(owner: User, today: date) -> list[RoadmapStep]:
    """The owner's unsettled steps whose planned date has passed, the most overdue first."""
    return list(
        db.session.scalars(
            select(RoadmapStep)
            .where(
                RoadmapStep.owner_id == owner.id,
                RoadmapStep.status.not_in(SETTLED),
                RoadmapStep.planned_on < today,
            )
            .options(selectinload(RoadmapStep.company))
            .order_by(RoadmapStep.planned_on, RoadmapStep.id)
        )
    )
