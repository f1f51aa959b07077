"""The mail a registration causes: confirmations with calendar invitations, waiting-list and
promotion notices, updates, cancellations and re-sent links, in the registrant's language."""

import enum

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from crm.db import utcnow
from crm.events.models import EventStatus, Registration
from crm.events.tokens import manage_url
from crm.i18n import event_when
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


def subject_of(kind: RegistrationMail, title: str) -> str:
    subjects = {
        RegistrationMail.confirmation: _("Registration confirmed: %(title)s", title=title),
        RegistrationMail.waitlist: _("Waiting list: %(title)s", title=title),
        RegistrationMail.promotion: _("A seat is free for you: %(title)s", title=title),
        RegistrationMail.change: _("Registration updated: %(title)s", title=title),
        RegistrationMail.cancellation: _("Registration cancelled: %(title)s", title=title),
        RegistrationMail.link: _("Your registration link: %(title)s", title=title),
    }
    return str(subjects[kind])


def queue_registration_mail(
    registration: Registration, kind: RegistrationMail, *, had_seat: bool = True
) -> None:
    """The mail in the registrant's language, whatever the language of the page that caused it."""
    event = registration.event
    language = language_or_default(registration.language)
    with force_locale(language):
        context = {
            "registration": registration,
            "event": event,
            "when": event_when(event),
            "manage_url": manage_url(registration),
            "is_event_cancelled": event.status == EventStatus.cancelled,
        }
        subject = subject_of(kind, event.title)
        text_body = render_template(f"mail/registration_{kind.value}.txt", **context)
        html_body = render_template(f"mail/registration_{kind.value}.html", **context)
    method = CALENDAR_METHODS.get(kind) if had_seat else None
    queue_mail(
        mail_key(registration, kind),
        reply_to=(event.organiser_name, event.organiser_email),
        to_email=registration.email,
        to_name=registration.name,
        subject=subject,
        text_body=text_body,
        html_body=html_body,
        language=language,
        calendar_method=method,
        calendar_sequence=registration.sequence if method else None,
        registration_id=registration.id,
        company_id=registration.company_id,
    )
