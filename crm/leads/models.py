import enum
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Enum,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from crm.auth.models import User
from crm.consents.models import declines_follow_up
from crm.db import number_range, trigram_index, utcnow
from crm.extensions import Model, db
from crm.i18n import Labelled, name_members
from crm.vocabulary.models import Capability


class Stage(Labelled, enum.Enum):
    enquiry = "enquiry"
    qualified = "qualified"
    active = "active"
    site_visit = "site_visit"
    decision = "decision"
    landed = "landed"
    lost = "lost"
    on_hold = "on_hold"
    dormant = "dormant"


PIPELINE = (
    Stage.enquiry,
    Stage.qualified,
    Stage.active,
    Stage.site_visit,
    Stage.decision,
    Stage.landed,
)
# Still being won: every pipeline stage before the landing.
OPEN_STAGES = frozenset(PIPELINE) - {Stage.landed}
# Out of the pipeline for now or for good; each move there needs a reason.
SIDELINED_STAGES = frozenset({Stage.lost, Stage.on_hold, Stage.dormant})

# Largest numbers a lead holds: counts of jobs and square metres, and euros of investment.
MAX_COUNT = 1_000_000_000
MAX_CAPEX_EUR = 10**15


# The kinds of space and the features a site requirement may name, as ``needs_<name>`` columns.
SITE_NEEDS = (
    "office",
    "lab",
    "production",
    "cleanroom",
    "gmp",
    "controlled_area",
    "radiation_licence",
    "hot_cells",
)


def has_site_requirement(company: Any) -> bool:
    """Whether a site requirement is recorded: an area or any kind of space or feature."""
    return bool(company.site_area_m2) or any(
        getattr(company, f"needs_{name}") for name in SITE_NEEDS
    )


class InvestmentType(Labelled, enum.Enum):
    new_site = "new_site"
    expansion = "expansion"
    acquisition = "acquisition"
    joint_venture = "joint_venture"
    retention = "retention"


class LeadSource(Labelled, enum.Enum):
    event = "event"
    referral = "referral"
    web = "web"
    direct = "direct"


name_members(
    {
        Stage.enquiry: _l("enquiry"),
        Stage.qualified: _l("qualified"),
        Stage.active: _l("active"),
        Stage.site_visit: _l("site visit"),
        Stage.decision: _l("decision"),
        Stage.landed: _l("landed"),
        Stage.lost: _l("lost"),
        Stage.on_hold: _l("on hold"),
        Stage.dormant: _l("dormant"),
        InvestmentType.new_site: _l("new site"),
        InvestmentType.expansion: _l("expansion"),
        InvestmentType.acquisition: _l("acquisition"),
        InvestmentType.joint_venture: _l("joint venture"),
        InvestmentType.retention: _l("retention"),
        LeadSource.event: _l("event"),
        LeadSource.referral: _l("referral"),
        LeadSource.web: _l("web"),
        LeadSource.direct: _l("direct"),
    }
)


company_needs = Table(
    "company_needs",
    db.metadata,
    Column("company_id", ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True),
    Column("capability_id", ForeignKey("capabilities.id", ondelete="CASCADE"), primary_key=True),
)

# The staff members besides the owner who see a confidential lead as it is.
company_team_members = Table(
    "company_team_members",
    db.metadata,
    Column("company_id", ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)

CODENAME_LENGTH = 120


class Company(Model):
    """A company interested in settling: the lead."""

    __tablename__ = "companies"
    __table_args__ = (
        number_range("new_jobs", 0, MAX_COUNT),
        number_range("safeguarded_jobs", 0, MAX_COUNT),
        number_range("capex_eur", 0, MAX_CAPEX_EUR),
        number_range("likelihood_percent", 0, 100),
        number_range("site_area_m2", 0, MAX_COUNT),
        CheckConstraint(
            "country IS NULL OR (length(country) = 2 AND country = upper(country))",
            name="country_code",
        ),
        # The board: each stage's most recently moved leads first.
        Index("ix_companies_stage_stage_entered_at", "stage", "stage_entered_at"),
        CheckConstraint(
            "NOT is_confidential OR codename IS NOT NULL", name="confidential_codename"
        ),
        # The list: its default order, newest first, last changed first, by country.
        Index("ix_companies_archived_name", "is_archived", "normalised_name", "id"),
        Index("ix_companies_archived_created", "is_archived", "created_at"),
        Index("ix_companies_archived_updated", "is_archived", "updated_at"),
        Index("ix_companies_country_name", "country", "normalised_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    normalised_name: Mapped[str] = mapped_column(String(200), index=True)
    domain: Mapped[str | None] = mapped_column(String(253), index=True)
    website: Mapped[str | None] = mapped_column(String(300))
    country: Mapped[str | None] = mapped_column(String(2))
    city: Mapped[str | None] = mapped_column(String(120))
    sector: Mapped[str | None] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    stage: Mapped[Stage] = mapped_column(
        Enum(Stage, name="company_stage", native_enum=False, create_constraint=True),
        default=Stage.enquiry,
    )
    source: Mapped[LeadSource] = mapped_column(
        Enum(LeadSource, name="lead_source", native_enum=False, create_constraint=True),
        default=LeadSource.direct,
    )
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    is_demo: Mapped[bool] = mapped_column(default=False)
    is_archived: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    # The investment project, as investment promotion agencies record it.
    investment_type: Mapped[InvestmentType | None] = mapped_column(
        Enum(InvestmentType, name="investment_type", native_enum=False, create_constraint=True)
    )
    new_jobs: Mapped[int | None]
    safeguarded_jobs: Mapped[int | None]
    capex_eur: Mapped[int | None] = mapped_column(BigInteger)
    likelihood_percent: Mapped[int | None]
    estimated_landing_on: Mapped[date | None]
    actual_landing_on: Mapped[date | None]
    competing_locations: Mapped[str] = mapped_column(Text, default="")
    # Aftercare: what a landed company plans next at its site.
    expansion_plans: Mapped[str] = mapped_column(Text, default="")

    # What the company needs on site.
    site_area_m2: Mapped[int | None]
    needs_office: Mapped[bool] = mapped_column(default=False)
    needs_lab: Mapped[bool] = mapped_column(default=False)
    needs_production: Mapped[bool] = mapped_column(default=False)
    needs_cleanroom: Mapped[bool] = mapped_column(default=False)
    needs_gmp: Mapped[bool] = mapped_column(default=False)
    needs_controlled_area: Mapped[bool] = mapped_column(default=False)
    needs_radiation_licence: Mapped[bool] = mapped_column(default=False)
    needs_hot_cells: Mapped[bool] = mapped_column(default=False)

    # When the company entered its current stage: its last move, or its creation.
    stage_entered_at: Mapped[datetime] = mapped_column(default=utcnow)
    stage_reason: Mapped[str] = mapped_column(Text, default="")
    lost_to_location: Mapped[str | None] = mapped_column(String(200))
    landing_verified_at: Mapped[datetime | None]
    landing_verified_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    landing_evidence: Mapped[str] = mapped_column(Text, default="")

    # A confidential lead shows its real name, domain and people only to its owner, its team
    # and admins; everyone else reads the codename (crm/leads/confidential.py).
    is_confidential: Mapped[bool] = mapped_column(default=False)
    codename: Mapped[str | None] = mapped_column(String(CODENAME_LENGTH), unique=True)

    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    landing_verified_by: Mapped[User | None] = relationship(foreign_keys=[landing_verified_by_id])
    needs: Mapped[list[Capability]] = relationship(
        secondary=company_needs, order_by=Capability.label_en
    )
    contacts: Mapped[list["Contact"]] = relationship(
        back_populates="company", order_by="Contact.name", cascade="all, delete-orphan"
    )
    team: Mapped[list[User]] = relationship(secondary=company_team_members, order_by=User.name)

    stage_changes: Mapped[list["StageChange"]] = relationship(
        back_populates="company",
        # Newest first; moves recorded in the same instant in the order they were made.
        order_by="(StageChange.changed_at.desc(), StageChange.id.desc())",
        cascade="all, delete-orphan",
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_landing_verified(self) -> bool:
        return self.stage is Stage.landed and self.landing_verified_at is not None

    def __repr__(self) -> str:
        return f"<Company {self.name}>"


class Contact(Model):
    """A person at a company."""

    __tablename__ = "contacts"
    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lower_case"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(50))
    position: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(2), default="en")
    consent_at: Mapped[datetime | None]
    consent_version: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A registrant who never agreed to WFS following up, or withdrew it (crm.consents).
    has_declined_follow_up: Mapped[bool] = column_property(declines_follow_up(id))

    company: Mapped[Company] = relationship(back_populates="contacts")


# The list's search, by part of a word, in each text it looks at (crm/leads/listing.py).
trigram_index("ix_companies_name_trigrams", Company.name)
trigram_index("ix_companies_normalised_name_trigrams", Company.normalised_name)
trigram_index("ix_companies_domain_trigrams", Company.domain)
trigram_index("ix_companies_city_trigrams", Company.city)
trigram_index("ix_companies_codename_trigrams", Company.codename)
trigram_index("ix_contacts_name_trigrams", Contact.name)
trigram_index("ix_contacts_email_trigrams", Contact.email)


class ActivityKind(Labelled, enum.Enum):
    note = "note"
    call = "call"
    meeting = "meeting"
    email = "email"
    site_visit = "site_visit"
    registration = "registration"
    mail_sent = "mail_sent"
    system = "system"


name_members(
    {
        ActivityKind.note: _l("note"),
        ActivityKind.call: _l("call"),
        ActivityKind.meeting: _l("meeting"),
        ActivityKind.email: _l("email"),
        ActivityKind.site_visit: _l("site visit"),
        ActivityKind.registration: _l("registration"),
        ActivityKind.mail_sent: _l("mail sent"),
        ActivityKind.system: _l("system"),
    }
)


class Activity(Model):
    """An entry on a company's timeline, written by staff or by the system."""

    __tablename__ = "activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ActivityKind] = mapped_column(
        Enum(ActivityKind, name="activity_kind", native_enum=False, create_constraint=True)
    )
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    company: Mapped[Company] = relationship()
    author: Mapped[User | None] = relationship()


class StageChange(Model):
    """One move of a company through the pipeline: who, when, from, to and why."""

    __tablename__ = "stage_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    from_stage: Mapped[Stage | None] = mapped_column(
        Enum(Stage, name="from_stage", native_enum=False, create_constraint=True)
    )
    to_stage: Mapped[Stage] = mapped_column(
        Enum(Stage, name="to_stage", native_enum=False, create_constraint=True)
    )
    reason: Mapped[str] = mapped_column(Text, default="")
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    company: Mapped[Company] = relationship(back_populates="stage_changes")
    changed_by: Mapped[User | None] = relationship()


class FollowUpTask(Model):
    """Something a staff member has to do for a company by a date."""

    __tablename__ = "follow_up_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date] = mapped_column(index=True)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    company_id: Mapped[int] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    is_done: Mapped[bool] = mapped_column(default=False)
    done_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    owner: Mapped[User | None] = relationship()
    company: Mapped[Company] = relationship()
