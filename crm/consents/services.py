"""What a person wants, read from their consents: the rules at the level of the contact.

The rules about a registration's own consents (giving, withdrawing, the partner introductions
they allow) are in crm.events.consents, which knows registrations.
"""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import update

from crm.consents.models import Consent, ConsentPurpose
from crm.consents.texts import current_text
from crm.extensions import db


def new_consents(
    purposes: Iterable[ConsentPurpose], *, language: str, contact_id: int | None, at: datetime
) -> list[Consent]:
    """Consents to the current texts of ``purposes``, as shown in ``language``."""
    return [
        Consent(
            purpose=purpose,
            text_version=current_text(purpose).version,
            language=language,
            contact_id=contact_id,
            given_at=at,
        )
        for purpose in purposes
    ]


def withdraw_follow_up_of_contact(contact_id: int, at: datetime) -> None:
    """Follow-up concerns the person: withdrawn once, it is withdrawn on every registration."""
    db.session.execute(
        update(Consent)
        .where(
            Consent.contact_id == contact_id,
            Consent.purpose == ConsentPurpose.follow_up,
            Consent.withdrawn_at.is_(None),
        )
        .values(withdrawn_at=at)
        .execution_options(synchronize_session="fetch")
    )
