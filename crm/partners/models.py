import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Column,
    ColumnElement,
    Enum,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.db import utcnow
from crm.extensions import Model, db
from crm.i18n import Labelled, name_members
from crm.vocabulary.models import Capability
from crm.vocabulary.translated import Translated

if TYPE_CHECKING:
    from crm.auth.models import User
    from crm.events.models import Event
    from crm.leads.models import Company


partner_capabilities = Table(
    "partner_capabilities",
    db.metadata,
    Column("partner_id", ForeignKey("partners.id", ondelete="CASCADE"), primary_key=True),
    Column("capability_id", ForeignKey("capabilities.id", ondelete="CASCADE"), primary_key=True),
)


class PartnerKind(Labelled, enum.Enum):
    company = "company"
    research = "research"
    hospital = "hospital"
    network = "network"


name_members(
    {
        PartnerKind.company: _l("company"),
        PartnerKind.research: _l("research"),
        PartnerKind.hospital: _l("hospital"),
        PartnerKind.network: _l("network"),
    }
)


class Partner(Model):
    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[PartnerKind] = mapped_column(
        Enum(PartnerKind, name="partner_kind", native_enum=False, create_constraint=True)
    )
    location: Mapped[str] = mapped_column(String(120))
    description_en: Mapped[str] = mapped_column(Text, default="")
    description_de: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str | None] = mapped_column(String(300))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    is_published: Mapped[bool] = mapped_column(default=True)
    is_archived: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    capabilities: Mapped[list[Capability]] = relationship(
        secondary=partner_capabilities, order_by=Capability.label_en
    )

    description = Translated()

    @hybrid_property
    def is_public(self) -> bool:
        """Shown to visitors: in the directory, the API and the registration form."""
        return self.is_published and not self.is_archived

    @is_public.inplace.expression
    @classmethod
    def _is_public_expression(cls) -> ColumnElement[bool]:
        return and_(cls.is_published.is_(True), cls.is_archived.is_(False))

    def __repr__(self) -> str:
        return f"<Partner {self.slug}>"


class LinkStatus(Labelled, enum.Enum):
    suggested = "suggested"
    introduced = "introduced"
    in_contact = "in_contact"
    collaborating = "collaborating"
    declined = "declined"


class LinkSource(Labelled, enum.Enum):
    staff = "staff"
    suggestion = "suggestion"
    event = "event"


name_members(
    {
        LinkStatus.suggested: _l("Suggested"),
        LinkStatus.introduced: _l("Introduced"),
        LinkStatus.in_contact: _l("In contact"),
        LinkStatus.collaborating: _l("Collaborating"),
        LinkStatus.declined: _l("Declined"),
        LinkSource.staff: _l("staff"),
        LinkSource.suggestion: _l("suggestion"),
        LinkSource.event: _l("event"),
    }
)


class PartnerLink(Model):
    """A lead put in touch with a cluster partner, and how far that has got."""

    __tablename__ = "partner_links"
    __table_args__ = (UniqueConstraint("company_id", "partner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="RESTRICT"), index=True
    )
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[LinkStatus] = mapped_column(
        Enum(LinkStatus, name="partner_link_status", native_enum=False, create_constraint=True),
        default=LinkStatus.suggested,
    )
    source: Mapped[LinkSource] = mapped_column(
        Enum(LinkSource, name="partner_link_source", native_enum=False, create_constraint=True)
    )
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    company: Mapped["Company"] = relationship()
    partner: Mapped[Partner] = relationship()
    event: Mapped["Event | None"] = relationship()
    created_by: Mapped["User | None"] = relationship()
    changes: Mapped[list["PartnerLinkChange"]] = relationship(
        back_populates="link",
        order_by="PartnerLinkChange.changed_at",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def __repr__(self) -> str:
        return f"<PartnerLink company={self.company_id} partner={self.partner_id}>"


class PartnerLinkChange(Model):
    """One step in a link's status history: who moved it, when, from what to what."""

    __tablename__ = "partner_link_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(
        ForeignKey("partner_links.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[LinkStatus | None] = mapped_column(
        Enum(LinkStatus, name="from_status", native_enum=False, create_constraint=True)
    )
    to_status: Mapped[LinkStatus] = mapped_column(
        Enum(LinkStatus, name="to_status", native_enum=False, create_constraint=True)
    )
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    link: Mapped[PartnerLink] = relationship(back_populates="changes")
    changed_by: Mapped["User | None"] = relationship()


class DismissedSuggestion(Model):
    """A partner staff ruled out for a company; it is never suggested for that company again."""

    __tablename__ = "dismissed_suggestions"
    __table_args__ = (UniqueConstraint("company_id", "partner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    dismissed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    dismissed_at: Mapped[datetime] = mapped_column(default=utcnow)
