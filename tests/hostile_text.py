"""Hypothesis strategies for text a hostile or careless client sends: control characters, very
long strings, bidirectional overrides, zero-width and astral characters, lone surrogates, SQL,
HTML and script fragments, spreadsheet formulas; and CSV files made of such text."""

import csv
import io

from hypothesis import strategies as st

SQL = [
    "'; DROP TABLE companies; --",
    "' OR '1'='1",
    '" OR ""="',
    "1; SELECT pg_sleep(0); --",
    "%' OR 1=1 --",
    "\\'; --",
    "%_%",
]
SCRIPT = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "javascript:alert(1)",
    " JaVaScRiPt:alert(document.cookie)",
    "\tjava\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "{{ 7 * 7 }}{% raw %}${7*7}",
]
FORMULAS = ["=1+1", '=HYPERLINK("http://evil.example","x")', "+1", "-1", "@SUM(A1:A2)", "\t=1"]
ODD_CHARACTERS = [
    "\x00",
    "\r",
    "\r\n",
    "\x1b[31m",
    "\x7f",
    "\u202e",  # right-to-left override
    "\u200f",  # right-to-left mark
    "\u200b",  # zero-width space
    "\ufeff",
    "\u0301",  # a combining accent with nothing to sit on
    "\U0001f600",
    "\U0001d54f",
    "\ud800",  # a lone surrogate: sent as the bytes UTF-8 would give it
    "\udfff",
]
FRAGMENTS = SQL + SCRIPT + FORMULAS + ODD_CHARACTERS
LONG = 10_000


def hostile_text() -> st.SearchStrategy[str]:
    """Text built of hostile fragments and arbitrary characters (surrogates and controls
    included), sometimes more than ten thousand characters long."""
    piece = st.one_of(
        st.sampled_from(FRAGMENTS),
        st.text(st.characters(codec=None, exclude_categories=()), max_size=20),
    )
    joined = st.lists(piece, min_size=1, max_size=4).map("".join)
    long = st.tuples(st.sampled_from(FRAGMENTS), st.integers(LONG, LONG + 2_000)).map(
        lambda repeated: (repeated[0] * (repeated[1] // len(repeated[0]) + 1))[: repeated[1]]
    )
    return st.one_of(st.sampled_from(FRAGMENTS), joined, long)


def storable(text: str) -> str:
    """The text with lone surrogates replaced, where a request cannot carry them as they are."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def csv_file(headers: list[str]) -> st.SearchStrategy[bytes]:
    """CSV files: some of ``headers`` (and hostile ones), rows of hostile and plain cells,
    written with any of the separators a spreadsheet uses; or bytes that are no CSV at all."""
    cell = st.one_of(st.text(max_size=12), hostile_text())

    @st.composite
    def written(draw: st.DrawFn) -> bytes:
        chosen = draw(st.lists(st.sampled_from(headers), min_size=1, max_size=6, unique=True))
        columns = chosen + draw(st.lists(hostile_text(), max_size=1))
        rows = draw(st.lists(st.lists(cell, min_size=len(columns), max_size=len(columns))))
        buffer = io.StringIO()
        delimiter = draw(st.sampled_from([",", ";", "\t"]))
        csv.writer(buffer, delimiter=delimiter).writerows([columns, *rows])
        encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
        return buffer.getvalue().encode(encoding, "surrogatepass")

    raw = st.one_of(
        st.binary(max_size=200),
        st.sampled_from([b"", b"\x00", b"name\n\x00", b'name\n"unclosed', b"name\r\rA\rB"]),
        # A cell longer than Python's csv module reads by default.
        st.just(b'name\n"' + b"x" * 140_000 + b'"\n'),
    )
    return st.one_of(written(), raw)
