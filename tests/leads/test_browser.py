"""How the company form looks in headless Chromium."""

from typing import Any

import pytest

from crm.auth.models import User
from crm.vocabulary.models import Capability
from tests.conftest import TEST_PASSWORD


@pytest.fixture
def company_form(live_server: str, page: Any, staff_user: User, hot_cells: Capability) -> Any:
    """The New company page, opened by a staff member who logged in."""
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(staff_user.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server}/dashboard")
    page.goto(f"{live_server}/leads/new")
    return page


def test_in_a_row_of_fields_each_label_stands_above_its_own_input(company_form: Any) -> None:
    for label in ["Website", "Domain", "Country (ISO code)", "City", "New jobs", "Capital"]:
        caption = company_form.locator("label", has_text=label).bounding_box()
        field = company_form.get_by_label(label).bounding_box()
        assert abs(caption["x"] - field["x"]) < 2, label
        assert caption["y"] + caption["height"] <= field["y"], label


def test_the_needs_are_a_list_of_checkboxes_without_bullets(company_form: Any) -> None:
    need = company_form.get_by_role("group", name="Needs").get_by_role("listitem").first
    assert need.evaluate("element => getComputedStyle(element).listStyleType") == "none"
