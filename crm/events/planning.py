"""Creating, changing, publishing and cancelling events: one set of rules for the staff pages
and the API."""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from crm.db import utcnow
from crm.events import services
from crm.events.models import (
    DEFAULT_PUBLIC_REGISTRATIONS_PER_HOUR,
    DEFAULT_REMINDER_OFFSETS_DAYS,
    Event,
    EventStatus,
)
from crm.extensions import db
from crm.leads.models import MAX_COUNT
from crm.refusals import Conflict, Refused, refuse_any
from crm.rules import (
    bounded_text,
    number_within,
    refusals_of,
    required_text,
    storable_date,
    storable_moment,
)
from crm.vocabulary.places import LANGUAGES, is_country, is_time_zone
from crm.vocabulary.translated import required_in_a_language

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,119}$")
TEXT_LIMITS = {
    "title_en": 200,
    "title_de": 200,
    "description_en": 20_000,
    "description_de": 20_000,
    "venue_en": 200,
    "venue_de": 200,
    "address": 300,
    "city": 120,
    "organiser_name": 200,
}
REQUIRED_TEXTS = ("city", "organiser_name")
# Held once per language as ``<name>_en`` and ``<name>_de``.
TRANSLATED_TEXTS = ("title", "description", "venue")
MAX_REMINDERS, MAX_REMINDER_DAYS = 10, 365
MAX_QUESTIONS = 50

STATUS_MOVES: dict[EventStatus, frozenset[EventStatus]] = {
    EventStatus.draft: frozenset({EventStatus.published, EventStatus.cancelled}),
    EventStatus.published: frozenset({EventStatus.cancelled}),
    EventStatus.cancelled: frozenset(),
}


@dataclass
class EventDetails:
    """What staff say about an event; the texts visitors read come in English and German."""

    slug: str
    is_all_day: bool
    timezone: str
    city: str
    country: str
    organiser_name: str
    organiser_email: str
    title_en: str = ""
    title_de: str = ""
    description_en: str = ""
    description_de: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    venue_en: str = ""
    venue_de: str = ""
    address: str | None = None
    capacity: int | None = None
    public_registrations_per_hour: int = DEFAULT_PUBLIC_REGISTRATIONS_PER_HOUR
    retention_months: int | None = None
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    reminder_offsets_days: list[int] = field(
        default_factory=lambda: list(DEFAULT_REMINDER_OFFSETS_DAYS)
    )
    questions: list[dict[str, Any]] = field(default_factory=list)


MAX_RETENTION_MONTHS = 120


def default_organiser() -> dict[str, str]:
    """Who organises an event unless staff say otherwise: WFS, from the configuration."""
    return {
        "organiser_name": current_app.config["ORGANISER_NAME"],
        "organiser_email": current_app.config["ORGANISER_EMAIL"],
    }


def details_of(event: Event) -> EventDetails:
    """The event's current details, to change some of them."""
    return EventDetails(
        **{name: getattr(event, name) for name in EventDetails.__dataclass_fields__}
    )


# --- the rules of an event ------------------------------------------------------------------


def schedule_refusals(details: EventDetails) -> list[Refused]:
    out_of_range = refusals_of(
        storable_date("starts_on", details.starts_on),
        storable_date("ends_on", details.ends_on),
        storable_moment("starts_at", details.starts_at),
        storable_moment("ends_at", details.ends_at),
        storable_moment("registration_opens_at", details.registration_opens_at),
        storable_moment("registration_closes_at", details.registration_closes_at),
    )
    if out_of_range:
        return out_of_range
    if details.is_all_day:
        if details.starts_on is None or details.ends_on is None:
            return [
                Refused(
                    "dates_missing", "ends_on", _l("An all-day event needs its first and last day.")
                )
            ]
        if details.ends_on < details.starts_on:
            return [
                Refused(
                    "ends_before_start",
                    "ends_on",
                    _l("The last day cannot be before the first day."),
                )
            ]
    else:
        if details.starts_at is None or details.ends_at is None:
            return [
                Refused("times_missing", "ends_at", _l("A timed event needs its start and end."))
            ]
        if details.ends_at <= details.starts_at:
            return [Refused("ends_before_start", "ends_at", _l("The end must be after the start."))]
    return []


def question_refusals(questions: Any) -> list[Refused]:
    """Questions as staff write them: a list of ``{key, en, de, required, choices}``."""

    def refused(message: Any, **params: Any) -> list[Refused]:
        return [Refused("invalid_questions", "questions", message, **params)]

    if not isinstance(questions, list):
        return refused(_l("Write a list of questions: [ {...}, {...} ]."))
    if len(questions) > MAX_QUESTIONS:
        return refused(_l("At most {limit} questions."), limit=MAX_QUESTIONS)
    keys: set[str] = set()
    for number, question in enumerate(questions, start=1):
        if not isinstance(question, dict) or not isinstance(question.get("key"), str):
            return refused(_l('Question {number} needs a text "key".'), number=number)
        if not question["key"].isidentifier() or question["key"] in keys:
            return refused(
                _l("Question {number}: the key must be unique letters/digits/_."), number=number
            )
        keys.add(question["key"])
        if not isinstance(question.get("en"), str) or not question["en"].strip():
            return refused(_l('Question {number} needs an English text "en".'), number=number)
        choices = question.get("choices", [])
        if not isinstance(choices, list) or not all(
            isinstance(choice, dict) and isinstance(choice.get("value"), str) for choice in choices
        ):
            return refused(
                _l('Question {number}: choices are objects with a "value".'), number=number
            )
    return []


def event_refusals(details: EventDetails, event: Event | None) -> list[Refused]:
    texts = {name: getattr(details, name) for name in TEXT_LIMITS}
    refusals = required_in_a_language(
        "title", {"en": details.title_en, "de": details.title_de}
    ) + refusals_of(
        *(required_text(name, texts[name]) for name in REQUIRED_TEXTS),
        *(bounded_text(name, texts[name], limit) for name, limit in TEXT_LIMITS.items()),
        number_within("capacity", details.capacity, MAX_COUNT),
        number_within(
            "public_registrations_per_hour", details.public_registrations_per_hour, MAX_COUNT
        ),
        number_within("retention_months", details.retention_months, MAX_RETENTION_MONTHS, low=1),
    )
    if not SLUG.match(details.slug):
        refusals.append(
            Refused(
                "invalid_slug",
                "slug",
                _l(
                    "Use lower-case letters, digits and hyphens only, starting with a letter or "
                    "digit, at most 120."
                ),
            )
        )
    else:
        other = db.session.scalar(select(Event).where(Event.slug == details.slug))
        if other is not None and other is not event:
            refusals.append(
                Refused("slug_taken", "slug", _l("Another event already uses this web address."))
            )
    if not is_time_zone(details.timezone):
        refusals.append(
            Refused(
                "unknown_time_zone", "timezone", _l("Not an IANA time zone such as Europe/Berlin.")
            )
        )
    if not is_country(details.country):
        refusals.append(
            Refused("unknown_country", "country", _l("Use the two-letter country code, e.g. DE."))
        )
    try:
        validate_email(details.organiser_email.strip(), check_deliverability=False)
    except EmailNotValidError:
        refusals.append(
            Refused("invalid_email", "organiser_email", _l("Not a valid email address."))
        )
    offsets = details.reminder_offsets_days
    if len(offsets) > MAX_REMINDERS or not all(0 < days <= MAX_REMINDER_DAYS for days in offsets):
        refusals.append(
            Refused(
                "invalid_reminders",
                "reminder_offsets_days",
                _l("At most {count} whole numbers of days between 1 and {days}, e.g. 7, 1."),
                count=MAX_REMINDERS,
                days=MAX_REMINDER_DAYS,
            )
        )
    if is_time_zone(details.timezone):
        refusals += schedule_refusals(details)
    return refusals + question_refusals(details.questions)


# --- saving ---------------------------------------------------------------------------------


def save_event(event: Event | None, details: EventDetails) -> Event:
    """Create an event (as a draft) or change one; a changed schedule re-invites everyone.

    Refused when a value breaks a rule, the slug is taken, or the capacity would fall below the
    confirmed seats.
    """
    refuse_any(event_refusals(details, event))
    if event is None:
        event = Event(status=EventStatus.draft, capacity=details.capacity)
        apply_details(event, details)
        db.session.add(event)
        db.session.flush()
        return event
    before = services.schedule_of(event)
    apply_details(event, details)
    services.change_capacity(event, details.capacity)
    if services.schedule_of(event) != before:
        services.announce_event_change(event)
    db.session.flush()
    return event


def apply_details(event: Event, details: EventDetails) -> None:
    for name in EventDetails.__dataclass_fields__:
        if name != "capacity":
            setattr(event, name, getattr(details, name))
    for name in TRANSLATED_TEXTS:
        for language in LANGUAGES:
            text = f"{name}_{language}"
            setattr(event, text, (getattr(details, text) or "").strip())
    event.organiser_email = details.organiser_email.strip().lower()
    event.country = details.country.upper()
    event.reminder_offsets_days = sorted(set(details.reminder_offsets_days), reverse=True)
    if details.is_all_day:
        event.starts_at = event.ends_at = None
    else:
        event.starts_on = event.ends_on = None


# --- the event's lifecycle ------------------------------------------------------------------


def change_event_status(event: Event, to: EventStatus) -> int:
    """The one way an event changes status: draft → published → cancelled (a draft may also be
    dropped as cancelled). Publishing and cancelling are recorded with their time; cancelling
    cancels every live registration and tells each person. Returns how many were told."""
    if to not in STATUS_MOVES[event.status]:
        raise Conflict(
            "event_move_not_allowed",
            "status",
            _l("A {current} event cannot become {to}."),
            current=event.status.label,
            to=to.label,
        )
    told = 0
    event.status = to
    if to is EventStatus.published:
        event.published_at = utcnow()
    if to is EventStatus.cancelled:
        event.cancelled_at = utcnow()
        event.sequence += 1
        told = services.cancel_live_registrations(event)
    db.session.flush()
    return told


def publish_event(event: Event) -> None:
    change_event_status(event, EventStatus.published)


def cancel_event(event: Event) -> int:
    """Cancel the event and every live registration, telling each person. Returns how many."""
    return change_event_status(event, EventStatus.cancelled)


def staff_events() -> list[Event]:
    """Every event for the staff list: the latest to begin first, so that coming ones lead."""
    return list(db.session.scalars(select(Event).order_by(Event.sort_at.desc(), Event.id)))


def event_by_id(event_id: int) -> Event | None:
    return db.session.get(Event, event_id)


def published_events() -> Select[Event]:
    """Published events, soonest first: all-day and timed alike, by the instant they begin."""
    return (
        select(Event).where(Event.status == EventStatus.published).order_by(Event.sort_at, Event.id)
    )


def event_by_slug(slug: str, *, include_drafts: bool = False) -> Event | None:
    query = select(Event).where(Event.slug == slug)
    if not include_drafts:
        query = query.where(Event.status != EventStatus.draft)
    return db.session.scalar(query)
