import enum
import secrets
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Enum,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.engine import Connection
from sqlalchemy.event import listens_for
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from crm.consents.models import Consent
from crm.db import utcnow
from crm.extensions import Model, db
from crm.i18n import Labelled, name_members
from crm.leads.models import Company, Contact
from crm.partners.models import Partner
from crm.vocabulary.models import Capability
from crm.vocabulary.translated import Translated

DEFAULT_REMINDER_OFFSETS_DAYS = [7, 1]
DEFAULT_PUBLIC_REGISTRATIONS_PER_HOUR = 100


def new_nonce() -> str:
    """A fresh value that, rotated, makes every manage link issued before it invalid."""
    return secrets.token_hex(16)


class EventStatus(Labelled, enum.Enum):
    draft = "draft"
    published = "published"
    cancelled = "cancelled"


name_members(
    {
        EventStatus.draft: _l("draft"),
        EventStatus.published: _l("published"),
        EventStatus.cancelled: _p("event", "cancelled"),
    }
)


class Event(Model):
    """A cluster event: all-day (``starts_on``..``ends_on``, inclusive) or timed (UTC instants)."""

    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint(
            "(is_all_day AND starts_on IS NOT NULL AND ends_on IS NOT NULL"
            " AND ends_on >= starts_on)"
            " OR (NOT is_all_day AND starts_at IS NOT NULL AND ends_at IS NOT NULL"
            " AND ends_at > starts_at)",
            name="dates_match_kind",
        ),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        CheckConstraint(
            "public_registrations_per_hour >= 0", name="public_registrations_per_hour_not_negative"
        ),
        CheckConstraint(
            "retention_months IS NULL OR retention_months BETWEEN 1 AND 120",
            name="retention_months_in_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    # What visitors read, in English and German; at least one title (events.planning).
    title_en: Mapped[str] = mapped_column(String(200), default="")
    title_de: Mapped[str] = mapped_column(String(200), default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    description_de: Mapped[str] = mapped_column(Text, default="")
    is_all_day: Mapped[bool]
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    timezone: Mapped[str] = mapped_column(String(64))
    venue_en: Mapped[str] = mapped_column(String(200), default="")
    venue_de: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str | None] = mapped_column(String(300))
    city: Mapped[str] = mapped_column(String(120))
    country: Mapped[str] = mapped_column(String(2))
    capacity: Mapped[int | None]
    # New public registrations accepted per hour (form and API together): each one mails the
    # address typed in, so a flood of them would make the organisation's sender a spam cannon.
    public_registrations_per_hour: Mapped[int] = mapped_column(
        default=DEFAULT_PUBLIC_REGISTRATIONS_PER_HOUR,
        server_default=str(DEFAULT_PUBLIC_REGISTRATIONS_PER_HOUR),
    )
    # The instant the event begins, stored so that SQL orders all-day and timed events alike;
    # kept equal to ``begins_at`` on every insert and update.
    sort_at: Mapped[datetime] = mapped_column(index=True)
    registration_opens_at: Mapped[datetime | None]
    registration_closes_at: Mapped[datetime | None]
    organiser_name: Mapped[str] = mapped_column(String(200))
    organiser_email: Mapped[str] = mapped_column(String(254))
    status: Mapped[EventStatus] = mapped_column(
        Enum(EventStatus, name="event_status", native_enum=False, create_constraint=True),
        default=EventStatus.draft,
    )
    reminder_offsets_days: Mapped[list[int]] = mapped_column(
        JSON, default=lambda: list(DEFAULT_REMINDER_OFFSETS_DAYS)
    )
    is_demo: Mapped[bool] = mapped_column(default=False)
    sequence: Mapped[int] = mapped_column(default=0)
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # Months after the event ends before the worker anonymises what no consent keeps
    # (events.retention); None: the application's CRM_RETENTION_MONTHS.
    retention_months: Mapped[int | None]
    published_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    # In the reader's language, else the other (crm.vocabulary.translated).
    title = Translated()
    description = Translated()
    venue = Translated()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def begins_at(self) -> datetime:
        """The instant the event begins: midnight local time on the first day if all-day."""
        if self.is_all_day:
            assert self.starts_on is not None
            return datetime.combine(self.starts_on, datetime.min.time(), self.zone)
        assert self.starts_at is not None
        return self.starts_at

    @property
    def finishes_at(self) -> datetime:
        """The instant the event is over: midnight after the last day if all-day."""
        if self.is_all_day:
            assert self.ends_on is not None
            return datetime.combine(
                self.ends_on + timedelta(days=1), datetime.min.time(), self.zone
            )
        assert self.ends_at is not None
        return self.ends_at

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"


@listens_for(Event, "before_insert")
@listens_for(Event, "before_update")
def keep_sort_moment(mapper: Mapper[Event], connection: Connection, event: Event) -> None:
    event.sort_at = event.begins_at


class RegistrationStatus(Labelled, enum.Enum):
    confirmed = "confirmed"
    waitlisted = "waitlisted"
    cancelled = "cancelled"


name_members(
    {
        RegistrationStatus.confirmed: _l("confirmed"),
        RegistrationStatus.waitlisted: _l("on the waiting list"),
        RegistrationStatus.cancelled: _p("registration", "cancelled"),
    }
)


registration_needs = Table(
    "registration_needs",
    db.metadata,
    Column("registration_id", ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True),
    Column("capability_id", ForeignKey("capabilities.id", ondelete="CASCADE"), primary_key=True),
)

registration_meeting_requests = Table(
    "registration_meeting_requests",
    db.metadata,
    Column("registration_id", ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True),
    Column("partner_id", ForeignKey("partners.id", ondelete="CASCADE"), primary_key=True),
)


class Registration(Model):
    """A person's registration for an event; at most one live one per event and email."""

    __tablename__ = "registrations"
    __table_args__ = (
        CheckConstraint("email = lower(email)", name="email_lower_case"),
        Index(
            "uq_registrations_live_event_email",
            "event_id",
            "email",
            unique=True,
            sqlite_where=text("status != 'cancelled'"),
            postgresql_where=text("status != 'cancelled'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="RESTRICT"), index=True)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id", ondelete="SET NULL"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200))
    company_name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(2))
    language: Mapped[str] = mapped_column(String(2), default="en")
    status: Mapped[RegistrationStatus] = mapped_column(
        Enum(
            RegistrationStatus,
            name="registration_status",
            native_enum=False,
            create_constraint=True,
        )
    )
    sequence: Mapped[int] = mapped_column(default=0)
    # The consent to handling the registration, as before consent was asked by purpose; the
    # same version and time are in ``consents`` (purpose ``registration``) with the others.
    consent_version: Mapped[str] = mapped_column(String(40))
    consent_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    answers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    manage_nonce: Mapped[str] = mapped_column(String(32), default=new_nonce)
    checked_in_at: Mapped[datetime | None]
    is_no_show: Mapped[bool] = mapped_column(default=False)
    # When the retention period ended and the personal data went (events.retention).
    anonymised_at: Mapped[datetime | None]

    event: Mapped[Event] = relationship()
    company: Mapped[Company | None] = relationship()
    contact: Mapped[Contact | None] = relationship()
    needs: Mapped[list[Capability]] = relationship(
        secondary=registration_needs, order_by=Capability.label_en
    )
    partners_to_meet: Mapped[list[Partner]] = relationship(
        secondary=registration_meeting_requests, order_by=Partner.name
    )
    consents: Mapped[list[Consent]] = relationship(
        order_by=Consent.id, cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<Registration {self.id} {self.email} {self.status.name}>"
