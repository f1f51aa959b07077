"""Event staff add a registrant by hand and check them in at the door on the day."""

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from crm.auth.models import Role, User
from crm.events.models import Registration, RegistrationStatus
from crm.extensions import db
from tests.journeys.conftest import assert_every_control_is_named

EVENT_TITLE = "DEMO: Sample site tour Dresden-Rossendorf"
# The sample event is 60 days after the journeys start: 1 May 2026, 10:00 in Dresden.
AT_THE_DOOR = datetime(2026, 5, 1, 7, 40, tzinfo=UTC)


@pytest.fixture
def event_staff(create_user: Callable[..., User]) -> User:
    return create_user(Role.staff, name="Jonas Berg", email="jonas.berg@wfs.example")


def test_event_staff_add_a_registrant_find_them_at_check_in_and_check_them_in(
    demo: None,
    event_staff: User,
    live_server: str,
    page: Page,
    log_in: Callable[[User], None],
    clock: Callable[[datetime], None],
) -> None:
    log_in(event_staff)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Events").click()
    page.get_by_role("link", name=EVENT_TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(EVENT_TITLE)
    expect(page.get_by_text("3 confirmed of 20 (17 free)")).to_be_visible()
    assert_every_control_is_named(page)

    page.get_by_role("link", name="Add a registrant").click()
    assert_every_control_is_named(page)
    page.get_by_role("textbox", name="Name", exact=True).fill("Marie Curie")
    page.get_by_role("textbox", name="Email", exact=True).fill("marie@radium-institut.example")
    page.get_by_role("textbox", name="Company", exact=True).fill("Institut du Radium")
    page.get_by_label("Country").select_option(label="France")
    page.get_by_label("Dietary needs").select_option(label="Vegetarian")
    page.get_by_label("HZDR").check()
    page.get_by_label("The person has agreed").check()
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Marie Curie added (confirmed).")
    expect(page.get_by_text("4 confirmed of 20 (16 free)")).to_be_visible()

    clock(AT_THE_DOOR)
    log_in(event_staff)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Events").click()
    page.get_by_role("link", name=EVENT_TITLE).click()
    page.get_by_role("link", name="Check-in").click()
    assert_every_control_is_named(page)
    page.get_by_role("searchbox", name="Search attendees").fill("curie")
    page.get_by_role("searchbox", name="Search attendees").press("Enter")
    attendees = page.get_by_role("list", name="Confirmed attendees")
    expect(attendees.get_by_role("listitem")).to_have_count(1)
    found = attendees.get_by_role("listitem").filter(has_text="Marie Curie")
    found.get_by_role("button", name="Check in Marie Curie").click()
    expect(page.get_by_role("status")).to_have_text("Marie Curie checked in.")
    expect(found).to_contain_text("Marie Curie · Institut du Radium checked in")

    page.get_by_role("link", name=EVENT_TITLE).click()
    row = page.get_by_role("row").filter(has_text="marie@radium-institut.example")
    expect(row.get_by_role("cell").nth(4)).to_have_text("confirmed, checked in")

    registration = db.session.scalars(
        select(Registration).where(Registration.email == "marie@radium-institut.example")
    ).one()
    assert registration.status is RegistrationStatus.confirmed
    assert registration.checked_in_at == AT_THE_DOOR
    assert registration.answers == {"dietary": "vegetarian"}
    assert [partner.slug for partner in registration.partners_to_meet] == ["hzdr"]
