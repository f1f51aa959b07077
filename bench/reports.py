"""Dashboard, reports and the pipeline board at 100,000 companies and 50,000 registrations on
PostgreSQL: server time and queries per page.

Run: .venv/bin/python -m bench.reports [--companies N] [--registrations N] [--repeat R]
"""

import argparse
import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, select, update

from bench.common import bench_app, insert_companies, scratch_postgres_database
from bench.leads_list import logged_in_client, report
from crm.events.models import Event, Registration, RegistrationStatus
from crm.extensions import db
from crm.leads.models import Company, InvestmentType, Stage, StageChange


def insert_registrations(count: int, rng: random.Random, batch: int = 5_000) -> None:
    """Registrations spread over the seeded events, each for a random company, with a stage
    change after it for one in five."""
    event_ids = list(db.session.scalars(select(Event.id)))
    company_ids = list(db.session.scalars(select(Company.id)))
    start = datetime(2025, 1, 1, tzinfo=UTC)
    for first in range(0, count, batch):
        rows, changes = [], []
        for number in range(first, min(first + batch, count)):
            company_id = rng.choice(company_ids)
            registered_at = start + timedelta(minutes=number)
            rows.append(
                {
                    "event_id": rng.choice(event_ids),
                    "company_id": company_id,
                    "email": f"guest{number}@company{company_id}.example",
                    "name": f"Guest {number}",
                    "company_name": f"Company {company_id}",
                    "language": "en",
                    "status": rng.choice(list(RegistrationStatus)),
                    "sequence": 0,
                    "consent_version": "bench",
                    "consent_at": registered_at,
                    "created_at": registered_at,
                    "answers": {},
                    "manage_nonce": f"{number:032d}",
                    "is_no_show": number % 7 == 0,
                }
            )
            if number % 5 == 0:
                changes.append(
                    {
                        "company_id": company_id,
                        "to_stage": rng.choice([Stage.qualified, Stage.site_visit, Stage.landed]),
                        "reason": "",
                        "changed_at": registered_at + timedelta(days=30),
                    }
                )
        db.session.execute(insert(Registration), rows)
        db.session.execute(insert(StageChange), changes)
        db.session.commit()
    db.session.execute(
        update(Company)
        .where(Company.stage == Stage.landed, Company.id % 50 == 0)  # a few hundred wins
        .values(
            landing_verified_at=start,
            actual_landing_on=date(2025, 6, 1),
            investment_type=InvestmentType.expansion,
            new_jobs=10,
            capex_eur=1_000_000,
        )
    )
    db.session.commit()
    with db.engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--companies", type=int, default=100_000)
    parser.add_argument("--registrations", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=20)
    options = parser.parse_args()
    with scratch_postgres_database() as url:
        # The login throttle needs the limiter, which only login and registration use.
        app = bench_app(url, RATELIMIT_ENABLED=True)
        with app.app_context():
            insert_companies(options.companies)
            insert_registrations(options.registrations, random.Random(7))
            busiest = db.session.scalar(
                select(Registration.event_id)
                .group_by(Registration.event_id)
                .order_by(db.func.count().desc())
                .limit(1)
            )
        staff = logged_in_client(app)
        pages = {
            "dashboard": "/dashboard",
            "event attribution (busiest)": f"/reports/events/{busiest}",
            "attribution companies, page 2": f"/reports/events/{busiest}/companies?page=2",
            "pipeline board": "/leads/board",
            "pipeline board, one source": "/leads/board?source=web",
            "verified wins 2025": "/reports/wins?year=2025",
            "verified wins 2025, CSV": "/reports/wins.csv?year=2025",
        }
        print(
            f"{options.companies} companies, {options.registrations} registrations on PostgreSQL, "
            f"{options.repeat} runs per page"
        )
        report(app, pages, options.repeat, lambda url: staff.get(url).status_code)


if __name__ == "__main__":
    main()
