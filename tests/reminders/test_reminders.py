from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from flask import Flask
from sqlalchemy import func, select

from crm.events.models import Event, EventStatus, Registration, RegistrationStatus
from crm.extensions import db
from crm.mail.models import OutboxMessage
from crm.reminders.services import due_reminders, queue_due_reminders_now, reminder_due_at
from tests.factories import RADIOPHARMACY_DAY

Clock = Callable[[str], None]

# 28 October 2025, 09:00 in Dresden: summer time ended on the 26th, so this is 08:00 UTC.
AFTER_OCTOBER_CHANGE = datetime(2025, 10, 28, 8, 0, tzinfo=UTC)
# 31 March 2026, 09:00 in Dresden: summer time began on the 29th, so this is 07:00 UTC.
AFTER_MARCH_CHANGE = datetime(2026, 3, 31, 7, 0, tzinfo=UTC)


def queued_keys() -> list[str]:
    return list(db.session.scalars(select(OutboxMessage.key).order_by(OutboxMessage.key)))


@pytest.fixture
def october_event(create_event: Callable[..., Event]) -> Event:
    return create_event(
        RADIOPHARMACY_DAY,
        starts_at=AFTER_OCTOBER_CHANGE,
        ends_at=datetime(2025, 10, 28, 15, 0, tzinfo=UTC),
    )


def test_a_seven_day_reminder_keeps_the_local_hour_across_the_october_change(
    october_event: Event,
) -> None:
    assert reminder_due_at(october_event, 7) == datetime(2025, 10, 21, 7, 0, tzinfo=UTC)


def test_a_seven_day_reminder_keeps_the_local_hour_across_the_march_change(
    create_event: Callable[..., Event],
) -> None:
    event = create_event(
        RADIOPHARMACY_DAY,
        starts_at=AFTER_MARCH_CHANGE,
        ends_at=datetime(2026, 3, 31, 15, 0, tzinfo=UTC),
    )

    assert reminder_due_at(event, 7) == datetime(2026, 3, 24, 8, 0, tzinfo=UTC)


def test_in_march_the_reminder_goes_out_at_nine_winter_time_and_not_an_hour_early(
    create_event: Callable[..., Event],
    insert_registration: Callable[..., Registration],
    clock: Clock,
) -> None:
    event = create_event(
        RADIOPHARMACY_DAY,
        starts_at=AFTER_MARCH_CHANGE,
        ends_at=datetime(2026, 3, 31, 15, 0, tzinfo=UTC),
    )
    registration = insert_registration(event=event)
    clock("2026-03-24T07:59:00+00:00")
    queue_due_reminders_now()
    assert queued_keys() == []

    clock("2026-03-24T08:00:00+00:00")
    queue_due_reminders_now()

    assert queued_keys() == [f"reminder:7d:registration:{registration.id}"]


def test_an_all_day_reminder_is_due_at_nine_local_time_n_days_before_the_first_day(
    create_event: Callable[..., Event],
) -> None:
    event = create_event(
        RADIOPHARMACY_DAY, is_all_day=True, starts_on=date(2025, 10, 28), ends_on=date(2025, 10, 29)
    )

    assert reminder_due_at(event, 7) == datetime(2025, 10, 21, 7, 0, tzinfo=UTC)
    assert reminder_due_at(event, 1) == datetime(2025, 10, 27, 8, 0, tzinfo=UTC)


def test_the_local_hour_of_all_day_reminders_is_configurable(
    app: Flask, create_event: Callable[..., Event]
) -> None:
    app.config["REMINDER_LOCAL_HOUR"] = 14
    event = create_event(RADIOPHARMACY_DAY, is_all_day=True, starts_on=date(2025, 10, 28))

    assert reminder_due_at(event, 1) == datetime(2025, 10, 27, 13, 0, tzinfo=UTC)


def test_no_reminder_is_queued_a_minute_before_it_is_due(
    october_event: Event, insert_registration: Callable[..., Registration], clock: Clock
) -> None:
    insert_registration(event=october_event)
    clock("2025-10-21T06:59:00+00:00")

    queue_due_reminders_now()

    assert queued_keys() == []


def test_the_reminder_is_queued_when_it_is_due(
    october_event: Event, insert_registration: Callable[..., Registration], clock: Clock
) -> None:
    registration = insert_registration(event=october_event)
    clock("2025-10-21T07:00:00+00:00")

    queue_due_reminders_now()

    assert queued_keys() == [f"reminder:7d:registration:{registration.id}"]


def test_a_reminder_is_never_queued_twice(
    october_event: Event, insert_registration: Callable[..., Registration], clock: Clock
) -> None:
    insert_registration(event=october_event)
    clock("2025-10-21T07:00:00+00:00")
    queue_due_reminders_now()
    clock("2025-10-21T09:00:00+00:00")

    queue_due_reminders_now()

    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1


@pytest.mark.parametrize("status", [RegistrationStatus.cancelled, RegistrationStatus.waitlisted])
def test_only_confirmed_registrations_get_reminders(
    october_event: Event,
    insert_registration: Callable[..., Registration],
    clock: Clock,
    status: RegistrationStatus,
) -> None:
    insert_registration(event=october_event, status=status)
    clock("2025-10-21T07:00:00+00:00")

    queue_due_reminders_now()

    assert queued_keys() == []


def test_no_reminder_once_the_event_has_begun(
    october_event: Event, insert_registration: Callable[..., Registration], clock: Clock
) -> None:
    insert_registration(event=october_event)
    clock("2025-10-28T08:00:00+00:00")

    queue_due_reminders_now()

    assert queued_keys() == []


def test_no_reminder_for_an_event_that_is_not_published(
    create_event: Callable[..., Event],
    insert_registration: Callable[..., Registration],
    clock: Clock,
) -> None:
    event = create_event(
        RADIOPHARMACY_DAY, starts_at=AFTER_OCTOBER_CHANGE, status=EventStatus.cancelled
    )
    insert_registration(event=event)
    clock("2025-10-21T07:00:00+00:00")

    queue_due_reminders_now()

    assert queued_keys() == []


def test_a_registration_confirmed_after_the_reminders_moment_does_not_get_it(
    october_event: Event, insert_registration: Callable[..., Registration], clock: Clock
) -> None:
    three_days_before = datetime(2025, 10, 25, 10, 0, tzinfo=UTC)
    insert_registration(
        event=october_event, created_at=three_days_before, confirmed_at=three_days_before
    )
    clock("2025-10-25T10:00:00+00:00")

    queue_due_reminders_now()

    assert queued_keys() == []


def test_a_missed_run_catches_up_with_only_the_nearest_reminder(
    october_event: Event, insert_registration: Callable[..., Registration], clock: Clock
) -> None:
    registration = insert_registration(event=october_event)
    clock("2025-10-27T10:00:00+00:00")

    queue_due_reminders_now()

    assert queued_keys() == [f"reminder:1d:registration:{registration.id}"]


def test_after_the_seven_day_reminder_the_one_day_reminder_follows(
    october_event: Event, insert_registration: Callable[..., Registration], clock: Clock
) -> None:
    registration = insert_registration(event=october_event)
    clock("2025-10-21T07:00:00+00:00")
    queue_due_reminders_now()
    clock("2025-10-27T08:00:00+00:00")

    queue_due_reminders_now()

    assert queued_keys() == [
        f"reminder:1d:registration:{registration.id}",
        f"reminder:7d:registration:{registration.id}",
    ]


def test_when_the_event_moves_its_unsent_reminders_move_with_it(
    october_event: Event, insert_registration: Callable[..., Registration], clock: Clock
) -> None:
    insert_registration(event=october_event)
    october_event.starts_at = datetime(2025, 11, 4, 8, 0, tzinfo=UTC)
    october_event.ends_at = datetime(2025, 11, 4, 15, 0, tzinfo=UTC)
    db.session.commit()

    assert due_reminders(datetime(2025, 10, 21, 7, 0, tzinfo=UTC)) == []
    assert len(due_reminders(datetime(2025, 10, 28, 8, 0, tzinfo=UTC))) == 1


def test_offsets_are_editable_per_event(
    create_event: Callable[..., Event],
    insert_registration: Callable[..., Registration],
    clock: Clock,
) -> None:
    event = create_event(
        RADIOPHARMACY_DAY, starts_at=AFTER_OCTOBER_CHANGE, reminder_offsets_days=[3]
    )
    registration = insert_registration(event=event)
    clock("2025-10-25T08:00:00+00:00")

    queue_due_reminders_now()

    assert queued_keys() == [f"reminder:3d:registration:{registration.id}"]


def test_a_german_registrant_gets_the_reminder_in_german(
    october_event: Event, insert_registration: Callable[..., Registration], clock: Clock
) -> None:
    insert_registration(event=october_event, language="de", name="Anna Berg")
    clock("2025-10-21T07:00:00+00:00")

    queue_due_reminders_now()

    message = db.session.scalar(select(OutboxMessage))
    assert message is not None
    assert message.language == "de"
    assert message.subject.startswith("Erinnerung:")
    assert "Guten Tag Anna Berg" in message.text_body
    assert "in 7 Tagen" in (message.html_body or "")


def test_an_english_reminder_shows_the_local_time_of_the_event(
    october_event: Event, insert_registration: Callable[..., Registration], clock: Clock
) -> None:
    insert_registration(event=october_event, name="Ben <Admin>")
    clock("2025-10-21T07:00:00+00:00")

    queue_due_reminders_now()

    message = db.session.scalar(select(OutboxMessage))
    assert message is not None
    assert message.subject.startswith("Reminder:")
    assert "28 October 2025, 09:00 \N{EN DASH} 16:00 (Europe/Berlin)" in message.text_body
    assert "http://localhost/events/" in message.text_body
    assert "Ben &lt;Admin&gt;" in (message.html_body or "")


def test_the_dry_run_lists_due_reminders_without_queueing_them(
    app: Flask, october_event: Event, insert_registration: Callable[..., Registration]
) -> None:
    registration = insert_registration(event=october_event)

    result = app.test_cli_runner().invoke(
        args=["reminders", "send", "--now", "2025-10-21T07:00:00+00:00", "--dry-run"]
    )

    assert result.exit_code == 0, result.output
    assert f"reminder:7d:registration:{registration.id}" in result.output
    assert queued_keys() == []


def test_the_send_command_queues_due_reminders_at_the_given_instant(
    app: Flask, october_event: Event, insert_registration: Callable[..., Registration]
) -> None:
    registration = insert_registration(event=october_event)

    result = app.test_cli_runner().invoke(
        args=["reminders", "send", "--now", "2025-10-21T09:00:00+02:00"]
    )

    assert result.exit_code == 0, result.output
    assert queued_keys() == [f"reminder:7d:registration:{registration.id}"]


def test_the_send_command_refuses_an_instant_without_an_offset(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["reminders", "send", "--now", "2025-10-21T07:00:00"]
    )

    assert result.exit_code == 2
    assert "offset" in result.output
