"""gunicorn, as ``scripts/start`` runs it: no product name in ``Server``, no private link logged."""

import http.client
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from crm.serving import without_private_links
from tests.conftest import free_port

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TOKEN = "eyJyZWdpc3RyYXRpb24iOjQyLCJub25jZSI6ImFiYyJ9.c2lnbmF0dXJl"


def test_private_links_are_hidden_in_log_lines() -> None:
    line = f'GET /r/{TOKEN}?lang=de HTTP/1.1 "https://crm.example/r/{TOKEN}/cancel"'
    assert without_private_links(line) == (
        'GET /r/[hidden]?lang=de HTTP/1.1 "https://crm.example/r/[hidden]/cancel"'
    )
    assert without_private_links("GET /r/ HTTP/1.1") == "GET /r/ HTTP/1.1"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    port, log = free_port(), tmp_path / "access.log"
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
    process = subprocess.Popen(
        [*command, "--access-logfile", str(log), "wsgi:app"],
        cwd=PROJECT_ROOT,
        env={
            **os.environ,
            "CRM_INSTANCE_PATH": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'served.sqlite3'}",
            "SECRET_KEY": "served-secret",
        },
    )
    try:
        yield port, log
    finally:
        process.terminate()
        process.wait(timeout=30)


def ask(port: int, path: str) -> http.client.HTTPResponse:
    deadline = time.monotonic() + 30
    while True:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            return response
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
        finally:
            connection.close()


def test_gunicorn_names_no_product_and_logs_no_private_link(
    served: tuple[int, Path],
) -> None:
    port, log = served
    assert ask(port, "/healthz").getheader("Server") == "web"
    assert ask(port, f"/r/{TOKEN}").status == 404
    deadline = time.monotonic() + 10
    while "/r/" not in (log.read_text() if log.exists() else "") and time.monotonic() < deadline:
        time.sleep(0.1)
    written = log.read_text()
    assert "GET /r/[hidden] HTTP/1.1" in written
    assert TOKEN not in written
