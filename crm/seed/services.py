"""Loading the cluster's partners, events and (optionally) demo data; safe to run repeatedly."""

from sqlalchemy import select

from crm.events.models import Event, EventStatus
from crm.events.planning import default_organiser
from crm.extensions import db
from crm.leads.roadmap import save_template_step, template_steps
from crm.partners.models import Partner, PartnerKind
from crm.seed import data
from crm.seed.demo import seed_demo
from crm.vocabulary.models import Capability, CapabilityGroup


def seed_capabilities() -> dict[str, Capability]:
    known = {c.slug: c for c in db.session.scalars(select(Capability))}
    for slug, (group, label_en, label_de) in data.CAPABILITIES.items():
        if slug not in known:
            known[slug] = Capability(
                slug=slug, label_en=label_en, label_de=label_de, group=CapabilityGroup(group)
            )
            db.session.add(known[slug])
    return known


def seed_partners(capabilities: dict[str, Capability]) -> int:
    existing = set(db.session.scalars(select(Partner.slug)))
    added = 0
    for entry in data.PARTNERS:
        if entry["slug"] in existing:
            continue
        partner = Partner(
            slug=entry["slug"],
            name=entry["name"],
            kind=PartnerKind(entry["kind"]),
            location=entry["location"],
            description_en=entry["description_en"],
            description_de=entry["description_de"],
            capabilities=[capabilities[slug] for slug in entry["capabilities"]],
        )
        db.session.add(partner)
        added += 1
    return added


def seed_events() -> int:
    existing = set(db.session.scalars(select(Event.slug)))
    added = 0
    for entry in data.EVENTS:
        if entry["slug"] in existing:
            continue
        db.session.add(
            Event(**entry, **default_organiser(), is_all_day=True, status=EventStatus.published)
        )
        added += 1
    return added


def seed_roadmap_template() -> int:
    """The usual permits, into a template that has none (an admin's edits are kept)."""
    if template_steps():
        return 0
    for position, (title, authority) in enumerate(data.ROADMAP_TEMPLATE, start=1):
        save_template_step(None, title, authority, position * 10)
    return len(data.ROADMAP_TEMPLATE)


def seed(with_demo: bool = False) -> dict[str, int]:
    capabilities = seed_capabilities()
    counts = {
        "partners": seed_partners(capabilities),
        "events": seed_events(),
        "roadmap steps": seed_roadmap_template(),
    }
    if with_demo:
        counts["demo records"] = seed_demo(capabilities)
    db.session.flush()
    return counts
