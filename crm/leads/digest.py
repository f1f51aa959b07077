"""The staff digest: each morning, a mail to every staff member with their overdue and today's
follow-up tasks, their overdue roadmap steps and the landed companies they are due to contact.

The digest belongs to the leads package because it is a view of the follow-up tasks; the mail
package only carries it. Nothing is stored ahead: the outbox key
``digest:user:<id>:<YYYY-MM-DD>`` makes each person's digest go out at most once a day, however
often the worker runs.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from crm.auth.models import Role, User
from crm.db import utcnow
from crm.extensions import db
from crm.i18n import day as written_day
from crm.leads.aftercare import Aftercare, aftercare_due_of
from crm.leads.listing import declining_follow_up
from crm.leads.models import Company, FollowUpTask
from crm.leads.roadmap import RoadmapStep, overdue_steps_of
from crm.leads.services import open_tasks_of
from crm.mail.models import OutboxMessage
from crm.mail.outbox import queue_mail

RECIPIENT_ROLES = [role for role in Role if role.includes(Role.staff)]


@dataclass(frozen=True)
class Digest:
    recipient: User
    day: date
    overdue: list[FollowUpTask]
    due_today: list[FollowUpTask]
    overdue_steps: list[RoadmapStep]
    aftercare_due: list[Aftercare]
    # Per company in the digest, its contacts who do not want follow-up: not to be called.
    declining_follow_up: dict[int, list[str]] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return digest_key(self.recipient.id, self.day)

    @property
    def subject(self) -> str:
        """In the language being written (the recipient's, inside ``queue_digest``)."""
        return str(
            _(
                "Your follow-ups on %(day)s: %(overdue)d overdue, %(today)d due today",
                day=written_day(self.day, "long"),
                overdue=self.overdue_count,
                today=len(self.due_today),
            )
        )

    @property
    def overdue_count(self) -> int:
        return len(self.overdue) + len(self.overdue_steps)

    def __str__(self) -> str:
        return (
            f"{self.key} ({self.recipient.email}: "
            f"{self.overdue_count} overdue, {len(self.due_today)} due today)"
        )


def digest_key(user_id: int, day: date) -> str:
    return f"digest:user:{user_id}:{day.isoformat()}"


def digest_day(now: datetime) -> date | None:
    """The local day whose digest is due at ``now``; None before DIGEST_LOCAL_HOUR."""
    local = now.astimezone(ZoneInfo(current_app.config["DIGEST_TIMEZONE"]))
    if local.hour < current_app.config["DIGEST_LOCAL_HOUR"]:
        return None
    return local.date()


def public_url(endpoint: str, **values: object) -> str:
    """An absolute link for a mail, which is rendered outside any request."""
    path = current_app.url_map.bind("").build(endpoint, values)
    return str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/") + path


def company_url(company: Company) -> str:
    return public_url("leads.show", company_id=company.id)


def digest_for(recipient: User, day: date, now: datetime | None = None) -> Digest | None:
    """The recipient's digest for ``day`` (written at ``now``), or None when nothing is overdue
    or due that day."""
    tasks = [task for task in open_tasks_of(recipient) if task.due_on <= day]
    steps = overdue_steps_of(recipient, day)
    aftercare = aftercare_due_of(recipient, now or utcnow())
    if not tasks and not steps and not aftercare:
        return None
    companies = (
        {task.company_id for task in tasks}
        | {step.company_id for step in steps}
        | {entry.company.id for entry in aftercare}
    )
    return Digest(
        recipient,
        day,
        overdue=[task for task in tasks if task.due_on < day],
        due_today=[task for task in tasks if task.due_on == day],
        overdue_steps=steps,
        aftercare_due=aftercare,
        declining_follow_up=declining_follow_up(sorted(companies)),
    )


def due_digests(now: datetime) -> list[Digest]:
    """Digests that should be queued at ``now`` and have not been queued yet."""
    day = digest_day(now)
    if day is None:
        return []
    recipients = db.session.scalars(
        select(User)
        .where(User.is_enabled.is_(True), User.role.in_(RECIPIENT_ROLES))
        .order_by(User.id)
    ).all()
    queued = set(
        db.session.scalars(
            select(OutboxMessage.key).where(
                OutboxMessage.key.in_([digest_key(user.id, day) for user in recipients])
            )
        )
    )
    digests = (
        digest_for(recipient, day, now)
        for recipient in recipients
        if digest_key(recipient.id, day) not in queued
    )
    return [digest for digest in digests if digest is not None]


def queue_digest(digest: Digest) -> OutboxMessage:
    """The digest in the language the staff member chose for themselves."""
    language = digest.recipient.language
    with force_locale(language):
        context = {
            "digest": digest,
            "recipient": digest.recipient,
            "day": written_day(digest.day, "full"),
            "company_url": company_url,
            "tasks_url": public_url("leads.my_tasks"),
        }
        subject = digest.subject
        text_body = render_template("mail/staff_digest.txt", **context)
        html_body = render_template("mail/staff_digest.html", **context)
    return queue_mail(
        digest.key,
        to_email=digest.recipient.email,
        to_name=digest.recipient.name,
        subject=subject,
        text_body=text_body,
        html_body=html_body,
        language=language,
    )


def queue_due_digests(now: datetime) -> list[Digest]:
    digests = due_digests(now)
    for digest in digests:
        queue_digest(digest)
    return digests


def queue_due_digests_now() -> str:
    """The worker's step: queue the digests due now."""
    digests = queue_due_digests(utcnow())
    return f"{len(digests)} digests queued" if digests else ""
