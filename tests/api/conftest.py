from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from crm.db import utcnow
from crm.events.models import Event, EventStatus
from crm.extensions import db
from crm.leads.models import Company
from crm.seed.services import seed
from tests.helpers import csrf_token

OPEN_EVENT = "isotope-forum"


@pytest.fixture
def seeded(app: Flask) -> None:
    """What a fresh demo instance holds, and an open event with free seats: ``isotope-forum``."""
    seed(with_demo=True)
    starts_at = utcnow().replace(microsecond=0) + timedelta(days=45)
    db.session.add(
        Event(
            slug=OPEN_EVENT,
            title_en="Isotope Forum",
            title_de="Isotopenforum",
            is_all_day=False,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=6),
            timezone="Europe/Berlin",
            city="Dresden",
            country="DE",
            capacity=20,
            organiser_name="WFS",
            organiser_email="events@wfs.example",
            status=EventStatus.published,
        )
    )
    db.session.commit()


@pytest.fixture
def company(create_company: Callable[..., Company]) -> Company:
    return create_company(domain="isotopia.example", country="FR")


@pytest.fixture
def session_csrf_token(client: FlaskClient) -> Callable[[], str]:
    """The CSRF token a logged-in browser page carries, for cookie-authenticated API writes."""
    return lambda: csrf_token(client.get("/leads/new").text)
