"""The README's screenshots come from a script: it runs, and writes a PNG of each page shown."""

import re
import struct
import subprocess
import sys
from pathlib import Path

from tools.screenshots import VIEWPORT

ROOT = Path(__file__).resolve().parent.parent
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# A photograph of a page with content compresses to tens of kilobytes; an empty one to less.
SMALLEST_PAGE = 20_000


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a whole PNG file: signature, header chunk first, end chunk last."""
    assert data[:8] == PNG_SIGNATURE and data[12:16] == b"IHDR", "not a PNG file"
    assert data[-8:-4] == b"IEND", "a PNG file cut short"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_the_script_writes_a_png_of_each_page_the_readme_shows(tmp_path: Path) -> None:
    finished = subprocess.run(
        [sys.executable, "-m", "tools.screenshots", str(tmp_path / "shots")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert finished.returncode == 0, finished.stderr

    shown = set(re.findall(r"\(docs/screenshots/([\w-]+\.png)\)", (ROOT / "README.md").read_text()))
    committed = {path.name for path in (ROOT / "docs" / "screenshots").glob("*.png")}
    written = {path.name: path.read_bytes() for path in (tmp_path / "shots").iterdir()}
    assert shown == committed == written.keys()
    for name, data in written.items():
        assert png_size(data) == (VIEWPORT["width"], VIEWPORT["height"]), name
        assert len(data) > SMALLEST_PAGE, name
