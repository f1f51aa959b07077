"""Data-protection requests (GDPR Art. 15 and 17): export everything about a person, or erase it.

Erasure anonymises what statistics need (registrations keep event, status, country and dates) and
deletes the rest (contacts, and the consents of the registrations: with nobody left, there is no
consent to prove); queued mail to the person is cancelled and sent mail is scrubbed.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select

from crm.audit.services import entries_about, scrub_personal_data
from crm.consents.models import Consent
from crm.consents.texts import text_of
from crm.events.models import Registration
from crm.extensions import db
from crm.leads.models import Activity, Contact
from crm.mail.models import OutboxMessage
from crm.mail.services import cancel_pending_to

ERASED = "[erased]"
ERASED_NAME = "Erased person"


@dataclass
class ErasureReport:
    contacts_deleted: int
    registrations_anonymised: int
    consents_deleted: int
    messages_scrubbed: int
    activities_scrubbed: int

    @property
    def found_anything(self) -> bool:
        return any(vars(self).values())


def _by_email(model: Any, column: Any, email: str) -> list[Any]:
    return list(db.session.scalars(select(model).where(column == email.strip().lower())))


def personal_data(email: str) -> dict[str, Any]:
    """Everything stored about the person with this email, as plain JSON-ready data."""
    email = email.strip().lower()
    contacts = _by_email(Contact, Contact.email, email)
    registrations = _by_email(Registration, Registration.email, email)
    messages = _by_email(OutboxMessage, OutboxMessage.to_email, email)
    names = {c.name for c in contacts} | {r.name for r in registrations}
    return {
        "email": email,
        "contacts": [
            {
                "name": c.name,
                "company": c.company.name,
                "position": c.position,
                "phone": c.phone,
                "language": c.language,
                "consent_version": c.consent_version,
                "consent_at": c.consent_at.isoformat() if c.consent_at else None,
                "created_at": c.created_at.isoformat(),
            }
            for c in contacts
        ],
        "registrations": [
            {
                "event": r.event.title,
                "name": r.name,
                "company": r.company_name,
                "position": r.position,
                "country": r.country,
                "language": r.language,
                "status": r.status.value,
                "answers": r.answers,
                "partners_to_meet": [p.name for p in r.partners_to_meet],
                "consent_version": r.consent_version,
                "consent_at": r.consent_at.isoformat(),
                "consents": [consent_data(consent) for consent in r.consents],
                "created_at": r.created_at.isoformat(),
            }
            for r in registrations
        ],
        "mail": [
            {
                "subject": m.subject,
                "status": m.status.value,
                "queued_at": m.created_at.isoformat(),
                "sent_at": m.sent_at.isoformat() if m.sent_at else None,
            }
            for m in messages
        ],
        "audit_log": entries_about(_records(contacts, registrations), (email, *names)),
    }


def consent_data(consent: Consent) -> dict[str, Any]:
    return {
        "purpose": consent.purpose.value,
        "text_version": consent.text_version,
        "language": consent.language,
        "text": text_of(consent.text_version, consent.language),
        "given_at": consent.given_at.isoformat(),
        "withdrawn_at": consent.withdrawn_at.isoformat() if consent.withdrawn_at else None,
    }


def erase_person(email: str) -> ErasureReport:
    email = email.strip().lower()
    contacts = _by_email(Contact, Contact.email, email)
    registrations = _by_email(Registration, Registration.email, email)
    messages = _by_email(OutboxMessage, OutboxMessage.to_email, email)
    names = {c.name for c in contacts} | {r.name for r in registrations}
    consents = [consent for registration in registrations for consent in registration.consents]

    for registration in registrations:
        registration.name = ERASED_NAME
        registration.email = f"erased-{registration.id}@erased.invalid"
        registration.position = None
        registration.answers = {}  # may hold dietary or access needs: health data
        registration.contact = None
        registration.consents.clear()
    cancel_pending_to(email)
    for message in messages:
        message.to_email = f"erased-{message.id}@erased.invalid"
        message.to_name = ""
        message.text_body = ERASED
        message.html_body = None
    activities = _mentioning(email, names)
    for activity in activities:
        for mention in (email, *names):
            activity.subject = activity.subject.replace(mention, ERASED)
            activity.body = activity.body.replace(mention, ERASED)
    records = _records(contacts, registrations)
    for contact in contacts:
        db.session.delete(contact)
    db.session.flush()
    scrub_personal_data(records, (email, *names))  # also what this erasure has just recorded
    return ErasureReport(
        len(contacts), len(registrations), len(consents), len(messages), len(activities)
    )


def _records(contacts: list[Contact], registrations: list[Registration]) -> set[tuple[str, int]]:
    """The person's records, as the audit log names them."""
    return {("contact", c.id) for c in contacts} | {("registration", r.id) for r in registrations}


def _mentioning(email: str, names: set[str]) -> list[Activity]:
    conditions = [
        column.contains(mention, autoescape=True)
        for mention in (email, *names)
        for column in (Activity.subject, Activity.body)
    ]
    return list(db.session.scalars(select(Activity).where(or_(*conditions))))
