"""The mail a registration causes: confirmations with calendar invitations, waiting-list and
promotion notices, updates, cancellations and re-sent links, in the registrant's language."""

import enum

from babel.dates import format_date, format_time
from flask import render_template
from flask_babel import force_locale

from crm.db import utcnow
from crm.events.models import Event, EventStatus, Registration
from crm.events.texts import translator
from crm.events.tokens import manage_url
from crm.mail.outbox import queue_mail
from crm.vocabulary.places import language_or_default


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
    with force_locale(registration.language):  # the event's texts in the registrant's language
        subject = t(f"subject_{kind.value}", title=event.title)
        text_body = render_template(f"mail/registration_{kind.value}.txt", **context)
        html_body = render_template(f"mail/registration_{kind.value}.html", **context)
    queue_mail(
        mail_key(registration, kind),
        reply_to=(event.organiser_name, event.organiser_email),
        to_email=registration.email,
        to_name=registration.name,
        subject=subject,
        text_body=text_body,
        html_body=html_body,
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
