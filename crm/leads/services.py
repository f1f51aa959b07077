"""Domain operations on leads: create, edit, archive, move stage, follow up, merge."""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.orm.exc import StaleDataError

from crm.auth.models import User
from crm.db import utcnow
from crm.events.models import Registration
from crm.extensions import db
from crm.leads.matching import domain_of_url, find_matching_companies
from crm.leads.models import (
    PIPELINE,
    STAGES_NEEDING_A_REASON,
    Activity,
    ActivityKind,
    Company,
    Contact,
    FollowUpTask,
    Stage,
    StageChange,
    company_needs,
)
from crm.leads.names import normalise_company_name
from crm.leads.timeline import record_activity
from crm.mail.models import OutboxMessage
from crm.partners.models import Capability
from crm.partners.services import move_partner_records

OFFICE_ZONE = ZoneInfo("Europe/Berlin")
MAX_ID = 2**31 - 1  # integer primary keys; larger numbers name no row
MAX_COUNT = 1_000_000_000
MAX_CAPEX_EUR = 10**15
NORMALISED_NAME_LENGTH = Company.normalised_name.type.length

# Fields staff set through the company form or an import; the stage moves only via move_stage.
EDITABLE_FIELDS = frozenset(
    {
        "name",
        "domain",
        "website",
        "country",
        "city",
        "sector",
        "description",
        "source",
        "owner_id",
        "investment_type",
        "new_jobs",
        "safeguarded_jobs",
        "capex_eur",
        "likelihood_percent",
        "estimated_landing_on",
        "actual_landing_on",
        "competing_locations",
        "site_area_m2",
        "needs_office",
        "needs_lab",
        "needs_production",
        "needs_cleanroom",
        "needs_gmp",
        "needs_controlled_area",
        "needs_radiation_licence",
        "needs_hot_cells",
    }
)

OPEN_STAGES = frozenset(PIPELINE) - {Stage.landed}
PAUSED_STAGES = frozenset({Stage.lost, Stage.on_hold, Stage.dormant})
ALLOWED_MOVES: dict[Stage, frozenset[Stage]] = {
    **{stage: (OPEN_STAGES | PAUSED_STAGES | {Stage.landed}) - {stage} for stage in OPEN_STAGES},
    # A landing is final: the company moves on to aftercare.
    Stage.landed: frozenset(),
    **{stage: (OPEN_STAGES | PAUSED_STAGES) - {stage} for stage in PAUSED_STAGES},
}
STAFF_ACTIVITY_KINDS = (
    ActivityKind.note,
    ActivityKind.call,
    ActivityKind.meeting,
    ActivityKind.email,
    ActivityKind.site_visit,
)


class LeadError(Exception):
    """A request the lead rules refuse; the message is shown to staff as it is."""


class PossibleDuplicates(LeadError):
    def __init__(self, matches: list[Company]) -> None:
        super().__init__("A company with the same domain or a near-same name exists already.")
        self.matches = matches


class MoveNotAllowed(LeadError):
    """The pipeline does not allow this stage change."""


class ReasonRequired(LeadError):
    """The stage change needs a reason."""


class StaleEdit(LeadError):
    def __init__(self) -> None:
        super().__init__(
            "Someone else changed this company since you opened the form. "
            "Your changes were not saved; the page now shows the current data."
        )


def office_today() -> date:
    """Today in Dresden, where due dates are meant."""
    return utcnow().astimezone(OFFICE_ZONE).date()


def apply_details(company: Company, details: dict[str, Any]) -> None:
    unknown = set(details) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for field, value in details.items():
        setattr(company, field, value)
    # Spelled-out umlauts can make the normalised name longer than the name itself.
    company.normalised_name = normalise_company_name(company.name)[:NORMALISED_NAME_LENGTH]
    if company.domain:
        company.domain = company.domain.lower()
    elif company.website:
        company.domain = domain_of_url(company.website)


def possible_duplicates(details: dict[str, Any]) -> list[Company]:
    """Live companies with the same domain (given or taken from the website) or the same name."""
    website = details.get("website")
    domain = details.get("domain") or (domain_of_url(website) if website else None)
    return find_matching_companies(domain, details.get("name"))


def create_company(
    details: dict[str, Any],
    *,
    needs: Iterable[Capability] = (),
    stage: Stage = Stage.enquiry,
    by: User | None = None,
    is_demo: bool = False,
    allow_duplicates: bool = True,
) -> Company:
    """Create a lead; with ``allow_duplicates=False`` refuse one that looks like a known company."""
    if not allow_duplicates and (matches := possible_duplicates(details)):
        raise PossibleDuplicates(matches)
    company = Company(stage=stage, is_demo=is_demo, description="", competing_locations="")
    apply_details(company, details)
    company.needs = list(needs)
    db.session.add(company)
    db.session.add(StageChange(company=company, from_stage=None, to_stage=stage, changed_by=by))
    db.session.flush()
    return company


def update_company(
    company: Company,
    details: dict[str, Any],
    *,
    needs: Iterable[Capability],
    expected_version: int,
) -> Company:
    """Save an edit made on a form opened at ``expected_version``; refuse it if that is stale."""
    if company.version != expected_version:
        raise StaleEdit
    apply_details(company, details)
    company.needs = list(needs)
    try:
        db.session.flush()
    except StaleDataError as error:
        raise StaleEdit from error
    return company


def set_archived(company: Company, is_archived: bool, *, by: User) -> None:
    company.is_archived = is_archived
    subject = "Archived" if is_archived else "Restored from the archive"
    record_activity(company, ActivityKind.system, subject, author=by)


def delete_company(company: Company) -> None:
    """Remove a company for good: its people, history and tasks go; registrations and mail stay.

    Done here rather than left to ``ondelete`` because SQLite does not enforce foreign keys.
    """
    contact_ids = select(Contact.id).where(Contact.company_id == company.id)
    db.session.execute(
        update(Registration).where(Registration.contact_id.in_(contact_ids)).values(contact_id=None)
    )
    for kept in (Registration.company_id, OutboxMessage.company_id):
        db.session.execute(update(kept.class_).where(kept == company.id).values({kept.key: None}))
    for removed in (Activity.company_id, FollowUpTask.company_id):
        db.session.execute(delete(removed.class_).where(removed == company.id))
    db.session.delete(company)
    db.session.flush()


def move_stage(
    company: Company,
    to: Stage,
    reason: str,
    by: User | None,
    *,
    lost_to_location: str | None = None,
) -> StageChange:
    """The one way a company changes stage: checks the move and records who, when and why."""
    reason = reason.strip()
    if to not in ALLOWED_MOVES[company.stage]:
        raise MoveNotAllowed(
            f"A company in stage {company.stage.name} cannot move to {to.name}."
            if company.stage is not to
            else f"The company is in stage {to.name} already."
        )
    if to in STAGES_NEEDING_A_REASON and not reason:
        raise ReasonRequired(f"Moving to {to.name} needs a reason.")
    change = StageChange(
        company=company, from_stage=company.stage, to_stage=to, reason=reason, changed_by=by
    )
    db.session.add(change)
    company.stage = to
    company.stage_reason = reason
    if to is Stage.lost:
        company.lost_to_location = (lost_to_location or "").strip() or None
    db.session.flush()
    return change


def time_in_stages(company: Company, now: datetime | None = None) -> dict[Stage, timedelta]:
    """How long the company has spent in each stage, from its creation and its stage history.

    A company imported or created without a recorded first stage has been in the stage its
    first recorded move left (or, with no moves at all, its current stage) since its creation.
    """
    now = now or utcnow()
    changes = sorted(company.stage_changes, key=lambda change: (change.changed_at, change.id))
    first_stage = changes[0].from_stage if changes else company.stage
    periods: list[tuple[Stage, datetime]] = []
    if first_stage is not None:
        periods.append((first_stage, company.created_at))
    periods.extend((change.to_stage, change.changed_at) for change in changes)
    spent: dict[Stage, timedelta] = {}
    for (stage, since), (_, until) in pairwise([*periods, (company.stage, now)]):
        spent[stage] = spent.get(stage, timedelta()) + max(until - since, timedelta())
    return spent


def verify_landing(company: Company, evidence: str, *, by: User) -> None:
    """A landing counts in figures only after a staff member confirmed it with evidence."""
    if company.stage is not Stage.landed:
        raise LeadError("Only a landed company can have its landing verified.")
    evidence = evidence.strip()
    if not evidence:
        raise LeadError("Say what shows that the company landed.")
    company.landing_verified_at = utcnow()
    company.landing_verified_by = by
    company.landing_evidence = evidence
    company.actual_landing_on = company.actual_landing_on or office_today()
    record_activity(company, ActivityKind.system, "Landing verified", evidence, author=by)


def verified_landings_count() -> int:
    return (
        db.session.scalar(
            select(db.func.count(Company.id)).where(
                Company.stage == Stage.landed,
                Company.landing_verified_at.is_not(None),
                Company.is_archived.is_(False),
            )
        )
        or 0
    )


def save_contact(
    company: Company,
    details: dict[str, Any],
    *,
    has_consent: bool,
    consent_version: str | None,
    contact: Contact | None = None,
) -> Contact:
    contact = contact or Contact(company=company)
    for field in ("name", "email", "phone", "position", "language"):
        setattr(contact, field, details.get(field))
    contact.email = contact.email.lower() if contact.email else None
    if has_consent and contact.consent_at is None:
        contact.consent_at = utcnow()
    if not has_consent:
        contact.consent_at = None
    contact.consent_version = consent_version if has_consent else None
    db.session.add(contact)
    db.session.flush()
    return contact


def log_activity(
    company: Company,
    kind: ActivityKind,
    subject: str,
    body: str,
    *,
    occurred_at: datetime | None,
    by: User,
) -> Activity:
    if kind not in STAFF_ACTIVITY_KINDS:
        raise LeadError(f"Staff cannot write {kind.name} entries.")
    return record_activity(company, kind, subject, body, author=by, occurred_at=occurred_at)


def create_task(company: Company, title: str, due_on: date, *, owner: User | None) -> FollowUpTask:
    task = FollowUpTask(company=company, title=title.strip(), due_on=due_on, owner=owner)
    db.session.add(task)
    db.session.flush()
    return task


def complete_task(task: FollowUpTask) -> None:
    if not task.is_done:
        task.is_done = True
        task.done_at = utcnow()
        db.session.flush()


def open_tasks_of(owner: User) -> list[FollowUpTask]:
    """The owner's open tasks, the most overdue first."""
    return list(
        db.session.scalars(
            select(FollowUpTask)
            .where(FollowUpTask.owner_id == owner.id, FollowUpTask.is_done.is_(False))
            .options(db.selectinload(FollowUpTask.company))
            .order_by(FollowUpTask.due_on, FollowUpTask.id)
        )
    )


# Every column pointing at a company whose rows follow a merged duplicate to its survivor.
# Rows unique per company and partner move through partners.services.move_partner_records.
COMPANY_REFERENCES_MOVED_ON_MERGE: list[InstrumentedAttribute[Any]] = [
    Contact.company_id,
    Activity.company_id,
    FollowUpTask.company_id,
    StageChange.company_id,
    Registration.company_id,
    OutboxMessage.company_id,
]


def merge_companies(survivor: Company, duplicate: Company, *, by: User) -> Company:
    """Fold ``duplicate`` into ``survivor``: its people, history, tasks and mail move over."""
    if survivor.id == duplicate.id:
        raise LeadError("A company cannot be merged into itself.")
    move_partner_records(duplicate, survivor)
    for column in COMPANY_REFERENCES_MOVED_ON_MERGE:
        db.session.execute(
            update(column.class_)
            .where(column == duplicate.id)
            .values({column.key: survivor.id})
            .execution_options(synchronize_session=False)
        )
    missing_needs = select(company_needs.c.capability_id).where(
        company_needs.c.company_id == duplicate.id,
        company_needs.c.capability_id.not_in(
            select(company_needs.c.capability_id).where(company_needs.c.company_id == survivor.id)
        ),
    )
    db.session.execute(
        insert(company_needs).from_select(
            ["company_id", "capability_id"],
            select(db.literal(survivor.id), missing_needs.subquery().c.capability_id),
        )
    )
    db.session.execute(delete(company_needs).where(company_needs.c.company_id == duplicate.id))
    for field in ("domain", "website", "country", "city", "sector", "owner_id"):
        if getattr(survivor, field) is None:
            setattr(survivor, field, getattr(duplicate, field))
    merged_name = duplicate.name
    db.session.flush()
    db.session.expire_all()  # the bulk updates above bypassed the loaded objects
    db.session.delete(duplicate)
    db.session.flush()
    record_activity(
        survivor,
        ActivityKind.system,
        f"Merged with {merged_name}",
        f"The duplicate record {merged_name!r} was merged into this one.",
        author=by,
    )
    return survivor
