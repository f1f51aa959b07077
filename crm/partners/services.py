"""Partner directory, company↔partner links with their lifecycle, and matchmaking."""

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from email_validator import EmailNotValidError, validate_email
from flask import render_template
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import contains_eager, selectinload

from crm.auth.models import User
from crm.extensions import db
from crm.leads.models import OPEN_STAGES, ActivityKind, Company, company_needs
from crm.leads.timeline import record_activity
from crm.mail.models import OutboxMessage
from crm.mail.outbox import queue_mail
from crm.partners.models import (
    DismissedSuggestion,
    LinkSource,
    LinkStatus,
    Partner,
    PartnerKind,
    PartnerLink,
    PartnerLinkChange,
)
from crm.partners.ranking import Ranking, Suggestion, rank_partners
from crm.partners.signals import introduction_requested
from crm.refusals import Conflict, Refused, refuse_any
from crm.rules import bounded_text, refusals_of, required_text
from crm.vocabulary.models import Capability
from crm.vocabulary.places import DEFAULT_LANGUAGE
from crm.vocabulary.services import capabilities_named, slug_from

if TYPE_CHECKING:
    from crm.events.models import Event

ALLOWED_TRANSITIONS: dict[LinkStatus, tuple[LinkStatus, ...]] = {
    LinkStatus.suggested: (LinkStatus.introduced, LinkStatus.declined),
    LinkStatus.introduced: (LinkStatus.in_contact, LinkStatus.declined),
    LinkStatus.in_contact: (LinkStatus.collaborating, LinkStatus.declined),
    LinkStatus.collaborating: (LinkStatus.declined,),
    LinkStatus.declined: (LinkStatus.suggested,),
}

MATCHING_LEADS_SHOWN = 20
RESERVED_PARTNER_SLUGS = frozenset({"new", "capabilities", "links"})
WEB_ADDRESS = re.compile(r"^https?://[^\s/]+\.[^\s]+$")
PARTNER_TEXT_LIMITS = {
    "name": 200,
    "location": 120,
    "description_en": 5000,
    "description_de": 5000,
    "website": 300,
    "contact_name": 200,
}


# --- partners --------------------------------------------------------------------------------


def unique_partner_slug(name: str) -> str:
    base = slug_from(name)[:70] or "partner"
    slug, number = base, 2
    while (
        slug in RESERVED_PARTNER_SLUGS
        or db.session.scalar(select(Partner.id).where(Partner.slug == slug)) is not None
    ):
        slug, number = f"{base}-{number}", number + 1
    return slug


def partner_refusals(texts: dict[str, str | None]) -> list[Refused]:
    refusals = refusals_of(
        *(required_text(field, texts.get(field)) for field in ("name", "location")),
        *(
            bounded_text(field, texts.get(field), limit)
            for field, limit in PARTNER_TEXT_LIMITS.items()
        ),
    )
    if texts.get("website") and not WEB_ADDRESS.match(texts["website"] or ""):
        refusals.append(
            Refused(
                "invalid_website",
                "website",
                _l("Enter a full address starting with http:// or https://."),
            )
        )
    return refusals


def normalised_partner_email(email: str | None) -> str | None:
    if not (email or "").strip():
        return None
    assert email is not None
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise Refused("invalid_email", "contact_email", _l("Not a valid email address.")) from error


def save_partner(
    partner: Partner | None,
    *,
    name: str,
    kind: PartnerKind,
    location: str,
    descriptions: dict[str, str],
    website: str | None,
    contact_name: str | None,
    contact_email: str | None,
    capability_names: Iterable[str],
    is_published: bool,
) -> Partner:
    """Create (``partner`` None) or update a partner; unknown capability tags are refused."""
    texts = {
        "name": name,
        "location": location,
        **{f"description_{language}": text for language, text in descriptions.items()},
        "website": website,
        "contact_name": contact_name,
    }
    refusals = partner_refusals(texts)
    try:
        contact_email = normalised_partner_email(contact_email)
    except Refused as refusal:
        refusals.append(refusal)
    try:
        capabilities = capabilities_named(capability_names, field="capabilities")
    except Refused as refusal:
        refusals.append(refusal)
    refuse_any(refusals)
    if partner is None:
        partner = Partner(slug=unique_partner_slug(name))
        db.session.add(partner)
    partner.name = name.strip()
    partner.kind = kind
    partner.location = location.strip()
    partner.description_en = (descriptions.get("en") or "").strip()
    partner.description_de = (descriptions.get("de") or "").strip()
    partner.website = (website or "").strip() or None
    partner.contact_name = (contact_name or "").strip() or None
    partner.contact_email = contact_email
    partner.capabilities = capabilities
    partner.is_published = is_published
    db.session.flush()
    return partner


def set_partner_archived(partner: Partner, is_archived: bool) -> Partner:
    partner.is_archived = is_archived
    db.session.flush()
    return partner


def delete_partner(partner: Partner) -> None:
    links = db.session.scalar(
        select(func.count()).select_from(PartnerLink).where(PartnerLink.partner_id == partner.id)
    )
    if links:
        raise Conflict(
            "partner_linked",
            None,
            _l("{name} is linked to {count} companies and cannot be deleted; archive it instead."),
            name=partner.name,
            count=links,
        )
    db.session.execute(
        delete(DismissedSuggestion).where(DismissedSuggestion.partner_id == partner.id)
    )
    db.session.delete(partner)
    db.session.flush()


# --- links -----------------------------------------------------------------------------------


def link_between(company: Company, partner: Partner) -> PartnerLink | None:
    return db.session.scalar(
        select(PartnerLink).where(
            PartnerLink.company_id == company.id, PartnerLink.partner_id == partner.id
        )
    )


def link_company_to_partner(
    company: Company,
    partner: Partner,
    *,
    reason: str,
    source: LinkSource,
    by: User | None,
    event: "Event | None" = None,
) -> PartnerLink:
    """Link a lead to a partner; linking them again updates the reason of the existing link."""
    if partner.is_archived:
        raise Refused(
            "partner_archived",
            "partner",
            _l("{name} is archived: restore it first."),
            name=partner.name,
        )
    refuse_any(refusals_of(bounded_text("reason", reason, 2000)))
    link = link_between(company, partner)
    if link is None and not reason.strip():
        raise Refused("required", "reason", _l("Say why the company and the partner fit."))
    if link is not None:
        link.reason = reason.strip() or link.reason
        link.event = link.event or event
        db.session.flush()
        return link
    link = PartnerLink(
        company=company,
        partner=partner,
        reason=reason.strip(),
        source=source,
        event=event,
        created_by=by,
        status=LinkStatus.suggested,
    )
    db.session.add(link)
    link.changes.append(PartnerLinkChange(to_status=LinkStatus.suggested, changed_by=by))
    db.session.flush()
    return link


def move_link(link: PartnerLink, to: LinkStatus, by: User | None) -> PartnerLink:
    """The one way a link changes status: checks the move and records who and when."""
    if to not in ALLOWED_TRANSITIONS[link.status]:
        raise Refused(
            "link_move_not_allowed",
            "status",
            _l("A link cannot move from {current} to {to}."),
            current=link.status.label.lower(),
            to=to.label.lower(),
        )
    link.changes.append(PartnerLinkChange(from_status=link.status, to_status=to, changed_by=by))
    link.status = to
    db.session.flush()
    return link


def change_link_status(link: PartnerLink, to: LinkStatus, by: User | None) -> PartnerLink:
    """A status staff set by hand; ``introduced`` comes only with the introduction mail."""
    if to is LinkStatus.introduced:
        raise Refused(
            "introduce_by_mail",
            "status",
            _l("A link becomes introduced only by sending the introduction mail."),
        )
    return move_link(link, to, by)


def manual_statuses(link: PartnerLink) -> list[LinkStatus]:
    """The statuses staff may choose for the link by hand."""
    return [to for to in ALLOWED_TRANSITIONS[link.status] if to is not LinkStatus.introduced]


def can_introduce(link: PartnerLink) -> bool:
    return LinkStatus.introduced in ALLOWED_TRANSITIONS[link.status]


def introduction_refusals(links: list[PartnerLink]) -> dict[int, Refused]:
    """Why no introduction mail may be written, by link id, for those of ``links`` that could
    be introduced; asked at once of the capabilities that keep the facts
    (``introduction_requested``), so that a page of links costs one question."""
    candidates = [link for link in links if can_introduce(link)]
    refused: dict[int, Refused] = {}
    if candidates:
        for _, found in introduction_requested.send(candidates):
            refused = found | refused
    return refused


LINK_DETAILS = (
    selectinload(PartnerLink.changes).selectinload(PartnerLinkChange.changed_by),
    selectinload(PartnerLink.created_by),
    selectinload(PartnerLink.event),
)


def links_of_company(company: Company) -> list[PartnerLink]:
    return list(
        db.session.scalars(
            select(PartnerLink)
            .where(PartnerLink.company_id == company.id)
            .join(PartnerLink.partner)
            .options(contains_eager(PartnerLink.partner), *LINK_DETAILS)
            .order_by(Partner.name)
        )
    )


def links_of_partner_by_status(partner: Partner) -> dict[LinkStatus, list[PartnerLink]]:
    grouped: dict[LinkStatus, list[PartnerLink]] = {status: [] for status in LinkStatus}
    links = db.session.scalars(
        select(PartnerLink)
        .where(PartnerLink.partner_id == partner.id)
        .join(PartnerLink.company)
        .options(contains_eager(PartnerLink.company), *LINK_DETAILS)
        .order_by(Company.name)
    )
    for link in links:
        grouped[link.status].append(link)
    return grouped


# --- suggestions -----------------------------------------------------------------------------


# What a company's site requirement asks of the cluster, as capability tags partners offer.
SITE_REQUIREMENT_CAPABILITIES = {
    "needs_gmp": ("gmp-production",),
    "needs_hot_cells": ("hot-cells", "in-cell-equipment"),
    "needs_controlled_area": ("radioactive-handling",),
    "needs_radiation_licence": ("radioactive-handling",),
}


def ranked_needs(company: Company) -> list[Capability]:
    """The company's needs followed by the capabilities its site requirement calls for."""
    named = {capability.slug for capability in company.needs}
    wanted = [
        slug
        for requirement, slugs in SITE_REQUIREMENT_CAPABILITIES.items()
        if getattr(company, requirement)
        for slug in slugs
        if slug not in named
    ]
    if not wanted:
        return list(company.needs)
    found = {
        c.slug: c for c in db.session.scalars(select(Capability).where(Capability.slug.in_(wanted)))
    }
    return [*company.needs, *(found[slug] for slug in dict.fromkeys(wanted) if slug in found)]


def suggestions_for(company: Company) -> Ranking[Partner]:
    """Ranked partners not yet linked to the company, not dismissed for it, and not archived.

    The company's needs and its site requirement (GMP, hot cells, controlled area, radiation
    licence) both count, through ``ranked_needs``.
    """
    linked = select(PartnerLink.partner_id).where(PartnerLink.company_id == company.id)
    dismissed = select(DismissedSuggestion.partner_id).where(
        DismissedSuggestion.company_id == company.id
    )
    candidates = db.session.scalars(
        select(Partner)
        .where(~Partner.is_archived, Partner.id.not_in(linked), Partner.id.not_in(dismissed))
        .options(selectinload(Partner.capabilities))
    )
    return rank_partners(ranked_needs(company), candidates)


def suggestion_for(company: Company, partner: Partner) -> Suggestion[Partner]:
    for suggestion in suggestions_for(company).suggestions:
        if suggestion.partner.id == partner.id:
            return suggestion
    raise Conflict(
        "not_suggested",
        "partner",
        _l("{partner} is not among the suggestions for {company}."),
        partner=partner.name,
        company=company.name,
    )


def accept_suggestion(company: Company, partner: Partner, by: User | None) -> PartnerLink:
    suggestion = suggestion_for(company, partner)
    return link_company_to_partner(
        company,
        partner,
        reason=suggestion.explanation,
        source=LinkSource.suggestion,
        by=by,
    )


def dismiss_suggestion(company: Company, partner: Partner, by: User | None) -> DismissedSuggestion:
    suggestion_for(company, partner)
    dismissal = DismissedSuggestion(
        company_id=company.id, partner_id=partner.id, dismissed_by_id=by.id if by else None
    )
    db.session.add(dismissal)
    db.session.flush()
    return dismissal


def matching_leads_for(partner: Partner) -> list[tuple[Company, Suggestion[Partner]]]:
    """Open leads needing something the partner offers, not linked to it yet; newest first."""
    offered = [c.id for c in partner.capabilities]
    if not offered:
        return []
    needing = select(company_needs.c.company_id).where(company_needs.c.capability_id.in_(offered))
    linked = select(PartnerLink.company_id).where(PartnerLink.partner_id == partner.id)
    dismissed = select(DismissedSuggestion.company_id).where(
        DismissedSuggestion.partner_id == partner.id
    )
    companies = db.session.scalars(
        select(Company)
        .where(
            ~Company.is_archived,
            Company.stage.in_(OPEN_STAGES),
            Company.id.in_(needing),
            Company.id.not_in(linked),
            Company.id.not_in(dismissed),
        )
        .options(selectinload(Company.needs))
        .order_by(Company.created_at.desc(), Company.id.desc())
        .limit(MATCHING_LEADS_SHOWN)
    )
    leads: list[tuple[Company, Suggestion[Partner]]] = []
    for company in companies:
        ranking = rank_partners(ranked_needs(company), [partner])
        leads.extend((company, suggestion) for suggestion in ranking.suggestions)
    return leads


# --- introductions ---------------------------------------------------------------------------


def introduce(link: PartnerLink, by: User | None) -> OutboxMessage:
    """Mail the partner's contact about the lead, move the link to introduced, note it on the
    company's timeline."""
    partner, company = link.partner, link.company
    refusal = introduction_refusals([link]).get(link.id)
    if refusal is not None:
        raise refusal
    if not partner.contact_email:
        raise Conflict(
            "no_contact_email",
            None,
            _l("{name} has no contact email; add one to the partner before introducing."),
            name=partner.name,
        )
    move_link(link, LinkStatus.introduced, by)
    introductions = sum(change.to_status is LinkStatus.introduced for change in link.changes)
    context = {"link": link, "partner": partner, "company": company, "sender": by}
    # Written in the language of the staff member who introduces: they write to the partner.
    language = by.language if by is not None else DEFAULT_LANGUAGE
    with force_locale(language):
        subject = gettext(
            "Introduction: %(company)s and %(partner)s", company=company.name, partner=partner.name
        )
        text_body = render_template("mail/partner_introduction.txt", **context)
        html_body = render_template("mail/partner_introduction.html", **context)
    message = queue_mail(
        f"introduction:link:{link.id}:{introductions}",
        to_email=partner.contact_email,
        to_name=partner.contact_name or partner.name,
        subject=subject,
        text_body=text_body,
        html_body=html_body,
        language=language,
        company_id=company.id,
    )
    record_activity(
        company,
        ActivityKind.mail_sent,
        f"Introduced to {partner.name}",
        f"Introduction mail to {partner.contact_name or partner.name} <{partner.contact_email}>.",
        author=by,
    )
    return message


# --- reading ---------------------------------------------------------------------------------


def directory(*, include_hidden: bool) -> list[Partner]:
    """The partners by name; unpublished and archived ones only for staff (archived last)."""
    query = (
        select(Partner)
        .options(selectinload(Partner.capabilities))
        .order_by(Partner.is_archived, Partner.name)
    )
    if not include_hidden:
        query = query.where(Partner.is_public)
    return list(db.session.scalars(query))


def public_partners() -> Select[Partner]:
    return (
        select(Partner)
        .where(Partner.is_public)
        .options(selectinload(Partner.capabilities))
        .order_by(Partner.name)
    )


def partner_by_slug(slug: str) -> Partner | None:
    return db.session.scalar(select(Partner).where(Partner.slug == slug))


def partner_named(slug: str, field: str = "partner") -> Partner:
    """The partner with this slug; an unknown slug is refused naming ``field``."""
    partner = partner_by_slug(slug)
    if partner is None:
        raise Refused("unknown_partner", field, _l("No partner {slug!r}."), slug=slug)
    return partner


def partners_named(slugs: Iterable[str], field: str) -> list[Partner]:
    """The partners with these slugs, in order; unknown slugs are refused together."""
    found, refusals = [], []
    for slug in dict.fromkeys(slugs):
        try:
            found.append(partner_named(slug, field))
        except Refused as refusal:
            refusals.append(refusal)
    refuse_any(refusals)
    return found


def linkable_partners(company: Company | None = None) -> list[Partner]:
    """Partners staff may link a company to: not archived, not linked to it yet."""
    query = select(Partner).where(~Partner.is_archived).order_by(Partner.name)
    if company is not None:
        linked = select(PartnerLink.partner_id).where(PartnerLink.company_id == company.id)
        query = query.where(Partner.id.not_in(linked))
    return list(db.session.scalars(query))


def links_query(company: Company) -> Select[PartnerLink]:
    return (
        select(PartnerLink)
        .join(PartnerLink.partner)
        .where(PartnerLink.company_id == company.id)
        .order_by(Partner.name, PartnerLink.id)
    )
