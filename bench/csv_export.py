"""CSV export of 100,000 companies streams: peak Python memory barely grows with the row count.

Run: .venv/bin/python -m bench.csv_export [--companies N] [--json FILE]
"""

import argparse
import time
import tracemalloc
from typing import Any

from bench.common import (
    bench_app,
    insert_companies,
    machine,
    scratch_postgres_database,
    write_json,
)
from crm.extensions import db
from crm.leads.confidential import COMMAND_LINE
from crm.leads.csv_export import export_lines
from crm.leads.listing import CompanyFilters


def export_peak(rows_expected: int) -> tuple[int, float, float]:
    """Rows written, peak traced memory in MiB, seconds."""
    tracemalloc.start()
    started = time.perf_counter()
    rows = sum(1 for _ in export_lines(CompanyFilters(), COMMAND_LINE)) - 1
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert rows == rows_expected, (rows, rows_expected)
    return rows, peak / 2**20, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--companies", type=int, default=100_000)
    parser.add_argument("--json", help="also write the figures to this file")
    options = parser.parse_args()
    print(f"{'companies':>10} {'peak MiB':>9} {'seconds':>8}")
    figures: dict[str, Any] = {"exports": []}
    with scratch_postgres_database() as url:
        app = bench_app(url)
        with app.app_context():
            done = 0
            for total in (100, 1_000, options.companies):
                insert_companies(total - done, first_number=done, with_people=False)
                done = total
                rows, peak, seconds = export_peak(total)
                print(f"{rows:10d} {peak:9.1f} {seconds:8.1f}")
                figures["exports"].append(
                    {"companies": rows, "peak_mib": round(peak, 2), "seconds": round(seconds, 1)}
                )
            figures["machine"] = machine()
            db.engine.dispose()
    write_json(options.json, figures)


if __name__ == "__main__":
    main()
