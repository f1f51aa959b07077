import email
import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.message import Message
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, text

from crm import create_app
from crm.db import utcnow
from crm.extensions import db, mail
from crm.leads.models import Activity, ActivityKind, Company
from crm.mail.dispatch import dispatch_due
from crm.mail.hooks import use_invitation_writer
from crm.mail.models import OutboxMessage, OutboxStatus
from crm.mail.services import cancel_pending_to, claim_next, mark_sent
from crm.mail.sole_dispatcher import sole_dispatcher
from tests.conftest import SMTPServer

NOON = "2025-10-21T12:00:00+00:00"


def arrived(server: SMTPServer, index: int = 0) -> Message:
    return email.message_from_bytes(server.messages[index]["data"], policy=default)


def test_a_due_message_is_sent_over_smtp_and_marked_sent(
    smtp_server: SMTPServer, app: Flask, create_message: Callable[..., OutboxMessage]
) -> None:
    message = create_message(to_email="anna@isotopia.example", subject="Welcome")

    dispatch_due()

    assert [m["rcpt_tos"] for m in smtp_server.messages] == [["anna@isotopia.example"]]
    assert arrived(smtp_server)["Subject"] == "Welcome"
    db.session.refresh(message)
    assert message.status is OutboxStatus.sent
    assert message.sent_at is not None


def test_smtp_mail_goes_through_flask_mail_so_its_recording_sees_it(
    smtp_server: SMTPServer, app: Flask, create_message: Callable[..., OutboxMessage]
) -> None:
    create_message(subject="Recorded")

    with mail.record_messages() as recorded:
        dispatch_due()

    assert [message.subject for message in recorded] == ["Recorded"]


def test_the_file_transport_writes_each_message_as_an_eml_file(
    app: Flask, create_message: Callable[..., OutboxMessage]
) -> None:
    create_message(to_email="anna@isotopia.example")
    create_message(to_email="ben@isotopia.example")

    dispatch_due()

    files = sorted(Path(app.config["MAIL_FILE_DIR"]).glob("*.eml"))
    recipients = {
        email.message_from_bytes(path.read_bytes(), policy=default)["To"].addresses[0].addr_spec
        for path in files
    }
    assert recipients == {"anna@isotopia.example", "ben@isotopia.example"}


def test_a_message_already_sent_is_not_sent_again(
    smtp_server: SMTPServer, app: Flask, create_message: Callable[..., OutboxMessage]
) -> None:
    create_message()
    dispatch_due()

    dispatch_due()

    assert len(smtp_server.messages) == 1


def test_a_sent_message_to_a_company_contact_appears_on_its_timeline(
    app: Flask,
    create_message: Callable[..., OutboxMessage],
    create_company: Callable[..., Company],
) -> None:
    company = create_company()
    create_message(company_id=company.id, subject="Your seat is confirmed")

    dispatch_due()

    activity = db.session.scalar(select(Activity).where(Activity.company_id == company.id))
    assert activity is not None
    assert activity.kind is ActivityKind.mail_sent
    assert "Your seat is confirmed" in activity.subject


def test_a_line_break_in_the_name_cannot_inject_headers_or_recipients(
    smtp_server: SMTPServer, app: Flask, create_message: Callable[..., OutboxMessage]
) -> None:
    create_message(
        to_email="eve@isotopia.example",
        to_name="Eve\r\nBcc: x@example.org",
        subject="Hello\r\nBcc: y@example.org",
    )

    dispatch_due()

    assert smtp_server.messages[0]["rcpt_tos"] == ["eve@isotopia.example"]
    received = arrived(smtp_server)
    assert received["Bcc"] is None
    assert [address.addr_spec for address in received["To"].addresses] == ["eve@isotopia.example"]
    assert b"\r\nBcc:" not in smtp_server.messages[0]["data"]


def test_a_server_that_is_down_loses_nothing_and_the_message_goes_out_once_it_is_back(
    smtp_server: SMTPServer,
    app: Flask,
    create_message: Callable[..., OutboxMessage],
    clock: Callable[[str], None],
) -> None:
    clock(NOON)
    message = create_message()
    smtp_server.stop()

    dispatch_due()
    db.session.refresh(message)
    assert message.status is OutboxStatus.pending
    assert message.last_error

    smtp_server.start()
    clock("2025-10-21T12:05:00+00:00")
    dispatch_due()
    dispatch_due()

    assert len(smtp_server.messages) == 1
    db.session.refresh(message)
    assert message.status is OutboxStatus.sent


def test_transient_failures_are_retried_with_exponential_backoff(
    smtp_server: SMTPServer,
    app: Flask,
    create_message: Callable[..., OutboxMessage],
    clock: Callable[[str], None],
) -> None:
    clock(NOON)
    message = create_message()
    smtp_server.stop()
    noon = datetime(2025, 10, 21, 12, 0, tzinfo=UTC)

    dispatch_due()
    db.session.refresh(message)
    first_wait = message.next_attempt_at - noon
    clock(message.next_attempt_at.isoformat())
    dispatch_due()
    db.session.refresh(message)

    assert first_wait == timedelta(seconds=60)
    assert message.next_attempt_at - (noon + first_wait) == timedelta(seconds=120)
    assert message.attempts == 2


def test_a_message_is_not_retried_before_its_next_attempt(
    smtp_server: SMTPServer,
    app: Flask,
    create_message: Callable[..., OutboxMessage],
    clock: Callable[[str], None],
) -> None:
    clock(NOON)
    message = create_message()
    smtp_server.stop()
    dispatch_due()
    smtp_server.start()

    dispatch_due()

    db.session.refresh(message)
    assert message.attempts == 1
    assert smtp_server.messages == []


@pytest.fixture
def two_attempts(app_config: dict[str, Any]) -> None:
    app_config["MAIL_MAX_ATTEMPTS"] = 2


def test_after_the_last_attempt_the_message_fails_with_the_error(
    smtp_server: SMTPServer,
    two_attempts: None,
    app: Flask,
    create_message: Callable[..., OutboxMessage],
    clock: Callable[[str], None],
) -> None:
    clock(NOON)
    message = create_message()
    smtp_server.stop()
    dispatch_due()
    clock("2025-10-21T13:00:00+00:00")

    dispatch_due()

    db.session.refresh(message)
    assert message.status is OutboxStatus.failed
    assert "Connection" in (message.last_error or "")


def test_a_permanent_rejection_fails_at_once_without_retrying(
    smtp_server: SMTPServer, app: Flask, create_message: Callable[..., OutboxMessage]
) -> None:
    smtp_server.handler.reject_with = "550 5.1.1 Mailbox unavailable"
    message = create_message()

    dispatch_due()

    db.session.refresh(message)
    assert message.status is OutboxStatus.failed
    assert message.attempts == 1
    assert "550" in (message.last_error or "")


@pytest.mark.parametrize(
    "address",
    ["no-domain", "x@isotopia.example\r\nBcc: y@example.org"],
    ids=["without-domain", "with-line-break"],
)
def test_an_unusable_address_fails_at_once_and_reaches_no_server(
    smtp_server: SMTPServer,
    app: Flask,
    create_message: Callable[..., OutboxMessage],
    address: str,
) -> None:
    message = create_message(to_email=address)

    dispatch_due()

    db.session.refresh(message)
    assert message.status is OutboxStatus.failed
    assert smtp_server.messages == []


def test_a_temporary_rejection_is_retried(
    smtp_server: SMTPServer, app: Flask, create_message: Callable[..., OutboxMessage]
) -> None:
    smtp_server.handler.reject_with = "451 4.3.0 Try again later"
    message = create_message()

    dispatch_due()

    db.session.refresh(message)
    assert message.status is OutboxStatus.pending
    assert "451" in (message.last_error or "")


def left_sending(message: OutboxMessage) -> None:
    """The row as a dispatcher killed while sending it leaves it (SQLite commits the claim)."""
    message.status = OutboxStatus.sending
    message.attempts += 1
    message.claimed_at = utcnow()
    db.session.commit()


def test_a_message_left_sending_by_a_dead_dispatcher_is_sent_by_the_next_one_at_once(
    smtp_server: SMTPServer, app: Flask, create_message: Callable[..., OutboxMessage]
) -> None:
    message = create_message()
    left_sending(message)

    dispatch_due()

    assert len(smtp_server.messages) == 1
    db.session.refresh(message)
    assert (message.status, message.attempts) == (OutboxStatus.sent, 2)


def test_a_message_sent_again_after_a_crash_has_the_same_message_id(
    smtp_server: SMTPServer, app: Flask, create_message: Callable[..., OutboxMessage]
) -> None:
    message = create_message()
    dispatch_due()
    db.session.refresh(message)
    message.status = OutboxStatus.sending  # delivered, but killed before recording it
    db.session.commit()

    dispatch_due()

    first, second = arrived(smtp_server, 0), arrived(smtp_server, 1)
    assert first["Message-ID"] == second["Message-ID"]
    assert first["Message-ID"].endswith("@localhost>")


def test_each_message_has_its_own_message_id(
    smtp_server: SMTPServer, app: Flask, create_message: Callable[..., OutboxMessage]
) -> None:
    create_message()
    create_message()

    dispatch_due()

    assert arrived(smtp_server, 0)["Message-ID"] != arrived(smtp_server, 1)["Message-ID"]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_on_sqlite_a_second_dispatcher_sends_nothing_while_the_first_runs(
    smtp_server: SMTPServer, app: Flask, create_message: Callable[..., OutboxMessage]
) -> None:
    message = create_message()
    left_sending(message)

    with sole_dispatcher() as first_may_send:
        report = dispatch_due()

    assert first_may_send
    assert not report
    assert smtp_server.messages == []
    db.session.refresh(message)
    assert message.status is OutboxStatus.sending


def test_a_message_whose_dispatcher_died_on_every_attempt_fails(
    smtp_server: SMTPServer,
    two_attempts: None,
    app: Flask,
    create_message: Callable[..., OutboxMessage],
    clock: Callable[[str], None],
) -> None:
    clock(NOON)
    message = create_message()
    message.attempts = 1
    left_sending(message)

    dispatch_due()

    db.session.refresh(message)
    assert message.status is OutboxStatus.failed
    assert smtp_server.messages == []


def test_a_mail_that_cannot_be_built_fails_with_the_error_and_holds_up_no_other(
    smtp_server: SMTPServer, app: Flask, create_message: Callable[..., OutboxMessage]
) -> None:
    def broken_writer(message: OutboxMessage) -> str:
        raise RuntimeError("no calendar today")

    use_invitation_writer(app, broken_writer)
    broken = create_message(calendar_method="REQUEST")
    create_message(to_email="ben@isotopia.example")

    report = dispatch_due()

    assert (report.sent, report.failed) == (1, 1)
    assert smtp_server.messages[0]["rcpt_tos"] == ["ben@isotopia.example"]
    db.session.refresh(broken)
    assert broken.status is OutboxStatus.failed
    assert broken.last_error == "RuntimeError: no calendar today"


def test_the_dispatch_command_sends_what_is_due_and_exits(
    app: Flask, create_message: Callable[..., OutboxMessage], caplog: pytest.LogCaptureFixture
) -> None:
    message = create_message()

    with caplog.at_level(logging.INFO, logger="crm.worker"):
        result = app.test_cli_runner().invoke(args=["mail", "dispatch", "--once"])

    assert result.exit_code == 0, result.output
    assert "dispatch_due: 1 sent, 0 to retry, 0 failed" in caplog.messages
    db.session.refresh(message)
    assert message.status is OutboxStatus.sent


@pytest.fixture
def postgres_app(postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """An application on PostgreSQL only, for the test of concurrent dispatchers."""
    monkeypatch.setenv("CRM_INSTANCE_PATH", str(tmp_path / "instance"))
    application = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": postgres_url,
            "SECRET_KEY": "test-secret-key",
            "MAIL_TRANSPORT": "file",
            "MAIL_FILE_DIR": str(tmp_path / "mail"),
        }
    )
    with application.app_context():
        db.drop_all()
        db.create_all()
        yield application
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def test_two_dispatchers_at_once_on_postgresql_send_every_message_exactly_once(
    postgres_app: Flask,
) -> None:
    for number in range(60):
        db.session.add(
            OutboxMessage(
                key=f"concurrent:{number}",
                to_email=f"guest{number}@isotopia.example",
                subject="Hello",
                text_body="Hello",
            )
        )
    db.session.commit()
    start = threading.Barrier(2)
    sent: list[int] = []

    def dispatcher() -> None:
        with postgres_app.app_context():
            start.wait()
            sent.append(dispatch_due().sent)
            db.session.remove()

    threads = [threading.Thread(target=dispatcher) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    files = list(Path(postgres_app.config["MAIL_FILE_DIR"]).glob("*.eml"))
    recipients = [
        email.message_from_bytes(path.read_bytes(), policy=default)["To"].addresses[0].addr_spec
        for path in files
    ]
    assert sorted(recipients) == sorted(f"guest{n}@isotopia.example" for n in range(60))
    assert sum(sent) == 60


def test_a_batch_of_due_mail_goes_over_one_smtp_connection(
    smtp_server: SMTPServer, app: Flask, create_message: Callable[..., OutboxMessage]
) -> None:
    for number in range(3):
        create_message(key=f"batch:{number}", to_email=f"person{number}@isotopia.example")
    db.session.commit()
    assert dispatch_due().sent == 3
    assert len(smtp_server.messages) == 3
    assert len({message["session"] for message in smtp_server.messages}) == 1


def wait_until_a_transaction_waits_for_a_lock() -> None:
    deadline = time.monotonic() + 10
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE wait_event_type = 'Lock' AND datname = current_database()"
    )
    while not db.session.scalar(waiting):
        db.session.rollback()  # the statistics are read once per transaction
        assert time.monotonic() < deadline, "nobody waited for the dispatcher's row lock"
        time.sleep(0.01)
    db.session.rollback()


def test_on_postgresql_an_erasure_waits_for_the_message_being_sent_and_leaves_it_sent(
    postgres_app: Flask,
) -> None:
    db.session.add(
        OutboxMessage(key="race:1", to_email="anna@isotopia.example", subject="Hi", text_body="Hi")
    )
    db.session.commit()
    claimed, may_finish = threading.Event(), threading.Event()
    cancelled: list[int] = []

    def dispatcher() -> None:
        with postgres_app.app_context():
            message = claim_next()
            assert message is not None
            claimed.set()
            may_finish.wait(10)
            mark_sent(message)
            db.session.commit()
            db.session.remove()

    def erasure() -> None:
        with postgres_app.app_context():
            cancelled.append(cancel_pending_to("anna@isotopia.example"))
            db.session.commit()
            db.session.remove()

    sending = threading.Thread(target=dispatcher)
    sending.start()
    claimed.wait(10)
    erasing = threading.Thread(target=erasure)
    erasing.start()
    wait_until_a_transaction_waits_for_a_lock()
    may_finish.set()
    sending.join()
    erasing.join()

    assert cancelled == [0]
    message = db.session.scalar(select(OutboxMessage))
    assert message is not None and message.status is OutboxStatus.sent
