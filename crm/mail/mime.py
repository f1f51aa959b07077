"""The MIME tree of an outgoing mail, built with the standard library (RFC 6047 for invitations).

Flask-Mail cannot put ``method=`` on a ``text/calendar`` part, so the whole message is an
``email.message.EmailMessage`` rendered with the SMTP policy (CRLF line ends).
"""

from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid, parseaddr

from flask import current_app

from crm.calendar.ics import CalendarMethod, calendar_host, invitation_for, single_line
from crm.db import utcnow
from crm.events.models import Registration
from crm.extensions import db
from crm.mail.models import OutboxMessage

# 7-bit transport for every text part, whatever the language: no server has to accept 8BITMIME.
TEXT_ENCODING = "quoted-printable"


def sender_address() -> Address:
    name, address = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])
    return Address(display_name=single_line(name), addr_spec=address)


def organiser_address(registration: Registration) -> Address:
    """Replies, calendar ones included, go to the event's organiser: a mailbox staff read."""
    event = registration.event
    return Address(display_name=single_line(event.organiser_name), addr_spec=event.organiser_email)


def add_invitation(email: EmailMessage, message: OutboxMessage, registration: Registration) -> None:
    """The iMIP part last in multipart/alternative, and the same calendar as ``invite.ics``."""
    assert message.calendar_method is not None
    method = CalendarMethod(message.calendar_method)
    sequence = (
        message.calendar_sequence
        if message.calendar_sequence is not None
        else registration.sequence
    )
    text = invitation_for(registration, method, sequence).to_ical().decode()
    if not email.is_multipart():
        email.make_alternative()
    email.add_alternative(
        text, subtype="calendar", params={"method": method.value}, cte=TEXT_ENCODING
    )
    email.add_attachment(
        text.encode(), maintype="application", subtype="ics", filename="invite.ics"
    )


def build_email(message: OutboxMessage) -> EmailMessage:
    """Headers from the outbox row (line breaks cannot reach them) and the bodies as parts."""
    registration = (
        db.session.get(Registration, message.registration_id)
        if message.registration_id is not None
        else None
    )
    email = EmailMessage(policy=SMTP)
    email["From"] = sender_address()
    email["To"] = Address(display_name=single_line(message.to_name), addr_spec=message.to_email)
    if registration is not None:
        email["Reply-To"] = organiser_address(registration)
    email["Subject"] = single_line(message.subject)
    email["Date"] = format_datetime(utcnow())
    email["Message-ID"] = make_msgid(domain=calendar_host())
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.text_body, cte=TEXT_ENCODING)
    if message.html_body:
        email.add_alternative(message.html_body, subtype="html", cte=TEXT_ENCODING)
    if registration is not None and message.calendar_method is not None:
        add_invitation(email, message, registration)
    # Set last: turning the message multipart moves every Content-* header into the first part.
    email["Content-Language"] = message.language
    return email
