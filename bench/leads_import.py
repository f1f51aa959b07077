"""`flask leads import` of 100,000 rows on PostgreSQL: seconds for the whole command, all rows
checked and then stored in one transaction.

Run: .venv/bin/python -m bench.leads_import [--rows N] [--json FILE]
"""

import argparse
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bench.common import (
    COUNTRIES,
    FORMS,
    WORDS,
    bench_app,
    machine,
    scratch_postgres_database,
    write_json,
)
from crm.extensions import db
from crm.leads.models import Company, Contact
from crm.partners.models import Capability


def write_file(path: Path, rows: int, slugs: list[str]) -> None:
    """A semicolon file as German Excel saves it, with a contact and needs on every row."""
    rng = random.Random(7)
    with path.open("w", encoding="utf-8") as target:
        target.write("Firma;Webseite;Land;Stadt;Phase;Bedarf;Ansprechpartner;E-Mail;Sprache\n")
        for number in range(rows):
            name = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {number} {rng.choice(FORMS)}"
            needs = "|".join(rng.sample(slugs, rng.randint(1, 3)))
            target.write(
                f"{name};https://www.company{number}.example;{rng.choice(COUNTRIES)};"
                f"City {number % 500};qualified;{needs};Person {number};"
                f"person{number}@company{number}.example;de\n"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--json", help="also write the figures to this file")
    options = parser.parse_args()
    with scratch_postgres_database() as url, tempfile.TemporaryDirectory() as folder:
        app = bench_app(url)
        path = Path(folder) / "companies.csv"
        with app.app_context():
            write_file(path, options.rows, list(db.session.scalars(select(Capability.slug))))
        started, cpu_started = time.perf_counter(), time.process_time()
        result = app.test_cli_runner().invoke(args=["leads", "import", str(path)])
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
        assert result.exit_code == 0, result.output
        with app.app_context():
            companies = db.session.scalar(select(func.count()).select_from(Company))
            contacts = db.session.scalar(select(func.count()).select_from(Contact))
            figures: dict[str, Any] = {
                "rows": options.rows,
                "seconds": round(seconds, 1),
                "rows_per_second": round(options.rows / seconds),
                "cpu_seconds_of_the_command": round(cpu_seconds, 1),
                "companies_stored": companies,
                "contacts_stored": contacts,
                "machine": machine(),
            }
            db.engine.dispose()
    print(result.output.strip().splitlines()[-1])
    print(
        f"leads import of {options.rows} rows: {seconds:.1f} s "
        f"({options.rows / seconds:.0f} rows per second; {cpu_seconds:.1f} s of CPU in this "
        f"process, the rest waiting for PostgreSQL or a core); stored {companies} companies, "
        f"{contacts} contacts"
    )
    write_json(options.json, figures)


if __name__ == "__main__":
    main()
