"""Company list and search over 100,000 companies (with contacts and timeline entries) on
PostgreSQL: median server time and SQL statements per page, and the indexes and buffers each
page's statements read (EXPLAIN ANALYZE), which do not depend on how busy the machine is.

Run: .venv/bin/python -m bench.leads_list [--companies N] [--repeat R] [--json FILE]
"""

import argparse
import re
import time
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from bench.common import (
    bench_app,
    counted_queries,
    insert_companies,
    machine,
    measure,
    plans_of,
    scratch_postgres_database,
    write_json,
)
from crm.api.models import ApiScope
from crm.api.tokens import issue_token
from crm.auth.models import Role
from crm.auth.services import create_user
from crm.extensions import db

PASSWORD = "quartz-lantern-81"  # the password rules refuse one with "bench" in it
# The same client asking for a page without a database, for the machine's state in this run.
BASELINE = {"baseline: /healthz (no database)": "/healthz"}
STAFF_PAGES = {
    "staff list first page, 25": "/leads/?per_page=25",
    "staff list first page, 100": "/leads/?per_page=100",
    "staff list page 2000, 25": "/leads/?per_page=25&page=2000",
    "staff search 'isotope', 25": "/leads/?q=isotope&per_page=25",
    "staff search 'isotope', 100": "/leads/?q=isotope&per_page=100",
    "staff search contact 'kowalski', 25": "/leads/?q=kowalski&per_page=25",
    "staff filter country, 25": "/leads/?country=DE&per_page=25",
    "staff sort newest, 25": "/leads/?sort=-created&per_page=25",
    "staff filter need+country, 25": "/leads/?need=hplc&country=DE&per_page=25",
}
PAGES = {
    "api first page, 20": "/api/v1/companies?per_page=20",
    "api first page, 100": "/api/v1/companies?per_page=100",
    "api page 2000, 25": "/api/v1/companies?per_page=25&page=2000",
    "api search 'isotope', 25": "/api/v1/companies?q=isotope&per_page=25",
    "api filter need+country, 25": "/api/v1/companies?need=hplc&country=DE&per_page=25",
}


def logged_in_client(app: Flask) -> FlaskClient:
    """A test client with a staff session, logged in through the real login form."""
    with app.app_context():
        create_user("staff@wfs.example", "Staff", Role.staff, PASSWORD)
        db.session.commit()
    client = app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").text)
    assert token is not None
    response = client.post(
        "/login",
        data={
            "csrf_token": token.group(1),
            "email": "staff@wfs.example",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 302
    return client


def api_headers(app: Flask) -> dict[str, str]:
    with app.app_context():
        user = create_user("bench@wfs.example", "Bench", Role.viewer, PASSWORD)
        _, plain = issue_token("bench", ApiScope.read, user, by=user)
        db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


def report(
    app: Flask, pages: dict[str, str], repeat: int, get: Callable[[str], int]
) -> list[dict[str, Any]]:
    print(
        f"{'page':38} {'queries':>7} {'buffers':>7} {'median ms':>10} {'p95 ms':>8}  indexes read"
    )
    figures = []
    for label, url in pages.items():
        with_parameters: list[tuple[str, Any]] = []
        with app.app_context(), counted_queries(with_parameters) as statements:
            assert get(url) == 200, url
        with app.app_context():
            indexes, buffers = plans_of(with_parameters)
        timing = measure(lambda url=url: get(url), repeat)
        print(
            f"{label:38} {len(statements):7d} {buffers:7d} {timing['median_ms']:10.1f} "
            f"{timing['p95_ms']:8.1f}  {', '.join(indexes)}"
        )
        figures.append(
            {
                "page": label,
                "url": url,
                "queries": len(statements),
                "buffers": buffers,
                **timing,
                "indexes": indexes,
            }
        )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--companies", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--json", help="also write the figures to this file")
    options = parser.parse_args()
    with scratch_postgres_database() as url:
        app = bench_app(url)
        with app.app_context():
            started = time.perf_counter()
            insert_companies(options.companies)
            print(f"generated in {time.perf_counter() - started:.0f} s")
            figures: dict[str, Any] = {
                "companies": options.companies,
                "runs_per_page": options.repeat,
                "machine": machine(),
            }
        headers = api_headers(app)
        client = app.test_client()
        print(f"{options.companies} companies on PostgreSQL, {options.repeat} runs per page")
        figures["baseline"] = report(
            app, BASELINE, options.repeat, lambda url: client.get(url).status_code
        )
        figures["api"] = report(
            app, PAGES, options.repeat, lambda url: client.get(url, headers=headers).status_code
        )
        staff = logged_in_client(app)
        figures["staff"] = report(
            app, STAFF_PAGES, options.repeat, lambda url: staff.get(url).status_code
        )
        with app.app_context():
            db.engine.dispose()
    write_json(options.json, figures)


if __name__ == "__main__":
    main()
