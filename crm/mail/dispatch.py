"""Sending the outbox: claim due rows, deliver them, record the outcome.

The claim (``crm.mail.services.claim_due``) is committed before anything is sent, and each
outcome is committed on its own, so a crash between two messages leaves every other row as it
is: this module commits by design, unlike the services it calls.
"""

from dataclasses import dataclass, field

from flask import current_app

from crm.extensions import db
from crm.mail.hooks import invitation_of, mail_sent
from crm.mail.mime import build_email
from crm.mail.models import OutboxMessage, OutboxStatus
from crm.mail.services import claim_due, mark_failed_attempt, mark_sent
from crm.mail.transports import Courier, PermanentFailure, courier


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
        delivering.deliver(build_email(message, invitation_of(message)))
    except (PermanentFailure, ValueError) as error:
        record_failure(message, str(error), is_permanent=True, report=report)
    except OSError as error:
        record_failure(
            message, f"{type(error).__name__}: {error}", is_permanent=False, report=report
        )
    else:
        mark_sent(message)
        mail_sent.send(message)
        report.sent += 1
    db.session.commit()


def dispatch_due() -> DispatchReport:
    """Send every message that is due now; each outcome is committed on its own."""
    report = DispatchReport()
    while True:
        claimed = claim_due(current_app.config["MAIL_CLAIM_TIMEOUT_SECONDS"])
        db.session.commit()  # the claim stands before anything is sent
        if not claimed:
            return report
        with courier() as delivering:
            for message_id in claimed:
                message = db.session.get(OutboxMessage, message_id)
                if message is not None:
                    send_claimed(message, report, delivering)
