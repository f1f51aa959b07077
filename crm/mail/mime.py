"""The MIME tree of an outgoing mail, built with the standard library (RFC 6047 for invitations).

Flask-Mail cannot put ``method=`` on a ``text/calendar`` part, so the whole message is an
``email.message.EmailMessage`` rendered with the SMTP policy (CRLF line ends).
"""

import hashlib
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr
from urllib.parse import urlsplit

from flask import current_app

from crm.db import utcnow
from crm.mail.models import OutboxMessage

# 7-bit transport for every text part, whatever the language: no server has to accept 8BITMIME.
TEXT_ENCODING = "quoted-printable"


def single_line(text: str) -> str:
    """A display name safe for headers and iCal parameters: no line breaks, no double quotes."""
    return " ".join(text.replace('"', "'").split())


def mail_host() -> str:
    """The host the application's mail and calendar ids are made on (PUBLIC_BASE_URL's)."""
    return urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "localhost"


def message_id(message: OutboxMessage) -> str:
    """The Message-ID of an outbox row, the same on every attempt: a copy sent again after a
    crash (see crm.mail.dispatch) is then known to be the same mail."""
    digest = hashlib.sha256(message.key.encode()).hexdigest()[:32]
    return f"<outbox.{digest}@{mail_host()}>"


def sender_address() -> Address:
    name, address = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])
    return Address(display_name=single_line(name), addr_spec=address)


def add_invitation(email: EmailMessage, method: str, calendar: str) -> None:
    """The iMIP part last in multipart/alternative, and the same calendar as ``invite.ics``."""
    if not email.is_multipart():
        email.make_alternative()
    email.add_alternative(
        calendar, subtype="calendar", params={"method": method}, cte=TEXT_ENCODING
    )
    email.add_attachment(
        calendar.encode(), maintype="application", subtype="ics", filename="invite.ics"
    )


def build_email(message: OutboxMessage, invitation: str | None = None) -> EmailMessage:
    """Headers from the outbox row (line breaks cannot reach them), the bodies as parts, and the
    invitation's calendar text when there is one."""
    email = EmailMessage(policy=SMTP)
    email["From"] = sender_address()
    email["To"] = Address(display_name=single_line(message.to_name), addr_spec=message.to_email)
    if message.reply_to_email:
        email["Reply-To"] = Address(
            display_name=single_line(message.reply_to_name or ""),
            addr_spec=message.reply_to_email,
        )
    email["Subject"] = single_line(message.subject)
    email["Date"] = format_datetime(utcnow())
    email["Message-ID"] = message_id(message)
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.text_body, cte=TEXT_ENCODING)
    if message.html_body:
        email.add_alternative(message.html_body, subtype="html", cte=TEXT_ENCODING)
    if invitation is not None and message.calendar_method is not None:
        add_invitation(email, message.calendar_method, invitation)
    # Set last: turning the message multipart moves every Content-* header into the first part.
    email["Content-Language"] = message.language
    return email
