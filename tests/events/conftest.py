"""Factories for events and registrations, Indico style: ``create_event(**overrides)``."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from crm.db import utcnow
from crm.events import services
from crm.events.models import Event, EventStatus, Registration
from crm.events.services import RegistrationDetails
from crm.extensions import db
from crm.mail.models import OutboxMessage
from crm.partners.models import Capability, Partner, PartnerKind

DIETARY_QUESTION = {
    "key": "dietary",
    "en": "Dietary needs",
    "de": "Ernährung",
    "choices": [
        {"value": "none", "en": "None", "de": "Keine"},
        {"value": "vegetarian", "en": "Vegetarian", "de": "Vegetarisch"},
    ],
}


@pytest.fixture
def create_event(app: Flask) -> Callable[..., Event]:
    counter = iter(range(1, 10_000))

    def make(**overrides: Any) -> Event:
        number = next(counter)
        starts_at = utcnow().replace(microsecond=0) + timedelta(days=30)
        fields: dict[str, Any] = {
            "slug": f"forum-{number}",
            "title": f"Radiopharmacy Forum {number}",
            "is_all_day": False,
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=6),
            "timezone": "Europe/Berlin",
            "venue": "Kongresszentrum",
            "city": "Dresden",
            "country": "DE",
            "capacity": 10,
            "organiser_name": "WFS",
            "organiser_email": "events@wfs.example",
            "status": EventStatus.published,
            "questions": [DIETARY_QUESTION],
        } | overrides
        event = Event(**fields)
        db.session.add(event)
        db.session.commit()
        return event

    return make


@pytest.fixture
def event(create_event: Callable[..., Event]) -> Event:
    return create_event()


@pytest.fixture
def details() -> Callable[..., RegistrationDetails]:
    counter = iter(range(1, 10_000))

    def make(**overrides: Any) -> RegistrationDetails:
        number = next(counter)
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
    def make(event: Event, **overrides: Any) -> Registration:
        registration = services.register(event, details(**overrides)).registration
        db.session.commit()
        return registration

    return make


@pytest.fixture
def capability(app: Flask) -> Capability:
    tag = Capability(slug="gmp-production", label="GMP production")
    db.session.add(tag)
    db.session.commit()
    return tag


@pytest.fixture
def partner(app: Flask) -> Partner:
    found = Partner(
        slug="rotop", name="ROTOP Pharmaka GmbH", kind=PartnerKind.company, location="Dresden"
    )
    db.session.add(found)
    db.session.commit()
    return found


@pytest.fixture
def outbox(app: Flask) -> Callable[[], list[OutboxMessage]]:
    def queued() -> list[OutboxMessage]:
        return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))

    return queued


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)
