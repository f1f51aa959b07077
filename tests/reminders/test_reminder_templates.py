"""Snapshots of the reminder mail in both languages; a changed template must change these files."""

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from crm.events.models import Event, Registration
from crm.extensions import db
from crm.mail.models import OutboxMessage
from crm.reminders.services import queue_due_reminders
from tests.factories import RADIOPHARMACY_DAY
from tests.snapshots import assert_mail_matches_snapshots

SNAPSHOTS = Path(__file__).parent / "snapshots"


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_reminder_mail_matches_its_snapshot(
    create_event: Callable[..., Event],
    insert_registration: Callable[..., Registration],
    language: str,
) -> None:
    event = create_event(
        RADIOPHARMACY_DAY, slug="site-tour", title="Site tour of the nukliD campus"
    )
    insert_registration(event=event, name="Anna Berg", language=language)

    queue_due_reminders(datetime(2025, 10, 21, 7, 0, tzinfo=UTC))

    message = db.session.scalar(select(OutboxMessage))
    assert message is not None
    assert message.language == language
    assert_mail_matches_snapshots(message, SNAPSHOTS, f"reminder.{language}")


@pytest.mark.parametrize(
    ("german_title", "subject"),
    [
        ("Standortführung", "Erinnerung: Standortführung am 28. Oktober 2025"),
        ("", "Erinnerung: Site tour am 28. Oktober 2025"),
    ],
)
def test_a_german_reminder_names_the_event_in_german_or_else_in_english(
    create_event: Callable[..., Event],
    insert_registration: Callable[..., Registration],
    german_title: str,
    subject: str,
) -> None:
    event = create_event(RADIOPHARMACY_DAY, title_en="Site tour", title_de=german_title)
    insert_registration(event=event, language="de")

    queue_due_reminders(datetime(2025, 10, 21, 7, 0, tzinfo=UTC))

    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.subject == subject
    assert f"ist es so weit: {german_title or 'Site tour'}." in message.text_body
