"""Handing a built mail to the world: over SMTP (Flask-Mail's connection) or into files."""

import smtplib
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

from flask import current_app
from flask_mail import Message

from crm.db import utcnow
from crm.extensions import mail


class PermanentFailure(Exception):
    """The server refused the mail for good (5xx): trying again would not help."""


class PreparedMessage(Message):
    """A Flask-Mail message whose bytes are an already built ``EmailMessage``."""

    def __init__(self, email: EmailMessage, sender: str, recipient: str) -> None:
        super().__init__(subject=str(email["Subject"]), recipients=[recipient], sender=sender)
        self.email = email

    def as_bytes(self) -> bytes:
        return self.email.as_bytes(policy=SMTP)


def envelope_address(email: EmailMessage, header: str) -> str:
    """The bare address of a one-address header, for the SMTP envelope."""
    return email[header].addresses[0].addr_spec


def send_over_smtp(email: EmailMessage) -> None:
    prepared = PreparedMessage(
        email, sender=envelope_address(email, "From"), recipient=envelope_address(email, "To")
    )
    try:
        with mail.connect() as connection:
            connection.send(prepared)
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _ in error.recipients.values()]
        if all(code >= 500 for code in codes):
            raise PermanentFailure(f"recipient refused: {error.recipients}") from error
        raise
    except smtplib.SMTPResponseException as error:
        if error.smtp_code >= 500:
            raise PermanentFailure(f"{error.smtp_code} {error.smtp_error!r}") from error
        raise


def write_to_file(email: EmailMessage) -> None:
    directory = Path(current_app.config["MAIL_FILE_DIR"])
    directory.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
    message_id = str(email["Message-ID"]).strip("<>").replace("@", "_").replace("/", "_")
    (directory / f"{stamp}-{message_id}.eml").write_bytes(email.as_bytes(policy=SMTP))


def deliver(email: EmailMessage) -> None:
    """Send with the configured transport; raise PermanentFailure or any transient error."""
    if current_app.config["MAIL_TRANSPORT"] == "smtp":
        send_over_smtp(email)
    else:
        write_to_file(email)
