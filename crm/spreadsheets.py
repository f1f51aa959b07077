"""Every CSV file the application writes goes through here, so that no cell becomes a formula.

A spreadsheet runs a cell that starts with ``= + - @`` (or a tab or carriage return) as a
formula (CSV injection, OWASP), also after leading spaces. A spreadsheet set to another
separator (``;`` in German Excel, tab, ``|``) splits a cell where the file does not, so a
formula may also start after any of those inside a cell. Each such place gets a ``'``, which
spreadsheets show as text, whatever separator the file is opened with.
"""

import csv
import io
import re
from collections.abc import Iterable, Iterator

# The start of the cell, or right after a character some spreadsheet splits cells at, where
# (after any blanks) a formula character follows.
FORMULA_START = re.compile(r"(^|[,;|\t\r\n])(?=[ \t\r\n]*[=+\-@\t\r])")


def safe_cell(value: object) -> str:
    """Text a spreadsheet shows as text: a ' before every possible formula (CSV injection)."""
    text = "" if value is None else str(value)
    return FORMULA_START.sub(r"\1'", text)


def csv_lines(header: Iterable[str], rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """The header, then one line per row, each yielded as soon as it is written (streaming)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(cells: Iterable[object]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([safe_cell(cell) for cell in cells])
        return buffer.getvalue()

    yield line(header)
    for row in rows:
        yield line(row)
