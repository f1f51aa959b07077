"""Shared parts of the benchmarks: a scratch PostgreSQL database, bulk data, query counting."""

import json
import os
import platform
import random
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import psycopg
from flask import Flask
from sqlalchemy import event, insert, select

from crm import create_app
from crm.db import utcnow
from crm.extensions import db
from crm.leads.models import (
    Activity,
    ActivityKind,
    Company,
    Contact,
    LeadSource,
    Stage,
    company_needs,
)
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


FIRST_NAMES = ["Anna", "Jonas", "Mei", "Lars", "Sofia", "Ravi", "Elif", "Tomás", "Yuki", "Olga"]
LAST_NAMES = ["Berg", "Kowalski", "Tanaka", "Schulz", "Haddad", "Novak", "Lindqvist", "Rossi"]


def insert_companies(
    count: int,
    *,
    first_number: int = 0,
    batch: int = 5_000,
    rng: random.Random | None = None,
    with_people: bool = True,
) -> None:
    """Bulk-insert ``count`` fictional companies with one to three needs each and, with
    ``with_people``, one or two contacts and two timeline entries each (set-based: one
    multi-row statement per table and batch)."""
    rng = rng or random.Random(42)
    capability_ids = list(db.session.scalars(select(Capability.id)))
    next_id = (db.session.scalar(select(db.func.max(Company.id))) or 0) + 1 - first_number
    moment = utcnow() - timedelta(days=3650)
    for start in range(0, count, batch):
        rows, needs, contacts, activities = [], [], [], []
        for number in range(first_number + start, first_number + min(start + batch, count)):
            company_id = next_id + number
            created_at = moment + timedelta(minutes=3 * number)
            for person in range(rng.randint(1, 2) if with_people else 0):
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                contacts.append(
                    {
                        "company_id": company_id,
                        "name": f"{first} {last}",
                        "email": f"{first.lower()}.{person}@company{number}.example",
                        "language": "en",
                        "created_at": created_at,
                    }
                )
            for kind in (ActivityKind.note, ActivityKind.call)[: 2 if with_people else 0]:
                activities.append(
                    {
                        "company_id": company_id,
                        "kind": kind,
                        "subject": f"{kind.name} about the site",
                        "body": "",
                        "occurred_at": created_at,
                        "created_at": created_at,
                    }
                )
            name = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {number} {rng.choice(FORMS)}"
            rows.append(
                {
                    "id": company_id,
                    "created_at": created_at,
                    "updated_at": created_at,
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
                needs.append({"company_id": company_id, "capability_id": capability_id})
        db.session.execute(insert(Company), rows)
        db.session.execute(insert(company_needs), needs)
        if contacts:
            db.session.execute(insert(Contact), contacts)
            db.session.execute(insert(Activity), activities)
        db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.exec_driver_sql(
                "SELECT setval('companies_id_seq', (SELECT max(id) FROM companies))"
            )
        # As autovacuum leaves a table some time after a bulk load: statistics, visibility map.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")


@contextmanager
def counted_queries(with_parameters: list[tuple[str, Any]] | None = None) -> Iterator[list[str]]:
    """The SQL statements run inside; their parameters too into ``with_parameters``."""
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(args[2])
        if with_parameters is not None:
            with_parameters.append((args[2], args[3]))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def plans_of(statements: list[tuple[str, Any]]) -> tuple[list[str], int]:
    """The indexes PostgreSQL's plans of these SELECT statements read, by name, and the buffers
    (8 KiB pages of tables and indexes) they touched, which unlike time does not depend on how
    busy the machine is."""
    names: set[str] = set()
    buffers = 0

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "Index Name" in node:
                names.add(node["Index Name"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    with db.engine.connect() as connection:
        for statement, parameters in statements:
            if statement.lstrip().upper().startswith("SELECT"):
                explained = connection.exec_driver_sql(
                    f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {statement}", parameters
                ).scalar()
                walk(explained)
                plan = explained[0]["Plan"]
                buffers += plan["Shared Hit Blocks"] + plan["Shared Read Blocks"]
    return sorted(names), buffers


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    with db.engine.connect() as connection:
        server = connection.exec_driver_sql("SHOW server_version").scalar()
    return {
        "cpus": os.cpu_count(),
        "load_average_1_5_15": [round(value, 2) for value in os.getloadavg()],
        "python": platform.python_version(),
        "postgresql": server,
    }


def write_json(path: str | None, figures: dict[str, Any]) -> None:
    """Write the figures of a run to ``path`` (nothing without one)."""
    if path:
        with open(path, "w", encoding="utf-8") as target:
            json.dump(figures, target, indent=2, default=str)
            target.write("\n")
        print(f"written to {path}")


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
