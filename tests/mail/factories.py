"""Factory fixtures for events, registrations, companies and outbox rows, shared by the mail,
calendar and reminder tests (re-exported by their conftest files)."""

from collections.abc import Callable
from datetime import UTC, date, datetime
from itertools import count
from typing import Any

import pytest
from flask import Flask

from crm.events.models import Event, EventStatus, Registration, RegistrationStatus
from crm.extensions import db
from crm.leads.models import Company
from crm.mail.models import OutboxMessage
from crm.mail.outbox import queue_mail


@pytest.fixture
def create_event(app: Flask) -> Callable[..., Event]:
    numbers = count(1)

    def make(**overrides: Any) -> Event:
        number = next(numbers)
        fields: dict[str, Any] = {
            "slug": f"radiopharmacy-day-{number}",
            "title": f"Radiopharmacy Day {number}",
            "description": "Tour of the cyclotron and the GMP labs.",
            "is_all_day": False,
            "starts_at": datetime(2025, 10, 28, 8, 0, tzinfo=UTC),
            "ends_at": datetime(2025, 10, 28, 15, 0, tzinfo=UTC),
            "timezone": "Europe/Berlin",
            "venue": "nukliD Innovation Centre",
            "address": "Bautzner Landstraße 400",
            "city": "Dresden",
            "country": "DE",
            "organiser_name": "Saxony Trade & Invest (WFS)",
            "organiser_email": "events@nuklid.example.org",
            "status": EventStatus.published,
        } | overrides
        if fields["is_all_day"]:
            fields.setdefault("starts_on", date(2025, 10, 28))
            fields.setdefault("ends_on", fields["starts_on"])
            fields["starts_at"] = fields["ends_at"] = None
        event = Event(**fields)
        db.session.add(event)
        db.session.commit()
        return event

    return make


@pytest.fixture
def event(create_event: Callable[..., Event]) -> Event:
    return create_event()


@pytest.fixture
def create_company(app: Flask) -> Callable[..., Company]:
    def make(**overrides: Any) -> Company:
        fields: dict[str, Any] = {
            "name": "Isotopia Pharma GmbH",
            "normalised_name": "isotopia pharma",
        } | overrides
        company = Company(**fields)
        db.session.add(company)
        db.session.commit()
        return company

    return make


@pytest.fixture
def create_registration(
    app: Flask, create_event: Callable[..., Event]
) -> Callable[..., Registration]:
    numbers = count(1)

    def make(event: Event | None = None, **overrides: Any) -> Registration:
        number = next(numbers)
        confirmed_at = datetime(2025, 9, 1, 10, 0, tzinfo=UTC)
        fields: dict[str, Any] = {
            "event": event or create_event(),
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


@pytest.fixture
def create_message(app: Flask) -> Callable[..., OutboxMessage]:
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
