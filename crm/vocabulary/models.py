import enum

from sqlalchemy import Enum, String
from sqlalchemy.orm import Mapped, mapped_column

from crm.extensions import Model
from crm.vocabulary.translated import Translated


class CapabilityGroup(enum.Enum):
    """What kind of offer or need a tag is, so that a long list can be scanned by theme."""

    production = "production"
    diagnostics = "diagnostics"
    analytics = "analytics"
    research = "research"
    regulatory = "regulatory"
    handling = "handling"
    facilities = "facilities"
    other = "other"


class Capability(Model):
    """A tag in the shared vocabulary of what partners offer and what leads need, labelled in
    English and German (at least one of them)."""

    __tablename__ = "capabilities"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    label_en: Mapped[str] = mapped_column(String(120), default="")
    label_de: Mapped[str] = mapped_column(String(120), default="")
    group: Mapped[CapabilityGroup] = mapped_column(
        Enum(CapabilityGroup, name="capability_group", native_enum=False, create_constraint=True),
        default=CapabilityGroup.other,
    )

    label = Translated()

    def __repr__(self) -> str:
        return f"<Capability {self.slug}>"
