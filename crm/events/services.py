"""Registration for events: seats, waiting list, changes, cancellations and the mail they cause."""

import enum
from dataclasses import dataclass, field
from datetime import datetime

from babel.dates import format_date, format_time
from email_validator import EmailNotValidError, validate_email
from flask import render_template
from sqlalchemy import func, select, update

from crm.db import utcnow
from crm.events.models import Event, EventStatus, Registration, RegistrationStatus
from crm.events.texts import CONSENT_VERSION, language_or_default, translator
from crm.events.tokens import manage_url
from crm.extensions import db
from crm.leads.matching import employer_domain, find_matching_companies
from crm.leads.models import ActivityKind, Company, Contact, LeadSource
from crm.leads.names import normalise_company_name
from crm.leads.timeline import record_activity
from crm.mail.outbox import queue_mail
from crm.partners.models import Capability, LinkSource, Partner
from crm.partners.services import link_company_to_partner


class RegistrationRefused(Exception):
    """Registration is not possible; ``reason`` is a text key, ``field`` the form field at fault."""

    def __init__(self, reason: str, field: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field


@dataclass
class RegistrationDetails:
    name: str
    email: str
    company_name: str
    consent: bool
    position: str | None = None
    country: str | None = None
    language: str = "en"
    needs: list[Capability] = field(default_factory=list)
    partners_to_meet: list[Partner] = field(default_factory=list)
    answers: dict[str, str] = field(default_factory=dict)


@dataclass
class RegistrationOutcome:
    registration: Registration
    is_new: bool


class RegistrationMail(enum.Enum):
    confirmation = "confirmation"
    waitlist = "waitlist"
    promotion = "promotion"
    change = "change"
    cancellation = "cancellation"
    link = "link"


CALENDAR_METHODS = {
    RegistrationMail.confirmation: "REQUEST",
    RegistrationMail.promotion: "REQUEST",
    RegistrationMail.change: "REQUEST",
    RegistrationMail.cancellation: "CANCEL",
}

ALLOWED_TRANSITIONS = {
    RegistrationStatus.waitlisted: {RegistrationStatus.confirmed, RegistrationStatus.cancelled},
    RegistrationStatus.confirmed: {RegistrationStatus.cancelled},
    RegistrationStatus.cancelled: set(),
}


# --- reading --------------------------------------------------------------------------------


def confirmed_count(event: Event) -> int:
    return db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.confirmed,
        )
    )


def seats_left(event: Event) -> int | None:
    """Free seats, or None when the event has no capacity limit."""
    if event.capacity is None:
        return None
    return max(event.capacity - confirmed_count(event), 0)


def is_past(event: Event, now: datetime | None = None) -> bool:
    return event.finishes_at <= (now or utcnow())


def window_refusal(event: Event, now: datetime) -> str | None:
    if event.status == EventStatus.cancelled:
        return "event_cancelled"
    if event.registration_opens_at and now < event.registration_opens_at:
        return "window_not_open"
    closes_at = event.registration_closes_at or event.begins_at
    if now >= closes_at or event.status != EventStatus.published:
        return "window_closed"
    return None


def live_registration(event: Event, email: str) -> Registration | None:
    return db.session.scalar(
        select(Registration).where(
            Registration.event_id == event.id,
            Registration.email == email,
            Registration.status != RegistrationStatus.cancelled,
        )
    )


def public_events() -> list[Event]:
    """Published and cancelled events: drafts stay with staff."""
    return list(
        db.session.scalars(
            select(Event).where(Event.status != EventStatus.draft).order_by(Event.id)
        )
    )


# --- validation -----------------------------------------------------------------------------


def normalised_email(email: str) -> str:
    try:
        checked = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise RegistrationRefused("invalid_email", "email") from error
    return checked.normalized.lower()


def checked_answers(event: Event, answers: dict[str, str]) -> dict[str, str]:
    """Answers to the event's own questions, refusing unknown questions and unknown choices."""
    questions = {question["key"]: question for question in event.questions}
    for key, value in answers.items():
        question = questions.get(key)
        if question is None:
            raise RegistrationRefused("unknown_answer", f"question_{key}")
        choices = [choice["value"] for choice in question.get("choices", [])]
        if value and choices and value not in choices:
            raise RegistrationRefused("unknown_answer", f"question_{key}")
    for key, question in questions.items():
        if question.get("required") and not answers.get(key):
            raise RegistrationRefused("required", f"question_{key}")
    return {key: value for key, value in answers.items() if value}


# --- registering ----------------------------------------------------------------------------


def lock_event(event: Event) -> None:
    """Serialise seat allocation per event for the rest of the transaction.

    PostgreSQL locks the event row; SQLite has no row locks, so a write to the row takes the
    database's write lock before the seats are counted.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            select(Event)
            .where(Event.id == event.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    else:
        db.session.execute(
            update(Event)
            .where(Event.id == event.id)
            .values(capacity=Event.capacity, updated_at=Event.updated_at)
        )
        db.session.refresh(event)


def register(
    event: Event, details: RegistrationDetails, *, by_staff: bool = False
) -> RegistrationOutcome:
    """Register a person: a seat if one is free, else the waiting list; one per email and event."""
    now = utcnow()
    refusal = window_refusal(event, now)
    if refusal == "event_cancelled" or (refusal and not by_staff):
        raise RegistrationRefused(refusal)
    email = normalised_email(details.email)
    if not details.name.strip():
        raise RegistrationRefused("required", "name")
    if not details.company_name.strip():
        raise RegistrationRefused("required", "company")
    if not details.consent:
        raise RegistrationRefused("consent_missing", "consent")
    answers = checked_answers(event, details.answers)

    lock_event(event)
    existing = live_registration(event, email)
    if existing is not None:
        queue_registration_mail(existing, RegistrationMail.link)
        return RegistrationOutcome(existing, is_new=False)

    has_seat = event.capacity is None or confirmed_count(event) < event.capacity
    company, contact = lead_for(email, details, now)
    registration = Registration(
        event=event,
        company=company,
        contact=contact,
        email=email,
        name=details.name.strip(),
        company_name=details.company_name.strip(),
        position=details.position or None,
        country=details.country or None,
        language=language_or_default(details.language),
        status=RegistrationStatus.confirmed if has_seat else RegistrationStatus.waitlisted,
        consent_version=CONSENT_VERSION,
        consent_at=now,
        confirmed_at=now if has_seat else None,
        answers=answers,
        needs=list(details.needs),
        partners_to_meet=list(details.partners_to_meet),
    )
    db.session.add(registration)
    db.session.flush()
    record_activity(
        company,
        ActivityKind.registration,
        f"{registration.name} registered for {event.title} ({registration.status.value})",
        body=email,
    )
    for partner in registration.partners_to_meet:
        link_company_to_partner(
            company,
            partner,
            reason=f"Meeting requested when registering for {event.title}",
            source=LinkSource.event,
            by=None,
            event=event,
        )
    queue_registration_mail(
        registration, RegistrationMail.confirmation if has_seat else RegistrationMail.waitlist
    )
    return RegistrationOutcome(registration, is_new=True)


def lead_for(email: str, details: RegistrationDetails, now: datetime) -> tuple[Company, Contact]:
    """The company lead (matched by work domain or name, else created) and the person's contact."""
    domain = employer_domain(email)
    matches = find_matching_companies(domain, details.company_name)
    if matches:
        company = matches[0]
    else:
        company = Company(
            name=details.company_name.strip(),
            normalised_name=normalise_company_name(details.company_name),
            domain=domain,
            website=f"https://{domain}" if domain else None,
            country=details.country or None,
            source=LeadSource.event,
        )
        db.session.add(company)
    for need in details.needs:
        if need not in company.needs:
            company.needs.append(need)
    contact = next((person for person in company.contacts if person.email == email), None)
    if contact is None:
        contact = Contact(company=company, name=details.name.strip(), email=email)
        db.session.add(contact)
    contact.position = details.position or contact.position
    contact.language = language_or_default(details.language)
    contact.consent_at = now
    contact.consent_version = CONSENT_VERSION
    db.session.flush()
    return company, contact


# --- lifecycle ------------------------------------------------------------------------------


def change_status(registration: Registration, status: RegistrationStatus) -> None:
    """The one way a registration changes state; every change raises its calendar sequence."""
    if status not in ALLOWED_TRANSITIONS[registration.status]:
        raise ValueError(f"a {registration.status.value} registration cannot become {status.value}")
    registration.status = status
    registration.sequence += 1
    if status == RegistrationStatus.confirmed:
        registration.confirmed_at = utcnow()
    if status == RegistrationStatus.cancelled:
        registration.cancelled_at = utcnow()
    db.session.flush()


def promote_from_waitlist(event: Event) -> list[Registration]:
    """Fill free seats from the waiting list in order of arrival and tell each person promoted."""
    promoted: list[Registration] = []
    free = seats_left(event)
    waiting = db.session.scalars(
        select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.waitlisted,
        )
        .order_by(Registration.id)
    )
    for registration in waiting:
        if free is not None and free <= 0:
            break
        change_status(registration, RegistrationStatus.confirmed)
        queue_registration_mail(registration, RegistrationMail.promotion)
        promoted.append(registration)
        if free is not None:
            free -= 1
    return promoted


def cancel_registration(registration: Registration) -> list[Registration]:
    """Cancel and tell the person; a freed seat goes to the waiting list. Returns the promoted."""
    lock_event(registration.event)
    had_seat = registration.status == RegistrationStatus.confirmed
    change_status(registration, RegistrationStatus.cancelled)
    queue_registration_mail(registration, RegistrationMail.cancellation, had_seat=had_seat)
    if registration.event.status != EventStatus.published or not had_seat:
        return []
    return promote_from_waitlist(registration.event)


def change_answers(registration: Registration, answers: dict[str, str]) -> None:
    """Store new answers; a confirmed registrant gets an updated invitation."""
    registration.answers = checked_answers(registration.event, answers)
    registration.sequence += 1
    db.session.flush()
    if registration.status == RegistrationStatus.confirmed:
        queue_registration_mail(registration, RegistrationMail.change)


def confirm_from_waitlist(registration: Registration) -> None:
    """Staff give a waiting person a free seat (never beyond the capacity)."""
    lock_event(registration.event)
    if seats_left(registration.event) == 0:
        raise RegistrationRefused("no_seat_free")
    change_status(registration, RegistrationStatus.confirmed)
    queue_registration_mail(registration, RegistrationMail.promotion)


def change_capacity(event: Event, capacity: int | None) -> list[Registration]:
    """Set the capacity (not below the confirmed seats); freed seats go to the waiting list."""
    lock_event(event)
    if capacity is not None and capacity < confirmed_count(event):
        raise RegistrationRefused("capacity_below_confirmed", "capacity")
    event.capacity = capacity
    db.session.flush()
    if event.status != EventStatus.published:
        return []
    return promote_from_waitlist(event)


def schedule_of(event: Event) -> tuple[object, ...]:
    """What a calendar invitation shows; a change to it must reach the registrants."""
    return (event.title, event.begins_at, event.finishes_at, event.venue, event.address, event.city)


def announce_event_change(event: Event) -> None:
    """Send every confirmed registrant an updated invitation."""
    event.sequence += 1
    confirmed = db.session.scalars(
        select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.confirmed,
        )
        .order_by(Registration.id)
    )
    for registration in confirmed:
        registration.sequence += 1
        queue_registration_mail(registration, RegistrationMail.change)
    db.session.flush()


def publish_event(event: Event) -> None:
    if event.status != EventStatus.draft:
        raise ValueError(f"a {event.status.value} event cannot be published")
    event.status = EventStatus.published
    db.session.flush()


def cancel_event(event: Event) -> int:
    """Cancel the event and every live registration, telling each person. Returns how many."""
    if event.status == EventStatus.cancelled:
        raise ValueError("the event is already cancelled")
    lock_event(event)
    event.status = EventStatus.cancelled
    event.sequence += 1
    live = db.session.scalars(
        select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.status != RegistrationStatus.cancelled,
        )
        .order_by(Registration.id)
    ).all()
    for registration in live:
        had_seat = registration.status == RegistrationStatus.confirmed
        change_status(registration, RegistrationStatus.cancelled)
        queue_registration_mail(registration, RegistrationMail.cancellation, had_seat=had_seat)
    return len(live)


def check_in(registration: Registration) -> None:
    if registration.status != RegistrationStatus.confirmed:
        raise ValueError("only confirmed registrations can check in")
    registration.checked_in_at = registration.checked_in_at or utcnow()
    registration.is_no_show = False
    db.session.flush()


def mark_no_shows(event: Event) -> int:
    """After the event: confirmed registrants who never checked in are no-shows."""
    if not is_past(event):
        raise ValueError("no-shows are known only after the event")
    absent = db.session.scalars(
        select(Registration).where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.confirmed,
            Registration.checked_in_at.is_(None),
        )
    ).all()
    for registration in absent:
        registration.is_no_show = True
    db.session.flush()
    return len(absent)


# --- mail -----------------------------------------------------------------------------------


def mail_key(registration: Registration, kind: RegistrationMail) -> str:
    if kind == RegistrationMail.waitlist:
        return f"waitlist:registration:{registration.id}"
    if kind == RegistrationMail.link:
        # At most one re-sent link a day, so the public form cannot be used to flood a mailbox;
        # a revoked link is replaced by a new one the same day.
        day = utcnow().date().isoformat()
        return f"link:registration:{registration.id}:{registration.manage_nonce[:8]}:{day}"
    return f"{kind.value}:registration:{registration.id}:seq:{registration.sequence}"


def queue_registration_mail(
    registration: Registration, kind: RegistrationMail, *, had_seat: bool = True
) -> None:
    event = registration.event
    t = translator(registration.language)
    context = {
        "t": t,
        "registration": registration,
        "event": event,
        "when": event_when(event, registration.language),
        "manage_url": manage_url(registration),
        "is_event_cancelled": event.status == EventStatus.cancelled,
    }
    method = CALENDAR_METHODS.get(kind) if had_seat else None
    queue_mail(
        mail_key(registration, kind),
        to_email=registration.email,
        to_name=registration.name,
        subject=t(f"subject_{kind.value}", title=event.title),
        text_body=render_template(f"mail/registration_{kind.value}.txt", **context),
        html_body=render_template(f"mail/registration_{kind.value}.html", **context),
        language=registration.language,
        calendar_method=method,
        calendar_sequence=registration.sequence if method else None,
        registration_id=registration.id,
        company_id=registration.company_id,
    )


def event_when(event: Event, language: str) -> str:
    """The event's dates (and local times) as people read them."""
    # British English: day before month and a 24-hour clock, as the cluster writes dates.
    locale = {"en": "en_GB", "de": "de_DE"}[language_or_default(language)]
    if event.is_all_day:
        assert event.starts_on is not None and event.ends_on is not None
        first = format_date(event.starts_on, "long", locale=locale)
        if event.ends_on == event.starts_on:
            return first
        return f"{first} \N{EN DASH} {format_date(event.ends_on, 'long', locale=locale)}"
    begins = event.begins_at.astimezone(event.zone)
    finishes = event.finishes_at.astimezone(event.zone)
    day = format_date(begins.date(), "long", locale=locale)
    start = format_time(begins.time(), "short", locale=locale)
    end = format_time(finishes.time(), "short", locale=locale)
    if begins.date() != finishes.date():
        end = f"{format_date(finishes.date(), 'long', locale=locale)} {end}"
    return f"{day}, {start} \N{EN DASH} {end} ({event.timezone})"
