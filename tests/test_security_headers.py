"""The security headers: HSTS in production only, and pages that work under the policy.

That every answer of every route carries the headers is checked by the route table
(``tests/test_route_table.py``).
"""

from typing import Any

from flask.testing import FlaskClient

from crm.auth.models import User
from crm.security_headers import CONTENT_SECURITY_POLICY, HSTS
from tests.conftest import TEST_PASSWORD


def test_the_policy_allows_no_inline_script_and_no_framing() -> None:
    directives = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"


def test_outside_production_the_browser_is_not_told_to_insist_on_https(
    client: FlaskClient,
) -> None:
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_in_production_the_browser_is_told_to_use_https_only(client: FlaskClient) -> None:
    client.application.config["CRM_ENV"] = "production"
    response = client.get("/login")
    assert response.headers["Strict-Transport-Security"] == HSTS
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def policy_refusals(page: Any) -> list[str]:
    """What the browser refuses to run or load under the policy, as it says on the console."""
    refused: list[str] = []

    def note(message: Any) -> None:
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    page.on("console", note)
    return refused


def test_the_api_docs_start_swagger_ui_from_a_file_under_the_policy(
    live_server: str, page: Any
) -> None:
    refused = policy_refusals(page)
    page.goto(f"{live_server}/api/v1/docs")
    page.get_by_text("/companies").first.wait_for()
    assert page.locator("script:not([src])").count() == 0
    assert refused == []


def test_the_login_works_in_the_browser_under_the_policy(
    live_server: str, page: Any, staff_user: User
) -> None:
    refused = policy_refusals(page)
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(staff_user.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server}/dashboard")
    assert refused == []
