"""Partner directory, capability vocabulary, company↔partner links and matchmaking."""

import re
import unicodedata
from collections.abc import Iterable

from flask import render_template
from sqlalchemy import delete, func, insert, literal, select, update
from sqlalchemy.orm import contains_eager, selectinload

from crm.auth.models import User
from crm.events.models import Event
from crm.extensions import db
from crm.leads.models import ActivityKind, Company, Stage, company_needs
from crm.leads.timeline import record_activity
from crm.mail.models import OutboxMessage
from crm.mail.outbox import queue_mail
from crm.partners.models import (
    Capability,
    DismissedSuggestion,
    LinkSource,
    LinkStatus,
    Partner,
    PartnerKind,
    PartnerLink,
    PartnerLinkChange,
    partner_capabilities,
)
from crm.partners.ranking import Ranking, Suggestion, rank_partners

ALLOWED_TRANSITIONS: dict[LinkStatus, tuple[LinkStatus, ...]] = {
    LinkStatus.suggested: (LinkStatus.introduced, LinkStatus.declined),
    LinkStatus.introduced: (LinkStatus.in_contact, LinkStatus.declined),
    LinkStatus.in_contact: (LinkStatus.collaborating, LinkStatus.declined),
    LinkStatus.collaborating: (LinkStatus.declined,),
    LinkStatus.declined: (LinkStatus.suggested,),
}

OPEN_LEAD_STAGES = (Stage.enquiry, Stage.qualified, Stage.active, Stage.site_visit, Stage.decision)
MATCHING_LEADS_SHOWN = 20
RESERVED_PARTNER_SLUGS = frozenset({"new", "capabilities", "links"})


class PartnerError(Exception):
    """A partner operation that the rules do not allow; the message is shown to staff."""


class UnknownCapabilities(PartnerError):
    def __init__(self, unknown: list[str]) -> None:
        super().__init__("Unknown capability tag: " + ", ".join(unknown) + ".")
        self.unknown = unknown


class TransitionNotAllowed(PartnerError):
    def __init__(self, from_status: LinkStatus, to_status: LinkStatus) -> None:
        super().__init__(
            f"A link cannot move from {from_status.label.lower()} to {to_status.label.lower()}."
        )


def slug_from(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


# --- capability vocabulary -------------------------------------------------------------------


def capabilities_named(names: Iterable[str]) -> list[Capability]:
    """The tags given by slug or label (any case); unknown ones are rejected, not created."""
    wanted = [name.strip() for name in names if name.strip()]
    known = list(db.session.scalars(select(Capability)))
    by_name = {c.slug.lower(): c for c in known} | {c.label.lower(): c for c in known}
    unknown = [name for name in wanted if name.lower() not in by_name]
    if unknown:
        raise UnknownCapabilities(unknown)
    return list({by_name[name.lower()].id: by_name[name.lower()] for name in wanted}.values())


def ensure_free_slug(slug: str, *, except_for: Capability | None = None) -> str:
    if not slug:
        raise PartnerError("The slug needs at least one letter or digit.")
    taken = db.session.scalar(select(Capability).where(Capability.slug == slug))
    if taken is not None and taken is not except_for:
        raise PartnerError(f"The tag “{slug}” exists already.")
    return slug


def add_capability(label: str, slug: str = "") -> Capability:
    capability = Capability(label=label.strip(), slug=ensure_free_slug(slug_from(slug or label)))
    db.session.add(capability)
    db.session.flush()
    return capability


def rename_capability(capability: Capability, *, label: str, slug: str) -> Capability:
    """Companies and partners refer to the tag by id, so their tags follow the new name."""
    capability.slug = ensure_free_slug(slug_from(slug or label), except_for=capability)
    capability.label = label.strip()
    db.session.flush()
    return capability


def merge_capabilities(merged: Capability, into: Capability) -> Capability:
    """Re-point every company need and partner capability to ``into``, then delete ``merged``."""
    if merged.id == into.id:
        raise PartnerError("Choose two different tags to merge.")
    for table, owner in (
        (company_needs, company_needs.c.company_id),
        (partner_capabilities, partner_capabilities.c.partner_id),
    ):
        owners_of_merged = select(owner).where(table.c.capability_id == merged.id)
        owners_of_into = select(owner).where(table.c.capability_id == into.id)
        db.session.execute(
            insert(table).from_select(
                [owner.name, "capability_id"],
                select(owner, literal(into.id)).where(
                    owner.in_(owners_of_merged), owner.not_in(owners_of_into)
                ),
            )
        )
        db.session.execute(delete(table).where(table.c.capability_id == merged.id))
    db.session.delete(merged)
    db.session.flush()
    db.session.expire_all()
    return into


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


def save_partner(
    partner: Partner | None,
    *,
    name: str,
    kind: PartnerKind,
    location: str,
    description: str,
    website: str | None,
    contact_name: str | None,
    contact_email: str | None,
    capability_names: Iterable[str],
    is_published: bool,
) -> Partner:
    """Create (``partner`` None) or update a partner; unknown capability tags are rejected."""
    capabilities = capabilities_named(capability_names)
    if partner is None:
        partner = Partner(slug=unique_partner_slug(name))
        db.session.add(partner)
    partner.name = name.strip()
    partner.kind = kind
    partner.location = location.strip()
    partner.description = description.strip()
    partner.website = website or None
    partner.contact_name = contact_name or None
    partner.contact_email = contact_email.lower() if contact_email else None
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
        raise PartnerError(
            f"{partner.name} is linked to {links} compan{'y' if links == 1 else 'ies'} and "
            "cannot be deleted; archive it instead."
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
    event: Event | None = None,
) -> PartnerLink:
    """Link a lead to a partner; linking them again updates the reason of the existing link."""
    link = link_between(company, partner)
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


def change_link_status(link: PartnerLink, to: LinkStatus, by: User | None) -> PartnerLink:
    if to not in ALLOWED_TRANSITIONS[link.status]:
        raise TransitionNotAllowed(link.status, to)
    link.changes.append(PartnerLinkChange(from_status=link.status, to_status=to, changed_by=by))
    link.status = to
    db.session.flush()
    return link


LINK_DETAILS = (
    selectinload(PartnerLink.changes).selectinload(PartnerLinkChange.changed_by),
    selectinload(PartnerLink.created_by),
    selectinload(PartnerLink.event),
)


def move_partner_records(duplicate: Company, survivor: Company) -> None:
    """Re-point a merged duplicate's partner links and dismissals to the survivor.

    Where both companies have a row for the same partner the survivor's row wins, since a
    company has at most one link (and one dismissal) per partner.
    """
    for model in (PartnerLink, DismissedSuggestion):
        taken = select(model.partner_id).where(model.company_id == survivor.id)
        db.session.execute(
            delete(model)
            .where(model.company_id == duplicate.id, model.partner_id.in_(taken))
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            update(model)
            .where(model.company_id == duplicate.id)
            .values(company_id=survivor.id)
            .execution_options(synchronize_session=False)
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
    raise PartnerError(f"{partner.name} is not among the suggestions for {company.name}.")


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
            Company.stage.in_(OPEN_LEAD_STAGES),
            Company.id.in_(needing),
            Company.id.not_in(linked),
            Company.id.not_in(dismissed),
        )
        .options(selectinload(Company.needs))
        .order_by(Company.created_at.desc(), Company.id.desc())
        .limit(MATCHING_LEADS_SHOWN)
    )
    leads = []
    for company in companies:
        ranking = rank_partners(ranked_needs(company), [partner])
        leads.extend((company, suggestion) for suggestion in ranking.suggestions)
    return leads


# --- introductions ---------------------------------------------------------------------------


def introduce(link: PartnerLink, by: User | None) -> OutboxMessage:
    """Mail the partner's contact about the lead, move the link to introduced, note it on the
    company's timeline."""
    partner, company = link.partner, link.company
    if not partner.contact_email:
        raise PartnerError(
            f"{partner.name} has no contact email; add one to the partner before introducing."
        )
    change_link_status(link, LinkStatus.introduced, by)
    introductions = sum(change.to_status is LinkStatus.introduced for change in link.changes)
    context = {"link": link, "partner": partner, "company": company, "sender": by}
    message = queue_mail(
        f"introduction:link:{link.id}:{introductions}",
        to_email=partner.contact_email,
        to_name=partner.contact_name or partner.name,
        subject=f"Introduction: {company.name} and {partner.name}",
        text_body=render_template("mail/partner_introduction.txt", **context),
        html_body=render_template("mail/partner_introduction.html", **context),
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
