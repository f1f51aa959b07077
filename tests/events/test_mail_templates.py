"""The registration mails as the registrant reads them."""

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from crm.events.models import Event, Registration
from crm.events.tokens import manage_url
from crm.extensions import db
from crm.mail.models import OutboxMessage
from tests.snapshots import assert_mail_matches_snapshots

SNAPSHOTS = Path(__file__).parent / "snapshots"

CONFIRMATION_EN = """Dear Ada Lovelace,

your registration for Isotope Day is confirmed. The calendar invitation is attached.

Isotope Day
27 March 2027, 10:00 \N{EN DASH} 16:00 (Europe/Berlin)
Kongresszentrum, Dresden

See, change or cancel your registration (keep this link private):
{link}

Saxony Trade & Invest and the nukliD cluster"""

WAITLIST_DE = """Guten Tag Ada Lovelace,

Isotope Day ist ausgebucht, deshalb stehen Sie auf der Warteliste. \
Wir schreiben Ihnen, sobald ein Platz frei wird.

Isotope Day
27. März 2027, 10:00 \N{EN DASH} 16:00 (Europe/Berlin)
Kongresszentrum, Dresden

Anmeldung ansehen, ändern oder stornieren (bitte nicht weitergeben):
{link}

Wirtschaftsförderung Sachsen GmbH und das nukliD-Cluster"""


def isotope_day(create_event: Callable[..., Event], capacity: int) -> Event:
    return create_event(
        title="Isotope Day",
        starts_at=datetime(2027, 3, 27, 9, 0, tzinfo=UTC),
        ends_at=datetime(2027, 3, 27, 15, 0, tzinfo=UTC),
        capacity=capacity,
    )


def only_mail() -> OutboxMessage:
    return db.session.scalars(select(OutboxMessage)).one()


def test_english_confirmation_text(
    create_event: Callable[..., Event], create_registration: Callable[..., Registration]
) -> None:
    registration = create_registration(isotope_day(create_event, 5), name="Ada Lovelace")
    message = only_mail()
    assert message.subject == "Registration confirmed: Isotope Day"
    assert message.text_body == CONFIRMATION_EN.format(link=manage_url(registration))


def test_german_waiting_list_text(
    create_event: Callable[..., Event], create_registration: Callable[..., Registration]
) -> None:
    registration = create_registration(
        isotope_day(create_event, 0), name="Ada Lovelace", language="de"
    )
    message = only_mail()
    assert message.subject == "Warteliste: Isotope Day"
    assert message.text_body == WAITLIST_DE.format(link=manage_url(registration))


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_confirmation_matches_its_snapshot(
    create_event: Callable[..., Event],
    create_registration: Callable[..., Registration],
    language: str,
) -> None:
    registration = create_registration(
        isotope_day(create_event, 5), name="Ada Lovelace", language=language
    )
    message = only_mail()
    assert message.language == language
    assert_mail_matches_snapshots(
        message,
        SNAPSHOTS,
        f"registration_confirmation.{language}",
        {manage_url(registration): "<the private link>"},
    )
