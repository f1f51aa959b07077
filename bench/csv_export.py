"""CSV export of 100,000 companies streams: peak Python memory barely grows with the row count.

Run: .venv/bin/python -m bench.csv_export [--companies N]
"""

import argparse
import time
import tracemalloc

from bench.common import bench_app, insert_companies, scratch_postgres_database
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
    options = parser.parse_args()
    print(f"{'companies':>10} {'peak MiB':>9} {'seconds':>8}")
    with scratch_postgres_database() as url:
        app = bench_app(url)
        with app.app_context():
            done = 0
            for total in (100, 1_000, options.companies):
                insert_companies(total - done, first_number=done)
                done = total
                rows, peak, seconds = export_peak(total)
                print(f"{rows:10d} {peak:9.1f} {seconds:8.1f}")


if __name__ == "__main__":
    main()
