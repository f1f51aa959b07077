"""The outbox lifecycle: every change of a message's status goes through ``change_status``, or,
for many rows at once in one statement, through ``claim_due`` and ``fail_abandoned``, which move
only the rows the same table allows to move."""

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, or_, select, update

from crm.db import utcnow
from crm.extensions import db
from crm.mail.models import OutboxMessage, OutboxStatus
from crm.refusals import Conflict

CLAIM_BATCH_SIZE = 20
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
        select(OutboxMessage).where(
            OutboxMessage.to_email == email, OutboxMessage.status == OutboxStatus.pending
        )
    ).all()
    for message in pending:
        cancel(message)
    return len(pending)


# --- many rows at once: the dispatcher's claim ---------------------------------------------


def claim_expired_before(timeout_seconds: int) -> datetime:
    return utcnow() - timedelta(seconds=timeout_seconds)


def is_due(timeout_seconds: int) -> ColumnElement[bool]:
    """pending → sending once its time has come; sending → sending again (a new claim) when the
    dispatcher that claimed it has not finished within the timeout."""
    return or_(
        and_(
            OutboxMessage.status == OutboxStatus.pending,
            OutboxMessage.next_attempt_at <= utcnow(),
        ),
        and_(
            OutboxMessage.status == OutboxStatus.sending,
            OutboxMessage.claimed_at < claim_expired_before(timeout_seconds),
        ),
    )


def fail_abandoned(timeout_seconds: int) -> None:
    """sending → failed for a row whose dispatcher died on every one of its attempts."""
    db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.sending,
            OutboxMessage.claimed_at < claim_expired_before(timeout_seconds),
            OutboxMessage.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"],
        )
        .values(
            status=OutboxStatus.failed,
            claimed_at=None,
            last_error="The dispatcher stopped while sending, on every attempt.",
        )
        .execution_options(synchronize_session=False)
    )


def claim_due(timeout_seconds: int, limit: int = CLAIM_BATCH_SIZE) -> list[int]:
    """Mark up to ``limit`` due messages as being sent by this dispatcher; returns their ids.

    Rows are found with ``FOR UPDATE SKIP LOCKED`` (PostgreSQL; SQLite serialises writers) and
    claimed with a conditional UPDATE, so two dispatchers never claim one row. The caller
    commits the claim before sending.
    """
    fail_abandoned(timeout_seconds)
    candidates = db.session.scalars(
        select(OutboxMessage.id)
        .where(is_due(timeout_seconds))
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    claimed = []
    for message_id in candidates:
        result = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, is_due(timeout_seconds))
            .values(
                status=OutboxStatus.sending,
                claimed_at=utcnow(),
                attempts=OutboxMessage.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
        if getattr(result, "rowcount", 0) == 1:  # a CursorResult, typed as any Result
            claimed.append(message_id)
    return claimed
