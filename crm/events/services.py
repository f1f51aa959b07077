"""Registration for events: its rules, seats and the waiting list, changes, cancellations,
check-in; one set of rules for the public form, the staff pages and the API.

A refusal's words are gettext strings, read in the language of whoever is shown them: the
visitor on the public form, the staff member, the API client's ``Accept-Language``.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _
from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import joinedload, selectinload

from crm.consents.models import ConsentPurpose
from crm.consents.services import new_consents
from crm.consents.texts import current_text
from crm.db import utcnow
from crm.events.models import Event, EventStatus, Registration, RegistrationStatus
from crm.events.registration_mail import RegistrationMail, queue_registration_mail
from crm.extensions import db
from crm.leads.matching import employer_domain, find_matching_companies, serialise_matching
from crm.leads.models import MAX_COUNT, ActivityKind, Company, Contact, LeadSource, Stage
from crm.leads.services import create_company
from crm.leads.timeline import record_activity
from crm.partners.models import LinkSource, Partner
from crm.partners.services import link_between, link_company_to_partner, partners_named
from crm.refusals import Conflict, Refusals, Refused, refuse_any
from crm.rules import number_within, plain_name, refusals_of
from crm.vocabulary.models import Capability
from crm.vocabulary.places import DEFAULT_LANGUAGE, LANGUAGES, is_country, language_or_default
from crm.vocabulary.services import capabilities_named
from crm.vocabulary.translated import text_in

TEXT_LIMITS = {"name": 200, "company": 200, "position": 200}
ANSWER_LENGTH = 500

ALLOWED_TRANSITIONS = {
    RegistrationStatus.waitlisted: {RegistrationStatus.confirmed, RegistrationStatus.cancelled},
    RegistrationStatus.confirmed: {RegistrationStatus.cancelled},
    RegistrationStatus.cancelled: set(),
}


# What the rules of a registration say, the same at every door.
REFUSAL_WORDS = {
    "required": _("This field is required."),
    "invalid_email": _("Please enter a valid email address."),
    "consent_missing": _("Please agree to the processing of your details."),
    "unknown_answer": _("Please choose one of the offered answers."),
    "too_long": _("This is too long."),
    "unknown_country": _("Please choose a country from the list."),
    "unknown_language": _("Please choose English or German."),
    "unknown_partner": _("Please choose partners from the list."),
    "event_cancelled": _("This event has been cancelled; registration is not possible."),
    "window_closed": _("Registration for this event is closed."),
    "window_not_open": _("Registration for this event has not opened yet."),
    "registrations_busy": _(
        "Many registrations have arrived for this event in the last hour. Please try again "
        "later, or write to the organiser."
    ),
    "no_seat_free": _("No seat is free; raise the capacity first."),
    "capacity_below_confirmed": _("The capacity cannot be lower than the confirmed seats."),
}


def refusal(code: str, field: str | None = None) -> Refused:
    return Refused(code, field, REFUSAL_WORDS[code])


def closed(code: str) -> Conflict:
    """A refusal because of the state of the event rather than of the values sent."""
    return Conflict(code, None, REFUSAL_WORDS[code])


@dataclass
class RegistrationDetails:
    """What a registrant says. ``consent`` is to handling the registration (required),
    ``follow_up_consent`` and ``partner_sharing_consent`` are optional; each was shown in
    ``consent_language`` (default: ``language``)."""

    name: str
    email: str
    company_name: str
    consent: bool
    follow_up_consent: bool = False
    partner_sharing_consent: bool = False
    consent_language: str | None = None
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


# --- reading --------------------------------------------------------------------------------


def confirmed_count(event: Event) -> int:
    return (
        db.session.scalar(
            select(func.count(Registration.id)).where(
                Registration.event_id == event.id,
                Registration.status == RegistrationStatus.confirmed,
            )
        )
        or 0
    )


def confirmed_counts() -> dict[int, int]:
    """Confirmed seats per event id."""
    return dict(
        db.session.execute(
            select(Registration.event_id, func.count(Registration.id))
            .where(Registration.status == RegistrationStatus.confirmed)
            .group_by(Registration.event_id)
        ).all()
    )


def seats_left(event: Event) -> int | None:
    """Free seats, or None when the event has no capacity limit."""
    if event.capacity is None:
        return None
    return max(event.capacity - confirmed_count(event), 0)


def is_past(event: Event, now: datetime | None = None) -> bool:
    return event.finishes_at <= (now or utcnow())


def window_refusal(event: Event, now: datetime) -> str | None:
    """Why registration is closed now, as a text key; None when it is open."""
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
            select(Event).where(Event.status != EventStatus.draft).order_by(Event.sort_at)
        )
    )


def visible_event(slug: str) -> Event | None:
    """The published or cancelled event at this address; drafts are not visible."""
    return db.session.scalar(
        select(Event).where(Event.slug == slug, Event.status != EventStatus.draft)
    )


def registration_of(event: Event, registration_id: int) -> Registration | None:
    registration = db.session.get(Registration, registration_id)
    return registration if registration and registration.event_id == event.id else None


def attendees_of(
    event: Event,
    *,
    status: RegistrationStatus | None = None,
    country: str | None = None,
    stage: Stage | None = None,
) -> list[Registration]:
    """The event's registrations in order of arrival, with what the attendee list shows."""
    query = (
        select(Registration)
        .where(Registration.event_id == event.id)
        .options(
            joinedload(Registration.company),
            selectinload(Registration.needs),
            selectinload(Registration.partners_to_meet),
        )
        .order_by(Registration.id)
    )
    if status is not None:
        query = query.where(Registration.status == status)
    if country:
        query = query.where(Registration.country == country)
    if stage is not None:
        query = query.join(Company, Registration.company_id == Company.id).where(
            Company.stage == stage
        )
    return list(db.session.scalars(query).unique())


def door_list(event: Event, search: str = "") -> list[Registration]:
    """Confirmed registrants by name for the check-in, found by name, email or company."""
    query = (
        select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.confirmed,
        )
        .order_by(Registration.name)
    )
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(
            func.lower(Registration.name).like(pattern)
            | Registration.email.like(pattern)
            | func.lower(Registration.company_name).like(pattern)
        )
    return list(db.session.scalars(query))


def registrations_query(event: Event, status: RegistrationStatus | None) -> Select[Registration]:
    query = (
        select(Registration)
        .where(Registration.event_id == event.id)
        .options(selectinload(Registration.consents))
    )
    if status is not None:
        query = query.where(Registration.status == status)
    return query.order_by(Registration.id)


def chosen_needs_and_partners(
    needs: list[str], partners: list[str]
) -> tuple[list[Capability], list[Partner]]:
    """The tags and partners a registrant ticked, by slug; unknown ones are refused together
    (``needs``, ``partners_to_meet``)."""
    refusals: list[Refused] = []
    chosen_needs: list[Capability] = []
    chosen_partners: list[Partner] = []
    try:
        chosen_needs = capabilities_named(needs)
    except Refused as refusal:
        refusals.append(refusal)
    try:
        chosen_partners = partners_named(partners, "partners_to_meet")
    except Refusals as error:
        refusals += error.refusals
    refuse_any(refusals)
    return chosen_needs, chosen_partners


# --- the rules of a registration ------------------------------------------------------------


def normalised_email(email: str) -> str:
    try:
        checked = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise refusal("invalid_email", "email") from error
    return checked.normalized.lower()


def checked_answers(event: Event, answers: dict[str, str]) -> dict[str, str]:
    """Answers to the event's own questions, refusing unknown questions and unknown choices."""
    questions = {question["key"]: question for question in event.questions}
    refusals = []
    for key, value in answers.items():
        question = questions.get(key)
        choices = [choice["value"] for choice in (question or {}).get("choices", [])]
        if question is None or (value and choices and value not in choices):
            refusals.append(refusal("unknown_answer", f"question_{key}"))
        elif len(value) > ANSWER_LENGTH:
            refusals.append(refusal("too_long", f"question_{key}"))
    refusals += [
        refusal("required", f"question_{key}")
        for key, question in questions.items()
        if question.get("required") and not answers.get(key)
    ]
    refuse_any(refusals)
    return {key: value for key, value in answers.items() if value}


def details_refusals(details: RegistrationDetails) -> list[Refused]:
    texts = {"name": details.name, "company": details.company_name, "position": details.position}
    refusals = [
        refusal("required", field)
        for field in ("name", "company")
        if not (texts[field] or "").strip()
    ]
    refusals += [
        refusal("too_long", field)
        for field, limit in TEXT_LIMITS.items()
        if len((texts[field] or "").strip()) > limit
    ]
    refusals += refusals_of(
        plain_name("name", details.name), plain_name("company", details.company_name)
    )
    if not details.country:
        refusals.append(refusal("required", "country"))
    elif not is_country(details.country):
        refusals.append(refusal("unknown_country", "country"))
    if details.language not in LANGUAGES:
        refusals.append(refusal("unknown_language", "language"))
    if details.consent_language is not None and details.consent_language not in LANGUAGES:
        refusals.append(refusal("unknown_language", "consent_language"))
    if any(not partner.is_public for partner in details.partners_to_meet):
        refusals.append(refusal("unknown_partner", "partners_to_meet"))
    if not details.consent:
        refusals.append(refusal("consent_missing", "consent"))
    try:
        normalised_email(details.email)
    except Refused as error:
        refusals.insert(1, error)
    return refusals


# --- registering ----------------------------------------------------------------------------


def public_registrations_last_hour(event: Event, now: datetime) -> int:
    """Registrations for the event in the hour before ``now`` (what its hourly cap counts)."""
    return (
        db.session.scalar(
            select(func.count(Registration.id)).where(
                Registration.event_id == event.id,
                Registration.created_at > now - timedelta(hours=1),
            )
        )
        or 0
    )


def lock_event(event: Event) -> None:
    """Serialise seat allocation per event for the rest of the transaction.

    PostgreSQL locks the event row (``FOR NO KEY UPDATE``: rows that refer to the event, as a
    partner link made before the lock, hold a key-share lock on it, which this must not wait
    for); SQLite has no row locks, so a write to the row takes the database's write lock before
    the seats are counted.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            select(Event)
            .where(Event.id == event.id)
            .with_for_update(key_share=True)
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
    """Register a person: a seat if one is free, else the waiting list; one per email and event.

    Staff may register people outside the registration window, never for a cancelled event.
    """
    now = utcnow()
    window = window_refusal(event, now)
    if window == "event_cancelled" or (window and not by_staff):
        raise closed(window)
    refusals = details_refusals(details)
    answers: dict[str, str] = {}
    try:
        answers = checked_answers(event, details.answers)
    except Refusals as error:
        refusals += error.refusals
    refuse_any(refusals)
    email = normalised_email(details.email)

    # Everything that does not decide the seat happens before the event is locked, so that
    # registrations for one event wait for each other only while a seat is decided.
    lead = None
    if live_registration(event, email) is None:  # a repeat needs no lead; checked again below
        lead = lead_for(email, details, event)
        link_requested_partners(lead.company, event, details.partners_to_meet)

    lock_event(event)
    seats = seats_for(event, email, now)
    if not by_staff and seats.last_hour >= event.public_registrations_per_hour:
        raise closed("registrations_busy")
    if seats.live_registration_id is not None:
        existing = db.session.get(Registration, seats.live_registration_id)
        assert existing is not None
        queue_registration_mail(existing, RegistrationMail.link)
        return RegistrationOutcome(existing, is_new=False)
    if lead is None:  # the live registration seen before was cancelled in the meantime
        lead = lead_for(email, details, event)
        link_requested_partners(lead.company, event, details.partners_to_meet)

    has_seat = event.capacity is None or seats.confirmed < event.capacity
    language = language_or_default(details.language)
    registration = Registration(
        event=event,
        company=lead.company,
        contact=lead.contact,
        email=email,
        name=details.name.strip(),
        company_name=details.company_name.strip(),
        position=(details.position or "").strip() or None,
        country=(details.country or "").upper() or None,
        language=language,
        status=RegistrationStatus.confirmed if has_seat else RegistrationStatus.waitlisted,
        consent_version=current_text(ConsentPurpose.registration).version,
        consent_at=now,
        consents=new_consents(
            consented_purposes(details, by_staff=by_staff),
            language=details.consent_language or language,
            contact_id=lead.contact.id,
            at=now,
        ),
        confirmed_at=now if has_seat else None,
        answers=answers,
        needs=list(details.needs),
        partners_to_meet=list(details.partners_to_meet),
    )
    db.session.add(registration)
    # One flush for the registration and its timeline entry (stored for staff in the default
    # language, whatever the registrant's page was in).
    record_activity(
        lead.company,
        ActivityKind.registration,
        f"{registration.name} registered for {text_in(event, 'title', DEFAULT_LANGUAGE)} "
        f"({registration.status.value})",
        body="\n".join([email, *lead.suggestions]),
    )
    queue_registration_mail(
        registration, RegistrationMail.confirmation if has_seat else RegistrationMail.waitlist
    )
    return RegistrationOutcome(registration, is_new=True)


@dataclass
class Seats:
    """What decides a registration, read while the event is locked."""

    confirmed: int
    last_hour: int
    live_registration_id: int | None


def seats_for(event: Event, email: str, now: datetime) -> Seats:
    """The confirmed seats, the registrations of the last hour (what the hourly cap counts) and
    the live registration of ``email``, in one statement. Run after ``lock_event``, in a
    statement of its own, so that it sees every registration committed before the lock."""
    of_event = Registration.event_id == event.id
    confirmed = select(func.count(Registration.id)).where(
        of_event, Registration.status == RegistrationStatus.confirmed
    )
    last_hour = select(func.count(Registration.id)).where(
        of_event, Registration.created_at > now - timedelta(hours=1)
    )
    live = select(Registration.id).where(
        of_event, Registration.email == email, Registration.status != RegistrationStatus.cancelled
    )
    row = db.session.execute(
        select(confirmed.scalar_subquery(), last_hour.scalar_subquery(), live.scalar_subquery())
    ).one()
    return Seats(confirmed=row[0] or 0, last_hour=row[1] or 0, live_registration_id=row[2])


def link_requested_partners(company: Company, event: Event, partners: list[Partner]) -> None:
    """Link the lead to the partners the registrant asks to meet; staff's own links stay."""
    title = text_in(event, "title", DEFAULT_LANGUAGE)
    for partner in partners:
        if link_between(company, partner) is None:
            link_company_to_partner(
                company,
                partner,
                reason=f"Meeting requested when registering for {title}",
                source=LinkSource.event,
                by=None,
                event=event,
            )


def consented_purposes(details: RegistrationDetails, *, by_staff: bool) -> list[ConsentPurpose]:
    """The purposes the registrant agreed to (the registration itself is checked before).

    Staff adding someone attest the consent to handling the registration only: the optional
    ones are the person's own to give, through their private link."""
    chosen = {
        ConsentPurpose.registration: details.consent,
        ConsentPurpose.follow_up: details.follow_up_consent and not by_staff,
        ConsentPurpose.partner_sharing: details.partner_sharing_consent and not by_staff,
    }
    return [purpose for purpose, is_given in chosen.items() if is_given]


@dataclass
class Lead:
    """The lead and contact a registration belongs to, and what the registrant said that differs
    from what staff keep there (for the timeline, never written over it)."""

    company: Company
    contact: Contact
    suggestions: list[str]


def lead_for(email: str, details: RegistrationDetails, event: Event) -> Lead:
    """The company lead (matched by work domain or name, else created) and the person's contact
    (created only when the company has none with this email).

    Anyone can type any email and company into a public form, so an existing lead or contact is
    never changed: what the registrant says stays on their registration, and what is new to the
    lead becomes a suggestion on its timeline. Consent is recorded on the registration only.
    Registrations of one company wait for each other here (on SQLite: all of the event's).
    """
    domain = employer_domain(email)
    if db.session.get_bind().dialect.name == "postgresql":
        serialise_matching(domain, details.company_name)
    else:
        lock_event(event)
    matches = find_matching_companies(domain, details.company_name)
    suggestions: list[str] = []
    if matches:
        company = matches[0]
        new_needs = [need for need in details.needs if need not in company.needs]
        if new_needs:
            names = ", ".join(need.label for need in new_needs)
            suggestions.append(f"Needs named when registering: {names}")
    else:
        company = create_company(
            {
                "name": details.company_name.strip(),
                "domain": domain,
                "website": f"https://{domain}" if domain else None,
                "country": (details.country or "").upper() or None,
                "source": LeadSource.event,
            }
        )
        company.needs.extend(details.needs)
    position = (details.position or "").strip() or None
    contact = next((person for person in company.contacts if person.email == email), None)
    if contact is None:
        contact = Contact(
            company=company,
            name=details.name.strip(),
            email=email,
            position=position,
            language=language_or_default(details.language),
        )
        db.session.add(contact)
    else:
        said = {"Name": details.name.strip(), "Position": position}
        kept = {"Name": contact.name, "Position": contact.position}
        suggestions += [
            f"{label} given when registering: {value}"
            for label, value in said.items()
            if value and value != kept[label]
        ]
    db.session.flush()
    return Lead(company, contact, suggestions)


# --- lifecycle ------------------------------------------------------------------------------


def change_status(registration: Registration, status: RegistrationStatus) -> None:
    """The one way a registration changes state; every change raises its calendar sequence and
    records when it happened."""
    if status not in ALLOWED_TRANSITIONS[registration.status]:
        raise Conflict(
            "registration_move_not_allowed",
            "status",
            _("A registration that is {current} cannot become {to}."),
            current=registration.status.label,
            to=status.label,
        )
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
    if registration.status == RegistrationStatus.cancelled:
        raise closed("registration_cancelled")
    registration.answers = checked_answers(registration.event, answers)
    registration.sequence += 1
    db.session.flush()
    if registration.status == RegistrationStatus.confirmed:
        queue_registration_mail(registration, RegistrationMail.change)


def confirm_from_waitlist(registration: Registration) -> None:
    """Staff give a waiting person a free seat (never beyond the capacity)."""
    lock_event(registration.event)
    if seats_left(registration.event) == 0:
        raise closed("no_seat_free")
    change_status(registration, RegistrationStatus.confirmed)
    queue_registration_mail(registration, RegistrationMail.promotion)


def change_capacity(event: Event, capacity: int | None) -> list[Registration]:
    """Set the capacity (not below the confirmed seats); freed seats go to the waiting list."""
    refuse_any(refusals_of(number_within("capacity", capacity, MAX_COUNT)))
    lock_event(event)
    if capacity is not None and capacity < confirmed_count(event):
        raise refusal("capacity_below_confirmed", "capacity")
    event.capacity = capacity
    db.session.flush()
    if event.status != EventStatus.published:
        return []
    return promote_from_waitlist(event)


def schedule_of(event: Event) -> tuple[object, ...]:
    """What a calendar invitation shows; a change to it must reach the registrants."""
    return (
        event.title_en,
        event.title_de,
        event.begins_at,
        event.finishes_at,
        event.venue_en,
        event.venue_de,
        event.address,
        event.city,
    )


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


def cancel_live_registrations(event: Event) -> int:
    """Cancel every live registration of a cancelled event, telling each person."""
    lock_event(event)
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
        raise Conflict("not_confirmed", None, _("Only confirmed registrations can check in."))
    registration.checked_in_at = registration.checked_in_at or utcnow()
    registration.is_no_show = False
    db.session.flush()


def mark_no_shows(event: Event) -> int:
    """After the event: confirmed registrants who never checked in are no-shows."""
    if not is_past(event):
        raise Conflict("not_over", None, _("No-shows can be marked only after the event."))
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
