from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from crm.extensions import Model


class Capability(Model):
    """A tag in the shared vocabulary of what partners offer and what leads need."""

    __tablename__ = "capabilities"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    label: Mapped[str] = mapped_column(String(120))

    def __repr__(self) -> str:
        return f"<Capability {self.slug}>"
