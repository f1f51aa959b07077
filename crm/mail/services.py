"""The outbox lifecycle: every change of a message's status goes through ``change_status``."""

from datetime import timedelta

from crm.db import utcnow
from crm.mail.models import OutboxMessage, OutboxStatus

ALLOWED_TRANSITIONS: dict[OutboxStatus, set[OutboxStatus]] = {
    OutboxStatus.pending: {OutboxStatus.sending, OutboxStatus.cancelled},
    OutboxStatus.sending: {OutboxStatus.sent, OutboxStatus.pending, OutboxStatus.failed},
    OutboxStatus.failed: {OutboxStatus.pending},
    OutboxStatus.sent: set(),
    OutboxStatus.cancelled: set(),
}


class InvalidTransition(ValueError):
    """The message cannot move from its status to the one asked for."""


def change_status(message: OutboxMessage, status: OutboxStatus) -> None:
    if status not in ALLOWED_TRANSITIONS[message.status]:
        raise InvalidTransition(f"A {message.status.value} message cannot become {status.value}.")
    message.status = status
    if status is not OutboxStatus.sending:
        message.claimed_at = None


def mark_sent(message: OutboxMessage) -> None:
    change_status(message, OutboxStatus.sent)
    message.sent_at = utcnow()
    message.last_error = None


def mark_failed_attempt(
    message: OutboxMessage,
    error: str,
    *,
    is_permanent: bool,
    max_attempts: int,
    retry_base_seconds: int,
) -> None:
    """Retry later with exponential backoff, or give up after a permanent refusal or the limit."""
    message.last_error = error[:2000]
    if is_permanent or message.attempts >= max_attempts:
        change_status(message, OutboxStatus.failed)
        return
    change_status(message, OutboxStatus.pending)
    delay = retry_base_seconds * 2 ** (message.attempts - 1)
    message.next_attempt_at = utcnow() + timedelta(seconds=delay)


def retry(message: OutboxMessage) -> None:
    """Staff send a failed message again, with a fresh set of attempts."""
    change_status(message, OutboxStatus.pending)
    message.attempts = 0
    message.next_attempt_at = utcnow()


def cancel(message: OutboxMessage) -> None:
    change_status(message, OutboxStatus.cancelled)
