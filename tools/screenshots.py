"""The README's screenshots, taken in headless Chromium on the demo data.

    .venv/bin/python -m tools.screenshots docs/screenshots

A fresh instance in a temporary folder (SQLite, mail written to files) gets a staff member and
``flask seed --demo``; the application is served on loopback and Chromium (Debian's, at
/usr/bin/chromium) logs in through the login page, opens each page and writes one PNG per page,
all of one size, into the folder given. Needs the test packages (``uv sync --group test``).
"""

import argparse
import logging
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from playwright.sync_api import Page, Response, sync_playwright
from sqlalchemy import select
from werkzeug.serving import make_server

from crm import create_app
from crm.auth.models import Role
from crm.auth.services import create_user
from crm.events.models import Event
from crm.extensions import db
from crm.leads.models import Company
from crm.seed.services import seed

CHROMIUM = "/usr/bin/chromium"
VIEWPORT = {"width": 1280, "height": 900}
STAFF_EMAIL = "katrin.vogel@wfs.example"
STAFF_NAME = "Katrin Vogel (demo)"
# Only for this throwaway instance, which lives as long as the screenshots take.
STAFF_PASSWORD = "screenshots of the demo data"
LEAD = "Demo: Nordlicht Isotopes AB"
EVENT = "demo-site-tour"


@contextmanager
def demo_instance() -> Iterator[Flask]:
    """An application on the demo data in a temporary instance folder, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="crm-screenshots-") as folder:
        instance = Path(folder)
        os.environ["CRM_INSTANCE_PATH"] = str(instance)
        app = create_app(
            {
                "DATABASE_URL": f"sqlite:///{instance / 'crm.sqlite3'}",
                "SECRET_KEY": "screenshots",
                "MAIL_TRANSPORT": "file",
                "MAIL_FILE_DIR": str(instance / "mail"),
                "RATELIMIT_ENABLED": False,
            }
        )
        with app.app_context():
            db.create_all()
            # The staff member comes first, so that the demo leads and tasks are theirs.
            create_user(STAFF_EMAIL, STAFF_NAME, Role.staff, STAFF_PASSWORD)
            seed(with_demo=True)
            db.session.commit()
        yield app


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """The application on a free port of loopback, for as long as the block runs."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


def staff_pages(app: Flask) -> dict[str, str]:
    """The file name and address of each staff page shown."""
    with app.app_context():
        lead = db.session.scalars(select(Company).where(Company.name == LEAD)).one()
        event = db.session.scalars(select(Event).where(Event.slug == EVENT)).one()
        return {
            "dashboard": "/dashboard",
            "lead": f"/leads/{lead.id}",
            "pipeline-board": "/leads/board",
            "event-attendees": f"/staff/events/{event.id}",
        }


def log_in(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/login")
    page.locator("input[name=email]").fill(STAFF_EMAIL)
    page.locator("input[name=password]").fill(STAFF_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{base_url}/dashboard")


def shoot(page: Page, address: str, path: Path) -> Path:
    """Open the page and photograph what the window shows; a page that fails stops the run."""
    response: Response | None = page.goto(address)
    if response is None or not response.ok:
        raise SystemExit(f"{address} answered {response.status if response else 'nothing'}")
    page.screenshot(path=path)
    return path


def take_screenshots(folder: Path) -> list[Path]:
    """Write the PNGs into ``folder`` (created if need be) and return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with demo_instance() as app, serving(app) as base_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            staff = browser.new_context(viewport=VIEWPORT, locale="en-GB")
            page = staff.new_page()
            log_in(page, base_url)
            for name, address in staff_pages(app).items():
                written.append(shoot(page, base_url + address, folder / f"{name}.png"))
            # A visitor whose browser asks for German.
            page = browser.new_context(viewport=VIEWPORT, locale="de-DE").new_page()
            address = f"{base_url}/events/{EVENT}/register"
            written.append(shoot(page, address, folder / "registration-de.png"))
        finally:
            browser.close()
    return written


def main(arguments: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="where the PNG files go")
    for path in take_screenshots(parser.parse_args(arguments).folder):
        print(path)


if __name__ == "__main__":
    main()
