"""One writer for every CSV file the application writes: ``crm.spreadsheets.csv_lines``."""

from pathlib import Path

import crm

CRM = Path(crm.__file__).parent


def test_no_module_but_the_safe_writer_writes_csv() -> None:
    writers = sorted(
        str(path.relative_to(CRM))
        for path in CRM.rglob("*.py")
        if "csv.writer" in path.read_text() or "csv.DictWriter" in path.read_text()
    )
    assert writers == ["spreadsheets.py"]
