"""Sending the outbox: claim the next due row, deliver it, record the outcome, one at a time.

Each message is a transaction of its own, committed with its outcome. On PostgreSQL the claim is
the row lock (``FOR UPDATE SKIP LOCKED``) of that still open transaction: a dispatcher that dies
loses its connection, the database rolls the claim back at once, and another dispatcher (or the
same one restarted) takes the row. On SQLite the claim is committed before sending, so the one
writer is free while the mail travels; one dispatcher runs at a time there
(``crm.mail.sole_dispatcher``), so a restarted one frees what the dead one left at once.

A crash can still send one message twice, at most the one each dispatcher had in flight: SMTP
has no two-phase commit, so the server may have accepted the mail (its 250 after DATA) a moment
before the outcome could be recorded, and a dispatcher cannot tell that moment from the one just
before. That copy carries the same Message-ID (``crm.mail.mime.message_id``), so mail clients and
servers can recognise it.
"""

import logging
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from crm.extensions import db
from crm.mail.hooks import invitation_of, mail_sent
from crm.mail.mime import build_email
from crm.mail.models import OutboxMessage, OutboxStatus
from crm.mail.services import claim_next, mark_failed_attempt, mark_sent, release_abandoned
from crm.mail.sole_dispatcher import claims_are_row_locks, sole_dispatcher
from crm.mail.transports import Courier, PermanentFailure, courier

log = logging.getLogger("crm.worker")


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


def described(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"


def send_claimed(message: OutboxMessage, report: DispatchReport, delivering: Courier) -> None:
    """Deliver one claimed message; an unusable address, a 5xx refusal or a mail that cannot be
    built is final."""
    try:
        delivering.deliver(build_email(message, invitation_of(message)))
    except (PermanentFailure, ValueError) as error:
        record_failure(message, str(error), is_permanent=True, report=report)
    except OSError as error:
        record_failure(message, described(error), is_permanent=False, report=report)
    except SQLAlchemyError:
        raise  # the database's trouble, not the message's: the worker tries again
    except Exception as error:  # a mail that cannot be built must not hold up those after it
        log.exception("%s could not be sent", message.key)
        record_failure(message, described(error), is_permanent=True, report=report)
    else:
        mark_sent(message)
        mail_sent.send(message)
        report.sent += 1
    db.session.commit()


def dispatch_due() -> DispatchReport:
    """Send every message that is due now, each committed with its outcome."""
    report = DispatchReport()
    with sole_dispatcher() as may_send:
        if not may_send:
            log.info("another dispatcher is sending the outbox of this database")
            return report
        release_abandoned(current_app.config["MAIL_MAX_ATTEMPTS"])
        db.session.commit()
        with courier() as delivering:
            while (message := claim_next()) is not None:
                if not claims_are_row_locks():
                    db.session.commit()  # the claim stands before anything is sent
                send_claimed(message, report, delivering)
    return report
