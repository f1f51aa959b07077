"""Writing entries on a company's timeline; every capability records through here."""

from datetime import datetime

from crm.auth.models import User
from crm.db import utcnow
from crm.extensions import db
from crm.leads.models import Activity, ActivityKind, Company
from crm.mail.models import OutboxMessage


def record_activity(
    company: Company,
    kind: ActivityKind,
    subject: str,
    body: str = "",
    *,
    author: User | None = None,
    occurred_at: datetime | None = None,
) -> Activity:
    activity = Activity(
        company=company,
        kind=kind,
        subject=subject[:300],
        body=body,
        author=author,
        occurred_at=occurred_at or utcnow(),
    )
    db.session.add(activity)
    db.session.flush()
    return activity


def record_sent_mail(message: OutboxMessage) -> None:
    """Every mail sent about a company shows on its timeline (connected to ``mail_sent``)."""
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
