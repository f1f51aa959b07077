"""A prospect registers for the demo event in headless Chromium."""

from typing import Any

from flask import Flask
from sqlalchemy import select

from crm.events.models import Registration, RegistrationStatus
from crm.extensions import db
from crm.seed.services import seed


def test_prospect_registers_for_the_demo_event_in_the_browser(
    app: Flask, live_server: str, page: Any
) -> None:
    seed(with_demo=True)
    db.session.commit()
    page.goto(f"{live_server}/events/")
    page.get_by_role("link", name="DEMO: Sample site tour Dresden-Rossendorf").click()
    page.get_by_role("button", name="Register").click()
    page.locator("#name").fill("Grace Hopper")
    page.locator("#email").fill("grace@navy-labs.example")
    page.locator("#company").fill("Navy Labs Inc")
    page.locator("#country").select_option("US")
    page.get_by_label("ROTOP Pharmaka GmbH").check()
    page.get_by_label("I agree").check()
    page.get_by_role("button", name="Register").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Thank you"
    registration = db.session.scalar(
        select(Registration).where(Registration.email == "grace@navy-labs.example")
    )
    assert registration.status == RegistrationStatus.confirmed
    assert [partner.slug for partner in registration.partners_to_meet] == ["rotop"]
