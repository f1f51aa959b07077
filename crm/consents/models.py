import enum
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Enum, ForeignKey, Index, String, and_, exists, text
from sqlalchemy.orm import Mapped, mapped_column

from crm.db import utcnow
from crm.extensions import Model
from crm.i18n import Labelled, name_members


class ConsentPurpose(Labelled, enum.Enum):
    """What a registrant agrees to, each on its own: only ``registration`` is required."""

    registration = "registration"
    follow_up = "follow_up"
    partner_sharing = "partner_sharing"


name_members(
    {
        ConsentPurpose.registration: _l("Handling the registration"),
        ConsentPurpose.follow_up: _l("Follow-up about settling in Saxony"),
        ConsentPurpose.partner_sharing: _l("Sharing the contact with the partners asked for"),
    }
)

OPTIONAL_PURPOSES = (ConsentPurpose.follow_up, ConsentPurpose.partner_sharing)


class Consent(Model):
    """One consent a registrant gave for one purpose, with the version and language of the
    text they were shown (crm.consents.texts) and when; withdrawing it keeps the row.

    ``contact_id`` is the lead's contact of the registration, so that what a person wants is
    found from the contact as well."""

    __tablename__ = "consents"
    __table_args__ = (
        Index(
            "uq_consents_live_registration_purpose",
            "registration_id",
            "purpose",
            unique=True,
            sqlite_where=text("withdrawn_at IS NULL"),
            postgresql_where=text("withdrawn_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    purpose: Mapped[ConsentPurpose] = mapped_column(
        Enum(ConsentPurpose, name="consent_purpose", native_enum=False, create_constraint=True)
    )
    text_version: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(2))
    given_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]

    @property
    def is_live(self) -> bool:
        return self.withdrawn_at is None

    def __repr__(self) -> str:
        return (
            f"<Consent {self.purpose.name} {self.text_version} registration {self.registration_id}>"
        )


def declines_follow_up(contact_id: Any) -> ColumnElement[bool]:
    """True for a registrant (a contact with consents) with no live consent to follow-up:
    they never agreed to it, or withdrew it. Contacts staff added themselves are not."""
    return and_(
        exists().where(Consent.contact_id == contact_id),
        ~exists().where(
            Consent.contact_id == contact_id,
            Consent.purpose == ConsentPurpose.follow_up,
            Consent.withdrawn_at.is_(None),
        ),
    )
