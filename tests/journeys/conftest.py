"""User journeys in headless Chromium on the demo data, with a screenshot of every failure.

The application is served on a port chosen before it is created, so that the links in its mail
(``PUBLIC_BASE_URL``) lead to the very server the browser talks to.
"""

import re
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, Response, expect
from werkzeug.serving import make_server

from crm.auth.models import User
from crm.extensions import db
from crm.seed.services import seed
from tests.conftest import TEST_PASSWORD, free_port

SCREENSHOT_DIR = Path("test-artifacts") / "journeys"
# Every journey starts at the same instant, so that the demo data, due dates and screenshots
# are the same from run to run: a Monday morning in Dresden.
JOURNEY_START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """When a journey fails, keep what the browser showed and name the file in the report."""
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    funcargs = getattr(item, "funcargs", {})
    if report.when != "call" or not report.failed or "page" not in funcargs:
        return
    page: Page = funcargs["page"]
    path = item.config.rootpath / SCREENSHOT_DIR / f"{item.name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        page.screenshot(path=str(path), full_page=True)
    except Exception as error:  # the browser itself may be what broke
        report.sections.append(("journey screenshot", f"no screenshot: {error}"))
    else:
        report.sections.append(("journey screenshot", f"{path} (at {page.url})"))
    if server_errors := getattr(item, "server_errors", None):
        report.sections.append(("server errors", "\n".join(server_errors)))


@pytest.fixture
def server_port() -> int:
    return free_port()


@pytest.fixture
def app_config(app_config: dict[str, Any], server_port: int) -> dict[str, Any]:
    return app_config | {"PUBLIC_BASE_URL": f"http://127.0.0.1:{server_port}"}


@pytest.fixture
def live_server(app: Flask, server_port: int) -> Iterator[str]:
    server = make_server("127.0.0.1", server_port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def demo(app: Flask, clock: Callable[[datetime], None]) -> None:
    """The demo data set, as ``flask seed --demo`` loads it, at the start of the journey."""
    clock(JOURNEY_START)
    seed(with_demo=True)
    db.session.commit()


@pytest.fixture
def log_in(live_server: str, page: Page) -> Callable[[User], None]:
    """Log in through the login page, as a person types it."""

    def through_the_login_page(user: User) -> None:
        page.goto(f"{live_server}/login")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {user.name}")

    return through_the_login_page


@pytest.fixture
def page(page: Page, request: pytest.FixtureRequest) -> Iterator[Page]:
    """The browser tab, impatient, and watching for server errors the journey may not see."""
    page.set_default_timeout(10_000)
    server_errors: list[str] = []
    request.node.server_errors = server_errors

    def note_server_error(response: Response) -> None:
        if response.status >= 500:
            server_errors.append(f"{response.status} {response.request.method} {response.url}")

    page.on("response", note_server_error)
    yield page
    assert not server_errors, f"the server failed: {server_errors}"


CONTROL_ROLES = "textbox|searchbox|combobox|listbox|checkbox|radio|button|spinbutton|slider"
UNNAMED_CONTROL = re.compile(rf"^\s*- ({CONTROL_ROLES})(:|\s\[|$)", re.MULTILINE)
DUPLICATE_IDS = """() => {
  const elements = document.querySelectorAll("[id]:not([type=hidden])");
  const ids = [...elements].map((element) => element.id);
  return [...new Set(ids.filter((id, index) => ids.indexOf(id) !== index))];
}"""


def assert_every_control_is_named(page: Page) -> None:
    """Every form control on the page has an accessible name, and labels point at one field.

    The names are the browser's own (its accessibility tree), so a control a screen reader
    announces without a name fails here; a repeated id would let a label name the wrong field.
    """
    unnamed = [
        match.group(0).strip()
        for match in UNNAMED_CONTROL.finditer(page.locator("body").aria_snapshot())
    ]
    assert not unnamed, f"controls without a name on {page.url}: {unnamed}"
    duplicates = page.evaluate(DUPLICATE_IDS)
    assert not duplicates, f"ids used twice on {page.url}: {duplicates}"
