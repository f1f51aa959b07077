"""The calendar part of an invitation mail, written when the mail goes out: from the
registration and its event as they are then, with the SEQUENCE the mail was queued with."""

from flask_babel import force_locale

from crm.calendar.ics import CalendarMethod, invitation_for
from crm.events.models import Registration
from crm.extensions import db
from crm.mail.models import OutboxMessage
from crm.vocabulary.places import language_or_default


def invitation_text(message: OutboxMessage) -> str | None:
    """The iTIP object for the message's registration, or None if it is gone (erased)."""
    if message.registration_id is None or message.calendar_method is None:
        return None
    registration = db.session.get(Registration, message.registration_id)
    if registration is None:
        return None
    sequence = (
        message.calendar_sequence
        if message.calendar_sequence is not None
        else registration.sequence
    )
    method = CalendarMethod(message.calendar_method)
    with force_locale(language_or_default(registration.language)):  # the registrant's language
        text: bytes = invitation_for(registration, method, sequence).to_ical()
    return text.decode()
