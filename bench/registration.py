"""Registration throughput on PostgreSQL under gunicorn, as a ratio of a bare Flask endpoint.

Both endpoints are served by the same gunicorn in the same run: ``/healthz`` (no database) is the
baseline, ``POST /api/v1/events/<slug>/registrations`` the measured path (lock the event, count
seats, match or create the lead and contact, link partners, write the outbox row, commit).

Run: .venv/bin/python -m bench.registration [--requests N] [--concurrency C] [--workers W]
"""

import argparse
import tempfile
from pathlib import Path

from bench.common import bench_app, scratch_postgres_database
from bench.http_load import gunicorn, run_load
from crm.events.models import Event
from crm.extensions import db
from crm.seed.services import seed

EVENT = "demo-site-tour"


def prepare(database_url: str, capacity: int, registrations: int) -> None:
    app = bench_app(database_url)
    with app.app_context():
        seed(with_demo=True)
        event = db.session.scalar(db.select(Event).where(Event.slug == EVENT))
        event.capacity = capacity
        event.public_registrations_per_hour = registrations  # the hourly cap must not refuse
        db.session.commit()
        db.engine.dispose()


def registration(number: int) -> dict[str, object]:
    return {
        "name": f"Bench Person {number}",
        "email": f"person{number}@company{number % 500}.example",
        "company": f"Bench Company {number % 500}",
        "country": "DE",
        "needs": ["gmp-production"],
        "partners_to_meet": ["abx"],
        "consent": True,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    options = parser.parse_args()
    with scratch_postgres_database() as url, tempfile.TemporaryDirectory() as instance:
        prepare(url, capacity=options.requests // 2, registrations=options.requests)
        Path(instance, "config.py").write_text("RATELIMIT_ENABLED = False\n")
        environment = {
            "DATABASE_URL": url,
            "SECRET_KEY": "bench",
            "CRM_INSTANCE_PATH": instance,
        }
        with gunicorn(environment, workers=options.workers) as port:
            bare = run_load(
                port,
                "GET",
                "/healthz",
                lambda n: None,
                total=options.requests,
                concurrency=options.concurrency,
            )
            registrations = run_load(
                port,
                "POST",
                f"/api/v1/events/{EVENT}/registrations",
                registration,
                total=options.requests,
                concurrency=options.concurrency,
            )
    print(
        f"gunicorn {options.workers} workers, {options.concurrency} connections, "
        f"{options.requests} requests each, PostgreSQL"
    )
    print(f"bare endpoint  /healthz      {bare['per_second']:8.1f} req/s  {bare['statuses']}")
    print(
        f"registration   POST          {registrations['per_second']:8.1f} req/s  "
        f"{registrations['statuses']}"
    )
    print(f"ratio registration / bare    {registrations['per_second'] / bare['per_second']:8.3f}")


if __name__ == "__main__":
    main()
