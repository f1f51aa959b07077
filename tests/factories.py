"""The one set of test factories, Indico style: ``create_*`` makes a row the way a user does,
through the capability's service; ``insert_*`` writes a raw row, for data users have in that
shape (an imported lead without stage history, a registration from long ago).

Loaded by tests/conftest.py as a pytest plugin, so every test module sees the same factories.
"""

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from itertools import count
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from crm.api.models import ApiScope
from crm.api.tokens import issue_token
from crm.auth.models import Role, User
from crm.db import utcnow
from crm.events import planning
from crm.events import services as events
from crm.events.models import Event, EventStatus, Registration, RegistrationStatus
from crm.events.services import RegistrationDetails
from crm.extensions import db
from crm.leads import services as leads
from crm.leads.models import Company, FollowUpTask
from crm.leads.names import normalise_company_name
from crm.mail.models import OutboxMessage
from crm.mail.outbox import queue_mail
from crm.partners.models import LinkSource, Partner, PartnerKind, PartnerLink
from crm.partners.services import link_company_to_partner
from crm.seed import data
from crm.sites.models import Site, SiteKind, SiteLocation
from crm.sites.services import save_site
from crm.vocabulary.models import Capability, CapabilityGroup

DIETARY_QUESTION = {
    "key": "dietary",
    "en": "Dietary needs",
    "de": "Ernährung",
    "choices": [
        {"value": "none", "en": "None", "de": "Keine"},
        {"value": "vegetarian", "en": "Vegetarian", "de": "Vegetarisch"},
    ],
}

# A past timed event the mail, calendar and reminder tests pin their texts to.
RADIOPHARMACY_DAY: dict[str, Any] = {
    "title_en": "Radiopharmacy Day",
    "description_en": "Tour of the cyclotron and the GMP labs.",
    "starts_at": datetime(2025, 10, 28, 8, 0, tzinfo=UTC),
    "ends_at": datetime(2025, 10, 28, 15, 0, tzinfo=UTC),
    "venue_en": "nukliD Innovation Centre",
    "address": "Bautzner Landstraße 400",
    "organiser_name": "Saxony Trade & Invest (WFS)",
    "organiser_email": "events@nuklid.example.org",
    "capacity": None,
    "questions": [],
}


# --- vocabulary and partners ----------------------------------------------------------------


@pytest.fixture
def capability(app: Flask) -> Callable[[str], Capability]:
    """``capability("hot-cells")``: the tag of the cluster's vocabulary, added if missing."""

    def by_slug(slug: str) -> Capability:
        found = db.session.scalar(select(Capability).where(Capability.slug == slug))
        if found is None:
            group, label_en, label_de = data.CAPABILITIES.get(slug, ("other", slug, ""))
            found = Capability(
                slug=slug, label_en=label_en, label_de=label_de, group=CapabilityGroup(group)
            )
            db.session.add(found)
            db.session.commit()
        return found

    return by_slug


def capabilities(
    needs: Iterable[Capability | str], capability: Callable[[str], Capability]
) -> list[Capability]:
    return [need if isinstance(need, Capability) else capability(need) for need in needs]


@pytest.fixture
def partner(app: Flask, capability: Callable[[str], Capability]) -> Callable[[str], Partner]:
    """``partner("rotop")``: a cluster partner as the article describes it, added if missing."""
    entries = {entry["slug"]: entry for entry in data.PARTNERS}

    def by_slug(slug: str) -> Partner:
        found = db.session.scalar(select(Partner).where(Partner.slug == slug))
        if found is None:
            entry = entries[slug]
            found = Partner(
                slug=slug,
                name=entry["name"],
                kind=PartnerKind(entry["kind"]),
                location=entry["location"],
                description_en=entry["description_en"],
                description_de=entry["description_de"],
                capabilities=[capability(tag) for tag in entry["capabilities"]],
            )
            db.session.add(found)
            db.session.commit()
        return found

    return by_slug


# --- leads ----------------------------------------------------------------------------------


@pytest.fixture
def create_company(app: Flask, capability: Callable[[str], Capability]) -> Callable[..., Company]:
    """``create_company(name=..., needs=["hplc"], stage=Stage.qualified, **details)``, through
    the lead service: its first stage is recorded."""
    numbers = count(1)

    def make(**overrides: Any) -> Company:
        number = next(numbers)
        needs = capabilities(overrides.pop("needs", ()), capability)
        stage = overrides.pop("stage", None)
        by = overrides.pop("by", None)
        details = {"name": f"Company {number}", "country": "DE", "city": "Dresden"} | overrides
        company = leads.create_company(
            details, needs=needs, by=by, **({"stage": stage} if stage else {})
        )
        db.session.commit()
        return company

    return make


@pytest.fixture
def insert_company(app: Flask, capability: Callable[[str], Capability]) -> Callable[..., Company]:
    """A raw company row without any stage history, as imported and demo leads once were."""
    numbers = count(1)

    def make(**fields: Any) -> Company:
        name = fields.pop("name", f"Raw Company {next(numbers)}")
        needs = capabilities(fields.pop("needs", ()), capability)
        company = Company(
            name=name, normalised_name=normalise_company_name(name), needs=needs, **fields
        )
        db.session.add(company)
        db.session.commit()
        return company

    return make


@pytest.fixture
def company(create_company: Callable[..., Company]) -> Company:
    return create_company(name="ROTOP Pharmaka GmbH", domain="rotop-pharmaka.de")


@pytest.fixture
def create_task(create_company: Callable[..., Company]) -> Callable[..., FollowUpTask]:
    """``create_task(owner, due_on, title=..., company=...)``: an open follow-up task."""

    def make(
        owner: User | None, due_on: date, title: str = "Call back", company: Company | None = None
    ) -> FollowUpTask:
        task = leads.create_task(
            company or create_company(), title, due_on, owner_id=owner.id if owner else None
        )
        db.session.commit()
        return task

    return make


@pytest.fixture
def create_link(
    create_company: Callable[..., Company], partner: Callable[[str], Partner]
) -> Callable[..., PartnerLink]:
    def make(
        company: Company | None = None, partner_slug: str = "cup-laboratorien", **overrides: Any
    ) -> PartnerLink:
        fields: dict[str, Any] = {
            "reason": "Needs sterility testing",
            "source": LinkSource.staff,
            "by": None,
        } | overrides
        link = link_company_to_partner(company or create_company(), partner(partner_slug), **fields)
        db.session.commit()
        return link

    return make


# --- events and registrations ---------------------------------------------------------------


@pytest.fixture
def create_event(app: Flask) -> Callable[..., Event]:
    """``create_event(preset, **overrides)``: an event staff planned and published (``status=``
    another state), through the planning rules. Timed, 30 days ahead, ten seats, a dietary
    question, unless a preset such as ``RADIOPHARMACY_DAY`` or the overrides say otherwise.
    A plain ``title``, ``description`` or ``venue`` is the English one."""
    numbers = count(1)

    def make(preset: dict[str, Any] | None = None, **overrides: Any) -> Event:
        number = next(numbers)
        overrides = (preset or {}) | overrides
        status = overrides.pop("status", EventStatus.published)
        is_demo = overrides.pop("is_demo", False)
        starts_at = utcnow().replace(microsecond=0) + timedelta(days=30)
        fields: dict[str, Any] = {
            "slug": f"forum-{number}",
            "title_en": f"Radiopharmacy Forum {number}",
            "is_all_day": False,
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=6),
            "timezone": "Europe/Berlin",
            "venue_en": "Kongresszentrum",
            "city": "Dresden",
            "country": "DE",
            "capacity": 10,
            "organiser_name": "WFS",
            "organiser_email": "events@wfs.example",
            "questions": [DIETARY_QUESTION],
        } | overrides
        for name in planning.TRANSLATED_TEXTS:
            if name in fields:
                fields[f"{name}_en"] = fields.pop(name) or ""
        if fields["is_all_day"]:
            fields.setdefault("starts_on", date(2025, 10, 28))
            fields.setdefault("ends_on", fields["starts_on"])
            fields["starts_at"] = fields["ends_at"] = None
        event = planning.save_event(None, planning.EventDetails(**fields))
        event.is_demo = is_demo
        if status is not EventStatus.draft:
            planning.change_event_status(event, status)
        db.session.commit()
        return event

    return make


@pytest.fixture
def event(create_event: Callable[..., Event]) -> Event:
    return create_event()


@pytest.fixture
def details() -> Callable[..., RegistrationDetails]:
    """What a registrant fills in, numbered so that each is a new person of a new company."""
    numbers = count(1)

    def make(**overrides: Any) -> RegistrationDetails:
        number = next(numbers)
        fields: dict[str, Any] = {
            "name": f"Person {number}",
            "email": f"person{number}@isotope-{number}.example",
            "company_name": f"Isotope Works {number}",
            "consent": True,
            "country": "FR",
            "language": "en",
        } | overrides
        return RegistrationDetails(**fields)

    return make


@pytest.fixture
def create_registration(
    details: Callable[..., RegistrationDetails],
) -> Callable[..., Registration]:
    """``create_registration(event, **details)``, through the public registration rules."""

    def make(event: Event, **overrides: Any) -> Registration:
        registration = events.register(event, details(**overrides)).registration
        db.session.commit()
        return registration

    return make


@pytest.fixture
def insert_registration(
    app: Flask, create_event: Callable[..., Event]
) -> Callable[..., Registration]:
    """A raw registration row with the times given, for registrations made long ago."""
    numbers = count(1)

    def make(event: Event | None = None, **overrides: Any) -> Registration:
        number = next(numbers)
        confirmed_at = datetime(2025, 9, 1, 10, 0, tzinfo=UTC)
        fields: dict[str, Any] = {
            "event": event or create_event(RADIOPHARMACY_DAY),
            "email": f"guest{number}@isotopia.example",
            "name": f"Guest {number}",
            "company_name": "Isotopia Pharma GmbH",
            "language": "en",
            "status": RegistrationStatus.confirmed,
            "consent_version": "2025-09",
            "consent_at": confirmed_at,
            "created_at": confirmed_at,
            "confirmed_at": confirmed_at,
        } | overrides
        registration = Registration(**fields)
        db.session.add(registration)
        db.session.commit()
        return registration

    return make


# --- API tokens -----------------------------------------------------------------------------


@pytest.fixture
def token_headers(app: Flask, create_user: Callable[..., User]) -> Callable[..., dict[str, str]]:
    """Authorization headers for a new token acting as a new user of ``role``."""

    def make(role: Role = Role.staff, scope: ApiScope = ApiScope.write) -> dict[str, str]:
        user = create_user(role)
        _, plain = issue_token("test integration", scope, user, by=user)
        db.session.commit()
        return {"Authorization": f"Bearer {plain}"}

    return make


# --- mail -----------------------------------------------------------------------------------


@pytest.fixture
def create_message(app: Flask) -> Callable[..., OutboxMessage]:
    """A mail queued through the outbox, as every capability sends."""
    numbers = count(1)

    def make(**overrides: Any) -> OutboxMessage:
        number = next(numbers)
        fields: dict[str, Any] = {
            "key": f"test:{number}",
            "to_email": f"reader{number}@isotopia.example",
            "to_name": f"Reader {number}",
            "subject": f"Message {number}",
            "text_body": "Hello from the cluster.",
            "html_body": "<p>Hello from the cluster.</p>",
        } | overrides
        message = queue_mail(fields.pop("key"), **fields)
        db.session.commit()
        return message

    return make


@pytest.fixture
def outbox(app: Flask) -> Callable[[], list[OutboxMessage]]:
    """``outbox()``: every queued message in order."""

    def queued() -> list[OutboxMessage]:
        return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))

    return queued


# --- sites ----------------------------------------------------------------------------------


@pytest.fixture
def create_site(app: Flask) -> Callable[..., Site]:
    """``create_site(area_m2=1200, kind=SiteKind.lab, is_gmp_ready=True, ...)``, through the site
    service: an available unit in the Rossendorf park unless told otherwise."""
    numbers = count(1)

    def make(**overrides: Any) -> Site:
        details: dict[str, Any] = {
            "name": f"Unit {next(numbers)}",
            "location": SiteLocation.rossendorf,
            "area_m2": 1000,
            "kind": SiteKind.production,
        } | overrides
        site = save_site(None, details, by=None)
        db.session.commit()
        return site

    return make
