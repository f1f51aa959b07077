"""A registration's consents by purpose: asked at registration, withdrawn and given again
through the private link, and the partner introductions they allow.

Handling the registration (``registration``) is required and ends only with the registration
(cancelled, erased or anonymised); WFS following up (``follow_up``) and sharing the contact
with the partners the registrant asked to meet (``partner_sharing``) are optional. Follow-up
concerns the person: withdrawing it on one registration withdraws it on all of the contact's.
"""

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, exists, func, select

from crm.consents.models import OPTIONAL_PURPOSES, Consent, ConsentPurpose
from crm.consents.services import new_consents, withdraw_follow_up_of_contact
from crm.db import utcnow
from crm.events.models import Registration, RegistrationStatus, registration_meeting_requests
from crm.extensions import db
from crm.partners.models import LinkSource, PartnerLink
from crm.refusals import Conflict, Refused
from crm.vocabulary.places import language_or_default

NOT_OPTIONAL = _l("Only the optional consents can be withdrawn or given here.")


def live_consent(registration: Registration, purpose: ConsentPurpose) -> Consent | None:
    return next(
        (c for c in registration.consents if c.purpose is purpose and c.is_live),
        None,
    )


def optional_purpose(purpose: ConsentPurpose) -> ConsentPurpose:
    if purpose not in OPTIONAL_PURPOSES:
        raise Refused("consent_not_optional", "purpose", NOT_OPTIONAL)
    return purpose


def give_consent(registration: Registration, purpose: ConsentPurpose, language: str) -> Consent:
    """The registrant agrees (again) to an optional purpose, to its current text as shown in
    ``language``; agreeing to what is agreed already changes nothing."""
    optional_purpose(purpose)
    if registration.status == RegistrationStatus.cancelled or registration.anonymised_at:
        raise Conflict("registration_cancelled", None, _l("This registration has been cancelled."))
    live = live_consent(registration, purpose)
    if live is not None:
        return live
    (consent,) = new_consents(
        [purpose],
        language=language_or_default(language),
        contact_id=registration.contact_id,
        at=utcnow(),
    )
    registration.consents.append(consent)
    db.session.flush()
    return consent


def withdraw_consent(registration: Registration, purpose: ConsentPurpose) -> None:
    """The registrant withdraws an optional consent; the row stays, with the time."""
    optional_purpose(purpose)
    now = utcnow()
    live = live_consent(registration, purpose)
    if live is not None:
        live.withdrawn_at = now
    db.session.flush()
    if purpose is ConsentPurpose.follow_up and registration.contact_id is not None:
        withdraw_follow_up_of_contact(registration.contact_id, now)


def sharing_refusals(links: list[PartnerLink], **_: Any) -> dict[int, Refused]:
    """Receiver of ``partners.signals.introduction_requested``: a link that rests on meeting
    requests made at registration (its source is an event, or registrants of the company asked
    to meet this partner) is introduced only when one of those registrants agrees that their
    details are shared with the partner. One query for all the links."""
    meets = registration_meeting_requests.c
    has_sharing = exists().where(
        Consent.registration_id == Registration.id,
        Consent.purpose == ConsentPurpose.partner_sharing,
        Consent.withdrawn_at.is_(None),
    )
    asked = {
        (company_id, partner_id): bool(is_shared)
        for company_id, partner_id, is_shared in db.session.execute(
            select(
                Registration.company_id,
                meets.partner_id,
                func.max(case((has_sharing, 1), else_=0)),
            )
            .join(registration_meeting_requests, meets.registration_id == Registration.id)
            .where(
                Registration.company_id.in_({link.company_id for link in links}),
                meets.partner_id.in_({link.partner_id for link in links}),
            )
            .group_by(Registration.company_id, meets.partner_id)
        )
    }
    refused: dict[int, Refused] = {}
    for link in links:
        is_shared = asked.get((link.company_id, link.partner_id))
        if is_shared or (is_shared is None and link.source is not LinkSource.event):
            continue
        refused[link.id] = Conflict(
            "no_partner_sharing_consent",
            None,
            _l(
                "Not introduced by mail: the registrants who asked to meet {partner} have not "
                "agreed that their details are shared with the partners, or have withdrawn it."
            ),
            partner=link.partner.name,
        )
    return refused
