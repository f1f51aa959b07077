import enum
from datetime import datetime

from sqlalchemy import Column, Enum, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.db import utcnow
from crm.extensions import db


class Capability(db.Model):
    """A tag in the shared vocabulary of what partners offer and what leads need."""

    __tablename__ = "capabilities"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    label: Mapped[str] = mapped_column(String(120))

    def __repr__(self) -> str:
        return f"<Capability {self.slug}>"


partner_capabilities = Table(
    "partner_capabilities",
    db.metadata,
    Column("partner_id", ForeignKey("partners.id", ondelete="CASCADE"), primary_key=True),
    Column("capability_id", ForeignKey("capabilities.id", ondelete="CASCADE"), primary_key=True),
)


class PartnerKind(enum.Enum):
    company = "company"
    research = "research"
    hospital = "hospital"
    network = "network"


class Partner(db.Model):
    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[PartnerKind] = mapped_column(
        Enum(PartnerKind, name="partner_kind", native_enum=False)
    )
    location: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str | None] = mapped_column(String(300))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    is_published: Mapped[bool] = mapped_column(default=True)
    is_archived: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    capabilities: Mapped[list[Capability]] = relationship(
        secondary=partner_capabilities, order_by=Capability.label
    )

    def __repr__(self) -> str:
        return f"<Partner {self.slug}>"
