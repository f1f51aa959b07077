"""An acquisition manager takes a new lead from the first call to a landing on a reserved site,
with a partner."""

import re
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select

from crm.auth.models import Role, User
from crm.extensions import db
from crm.leads.models import Activity, ActivityKind, Company, FollowUpTask, Stage
from crm.partners.models import LinkStatus, PartnerLink
from crm.sites.models import Site, SiteStatus
from tests.journeys.conftest import JOURNEY_START, assert_every_control_is_named

COMPANY = "Isotopia Therapeutics AB"
SITE = "Demo: Hall 2, Radeberg"
PIPELINE = ["qualified", "active", "site visit", "decision", "landed"]
DAYS_IN_EACH_STAGE = 7


@pytest.fixture
def manager(create_user: Callable[..., User]) -> User:
    return create_user(Role.staff, name="Anna Weber", email="anna.weber@wfs.example")


@pytest.fixture
def demo(manager: User, demo: None) -> None:
    """The manager's account exists before the demo data, so the demo leads are theirs too."""


def board_column(page: Page, stage: str) -> Locator:
    """The board's column of one stage, found by its heading ("qualified (3)")."""
    return page.get_by_role("region", name=re.compile(rf"^{stage} \(\d+\)$"))


def choose_a_site(page: Page) -> None:
    """A decision needs a chosen site: the move is refused until one is reserved."""
    page.get_by_label("Move to").select_option(label="decision")
    page.get_by_role("button", name="Move", exact=True).click()
    expect(page.get_by_text("A decision needs a chosen site: reserve one.")).to_be_visible()
    sites = page.get_by_role("region", name="Sites", exact=True)
    expect(sites).to_contain_text("Short of: no hot cells")
    sites.get_by_role("button", name=f"Reserve {SITE}").click()
    expect(page.get_by_role("status")).to_have_text(f"{SITE} reserved for {COMPANY}.")


def record_the_landing_day(page: Page) -> None:
    page.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_label("Actual landing date").fill("2026-04-01")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("Saved.")


def test_a_manager_takes_a_new_lead_through_the_pipeline_with_a_partner_and_a_task(
    demo: None,
    manager: User,
    live_server: str,
    page: Page,
    log_in: Callable[[User], None],
    clock: Callable[[datetime], None],
) -> None:
    log_in(manager)
    page.get_by_role("link", name="Leads", exact=True).click()
    page.get_by_role("link", name="New company").click()
    assert_every_control_is_named(page)
    page.get_by_role("textbox", name="Name", exact=True).fill(COMPANY)
    page.get_by_label("Website").fill("https://isotopia.example")
    page.get_by_label("Domain").fill("isotopia.example")
    page.get_by_label("Country (ISO code)").fill("SE")
    page.get_by_label("City").fill("Uppsala")
    page.get_by_label("Sterility testing").check()
    page.get_by_label("Custom hot cells").check()
    page.get_by_label("New jobs").fill("30")
    page.get_by_label("Capital expenditure (EUR)").fill("12000000")
    page.get_by_label("Site area (m²)").fill("1200")
    page.get_by_label("Production", exact=True).check()
    page.get_by_label("Hot cells", exact=True).check()
    page.get_by_role("button", name="Create company").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(COMPANY)
    assert_every_control_is_named(page)

    timeline = page.get_by_role("region", name="Timeline")
    timeline.get_by_label("Kind").select_option(label="call")
    timeline.get_by_label("Subject").fill("First call: a GMP site for Lu-177 therapies")
    timeline.get_by_label("Details").fill("Needs 1,200 m² with hot cells by 2027.")
    timeline.get_by_role("button", name="Add to the timeline").click()
    expect(timeline.get_by_role("listitem").first).to_contain_text(
        "call · Anna Weber First call: a GMP site for Lu-177 therapies"
    )

    previous = "enquiry"
    for number, stage in enumerate(PIPELINE, start=1):
        page.get_by_role("link", name="Leads", exact=True).click()
        page.get_by_role("link", name="Board by stage").click()
        expect(board_column(page, previous).get_by_role("link", name=COMPANY)).to_be_visible()
        board_column(page, previous).get_by_role("link", name=COMPANY).click()
        if stage == "decision":
            choose_a_site(page)
        if stage == "landed":
            record_the_landing_day(page)
        page.get_by_label("Move to").select_option(label=stage)
        page.get_by_role("button", name="Move", exact=True).click()
        expect(page.get_by_role("status")).to_have_text(f"Moved to {stage}.")
        clock(JOURNEY_START + timedelta(days=number * DAYS_IN_EACH_STAGE))
        page.get_by_role("link", name="Leads", exact=True).click()
        page.get_by_role("link", name="Board by stage").click()
        expect(board_column(page, stage).get_by_role("link", name=COMPANY)).to_be_visible()
        expect(board_column(page, previous).get_by_role("link", name=COMPANY)).to_have_count(0)
        previous = stage

    page.get_by_role("link", name=COMPANY).click()
    expect(page.get_by_text("Time per stage")).to_contain_text("qualified 7 d, active 7 d")

    suggestions = page.get_by_role("region", name="Cluster partners")
    suggestions.get_by_role("button", name="Accept CUP Laboratorien Dr. Freitag GmbH").click()
    expect(page.get_by_role("status")).to_have_text(
        f"CUP Laboratorien Dr. Freitag GmbH linked to {COMPANY}."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(COMPANY)
    expect(suggestions.get_by_role("row").filter(has_text="CUP Laboratorien")).to_contain_text(
        "Suggested"
    )

    tasks = page.get_by_role("region", name="Follow-up tasks")
    tasks.get_by_label("Task").fill("Send the aftercare welcome pack")
    tasks.get_by_label("Due on").fill("2026-04-10")
    tasks.get_by_label("Owner").select_option(label="Anna Weber")
    tasks.get_by_role("button", name="Add task").click()
    expect(tasks.get_by_role("listitem").first).to_contain_text("Send the aftercare welcome pack")
    page.get_by_role("link", name="My tasks").click()
    row = page.get_by_role("row").filter(has_text="Send the aftercare welcome pack")
    expect(row.get_by_role("cell")).to_have_text(
        ["10 Apr 2026", "Send the aftercare welcome pack", COMPANY, "Done"]
    )

    clock(JOURNEY_START + timedelta(days=42))
    page.reload()
    expect(row.get_by_role("cell").first).to_have_text("10 Apr 2026 overdue")

    db.session.expire_all()
    company = db.session.scalars(select(Company).where(Company.name == COMPANY)).one()
    assert company.stage is Stage.landed
    assert [change.to_stage for change in reversed(company.stage_changes)][1:] == [
        Stage.qualified,
        Stage.active,
        Stage.site_visit,
        Stage.decision,
        Stage.landed,
    ]
    entries = db.session.scalars(
        select(Activity).where(Activity.company == company).order_by(Activity.id)
    )
    assert [(entry.kind, entry.author, entry.subject[:14]) for entry in entries] == [
        (ActivityKind.call, manager, "First call: a "),
        (ActivityKind.system, manager, "Site reserved:"),
        (ActivityKind.system, manager, "Landed on the "),
    ]
    (link,) = db.session.scalars(select(PartnerLink).where(PartnerLink.company == company))
    assert (link.partner.slug, link.status) == ("cup-laboratorien", LinkStatus.suggested)
    task = db.session.scalars(select(FollowUpTask).where(FollowUpTask.company == company)).one()
    assert task.owner == manager
    hall = db.session.scalars(select(Site).where(Site.name == SITE)).one()
    assert (hall.status, hall.taken_by) == (SiteStatus.taken, company)
