"""Fictional demo data, made through the same services staff and registrants use.

Everything here is labelled: companies and events are flagged ``is_demo`` and named "Demo:" /
"DEMO:", people work at ``.example`` domains. Stage moves and timeline entries are dated back so
that history and time in stage read as they would after months of use.
"""

from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from crm.auth.models import Role, User
from crm.consents.models import ConsentPurpose
from crm.db import utcnow
from crm.events import services as events
from crm.events.consents import give_consent
from crm.events.models import Event, EventStatus, Registration
from crm.events.planning import default_organiser
from crm.extensions import db
from crm.leads import roadmap
from crm.leads import services as leads
from crm.leads.models import ActivityKind, Company, InvestmentType, LeadSource, Stage
from crm.leads.timeline import record_activity
from crm.mail import services as outbox
from crm.mail.models import OutboxMessage, OutboxStatus
from crm.partners.models import LinkSource, LinkStatus, Partner
from crm.partners.services import change_link_status, link_company_to_partner, public_partners
from crm.seed import data
from crm.sites import services as sites
from crm.sites.models import CleanroomClass, PriceBasis, Site, SiteKind, SiteLocation
from crm.vocabulary.models import Capability

UPCOMING_DAYS_AHEAD = 60
FULL_DAYS_AHEAD = 40
PAST_DAYS_AGO = 30
DRAFT_DAYS_AHEAD = 120
COMPANY_FIELDS = (
    "name",
    "domain",
    "country",
    "city",
    "sector",
    "new_jobs",
    "safeguarded_jobs",
    "capex_eur",
    "likelihood_percent",
    "site_area_m2",
    "needs_office",
    "needs_lab",
    "needs_production",
    "needs_gmp",
    "needs_hot_cells",
    "needs_controlled_area",
    "expansion_plans",
)


def first_staff_member() -> User | None:
    """Demo leads and tasks go to the first staff account, so that its own lists have content."""
    return db.session.scalar(
        select(User).where(User.role != Role.viewer, User.is_enabled).order_by(User.id)
    )


def days_ago(days: int) -> datetime:
    return utcnow() - timedelta(days=days)


def demo_company(
    entry: dict[str, Any],
    capabilities: dict[str, Capability],
    owner: User | None,
    demo_sites: dict[str, Site],
) -> Company:
    """A demo lead and its journey; on the way to a decision it reserves its ``site``."""
    details: dict[str, Any] = {field: entry[field] for field in COMPANY_FIELDS if field in entry}
    details |= {"website": f"https://{entry['domain']}", "source": LeadSource.event}
    details["owner_id"] = owner.id if owner else None
    if "investment_type" in entry:
        details["investment_type"] = InvestmentType(entry["investment_type"])
    for stage, days, _ in entry["journey"]:
        if stage == "landed":
            details["actual_landing_on"] = days_ago(days).date()
    company = leads.create_company(
        details, needs=[capabilities[slug] for slug in entry["needs"]], by=owner, is_demo=True
    )
    first_days_ago = max([days for _, days, _ in entry["journey"]], default=0) + 14
    company.created_at = days_ago(first_days_ago)
    company.stage_changes[0].changed_at = company.stage_entered_at = company.created_at
    for stage, days, reason in entry["journey"]:
        if stage == "decision" and entry.get("site") in demo_sites:
            sites.reserve(
                demo_sites[entry["site"]],
                company,
                starts_on=days_ago(days).date(),
                ends_on=leads.office_today() + timedelta(days=30),
                note="Demo: the site of the decision",
                by=owner,
            )
        change = leads.move_stage(
            company,
            Stage(stage),
            reason,
            owner,
            lost_to_location=entry.get("lost_to_location"),
        )
        change.changed_at = company.stage_entered_at = days_ago(days)
    if "verified" in entry and owner is not None:
        leads.verify_landing(company, entry["verified"], by=owner)
    for name, local_part, position, language in entry["contacts"]:
        leads.save_contact(
            company,
            {
                "name": name,
                "email": f"{local_part}@{entry['domain']}",
                "position": position,
                "language": language,
            },
            has_consent=True,
            consent_version="demo",
        )
    if "codename" in entry and owner is not None:
        leads.set_confidentiality(
            company, is_confidential=True, codename=entry["codename"], team_ids=[], by=owner
        )
    for kind, days, subject, body in entry["activities"]:
        record_activity(
            company, ActivityKind(kind), subject, body, author=owner, occurred_at=days_ago(days)
        )
    today = leads.office_today()
    if entry.get("roadmap") and roadmap.template_steps() and owner is not None:
        demo_roadmap(company, entry["roadmap"], owner)
    for title, due_in_days in entry["tasks"]:
        leads.create_task(
            company,
            title,
            today + timedelta(days=due_in_days),
            owner_id=owner.id if owner else None,
        )
    return company


def demo_roadmap(
    company: Company, plan: list[tuple[str, int | None, int | None]], owner: User
) -> None:
    """The lead's roadmap, its steps (in the template's order) moved on as ``plan`` says."""
    today = leads.office_today()
    steps = roadmap.start_roadmap(company, by=owner)
    for step, (status, planned_in_days, done_days_ago) in zip(steps, plan, strict=False):
        roadmap.update_step(
            step,
            roadmap.StepStatus(status),
            owner_id=owner.id,
            planned_on=None if planned_in_days is None else today + timedelta(planned_in_days),
            done_on=None if done_days_ago is None else today - timedelta(done_days_ago),
            today=today,
            by=owner,
        )


def demo_links(companies: dict[str, Company], owner: User | None) -> None:
    partners = {partner.slug: partner for partner in db.session.scalars(select(Partner))}
    for entry in data.DEMO_COMPANIES:
        for slug in entry["partners"]:
            link_company_to_partner(
                companies[entry["name"]],
                partners[slug],
                reason="Demo: fits what the company needs",
                source=LinkSource.staff,
                by=owner,
            )
    baltic = companies["Demo: Baltic Radiochemistry OÜ"]
    declined = link_company_to_partner(
        baltic, partners["abx"], reason="Demo: precursors", source=LinkSource.staff, by=owner
    )
    change_link_status(declined, LinkStatus.declined, owner)


def demo_event(
    entry: dict[str, Any], day_offset: int, status: EventStatus, registrants: int = 0
) -> Event:
    event = Event(
        **entry, **default_organiser(), is_all_day=False, is_demo=True, status=EventStatus.published
    )
    day = (utcnow().astimezone(event.zone) + timedelta(days=day_offset)).date()
    event.starts_at = datetime.combine(day, time(10, 0), event.zone)
    event.ends_at = datetime.combine(day, time(16, 0), event.zone)
    db.session.add(event)
    db.session.flush()
    partners_to_meet = list(db.session.scalars(public_partners().where(Partner.slug == "rotop")))
    for index, (name, email, company, country) in enumerate(data.DEMO_REGISTRANTS[:registrants]):
        # A mix of consents: follow-up from every other registrant, partner sharing from two
        # of the three who ask to meet a partner.
        outcome = events.register(
            event,
            events.RegistrationDetails(
                name=name,
                email=email,
                company_name=company,
                consent=True,
                follow_up_consent=index % 2 == 0,
                partner_sharing_consent=index in (0, 1),
                partners_to_meet=partners_to_meet if index < 3 else [],
                country=country,
                language="de" if index == 4 else "en",
                answers={"dietary": "vegetarian" if index % 2 else "none"}
                if event.questions
                else {},
            ),
            by_staff=day_offset < 0,
        )
        if day_offset < 0 and index % 2 == 0:  # given later through the private link
            give_consent(outcome.registration, ConsentPurpose.follow_up, "en")
    event.status = status
    return event


def record_past_mail(event: Event) -> None:
    """The past event's mail as it went out: delivered, but for one address that bounced."""
    messages = db.session.scalars(
        select(OutboxMessage)
        .join(Registration, OutboxMessage.registration_id == Registration.id)
        .where(Registration.event_id == event.id, OutboxMessage.status == OutboxStatus.pending)
        .order_by(OutboxMessage.id)
    ).all()
    for number, message in enumerate(messages):
        outbox.change_status(message, OutboxStatus.sending)
        message.attempts = 1
        if number == len(messages) - 1:
            outbox.mark_failed_attempt(
                message,
                "550 5.1.1 mailbox unavailable (demo)",
                is_permanent=True,
                max_attempts=1,
                retry_base_seconds=0,
            )
        else:
            outbox.mark_sent(message)
            message.sent_at = event.begins_at - timedelta(days=7)


def demo_site(entry: dict[str, Any], owner: User | None) -> Site:
    details = {key: value for key, value in entry.items() if key != "available_in_days"}
    details["location"] = SiteLocation(entry["location"])
    details["kind"] = SiteKind(entry["kind"])
    details["price_basis"] = PriceBasis(entry.get("price_basis", "rent_per_m2_month"))
    if "cleanroom_class" in entry:
        details["cleanroom_class"] = CleanroomClass(entry["cleanroom_class"])
    if "available_in_days" in entry:
        details["available_from"] = leads.office_today() + timedelta(
            days=entry["available_in_days"]
        )
    return sites.save_site(None, details, by=owner, is_demo=True)


def seed_demo_sites(owner: User | None) -> int:
    """The demo plots and units not there yet; returns how many were added."""
    known = set(db.session.scalars(select(Site.name).where(Site.is_demo)))
    added = [demo_site(entry, owner) for entry in data.DEMO_SITES if entry["name"] not in known]
    return len(added)


def reserve_demo_site(
    demo_sites: dict[str, Site], companies: dict[str, Company], owner: User | None
) -> None:
    """The demo lead's reservation, made with the lead."""
    site_name, lead_name, days = data.DEMO_RESERVATION
    if lead_name in companies and site_name in demo_sites:
        today = leads.office_today()
        sites.reserve(
            demo_sites[site_name],
            companies[lead_name],
            starts_on=today,
            ends_on=today + timedelta(days=days),
            note="Demo: held while the lease terms are discussed",
            by=owner,
        )


def seed_demo(capabilities: dict[str, Capability]) -> int:
    """Fictional companies with history, sites to match them, a past, two upcoming (one full)
    and a draft event."""
    known_names = set(db.session.scalars(select(Company.name).where(Company.is_demo)))
    owner = first_staff_member()
    added = seed_demo_sites(owner)
    demo_sites = {site.name: site for site in db.session.scalars(select(Site).where(Site.is_demo))}
    companies: dict[str, Company] = {}
    for entry in data.DEMO_COMPANIES:
        if entry["name"] not in known_names:
            companies[entry["name"]] = demo_company(entry, capabilities, owner, demo_sites)
    added += len(companies)
    if len(companies) == len(data.DEMO_COMPANIES):
        demo_links(companies, owner)
    reserve_demo_site(demo_sites, companies, owner)
    known_events = set(db.session.scalars(select(Event.slug).where(Event.is_demo)))
    if data.DEMO_PAST_EVENT["slug"] not in known_events:
        past = demo_event(
            data.DEMO_PAST_EVENT, -PAST_DAYS_AGO, EventStatus.published, len(data.DEMO_REGISTRANTS)
        )
        registrations = db.session.scalars(
            select(Registration).where(Registration.event_id == past.id).order_by(Registration.id)
        ).all()
        for registration in registrations[:4]:
            events.check_in(registration)
        events.mark_no_shows(past)
        record_past_mail(past)
        added += 1
    if data.DEMO_EVENT["slug"] not in known_events:
        demo_event(data.DEMO_EVENT, UPCOMING_DAYS_AHEAD, EventStatus.published, 3)
        added += 1
    if data.DEMO_FULL_EVENT["slug"] not in known_events:
        demo_event(data.DEMO_FULL_EVENT, FULL_DAYS_AHEAD, EventStatus.published, 5)
        added += 1
    if data.DEMO_DRAFT_EVENT["slug"] not in known_events:
        demo_event(data.DEMO_DRAFT_EVENT, DRAFT_DAYS_AHEAD, EventStatus.draft)
        added += 1
    return added
