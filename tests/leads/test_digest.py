"""The staff digest: once a day, after the local hour, to each staff member with tasks due."""

import email
from collections.abc import Callable
from datetime import date
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from crm import create_app
from crm.auth.models import Role, User
from crm.config import ConfigurationError
from crm.extensions import db
from crm.leads.digest import queue_due_digests_now
from crm.leads.models import Company, FollowUpTask, Stage
from crm.leads.roadmap import RoadmapStep, StepStatus, update_step
from crm.leads.services import complete_task
from crm.mail.models import OutboxMessage, OutboxStatus
from tests.conftest import SMTPServer
from tests.snapshots import assert_mail_matches_snapshots

SNAPSHOTS = Path(__file__).parent / "snapshots"
TODAY = date(2025, 10, 21)
BEFORE_THE_HOUR = "2025-10-21T04:59:00+00:00"  # 06:59 in Dresden (summer time)
AT_THE_HOUR = "2025-10-21T05:00:00+00:00"  # 07:00 in Dresden

CreateTask = Callable[..., FollowUpTask]


def queued_digests() -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.key.startswith("digest:"))
            .order_by(OutboxMessage.key)
        )
    )


def overdue_step(owner: User, company: Company, title: str, planned_on: date) -> RoadmapStep:
    """A roadmap step of ``company`` owned by ``owner``, planned for ``planned_on``."""
    step = RoadmapStep(company=company, title=title, authority="SMEKUL", owner_id=owner.id)
    db.session.add(step)
    db.session.flush()
    update_step(
        step,
        StepStatus.in_progress,
        owner_id=owner.id,
        planned_on=planned_on,
        done_on=None,
        today=planned_on,
        by=owner,
    )
    db.session.commit()
    return step


def test_before_the_local_hour_no_digest_is_queued(
    staff_user: User, create_task: CreateTask, clock: Callable[[str], None]
) -> None:
    create_task(staff_user, TODAY)
    clock(BEFORE_THE_HOUR)

    queue_due_digests_now()

    assert queued_digests() == []


def test_after_the_local_hour_each_staff_member_gets_one_digest(
    create_user: Callable[..., User], create_task: CreateTask, clock: Callable[[str], None]
) -> None:
    staff, admin = create_user(Role.staff), create_user(Role.admin)
    create_task(staff, TODAY)
    create_task(staff, date(2025, 10, 20))
    create_task(admin, TODAY)
    clock(AT_THE_HOUR)

    queue_due_digests_now()

    digests = queued_digests()
    assert [message.key for message in digests] == [
        f"digest:user:{staff.id}:2025-10-21",
        f"digest:user:{admin.id}:2025-10-21",
    ]
    assert [message.to_email for message in digests] == [staff.email, admin.email]


def test_a_second_run_the_same_day_queues_nothing(
    staff_user: User, create_task: CreateTask, clock: Callable[[str], None]
) -> None:
    create_task(staff_user, TODAY)
    clock(AT_THE_HOUR)
    queue_due_digests_now()
    create_task(staff_user, TODAY, title="A task added later that day")
    clock("2025-10-21T15:00:00+00:00")

    outcome = queue_due_digests_now()

    assert not outcome
    assert len(queued_digests()) == 1


def test_the_next_day_brings_a_new_digest(
    staff_user: User, create_task: CreateTask, clock: Callable[[str], None]
) -> None:
    create_task(staff_user, TODAY)
    clock(AT_THE_HOUR)
    queue_due_digests_now()
    clock("2025-10-22T05:00:00+00:00")

    queue_due_digests_now()

    assert [message.key for message in queued_digests()] == [
        f"digest:user:{staff_user.id}:2025-10-21",
        f"digest:user:{staff_user.id}:2025-10-22",
    ]
    assert "1 overdue, 0 due today" in queued_digests()[1].subject


def test_the_hour_is_local_time_after_summer_time_ends(
    staff_user: User, create_task: CreateTask, clock: Callable[[str], None]
) -> None:
    create_task(staff_user, date(2025, 10, 27))
    clock("2025-10-27T05:30:00+00:00")  # 06:30 in Dresden (winter time)
    queue_due_digests_now()
    assert queued_digests() == []

    clock("2025-10-27T06:00:00+00:00")  # 07:00 in Dresden
    queue_due_digests_now()

    assert len(queued_digests()) == 1


def test_the_local_hour_is_configurable(
    app: Flask, staff_user: User, create_task: CreateTask, clock: Callable[[str], None]
) -> None:
    app.config["DIGEST_LOCAL_HOUR"] = 9
    create_task(staff_user, TODAY)
    clock("2025-10-21T06:59:00+00:00")  # 08:59 in Dresden
    queue_due_digests_now()
    assert queued_digests() == []

    clock("2025-10-21T07:00:00+00:00")
    queue_due_digests_now()

    assert len(queued_digests()) == 1


def test_done_tasks_and_other_peoples_tasks_are_left_out(
    create_user: Callable[..., User], create_task: CreateTask, clock: Callable[[str], None]
) -> None:
    staff, colleague = create_user(Role.staff), create_user(Role.staff)
    create_task(staff, TODAY, title="Send the site plan")
    complete_task(create_task(staff, TODAY, title="Finished call"))
    create_task(colleague, TODAY, title="Colleague's visit")
    create_task(None, TODAY, title="Nobody's task")
    db.session.commit()
    clock(AT_THE_HOUR)

    queue_due_digests_now()

    mine = next(message for message in queued_digests() if message.to_email == staff.email)
    assert "Send the site plan" in mine.text_body
    assert "Finished call" not in mine.text_body
    assert "Colleague's visit" not in mine.text_body
    assert "Nobody's task" not in mine.text_body


def test_a_staff_member_with_nothing_overdue_or_due_today_gets_no_digest(
    staff_user: User, create_task: CreateTask, clock: Callable[[str], None]
) -> None:
    create_task(staff_user, date(2025, 10, 22), title="Due tomorrow")
    clock(AT_THE_HOUR)

    queue_due_digests_now()

    assert queued_digests() == []


def test_an_overdue_roadmap_step_alone_brings_a_digest(
    staff_user: User, create_company: Callable[..., Company], clock: Callable[[str], None]
) -> None:
    step = overdue_step(staff_user, create_company(), "Building permit", date(2025, 10, 20))
    settled = overdue_step(staff_user, create_company(), "GMP authorisation", date(2025, 10, 1))
    update_step(
        settled,
        StepStatus.granted,
        owner_id=staff_user.id,
        planned_on=settled.planned_on,
        done_on=None,
        today=TODAY,
        by=staff_user,
    )
    db.session.commit()
    clock(AT_THE_HOUR)

    queue_due_digests_now()

    [message] = queued_digests()
    assert "1 overdue, 0 due today" in message.subject
    assert step.title in message.text_body
    assert "GMP authorisation" not in message.text_body


def test_a_roadmap_step_planned_for_today_brings_no_digest(
    staff_user: User, create_company: Callable[..., Company], clock: Callable[[str], None]
) -> None:
    overdue_step(staff_user, create_company(), "Building permit", TODAY)
    clock(AT_THE_HOUR)

    queue_due_digests_now()

    assert queued_digests() == []


@pytest.mark.parametrize(
    "overrides", [{"is_enabled": False}, {"role": Role.viewer}], ids=["disabled", "now a viewer"]
)
def test_disabled_users_and_viewers_get_no_digest(
    create_user: Callable[..., User],
    create_task: CreateTask,
    clock: Callable[[str], None],
    overrides: dict[str, Any],
) -> None:
    user = create_user(Role.staff)
    create_task(user, TODAY)
    for field, value in overrides.items():
        setattr(user, field, value)
    db.session.commit()
    clock(AT_THE_HOUR)

    queue_due_digests_now()

    assert queued_digests() == []


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_digest_lists_overdue_tasks_first_and_matches_its_snapshot(
    language: str,
    create_user: Callable[..., User],
    create_company: Callable[..., Company],
    insert_company: Callable[..., Company],
    create_task: CreateTask,
    clock: Callable[[str], None],
) -> None:
    owner = create_user(Role.staff, name="Katrin Vogel", email="katrin.vogel@wfs.example")
    owner.language = language
    rotop = create_company(name="ROTOP Pharmaka GmbH")
    isotopia = create_company(name="Isotopia <Pharma> & Co")
    create_task(owner, TODAY, title="Send the site plan", company=rotop)
    create_task(owner, date(2025, 10, 14), title="Call about the GMP lab", company=isotopia)
    create_task(owner, date(2025, 10, 20), title="Book the cyclotron tour", company=rotop)
    overdue_step(owner, isotopia, "Radiation-protection licence (StrlSchG)", date(2025, 10, 17))
    insert_company(name="Landed Tracers GmbH", stage=Stage.landed, owner_id=owner.id)
    clock(AT_THE_HOUR)

    queue_due_digests_now()

    message = queued_digests()[0]
    assert message.language == language
    assert_mail_matches_snapshots(message, SNAPSHOTS, f"staff_digest.{language}")


def test_the_command_queues_the_digests_due_at_the_given_instant(
    app: Flask, staff_user: User, create_task: CreateTask
) -> None:
    create_task(staff_user, TODAY)

    result = app.test_cli_runner().invoke(args=["digest", "send", "--now", AT_THE_HOUR])

    assert result.exit_code == 0, result.output
    assert f"digest:user:{staff_user.id}:2025-10-21" in result.output
    assert "1 digests queued." in result.output
    db.session.rollback()
    assert len(queued_digests()) == 1


def test_a_dry_run_lists_the_due_digests_without_queueing_them(
    app: Flask, staff_user: User, create_task: CreateTask
) -> None:
    create_task(staff_user, TODAY)

    result = app.test_cli_runner().invoke(
        args=["digest", "send", "--now", AT_THE_HOUR, "--dry-run"]
    )

    assert result.exit_code == 0, result.output
    assert "0 overdue, 1 due today" in result.output
    assert "1 digests due." in result.output
    db.session.rollback()
    assert queued_digests() == []


def test_the_command_refuses_an_instant_without_a_time_zone(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["digest", "send", "--now", "2025-10-21T07:00"])

    assert result.exit_code == 2
    assert "time zone offset" in result.output


def test_the_worker_sends_the_digest_over_smtp(
    smtp_server: SMTPServer,
    app: Flask,
    create_user: Callable[..., User],
    create_company: Callable[..., Company],
    create_task: CreateTask,
    clock: Callable[[str], None],
) -> None:
    owner = create_user(Role.staff, name="Katrin Vogel", email="katrin.vogel@wfs.example")
    company = create_company(name="ROTOP Pharmaka GmbH")
    create_task(owner, date(2025, 10, 20), title="Book the cyclotron tour", company=company)
    clock(AT_THE_HOUR)

    result = app.test_cli_runner().invoke(args=["worker", "--once"])

    assert result.exit_code == 0, result.output
    assert [envelope["rcpt_tos"] for envelope in smtp_server.messages] == [
        ["katrin.vogel@wfs.example"]
    ]
    arrived = email.message_from_bytes(smtp_server.messages[0]["data"], policy=default)
    assert isinstance(arrived, EmailMessage)
    assert arrived["To"] == "Katrin Vogel <katrin.vogel@wfs.example>"
    assert arrived["Subject"] == "Your follow-ups on 21 October 2025: 1 overdue, 0 due today"
    text_part = arrived.get_body(preferencelist=("plain",))
    html_part = arrived.get_body(preferencelist=("html",))
    assert text_part is not None and html_part is not None
    assert "Book the cyclotron tour" in text_part.get_content()
    assert f'href="http://localhost/leads/{company.id}"' in html_part.get_content()
    assert queued_digests()[0].status is OutboxStatus.sent


@pytest.mark.parametrize(
    ("key", "value"), [("DIGEST_TIMEZONE", "Europe/Dresden"), ("DIGEST_LOCAL_HOUR", 24)]
)
def test_a_wrong_digest_setting_is_refused_at_start(
    app_config: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    key: str,
    value: object,
) -> None:
    monkeypatch.setenv("CRM_INSTANCE_PATH", str(tmp_path / "instance"))

    with pytest.raises(ConfigurationError, match=key):
        create_app(app_config | {key: value})
