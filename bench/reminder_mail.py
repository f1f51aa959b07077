"""Reminders for 10,000 registrations: queued, then dispatched to a local SMTP server, per second,
beside a bare smtplib loop sending the same number of copies of one reminder over one
connection to the same server (the ceiling: no database, no rendering).

Dispatchers claim rows with FOR UPDATE SKIP LOCKED, so several run side by side; each outcome is
committed on its own so that nothing is ever sent twice.

Run: .venv/bin/python -m bench.reminder_mail [--registrations N] [--dispatchers D] [--json FILE]
"""

import argparse
import smtplib
import threading
import time
from datetime import datetime, timedelta
from datetime import time as local_time
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import insert

from bench.common import bench_app, machine, scratch_postgres_database, write_json
from bench.http_load import free_port
from crm.db import utcnow
from crm.events.models import Event, EventStatus, Registration, RegistrationStatus
from crm.extensions import db
from crm.mail.dispatch import dispatch_due
from crm.reminders.services import queue_due_reminders


class CountingHandler:
    def __init__(self) -> None:
        self.received = 0
        self.first: Any = None

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        self.received += 1
        if self.first is None:
            self.first = envelope
        return "250 OK"


def bare_loop(port: int, envelope: Any, count: int) -> float:
    """Seconds to send ``count`` copies of one received mail with smtplib over one connection."""
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as connection:
        for _ in range(count):
            connection.sendmail(envelope.mail_from, envelope.rcpt_tos, envelope.original_content)
    return time.perf_counter() - started


def future_event() -> Event:
    event = Event(
        slug="bench-forum",
        title_en="Bench Forum",
        is_all_day=False,
        timezone="Europe/Berlin",
        city="Dresden",
        country="DE",
        organiser_name="WFS",
        organiser_email="events@wfs.example",
        status=EventStatus.published,
    )
    day = (utcnow() + timedelta(days=30)).date()
    event.starts_at = datetime.combine(day, local_time(9, 0), event.zone)
    event.ends_at = event.starts_at + timedelta(hours=8)
    return event


def add_registrations(event: Event, count: int) -> None:
    confirmed_at = utcnow() - timedelta(days=1)
    rows = [
        {
            "event_id": event.id,
            "email": f"person{n}@company{n}.example",
            "name": f"Person {n}",
            "company_name": f"Company {n}",
            "language": "de" if n % 2 else "en",
            "status": RegistrationStatus.confirmed,
            "sequence": 0,
            "consent_version": "bench",
            "consent_at": confirmed_at,
            "created_at": confirmed_at,
            "confirmed_at": confirmed_at,
            "answers": {},
            "manage_nonce": f"nonce{n}",
        }
        for n in range(count)
    ]
    db.session.execute(insert(Registration), rows)
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--registrations", type=int, default=10_000)
    parser.add_argument("--dispatchers", type=int, default=2)
    parser.add_argument("--json", help="also write the figures to this file")
    options = parser.parse_args()
    handler = CountingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with scratch_postgres_database() as url:
            app = bench_app(url, MAIL_TRANSPORT="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
            with app.app_context():
                event = future_event()
                db.session.add(event)
                db.session.commit()
                add_registrations(event, options.registrations)
                reminder_moment = event.starts_at - timedelta(days=7) + timedelta(minutes=1)

                started = time.perf_counter()
                queued = queue_due_reminders(reminder_moment)
                db.session.commit()
                queue_seconds = time.perf_counter() - started

                sent: list[int] = []

                def dispatcher() -> None:
                    with app.app_context():
                        sent.append(dispatch_due().sent)

                threads = [threading.Thread(target=dispatcher) for _ in range(options.dispatchers)]
                started = time.perf_counter()
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                dispatch_seconds = time.perf_counter() - started
                figures: dict[str, Any] = {
                    "registrations": options.registrations,
                    "machine": machine(),
                }
                db.engine.dispose()
        received = handler.received
        bare_seconds = bare_loop(port, handler.first, sum(sent))
    finally:
        controller.stop()
    print(f"{options.registrations} confirmed registrations on PostgreSQL, local aiosmtpd")
    print(
        f"queued   {len(queued):6d} reminders in {queue_seconds:7.1f} s = "
        f"{len(queued) / queue_seconds:8.1f} per second"
    )
    print(
        f"sent     {sum(sent):6d} mails     in {dispatch_seconds:7.1f} s = "
        f"{sum(sent) / dispatch_seconds:8.1f} per second by {options.dispatchers} dispatchers; "
        f"server received {received}"
    )
    print(
        f"bare     {sum(sent):6d} mails     in {bare_seconds:7.1f} s = "
        f"{sum(sent) / bare_seconds:8.1f} per second by one smtplib loop; "
        f"the outbox sends at {bare_seconds / dispatch_seconds:.2f} of that rate"
    )
    figures |= {
        "reminders_queued": len(queued),
        "queue_seconds": round(queue_seconds, 2),
        "queued_per_second": round(len(queued) / queue_seconds, 1),
        "dispatchers": options.dispatchers,
        "mails_sent": sum(sent),
        "server_received": received,
        "dispatch_seconds": round(dispatch_seconds, 2),
        "dispatched_per_second": round(sum(sent) / dispatch_seconds, 1),
        "bare_smtplib_seconds": round(bare_seconds, 2),
        "bare_smtplib_per_second": round(sum(sent) / bare_seconds, 1),
        "dispatch_to_bare_ratio": round(bare_seconds / dispatch_seconds, 3),
    }
    write_json(options.json, figures)


if __name__ == "__main__":
    main()
