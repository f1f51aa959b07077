"""An admin opens an account for a new colleague and gives an integration an API token."""

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from crm.api.models import ApiScope, ApiToken
from crm.auth.models import Role, User
from crm.extensions import db
from tests.journeys.conftest import assert_every_control_is_named

COLLEAGUE_PASSWORD = "radium and polonium 1898"


@pytest.fixture
def admin(create_user: Callable[..., User]) -> User:
    return create_user(Role.admin, name="Petra Admin", email="petra.admin@wfs.example")


def api_get(url: str, token: str) -> tuple[int, Any]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.load(error)


def test_an_admin_creates_a_staff_account_and_an_api_token_that_works_until_revoked(
    demo: None,
    admin: User,
    live_server: str,
    page: Page,
    log_in: Callable[[User], None],
) -> None:
    log_in(admin)
    page.get_by_role("link", name="Users").click()
    assert_every_control_is_named(page)
    page.get_by_role("textbox", name="Email", exact=True).fill("lena.koch@wfs.example")
    page.get_by_role("textbox", name="Name", exact=True).fill("Lena Koch")
    page.get_by_label("Role").select_option(label="staff")
    page.get_by_label("Initial password").fill(COLLEAGUE_PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("status")).to_have_text("Account for lena.koch@wfs.example created.")
    colleague = page.get_by_role("row").filter(has_text="lena.koch@wfs.example")
    expect(colleague.get_by_role("cell")).to_have_text(
        ["Lena Koch", "lena.koch@wfs.example", "staff", "—", "Unlock login"]
    )

    page.get_by_role("link", name="API tokens").click()
    assert_every_control_is_named(page)
    page.get_by_label("Name (what the integration is)").fill("Newsletter sync")
    page.get_by_label("Scope").select_option(label="read")
    page.get_by_label("Acts as").select_option(label="Lena Koch (staff)")
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_role("status")).to_contain_text("Copy it now: it is not shown again.")
    shown = page.get_by_label("New token (shown once)")
    expect(shown).to_have_attribute("readonly", "")
    token = shown.input_value()
    expect(page.get_by_label("Name (what the integration is)")).to_have_value("")
    assert len(token) > 30

    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_label("New token (shown once)")).to_have_count(0)
    assert token not in page.content()
    listed = page.get_by_role("row").filter(has_text="Newsletter sync")
    expect(listed.get_by_role("cell").nth(2)).to_have_text("read")
    expect(listed.get_by_role("cell").nth(3)).to_have_text("Lena Koch")

    status, body = api_get(f"{live_server}/api/v1/companies?per_page=100", token)
    assert status == 200
    assert "Demo: Baltic Radiochemistry OÜ" in [company["name"] for company in body["items"]]
    stored = db.session.scalars(select(ApiToken)).one()
    assert (stored.user.email, stored.scope) == ("lena.koch@wfs.example", ApiScope.read)
    assert token not in {stored.shown_prefix, getattr(stored, "token_hash", None)}

    listed.get_by_role("button", name="Revoke").click()
    expect(page.get_by_role("status")).to_have_text("Token 'Newsletter sync' revoked.")
    assert api_get(f"{live_server}/api/v1/companies", token)[0] == 401

    page.get_by_role("button", name="Log out").click()
    page.get_by_label("Email").fill("lena.koch@wfs.example")
    page.get_by_label("Password").fill(COLLEAGUE_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Lena Koch")
    expect(page.get_by_role("link", name="Users")).to_have_count(0)
