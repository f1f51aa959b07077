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


def invitation_text(message: OutboxMessage) -> tuple[CalendarMethod, str] | None:
    """The calendar text for a mail that carries an invitation, or None."""
    if message.calendar_method is None or message.registration_id is None:
        return None
    registration = db.session.get(Registration, message.registration_id)
    if registration is None:
        return None
    method = CalendarMethod(message.calendar_method)
    sequence = (
        message.calendar_sequence
        if message.calendar_sequence is not None
        else registration.sequence
    )
    calendar = invitation_for(registration, method, sequence)
    return method, calendar.to_ical().decode()


def build_email(message: OutboxMessage) -> EmailMessage:
    """Headers from the outbox row (line breaks cannot reach them) and the bodies as parts."""
    email = EmailMessage(policy=SMTP)
    email["From"] = sender_address()
    email["To"] = Address(display_name=single_line(message.to_name), addr_spec=message.to_email)
    email["Subject"] = single_line(message.subject)
    email["Date"] = format_datetime(utcnow())
    email["Message-ID"] = make_msgid(domain=calendar_host())
    email["Content-Language"] = message.language
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.text_body, cte=TEXT_ENCODING)
    if message.html_body:
        email.add_alternative(message.html_body, subtype="html", cte=TEXT_ENCODING)
    if invitation := invitation_text(message):
        method, text = invitation
        if not email.is_multipart():
            email.make_alternative()
        email.add_alternative(
            text, subtype="calendar", params={"method": method.value}, cte=TEXT_ENCODING
        )
        email.add_attachment(
            text.encode(), maintype="application", subtype="ics", filename="invite.ics"
        )
    return email
