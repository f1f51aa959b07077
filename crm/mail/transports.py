"""Handing a built mail to the world: over SMTP (Flask-Mail's connection) or into files."""

import smtplib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

from flask import current_app
from flask_mail import Connection, Message

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
    return str(email[header].addresses[0].addr_spec)


class Courier:
    """Delivers a batch of mails with the configured transport, over one SMTP connection.

    The connection opens with the first mail and is dropped after any failed conversation, so
    the next mail starts afresh.
    """

    def __init__(self) -> None:
        self._connection: Connection | None = None

    def deliver(self, email: EmailMessage) -> None:
        """Send one mail; raise PermanentFailure or any transient error."""
        if current_app.config["MAIL_TRANSPORT"] == "smtp":
            self._send_over_smtp(email)
        else:
            write_to_file(email)

    def close(self) -> None:
        if self._connection is not None:
            connection, self._connection = self._connection, None
            with suppress(smtplib.SMTPException, OSError):
                # Flask-Mail types __exit__ as if an exception were always passed.
                connection.__exit__(None, None, None)  # type: ignore[arg-type]

    def _send_over_smtp(self, email: EmailMessage) -> None:
        prepared = PreparedMessage(
            email, sender=envelope_address(email, "From"), recipient=envelope_address(email, "To")
        )
        try:
            if self._connection is None:
                self._connection = mail.connect().__enter__()
            self._connection.send(prepared)
        except Exception as error:
            self.close()
            raise_permanent_refusals(error)
            raise


@contextmanager
def courier() -> Iterator[Courier]:
    delivering = Courier()
    try:
        yield delivering
    finally:
        delivering.close()


def raise_permanent_refusals(error: Exception) -> None:
    """Turn an SMTP 5xx answer into PermanentFailure; other errors are left to the caller."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        if codes and all(code >= 500 for code in codes):
            raise PermanentFailure(f"recipient refused: {error.recipients}") from error
    elif isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500:
        raise PermanentFailure(f"{error.smtp_code} {error.smtp_error!r}") from error


def write_to_file(email: EmailMessage) -> None:
    directory = Path(current_app.config["MAIL_FILE_DIR"])
    directory.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
    message_id = str(email["Message-ID"]).strip("<>").replace("@", "_").replace("/", "_")
    (directory / f"{stamp}-{message_id}.eml").write_bytes(email.as_bytes(policy=SMTP))
