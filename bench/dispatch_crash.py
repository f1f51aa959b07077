"""Dispatchers killed mid-batch: does every mail arrive, how soon, and how often twice?

Queues the mails, then runs ``flask --app wsgi mail dispatch`` processes side by side against a
local SMTP server that takes a while per message, kills them all with SIGKILL after a random
part of a batch, again and again, and finally lets one more dispatcher finish. Prints what
arrived, how many arrived twice, how many of those under a different Message-ID, and how long
the last mail took after the last kill.

Run: .venv/bin/python -m bench.dispatch_crash [--mails 300] [--dispatchers 2] [--kills 4]
     [--smtp-seconds 0.05] [--database postgresql|sqlite]
"""

import argparse
import asyncio
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.parser import BytesHeaderParser
from email.policy import default
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import insert

from bench.common import scratch_postgres_database
from bench.http_load import free_port
from crm import PROJECT_ROOT, create_app
from crm.extensions import db
from crm.mail.models import OutboxMessage

ROUND_SECONDS = 30
FINISH_SECONDS = 120


@dataclass
class Arrival:
    recipient: str
    message_id: str
    at: float  # time.monotonic()


class SlowSink:
    """An SMTP server's mail handler that takes ``seconds`` per message and keeps each one."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.arrivals: list[Arrival] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(self.seconds)
        headers = BytesHeaderParser(policy=default).parsebytes(envelope.content)
        self.arrivals.append(
            Arrival(envelope.rcpt_tos[0], str(headers["Message-ID"]), time.monotonic())
        )
        return "250 Message accepted for delivery"


@contextmanager
def slow_smtp_server(seconds: float) -> Iterator[tuple[SlowSink, int]]:
    sink = SlowSink(seconds)
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


@dataclass
class CrashOutcome:
    queued: int
    arrivals: list[Arrival]
    last_kill_at: float
    kills: int
    dispatchers: int
    copies: dict[str, list[str]] = field(init=False)

    def __post_init__(self) -> None:
        self.copies = defaultdict(list)
        for arrival in self.arrivals:
            self.copies[arrival.recipient].append(arrival.message_id)

    @property
    def delivered(self) -> int:
        return len(self.copies)

    @property
    def duplicates(self) -> int:
        return len(self.arrivals) - len(self.copies)

    @property
    def duplicates_with_differing_message_id(self) -> int:
        return sum(1 for ids in self.copies.values() if len(set(ids)) > 1)

    @property
    def seconds_after_last_kill(self) -> float:
        """How long after the last kill the last mail arrived (0 if none came after it)."""
        latest = max((arrival.at for arrival in self.arrivals), default=self.last_kill_at)
        return max(0.0, latest - self.last_kill_at)

    def __str__(self) -> str:
        return "\n".join(
            [
                f"{self.queued} mails, {self.dispatchers} dispatchers, SIGKILL x{self.kills}",
                f"delivered                          {self.delivered}",
                f"duplicates                         {self.duplicates}",
                f"duplicates with differing ID       {self.duplicates_with_differing_message_id}",
                f"max delay after the last kill      {self.seconds_after_last_kill:.1f} s",
            ]
        )


def queue_mails(count: int) -> None:
    """``count`` due mails, one per recipient, straight into the outbox (app context needed)."""
    db.session.execute(
        insert(OutboxMessage),
        [
            {
                "key": f"crash:{number}",
                "to_email": f"guest{number}@isotopia.example",
                "to_name": f"Guest {number}",
                "subject": "Your seat is confirmed",
                "text_body": "See you in Dresden.",
            }
            for number in range(count)
        ],
    )
    db.session.commit()


def dispatcher_environment(database_url: str, smtp_port: int, instance: Path) -> dict[str, str]:
    return os.environ | {
        "DATABASE_URL": database_url,
        "CRM_INSTANCE_PATH": str(instance),
        "SECRET_KEY": "crash-test",
        "MAIL_TRANSPORT": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_port),
    }


def start_dispatcher(environment: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "mail", "dispatch", "--once"],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def kill_mid_batch(
    processes: list[subprocess.Popen[bytes]], sink: SlowSink, arrivals: int, rng: random.Random
) -> None:
    """SIGKILL every process once ``arrivals`` more mails came, at a random moment within the
    next message (or when they all ended, or after ROUND_SECONDS)."""
    target = len(sink.arrivals) + arrivals
    deadline = time.monotonic() + ROUND_SECONDS
    while len(sink.arrivals) < target and time.monotonic() < deadline:
        if all(process.poll() is not None for process in processes):
            break
        time.sleep(0.005)
    time.sleep(rng.uniform(0, sink.seconds))
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait()


def crash_dispatchers(
    environment: dict[str, str],
    sink: SlowSink,
    *,
    queued: int,
    dispatchers: int,
    kills: int,
    seed: int = 18,
) -> CrashOutcome:
    """Kill ``dispatchers`` processes mid-batch ``kills`` times, then let one more finish."""
    rng = random.Random(seed)
    per_round = max(1, queued // (2 * kills))
    for _ in range(kills):
        processes = [start_dispatcher(environment) for _ in range(dispatchers)]
        kill_mid_batch(processes, sink, rng.randint(per_round // 2, per_round), rng)
    last_kill_at = time.monotonic()
    start_dispatcher(environment).wait(timeout=FINISH_SECONDS)
    return CrashOutcome(queued, list(sink.arrivals), last_kill_at, kills, dispatchers)


@contextmanager
def database(kind: str, directory: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{directory / 'crash.sqlite3'}"
        return
    with scratch_postgres_database() as url:
        yield url.replace("postgresql://", "postgresql+psycopg://", 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mails", type=int, default=300)
    parser.add_argument("--dispatchers", type=int, default=2)
    parser.add_argument("--kills", type=int, default=4)
    parser.add_argument("--smtp-seconds", type=float, default=0.05)
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
    options = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as scratch,
        database(options.database, Path(scratch)) as url,
        slow_smtp_server(options.smtp_seconds) as (sink, port),
    ):
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "crash-test"})
        with app.app_context():
            db.create_all()
            queue_mails(options.mails)
            db.engine.dispose()
        outcome = crash_dispatchers(
            dispatcher_environment(url, port, Path(scratch) / "instance"),
            sink,
            queued=options.mails,
            dispatchers=options.dispatchers,
            kills=options.kills,
        )
    print(f"{options.database}, SMTP taking {options.smtp_seconds * 1000:.0f} ms per message")
    print(outcome)


if __name__ == "__main__":
    main()
