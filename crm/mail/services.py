"""The outbox lifecycle: every change of a message's status goes through ``change_status``, or,
for the rows a dead dispatcher left, in one statement, through ``release_abandoned``, which moves
only what the same table allows to move."""

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from crm.db import utcnow
from crm.extensions import db
from crm.mail.models import OutboxMessage, OutboxStatus
from crm.refusals import Conflict

PAGE_SIZE = 200

ALLOWED_TRANSITIONS: dict[OutboxStatus, set[OutboxStatus]] = {
    OutboxStatus.pending: {OutboxStatus.sending, OutboxStatus.cancelled},
    OutboxStatus.sending: {OutboxStatus.sent, OutboxStatus.pending, OutboxStatus.failed},
    OutboxStatus.failed: {OutboxStatus.pending},
    OutboxStatus.sent: set(),
    OutboxStatus.cancelled: set(),
}


def change_status(message: OutboxMessage, status: OutboxStatus) -> None:
    if status not in ALLOWED_TRANSITIONS[message.status]:
        raise Conflict(
            "mail_move_not_allowed",
            "status",
            _l("A {current} message cannot become {to}."),
            current=message.status.label,
            to=status.label,
        )
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


def latest(status: OutboxStatus | None = None) -> list[OutboxMessage]:
    """The most recent messages, newest first, of one status if given."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(PAGE_SIZE)
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    return list(db.session.scalars(query))


def cancel_pending_to(email: str) -> int:
    """Cancel what waits to be sent to this address (an erasure); returns how many."""
    pending = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.to_email == email, OutboxMessage.status == OutboxStatus.pending)
        .with_for_update()  # waits for a dispatcher sending one of them, then sees it sent
    ).all()
    for message in pending:
        cancel(message)
    return len(pending)


# --- the dispatcher's claim ---------------------------------------------------------------


def release_abandoned(max_attempts: int) -> None:
    """sending → pending for every row a dead dispatcher left claimed, or → failed when it died
    on every one of its attempts.

    Only ever called by the dispatcher that may send: no other one can be mid-send with a row
    shown as sending (PostgreSQL: a live claim is never committed; SQLite: one dispatcher only).
    """
    abandoned = OutboxMessage.status == OutboxStatus.sending
    db.session.execute(
        update(OutboxMessage)
        .where(abandoned, OutboxMessage.attempts >= max_attempts)
        .values(
            status=OutboxStatus.failed,
            claimed_at=None,
            last_error="The dispatcher stopped while sending, on every attempt.",
        )
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(OutboxMessage)
        .where(abandoned)
        .values(status=OutboxStatus.pending, claimed_at=None)
        .execution_options(synchronize_session=False)
    )


def claim_next() -> OutboxMessage | None:
    """The first due message, marked as being sent (one more attempt), or None.

    It is read with ``FOR UPDATE SKIP LOCKED`` (PostgreSQL; SQLite has one writer), so two
    dispatchers never claim one row, and the lock lasts as long as the caller's transaction.
    """
    message = db.session.scalar(
        select(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.pending,
            OutboxMessage.next_attempt_at <= utcnow(),
        )
        .order_by(OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if message is None:
        return None
    change_status(message, OutboxStatus.sending)
    message.claimed_at = utcnow()
    message.attempts += 1
    db.session.flush()
    return message
