"""Writing entries on a company's timeline; every capability records through here."""

from datetime import datetime

from crm.auth.models import User
from crm.db import utcnow
from crm.extensions import db
from crm.leads.models import Activity, ActivityKind, Company


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
