"""Aftercare of landed companies: when they were last contacted and who is due to call them."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from crm.auth.models import User
from crm.extensions import db
from crm.leads.models import Activity, ActivityKind, Company, Stage

# What counts as contact: staff in touch with the company's people. Notes, registrations for
# events, automatic mail and the system's entries on the timeline do not.
CONTACT_KINDS = (
    ActivityKind.call,
    ActivityKind.meeting,
    ActivityKind.email,
    ActivityKind.site_visit,
)


@dataclass(frozen=True)
class Aftercare:
    company: Company
    last_contact_at: datetime | None
    is_due: bool


def contact_due_before(now: datetime) -> datetime:
    """A landed company last contacted before this is due for a call."""
    return now - timedelta(days=current_app.config["AFTERCARE_CONTACT_DAYS"])


def landed_companies(now: datetime, owner: User | None = None) -> list[Aftercare]:
    """The landed companies (of ``owner``, if given) by name, each with its last contact."""
    last_contact = (
        select(Activity.company_id, func.max(Activity.occurred_at).label("at"))
        .where(Activity.kind.in_(CONTACT_KINDS))
        .group_by(Activity.company_id)
        .subquery()
    )
    query = (
        select(Company, last_contact.c.at)
        .outerjoin(last_contact, last_contact.c.company_id == Company.id)
        .where(Company.stage == Stage.landed, Company.is_archived.is_(False))
        .order_by(Company.name, Company.id)
    )
    if owner is not None:
        query = query.where(Company.owner_id == owner.id)
    due_before = contact_due_before(now)
    return [
        Aftercare(company, at, is_due=at is None or at < due_before)
        for company, at in db.session.execute(query)
    ]


def aftercare_due_of(owner: User, now: datetime) -> list[Aftercare]:
    """The owner's landed companies not contacted for AFTERCARE_CONTACT_DAYS."""
    return [entry for entry in landed_companies(now, owner) if entry.is_due]
