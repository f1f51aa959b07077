"""Which reminders are due, and queueing them.

Reminders are computed from the event each time, never stored ahead, so when an event moves its
unsent reminders move with it. The outbox key ``reminder:<N>d:registration:<id>`` makes each one
go out at most once.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import or_, select

from crm.calendar.ics import public_event_url
from crm.db import utcnow
from crm.events.models import Event, EventStatus, Registration, RegistrationStatus
from crm.extensions import db
from crm.i18n import day, event_when
from crm.mail.models import OutboxMessage
from crm.mail.outbox import queue_mail
from crm.vocabulary.places import language_or_default


@dataclass(frozen=True)
class DueReminder:
    registration: Registration
    offset_days: int
    due_at: datetime

    @property
    def key(self) -> str:
        return reminder_key(self.offset_days, self.registration.id)

    def __str__(self) -> str:
        return f"{self.key} ({self.registration.email}, due {self.due_at.isoformat()})"


def reminder_key(offset_days: int, registration_id: int) -> str:
    return f"reminder:{offset_days}d:registration:{registration_id}"


def reminder_due_at(event: Event, offset_days: int) -> datetime:
    """The instant a reminder ``offset_days`` calendar days before the event is due, in UTC.

    Timed events: the same local wall-clock time N days earlier in the event's zone (so across a
    DST change the UTC hour differs). All-day events: REMINDER_LOCAL_HOUR local time.
    """
    zone = event.zone
    if event.is_all_day:
        assert event.starts_on is not None
        day = event.starts_on - timedelta(days=offset_days)
        local_time = time(hour=current_app.config["REMINDER_LOCAL_HOUR"])
    else:
        local_start = event.begins_at.astimezone(zone)
        day = local_start.date() - timedelta(days=offset_days)
        local_time = local_start.time()
    return datetime.combine(day, local_time, zone).astimezone(UTC)


def nearest_due_offset(event: Event, now: datetime) -> tuple[int, datetime] | None:
    """Of the offsets already due, the one closest to the event (a missed run sends only it)."""
    due = [
        (offset, reminder_due_at(event, offset))
        for offset in event.reminder_offsets_days
        if reminder_due_at(event, offset) <= now
    ]
    return min(due, default=None)


def due_reminders(now: datetime) -> list[DueReminder]:
    """Reminders that should be queued at ``now`` and have not been queued yet."""
    events = db.session.scalars(
        select(Event).where(
            Event.status == EventStatus.published,
            or_(Event.starts_at > now, Event.starts_on >= (now - timedelta(days=1)).date()),
        )
    ).all()
    reminders: list[DueReminder] = []
    for event in events:
        if event.begins_at <= now:
            continue
        nearest = nearest_due_offset(event, now)
        if nearest is None:
            continue
        offset_days, due_at = nearest
        registrations = db.session.scalars(
            select(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.status == RegistrationStatus.confirmed,
            )
            .order_by(Registration.id)
        ).all()
        candidates = [
            DueReminder(registration, offset_days, due_at)
            for registration in registrations
            if (registration.confirmed_at or registration.created_at) <= due_at
        ]
        queued = set(
            db.session.scalars(
                select(OutboxMessage.key).where(
                    OutboxMessage.key.in_([reminder.key for reminder in candidates])
                )
            )
        )
        reminders.extend(reminder for reminder in candidates if reminder.key not in queued)
    return reminders


def queue_reminder(reminder: DueReminder) -> OutboxMessage:
    """The reminder in the registrant's language."""
    registration = reminder.registration
    event = registration.event
    language = language_or_default(registration.language)
    with force_locale(language):
        context = {
            "registration": registration,
            "event": event,
            "offset_days": reminder.offset_days,
            "when": event_when(event),
            "event_url": public_event_url(event),
        }
        on_day = day(event.begins_at.astimezone(event.zone).date(), "long")
        subject = _("Reminder: %(title)s on %(day)s", title=event.title, day=on_day)
        text_body = render_template("mail/reminder.txt", **context)
        html_body = render_template("mail/reminder.html", **context)
    return queue_mail(
        reminder.key,
        to_email=registration.email,
        to_name=registration.name,
        subject=subject,
        text_body=text_body,
        html_body=html_body,
        language=language,
        registration_id=registration.id,
        company_id=registration.company_id,
    )


def queue_due_reminders(now: datetime) -> list[DueReminder]:
    reminders = due_reminders(now)
    for reminder in reminders:
        queue_reminder(reminder)
    return reminders


def queue_due_reminders_now() -> str:
    """The worker's step: queue what is due now."""
    reminders = queue_due_reminders(utcnow())
    return f"{len(reminders)} reminders queued" if reminders else ""
