"""Creating and changing events: one set of rules for the staff pages and the API."""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import current_app
from sqlalchemy import select

from crm.db import OUT_OF_RANGE, is_storable
from crm.events import services
from crm.events.models import Event, EventStatus
from crm.extensions import db


class EventRefused(Exception):
    """The event cannot be saved like this; ``field`` names the value at fault."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass
class EventDetails:
    title: str
    slug: str
    is_all_day: bool
    timezone: str
    city: str
    country: str
    organiser_name: str
    organiser_email: str
    description: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    venue: str | None = None
    address: str | None = None
    capacity: int | None = None
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    reminder_offsets_days: list[int] = field(default_factory=lambda: [7, 1])
    questions: list[dict[str, Any]] = field(default_factory=list)


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


def check_schedule(details: EventDetails) -> None:
    days = {"starts_on": details.starts_on, "ends_on": details.ends_on}
    moments = {"starts_at": details.starts_at, "ends_at": details.ends_at}
    window = {
        "registration_opens_at": details.registration_opens_at,
        "registration_closes_at": details.registration_closes_at,
    }
    for name, value in ((days if details.is_all_day else moments) | window).items():
        if value is not None and not is_storable(value):
            raise EventRefused(OUT_OF_RANGE, name)
    if details.is_all_day:
        if details.starts_on is None or details.ends_on is None:
            raise EventRefused("An all-day event needs its first and last day.", "ends_on")
        if details.ends_on < details.starts_on:
            raise EventRefused("The last day cannot be before the first day.", "ends_on")
    else:
        if details.starts_at is None or details.ends_at is None:
            raise EventRefused("A timed event needs its start and end.", "ends_at")
        if details.ends_at <= details.starts_at:
            raise EventRefused("The end must be after the start.", "ends_at")


def save_event(event: Event | None, details: EventDetails) -> Event:
    """Create an event (as a draft) or change one; a changed schedule re-invites everyone.

    Raises EventRefused for a taken slug or an impossible schedule, and RegistrationRefused when
    the capacity would fall below the confirmed seats.
    """
    check_schedule(details)
    other = db.session.scalar(select(Event).where(Event.slug == details.slug))
    if other is not None and other is not event:
        raise EventRefused("Another event already uses this web address.", "slug")
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
    event.organiser_email = details.organiser_email.lower()
    if details.is_all_day:
        event.starts_at = event.ends_at = None
    else:
        event.starts_on = event.ends_on = None
