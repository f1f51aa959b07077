"""iCalendar objects (RFC 5545) for invitations (RFC 5546 iTIP) and published event listings.

Timed events are written in UTC: Outlook misreads the RDATE-style VTIMEZONE blocks icalendar
generates. All-day events use ``VALUE=DATE`` with an exclusive DTEND.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import Enum

import icalendar
from flask import current_app
from flask_babel import gettext

from crm.db import utcnow
from crm.events.models import Event, Registration
from crm.mail.mime import mail_host, single_line

PRODUCT_ID = "-//Saxony Trade & Invest//nukliD Lead Desk//EN"


class CalendarMethod(Enum):
    publish = "PUBLISH"
    request = "REQUEST"
    cancel = "CANCEL"


def public_base_url() -> str:
    return str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/")


def calendar_host() -> str:
    return mail_host()


def public_event_url(event: Event) -> str:
    return f"{public_base_url()}/events/{event.slug}"


def registration_uid(registration: Registration) -> str:
    return f"registration-{registration.id}@{calendar_host()}"


def event_uid(event: Event) -> str:
    return f"event-{event.id}@{calendar_host()}"


def location_of(event: Event) -> str:
    return ", ".join(part for part in (event.venue, event.address, event.city) if part)


def new_calendar(method: CalendarMethod) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method.value)
    return calendar


def event_component(event: Event, *, uid: str, sequence: int, stamp: datetime) -> icalendar.Event:
    """The VEVENT every calendar file shares: times, place, text, the public page and organiser."""
    component = icalendar.Event()
    component.add("uid", uid)
    component.add("sequence", sequence)
    component.add("dtstamp", stamp)
    if event.is_all_day:
        assert event.starts_on is not None and event.ends_on is not None
        component.add("dtstart", event.starts_on)
        component.add("dtend", event.ends_on + timedelta(days=1))
    else:
        assert event.starts_at is not None and event.ends_at is not None
        component.add("dtstart", event.starts_at)
        component.add("dtend", event.ends_at)
    component.add("summary", event.title)
    if location := location_of(event):
        component.add("location", location)
    if event.description:
        component.add("description", event.description)
    component.add("url", public_event_url(event))
    organiser = icalendar.vCalAddress(f"mailto:{event.organiser_email}")
    organiser.params["cn"] = icalendar.vText(single_line(event.organiser_name))
    component.add("organizer", organiser)
    component.add("transp", "OPAQUE")
    return component


def invitation_for(
    registration: Registration, method: CalendarMethod, sequence: int
) -> icalendar.Calendar:
    """The iTIP object sent to one registrant, who is its only ATTENDEE; the UID never changes."""
    calendar = new_calendar(method)
    component = event_component(
        registration.event,
        uid=registration_uid(registration),
        sequence=sequence,
        stamp=utcnow(),
    )
    attendee = icalendar.vCalAddress(f"mailto:{registration.email}")
    attendee.params["cn"] = icalendar.vText(single_line(registration.name))
    attendee.params["cutype"] = icalendar.vText("INDIVIDUAL")
    attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = icalendar.vText("NEEDS-ACTION")
    attendee.params["rsvp"] = icalendar.vText("TRUE")
    component.add("attendee", attendee)
    component.add("status", "CANCELLED" if method is CalendarMethod.cancel else "CONFIRMED")
    calendar.add_component(component)
    return calendar


def listing_of(events: Iterable[Event]) -> icalendar.Calendar:
    """A PUBLISH calendar of events; DTSTAMP is the last change so the file is reproducible."""
    calendar = new_calendar(CalendarMethod.publish)
    calendar.add("x-wr-calname", gettext("nukliD cluster events"))
    for event in events:
        component = event_component(
            event, uid=event_uid(event), sequence=event.sequence, stamp=event.updated_at
        )
        component.add("status", "CONFIRMED")
        calendar.add_component(component)
    return calendar
