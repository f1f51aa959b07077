"""Loading the cluster's partners, events and (optionally) demo data; safe to run repeatedly."""

from datetime import datetime, time, timedelta

from flask import current_app
from sqlalchemy import select

from crm.db import utcnow
from crm.events.models import Event, EventStatus
from crm.extensions import db
from crm.leads.models import Company, LeadSource
from crm.leads.names import normalise_company_name
from crm.partners.models import Capability, Partner, PartnerKind
from crm.seed import data

DEMO_EVENT_DAYS_AHEAD = 60


def seed_capabilities() -> dict[str, Capability]:
    known = {c.slug: c for c in db.session.scalars(select(Capability))}
    for slug, label in data.CAPABILITIES.items():
        if slug not in known:
            known[slug] = Capability(slug=slug, label=label)
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
            description=entry["description"],
            capabilities=[capabilities[slug] for slug in entry["capabilities"]],
        )
        db.session.add(partner)
        added += 1
    return added


def organiser() -> dict[str, str]:
    return {
        "organiser_name": current_app.config["ORGANISER_NAME"],
        "organiser_email": current_app.config["ORGANISER_EMAIL"],
    }


def seed_events() -> int:
    existing = set(db.session.scalars(select(Event.slug)))
    added = 0
    for entry in data.EVENTS:
        if entry["slug"] in existing:
            continue
        db.session.add(Event(**entry, **organiser(), is_all_day=True, status=EventStatus.published))
        added += 1
    return added


def seed_demo(capabilities: dict[str, Capability]) -> int:
    """Fictional companies and one future sample event, all flagged ``is_demo``."""
    added = 0
    known_names = set(db.session.scalars(select(Company.name).where(Company.is_demo)))
    for entry in data.DEMO_COMPANIES:
        if entry["name"] in known_names:
            continue
        fields = {key: value for key, value in entry.items() if key != "needs"}
        db.session.add(
            Company(
                **fields,
                normalised_name=normalise_company_name(entry["name"]),
                website=f"https://{entry['domain']}",
                source=LeadSource.direct,
                is_demo=True,
                needs=[capabilities[slug] for slug in entry["needs"]],
            )
        )
        added += 1
    if not db.session.scalar(select(Event).where(Event.slug == data.DEMO_EVENT["slug"])):
        db.session.add(demo_event())
        added += 1
    return added


def demo_event() -> Event:
    event = Event(
        **data.DEMO_EVENT,
        **organiser(),
        is_all_day=False,
        is_demo=True,
        status=EventStatus.published,
    )
    day = (utcnow().astimezone(event.zone) + timedelta(days=DEMO_EVENT_DAYS_AHEAD)).date()
    event.starts_at = datetime.combine(day, time(10, 0), event.zone)
    event.ends_at = datetime.combine(day, time(16, 0), event.zone)
    return event


def seed(with_demo: bool = False) -> dict[str, int]:
    capabilities = seed_capabilities()
    counts = {"partners": seed_partners(capabilities), "events": seed_events()}
    if with_demo:
        counts["demo records"] = seed_demo(capabilities)
    db.session.flush()
    return counts
