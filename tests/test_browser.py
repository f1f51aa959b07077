"""Smoke test in headless Chromium: a staff member logs in."""

from typing import Any

from crm.auth.models import User
from tests.conftest import TEST_PASSWORD


def test_staff_member_logs_in_with_the_browser(
    live_server: str, page: Any, staff_user: User
) -> None:
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(staff_user.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server}/dashboard")
    assert page.get_by_role("heading", level=1).inner_text() == f"Welcome, {staff_user.name}"
