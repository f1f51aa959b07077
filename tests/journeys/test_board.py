"""A manager works the pipeline board: drags a lead to the next column, and drags another to
"lost", which asks for the reason on the lead's stage form before the board shows it there."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from crm.auth.models import Role, User
from tests.journeys.conftest import assert_every_control_is_named

NEW_LEAD = "Demo: Alpenglow Diagnostics GmbH"
QUALIFIED_LEAD = "Demo: Atlantic Theranostics Inc."


@pytest.fixture
def manager(create_user: Callable[..., User]) -> User:
    return create_user(Role.staff, name="Anna Weber", email="anna.weber@wfs.example")


@pytest.fixture
def demo(manager: User, demo: None) -> None:
    """The manager's account exists before the demo data, so the demo leads are theirs."""


def column(page: Page, stage: str) -> Locator:
    return page.get_by_role("region", name=re.compile(rf"^{stage} \(\d+\)$"))


def card(page: Page, stage: str, company: str) -> Locator:
    return (
        column(page, stage)
        .get_by_role("listitem")
        .filter(has=page.get_by_role("link", name=company, exact=True))
    )


def test_a_manager_drags_leads_across_the_board(
    demo: None, manager: User, live_server: str, page: Page, log_in: Callable[[User], None]
) -> None:
    page.set_viewport_size({"width": 1280, "height": 2000})  # every column in sight
    log_in(manager)
    page.get_by_role("link", name="Leads", exact=True).click()
    page.get_by_role("link", name="Board by stage").click()
    assert_every_control_is_named(page)
    expect(card(page, "enquiry", NEW_LEAD)).to_contain_text("Anna Weber")

    card(page, "enquiry", NEW_LEAD).drag_to(column(page, "qualified"))
    expect(page.get_by_role("status")).to_have_text("Moved to qualified.")
    expect(page).to_have_url(f"{live_server}/leads/board")
    expect(card(page, "qualified", NEW_LEAD)).to_contain_text("0 days")
    expect(card(page, "enquiry", NEW_LEAD)).to_have_count(0)

    # Lost needs a reason: the drop opens the lead's stage form, which asks for it.
    card(page, "qualified", QUALIFIED_LEAD).drag_to(column(page, "lost"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(QUALIFIED_LEAD)
    stage_form = page.get_by_role("region", name="Stage history")
    expect(stage_form.get_by_text("Moving to lost needs a reason.")).to_be_visible()
    expect(stage_form.get_by_label("Move to")).to_have_value("lost")
    stage_form.get_by_label("Reason").fill("Chose a site in Leuven")
    stage_form.get_by_role("button", name="Move", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Moved to lost.")
    expect(page).to_have_url(f"{live_server}/leads/board")
    expect(card(page, "lost", QUALIFIED_LEAD)).to_be_visible()
    expect(card(page, "qualified", QUALIFIED_LEAD)).to_have_count(0)


def test_without_javascript_the_card_form_moves_the_lead(
    demo: None, manager: User, live_server: str, page: Page, log_in: Callable[[User], None]
) -> None:
    log_in(manager)
    page.goto(f"{live_server}/leads/board")
    lead = card(page, "enquiry", NEW_LEAD)
    lead.get_by_label(f"Move {NEW_LEAD} to").select_option(label="active")
    lead.get_by_role("button", name="Move").click()
    expect(page.get_by_role("status")).to_have_text("Moved to active.")
    expect(card(page, "active", NEW_LEAD)).to_be_visible()
