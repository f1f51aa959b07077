import logging
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from crm.extensions import db
from crm.mail.models import OutboxMessage, OutboxStatus
from crm.mail.outbox import queue_mail
from crm.worker import Worker

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def restored_signal_handlers() -> Iterator[None]:
    saved = {number: signal.getsignal(number) for number in (signal.SIGTERM, signal.SIGINT)}
    yield
    for number, handler in saved.items():
        signal.signal(number, handler)


def test_one_pass_of_the_worker_sends_the_outbox(app: Flask) -> None:
    queue_mail(
        "test:1", to_email="anna@isotopia.example", to_name="Anna", subject="Hi", text_body="Hi"
    )
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["worker", "--once"])

    assert result.exit_code == 0, result.output
    message = db.session.scalar(select(OutboxMessage))
    assert message is not None
    assert message.status is OutboxStatus.sent


def test_sigterm_ends_the_loop_after_the_current_pass(
    app: Flask, restored_signal_handlers: None
) -> None:
    worker = Worker(steps=[lambda: "done"], interval_seconds=3600)
    worker.install_signal_handlers()
    os.kill(os.getpid(), signal.SIGTERM)

    worker.run()

    assert worker.passes == 1


def test_a_failing_step_is_logged_and_the_next_step_still_runs(app: Flask) -> None:
    ran: list[str] = []

    def broken() -> None:
        raise RuntimeError("database went away")

    def dispatch() -> None:
        ran.append("dispatch")

    Worker(steps=[broken, dispatch]).run(once=True)

    assert ran == ["dispatch"]


def test_the_worker_process_exits_cleanly_on_sigterm(
    app: Flask, app_config: dict[str, Any], tmp_path: Path
) -> None:
    environment = os.environ | {
        "DATABASE_URL": app_config["DATABASE_URL"],
        "CRM_INSTANCE_PATH": str(tmp_path / "instance"),
        "SECRET_KEY": "test-secret-key",
        "MAIL_TRANSPORT": "file",
        "MAIL_FILE_DIR": str(tmp_path / "mail"),
        "PYTHONUNBUFFERED": "1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "worker"],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        first_line = process.stderr.readline()
        process.send_signal(signal.SIGTERM)
        return_code = process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()

    assert "worker started" in first_line
    assert return_code == 0


def test_an_idle_pass_logs_nothing_at_info_and_a_busy_pass_says_what_it_did(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    outcomes = iter(["", "2 reminders queued"])
    worker = Worker(steps=[lambda: next(outcomes)], interval_seconds=0)

    with caplog.at_level(logging.INFO, logger="crm.worker"):
        worker.run_pass()
        assert caplog.records == []
        worker.run_pass()

    assert [record.getMessage() for record in caplog.records] == ["<lambda>: 2 reminders queued"]


def test_a_failing_step_is_logged_with_its_traceback(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> None:
        raise RuntimeError("database went away")

    with caplog.at_level(logging.INFO, logger="crm.worker"):
        Worker(steps=[broken]).run_pass()

    (record,) = caplog.records
    assert record.levelno == logging.ERROR
    assert record.getMessage() == "broken failed"
    assert record.exc_info is not None
