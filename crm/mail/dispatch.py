"""Sending the outbox: claim due rows, deliver them, record the outcome.

Claiming is a conditional UPDATE on rows found with ``FOR UPDATE SKIP LOCKED`` (PostgreSQL; SQLite
serialises writers anyway), so two dispatchers never send one row twice. A row left ``sending`` by
a dispatcher that died is claimed again once its claim is older than MAIL_CLAIM_TIMEOUT_SECONDS.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, and_, or_, select, update

from crm.db import utcnow
from crm.extensions import db
from crm.leads.models import ActivityKind, Company
from crm.leads.timeline import record_activity
from crm.mail.mime import build_email
from crm.mail.models import OutboxMessage, OutboxStatus
from crm.mail.services import mark_failed_attempt, mark_sent
from crm.mail.transports import Courier, PermanentFailure, courier

CLAIM_BATCH_SIZE = 20


@dataclass
class DispatchReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.sent or self.retrying or self.failed)

    def __str__(self) -> str:
        summary = f"{self.sent} sent, {self.retrying} to retry, {self.failed} failed"
        return "\n".join([summary, *self.errors])


def claim_expired_before() -> datetime:
    return utcnow() - timedelta(seconds=current_app.config["MAIL_CLAIM_TIMEOUT_SECONDS"])


def is_due() -> ColumnElement[bool]:
    return or_(
        and_(
            OutboxMessage.status == OutboxStatus.pending,
            OutboxMessage.next_attempt_at <= utcnow(),
        ),
        and_(
            OutboxMessage.status == OutboxStatus.sending,
            OutboxMessage.claimed_at < claim_expired_before(),
        ),
    )


def fail_abandoned() -> None:
    """A row whose dispatcher died on every one of its attempts is not claimed forever."""
    db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.sending,
            OutboxMessage.claimed_at < claim_expired_before(),
            OutboxMessage.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"],
        )
        .values(
            status=OutboxStatus.failed,
            claimed_at=None,
            last_error="The dispatcher stopped while sending, on every attempt.",
        )
        .execution_options(synchronize_session=False)
    )


def claim_due(limit: int = CLAIM_BATCH_SIZE) -> list[int]:
    """Mark up to ``limit`` due messages as being sent by this dispatcher and commit the claim."""
    fail_abandoned()
    candidates = db.session.scalars(
        select(OutboxMessage.id)
        .where(is_due())
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    claimed = []
    for message_id in candidates:
        result = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, is_due())
            .values(
                status=OutboxStatus.sending,
                claimed_at=utcnow(),
                attempts=OutboxMessage.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            claimed.append(message_id)
    db.session.commit()
    return claimed


def record_on_timeline(message: OutboxMessage) -> None:
    if message.company_id is None:
        return
    company = db.session.get(Company, message.company_id)
    if company is not None:
        record_activity(
            company,
            ActivityKind.mail_sent,
            f"Mail sent: {message.subject}",
            f"To {message.to_name} <{message.to_email}>",
        )


def record_failure(
    message: OutboxMessage, error: str, *, is_permanent: bool, report: DispatchReport
) -> None:
    config = current_app.config
    mark_failed_attempt(
        message,
        error,
        is_permanent=is_permanent,
        max_attempts=config["MAIL_MAX_ATTEMPTS"],
        retry_base_seconds=config["MAIL_RETRY_BASE_SECONDS"],
    )
    report.errors.append(f"{message.key}: {error}")
    if message.status is OutboxStatus.failed:
        report.failed += 1
    else:
        report.retrying += 1


def send_claimed(message: OutboxMessage, report: DispatchReport, delivering: Courier) -> None:
    """Deliver one claimed message; an unusable address or a 5xx refusal is final."""
    try:
        delivering.deliver(build_email(message))
    except (PermanentFailure, ValueError) as error:
        record_failure(message, str(error), is_permanent=True, report=report)
    except OSError as error:
        record_failure(
            message, f"{type(error).__name__}: {error}", is_permanent=False, report=report
        )
    else:
        mark_sent(message)
        record_on_timeline(message)
        report.sent += 1
    db.session.commit()


def dispatch_due() -> DispatchReport:
    """Send every message that is due now; each outcome is committed on its own."""
    report = DispatchReport()
    while claimed := claim_due():
        with courier() as delivering:
            for message_id in claimed:
                message = db.session.get(OutboxMessage, message_id)
                if message is not None:
                    send_claimed(message, report, delivering)
    return report
