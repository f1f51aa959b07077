"""Queueing mail: the only way the application sends anything."""

from sqlalchemy import select

from crm.extensions import db
from crm.mail.models import OutboxMessage


def queue_mail(
    key: str,
    *,
    to_email: str,
    to_name: str,
    subject: str,
    text_body: str,
    html_body: str | None = None,
    language: str = "en",
    calendar_method: str | None = None,
    calendar_sequence: int | None = None,
    registration_id: int | None = None,
    company_id: int | None = None,
    reply_to: tuple[str, str] | None = None,
) -> OutboxMessage:
    """Write a mail to the outbox in the current transaction; a known key returns the queued row."""
    queued = db.session.scalar(select(OutboxMessage).where(OutboxMessage.key == key))
    if queued is not None:
        return queued
    message = OutboxMessage(
        key=key,
        to_email=to_email,
        to_name=to_name,
        subject=subject,
        text_body=text_body,
        html_body=html_body,
        language=language,
        calendar_method=calendar_method,
        calendar_sequence=calendar_sequence,
        registration_id=registration_id,
        company_id=company_id,
        reply_to_name=reply_to[0] if reply_to else None,
        reply_to_email=reply_to[1] if reply_to else None,
    )
    db.session.add(message)
    db.session.flush()
    return message
