"""Registration throughput on PostgreSQL under gunicorn, as a ratio of a bare Flask endpoint.

One gunicorn (``bench.registration_app``: the product's app plus a bare POST endpoint that
parses the JSON body) serves both in the same run, in alternating rounds of ``--seconds``
each: the bare endpoint, then ``POST /api/v1/events/<slug>/registrations`` (a new person from a
new company each time). Every request comes on a new connection from a loopback address of its
own, so that the rate limits (on, as in production) count each as a new visitor. After the
run the database is checked: no more confirmed than the capacity, the waiting list behind every
confirmed seat in order of arrival, one live registration per email, one outbox row for each
registration, and one registration for each accepted request.

Run: .venv/bin/python -m bench.registration [--rounds 3] [--seconds 10] [--concurrency 8]
     [--workers 2] [--threads 4] [--capacity 300] [--json FILE]
"""

import argparse
import os
import tempfile
from itertools import count
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bench.common import bench_app, machine, scratch_postgres_database, write_json
from bench.http_load import gunicorn, timed_posts
from bench.registration_app import BARE_PATH
from crm.events.models import Event, Registration, RegistrationStatus
from crm.extensions import db
from crm.mail.models import OutboxMessage
from crm.seed.services import seed

EVENT = "demo-site-tour"


def prepare(database_url: str, capacity: int) -> None:
    """The demo data, the event's seats, and no demo registrations on it (so that every
    registration after this is one the benchmark made)."""
    app = bench_app(database_url)
    with app.app_context():
        seed(with_demo=True)
        event = db.session.scalar(select(Event).where(Event.slug == EVENT))
        for demo in db.session.scalars(select(Registration).where(Registration.event == event)):
            db.session.delete(demo)
        event.capacity = capacity
        event.public_registrations_per_hour = 10_000_000  # the hourly cap must not refuse
        db.session.commit()
        db.engine.dispose()


def registration(number: int) -> dict[str, object]:
    return {
        "name": f"Bench Person {number}",
        "email": f"person{number}@company{number}.example",
        "company": f"Bench Company {number}",
        "country": "DE",
        "needs": ["gmp-production"],
        "partners_to_meet": ["abx"],
        "consent": True,
    }


def invariants(database_url: str, capacity: int, accepted: int) -> dict[str, Any]:
    """What must hold after the run, read from the database."""
    app = bench_app(database_url)
    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == EVENT))
        rows = db.session.execute(
            select(Registration.id, Registration.status, Registration.email)
            .where(Registration.event_id == event.id)
            .order_by(Registration.id)
        ).all()
        confirmed = [row.id for row in rows if row.status == RegistrationStatus.confirmed]
        waiting = [row.id for row in rows if row.status == RegistrationStatus.waitlisted]
        outbox = dict(
            db.session.execute(
                select(OutboxMessage.registration_id, func.count(OutboxMessage.id))
                .where(OutboxMessage.registration_id.in_([row.id for row in rows]))
                .group_by(OutboxMessage.registration_id)
            ).all()
        )
        machine_figures = machine()
        db.engine.dispose()
    emails = [row.email for row in rows]
    checks = {
        "registrations": len(rows),
        "confirmed": len(confirmed),
        "waitlisted": len(waiting),
        "capacity": capacity,
        "confirmed_within_capacity": len(confirmed) <= capacity,
        # With no cancellations, every seat goes to an earlier arrival than every waiting person,
        # and the seats are all taken before anyone waits.
        "waiting_list_in_arrival_order": (
            not waiting or not confirmed or max(confirmed) < min(waiting)
        )
        and (not waiting or len(confirmed) == capacity),
        "one_registration_per_email": len(set(emails)) == len(emails),
        "one_outbox_row_per_registration": len(outbox) == len(rows)
        and all(number == 1 for number in outbox.values()),
        "every_accepted_request_stored": len(rows) == accepted,
    }
    checks["all_hold"] = all(value for value in checks.values() if isinstance(value, bool))
    return {"checks": checks, "machine": machine_figures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--capacity", type=int, default=300)
    parser.add_argument("--json", help="also write the figures to this file")
    options = parser.parse_args()
    load_before = [round(value, 2) for value in os.getloadavg()]
    rounds = []
    numbers = count()
    with scratch_postgres_database() as url, tempfile.TemporaryDirectory() as instance:
        prepare(url, options.capacity)
        Path(instance, "config.py").write_text("")
        environment = {"DATABASE_URL": url, "SECRET_KEY": "bench", "CRM_INSTANCE_PATH": instance}
        with gunicorn(
            environment,
            workers=options.workers,
            threads=options.threads,
            app="bench.registration_app:app",
        ) as port:
            timed_posts(port, BARE_PATH, registration, count(10**9), seconds=1, concurrency=2)
            for _ in range(options.rounds):
                bare = timed_posts(
                    port,
                    BARE_PATH,
                    registration,
                    count(10**9),
                    seconds=options.seconds,
                    concurrency=options.concurrency,
                )
                registered = timed_posts(
                    port,
                    f"/api/v1/events/{EVENT}/registrations",
                    registration,
                    numbers,
                    seconds=options.seconds,
                    concurrency=options.concurrency,
                )
                del bare["numbers"], registered["numbers"]
                rounds.append(
                    {
                        "bare": bare,
                        "registration": registered,
                        "ratio": round(registered["per_second"] / bare["per_second"], 3),
                    }
                )
        accepted = sum(r["registration"]["statuses"].get(202, 0) for r in rounds)
        checked = invariants(url, options.capacity, accepted)
    figures = {
        "setup": {
            "gunicorn_workers": options.workers,
            "threads_per_worker": options.threads,
            "concurrent_clients": options.concurrency,
            "seconds_per_round": options.seconds,
            "connection": "new per request, a client address of its own each",
            "rate_limits": "on",
            "load_average_before": load_before,
        },
        "rounds": rounds,
        **checked,
    }
    print(
        f"gunicorn {options.workers} workers x {options.threads} threads, "
        f"{options.concurrency} clients, a new connection and address per request, rate limits on, "
        f"PostgreSQL {checked['machine']['postgresql']}, load average before "
        f"{load_before}, after {checked['machine']['load_average_1_5_15']}"
    )
    print("round  bare req/s  p50 ms  p99 ms | registrations/s  p50 ms  p99 ms  statuses | ratio")
    for number, row in enumerate(rounds, 1):
        bare, registered = row["bare"], row["registration"]
        print(
            f"{number:5}  {bare['per_second']:10.1f}  {bare['p50_ms']:6.1f}"
            f"  {bare['p99_ms']:6.1f} |"
            f" {registered['per_second']:15.1f}  {registered['p50_ms']:6.1f}"
            f"  {registered['p99_ms']:6.1f}  {registered['statuses']} | {row['ratio']:.3f}"
        )
    print("invariants:", checked["checks"])
    write_json(options.json, figures)


if __name__ == "__main__":
    main()
