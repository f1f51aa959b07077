"""Shared parts of the benchmarks: a scratch PostgreSQL database, bulk data, query counting."""

import os
import random
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from flask import Flask
from sqlalchemy import event, insert, select

from crm import create_app
from crm.extensions import db
from crm.leads.models import Company, LeadSource, Stage, company_needs
from crm.leads.names import normalise_company_name
from crm.partners.models import Capability
from crm.seed.services import seed

POSTGRES_ADMIN_URL = os.environ.get(
    "CRM_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
COUNTRIES = ["DE", "US", "SE", "AT", "CH", "FR", "GB", "JP", "CN", "IN", "ES", "IT", "NL", "PL"]
WORDS = [
    "Isotope",
    "Radio",
    "Pharma",
    "Nuclear",
    "Theranostic",
    "Bio",
    "Imaging",
    "Gamma",
    "Cyclotron",
    "Tracer",
    "Precision",
    "Molecular",
    "Atlantic",
    "Nordic",
    "Alpine",
]
FORMS = ["GmbH", "AG", "Inc.", "Ltd", "AB", "S.A.", "B.V."]


@contextmanager
def scratch_postgres_database() -> Iterator[str]:
    """A new PostgreSQL database for one benchmark run, dropped afterwards."""
    name = f"crm_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def bench_app(database_url: str, **config: Any) -> Flask:
    app = create_app(
        {"DATABASE_URL": database_url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False} | config
    )
    with app.app_context():
        db.create_all()
        seed()
        db.session.commit()
    return app


def insert_companies(
    count: int, *, first_number: int = 0, batch: int = 5_000, rng: random.Random | None = None
) -> None:
    """Bulk-insert ``count`` fictional companies with one to three needs each."""
    rng = rng or random.Random(42)
    capability_ids = list(db.session.scalars(select(Capability.id)))
    next_id = (db.session.scalar(select(db.func.max(Company.id))) or 0) + 1 - first_number
    for start in range(0, count, batch):
        rows, needs = [], []
        for number in range(first_number + start, first_number + min(start + batch, count)):
            name = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {number} {rng.choice(FORMS)}"
            rows.append(
                {
                    "id": next_id + number,
                    "name": name,
                    "normalised_name": normalise_company_name(name),
                    "domain": f"company{number}.example",
                    "country": rng.choice(COUNTRIES),
                    "city": f"City {number % 500}",
                    "description": "",
                    "stage": rng.choice(list(Stage)),
                    "source": rng.choice(list(LeadSource)),
                    "is_demo": True,
                    "is_archived": False,
                    "version": 1,
                }
            )
            for capability_id in rng.sample(capability_ids, rng.randint(1, 3)):
                needs.append({"company_id": next_id + number, "capability_id": capability_id})
        db.session.execute(insert(Company), rows)
        db.session.execute(insert(company_needs), needs)
        db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.exec_driver_sql(
                "SELECT setval('companies_id_seq', (SELECT max(id) FROM companies))"
            )
            connection.exec_driver_sql("ANALYZE")


@contextmanager
def counted_queries() -> Iterator[list[str]]:
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def measure(call: Callable[[], Any], repeat: int) -> dict[str, float]:
    """Median and 95th percentile of ``repeat`` calls, in milliseconds, after one warm-up call."""
    call()
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "median_ms": statistics.median(timings),
        "p95_ms": timings[max(0, int(len(timings) * 0.95) - 1)],
    }
