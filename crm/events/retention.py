"""Retention: some months after an event ends, its registrations keep no personal data that no
consent keeps.

The months are the event's own (``Event.retention_months``) or the application's
``CRM_RETENTION_MONTHS``. A registration whose registrant still agrees to WFS following up or
to sharing their contact with partners keeps name, email, position and company name (what those
purposes need), but not the answers to the event's questions, which may tell dietary or access
needs. Every other registration is anonymised: name, email, position, answers and the link to
the person's contact go. What the statistics and the attribution count stays: event, company
link (a business record), company name, country, language, status, dates, check-in, no-show,
needs, partners to meet and the consent rows (purpose, version, language, times, without the
contact). The lead's contacts and timeline are the records staff keep; a person's request to be
forgotten erases them (crm.privacy).
"""

from calendar import monthrange
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.audit.services import scrub_personal_data
from crm.consents.models import OPTIONAL_PURPOSES
from crm.db import utcnow
from crm.events.models import Event, Registration
from crm.extensions import db

ANONYMISED_NAME = "Anonymised registrant"


def anonymised_email(registration: Registration) -> str:
    """An address that is unique per registration and can never receive mail (RFC 2606)."""
    return f"anonymised-{registration.id}@erased.invalid"


def months_later(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` later, or the last day of a shorter month."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, monthrange(year, month)[1]))


def retention_months(event: Event) -> int:
    return event.retention_months or int(current_app.config["CRM_RETENTION_MONTHS"])


def retained_until(event: Event) -> datetime:
    """When the event's retention period ends."""
    return months_later(event.finishes_at, retention_months(event))


def is_kept_by_consent(registration: Registration) -> bool:
    return any(
        consent.purpose in OPTIONAL_PURPOSES and consent.is_live
        for consent in registration.consents
    )


@dataclass
class RetentionPlan:
    """What retention does to one event's registrations."""

    event: Event
    retained_until: datetime
    to_anonymise: list[Registration]
    kept_by_consent: list[Registration]

    def __str__(self) -> str:
        kept_answers = sum(bool(registration.answers) for registration in self.kept_by_consent)
        return (
            f"{self.event.slug} (retained until {self.retained_until:%Y-%m-%d}): "
            f"{len(self.to_anonymise)} registrations to anonymise, "
            f"{len(self.kept_by_consent)} kept by consent ({kept_answers} with answers to clear)"
        )


def retention_due(now: datetime) -> list[RetentionPlan]:
    """The events whose retention period is over, with the registrations it still concerns."""
    plans = []
    begun = db.session.scalars(select(Event).where(Event.sort_at < now).order_by(Event.sort_at))
    for event in begun:
        until = retained_until(event)
        if until > now:
            continue
        registrations = db.session.scalars(
            select(Registration)
            .where(Registration.event_id == event.id, Registration.anonymised_at.is_(None))
            .options(selectinload(Registration.consents))
            .order_by(Registration.id)
        ).all()
        kept = [registration for registration in registrations if is_kept_by_consent(registration)]
        gone = [registration for registration in registrations if registration not in kept]
        if gone or any(registration.answers for registration in kept):
            plans.append(RetentionPlan(event, until, gone, kept))
    return plans


def anonymise_registration(registration: Registration, now: datetime) -> None:
    """Remove the person from a registration, keeping what statistics count (see above)."""
    registration.name = ANONYMISED_NAME
    registration.email = anonymised_email(registration)
    registration.position = None
    registration.answers = {}  # may hold dietary or access needs: health data
    registration.contact = None
    registration.anonymised_at = now
    for consent in registration.consents:
        consent.contact_id = None


def apply_retention(now: datetime) -> list[RetentionPlan]:
    """Anonymise what the retention periods ended at ``now`` concern."""
    plans = retention_due(now)
    for plan in plans:
        for registration in plan.to_anonymise:
            anonymise_registration(registration, now)
        for registration in plan.kept_by_consent:
            registration.answers = {}
    db.session.flush()
    # The audit log's old values would keep what was just removed (this change's own included).
    scrub_personal_data(
        {
            ("registration", registration.id)
            for plan in plans
            for registration in (*plan.to_anonymise, *plan.kept_by_consent)
        },
        (),
    )
    return plans


def apply_retention_now() -> str | None:
    """The worker step."""
    plans = apply_retention(utcnow())
    count = sum(len(plan.to_anonymise) for plan in plans)
    return f"{count} registrations anonymised after their retention period" if count else None
