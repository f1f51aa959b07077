"""Dispatcher processes killed with SIGKILL mid-batch, as a power cut or the OOM killer does."""

from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from bench.dispatch_crash import (
    crash_dispatchers,
    dispatcher_environment,
    queue_mails,
    slow_smtp_server,
)
from crm.extensions import db

MAILS = 200
KILLS = 4


@pytest.mark.parametrize(
    ("database_url", "dispatchers"),
    [("postgresql", 2), ("sqlite", 1)],
    indirect=["database_url"],
)
def test_killed_dispatchers_lose_no_mail_and_repeat_one_only_under_its_message_id(
    app: Flask, app_config: dict[str, Any], tmp_path: Path, dispatchers: int
) -> None:
    queue_mails(MAILS)
    db.session.remove()

    with slow_smtp_server(0.02) as (sink, port):
        outcome = crash_dispatchers(
            dispatcher_environment(app_config["DATABASE_URL"], port, tmp_path / "instance"),
            sink,
            queued=MAILS,
            dispatchers=dispatchers,
            kills=KILLS,
        )

    assert outcome.delivered == MAILS, outcome
    assert outcome.seconds_after_last_kill < 60, outcome
    assert outcome.duplicates_with_differing_message_id == 0, outcome
    assert outcome.duplicates <= dispatchers * KILLS, outcome
