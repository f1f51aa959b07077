"""Staff matchmaking end to end in headless Chromium."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from crm.auth.models import User
from crm.extensions import db
from crm.leads.models import Company
from crm.mail.models import OutboxMessage
from crm.partners.models import LinkStatus, Partner, PartnerLink
from tests.conftest import TEST_PASSWORD


def test_staff_accept_a_suggestion_and_introduce_the_lead_in_the_browser(
    live_server: str,
    page: Any,
    staff_user: User,
    create_company: Callable[..., Company],
    partner: Callable[[str], Partner],
) -> None:
    cup = partner("cup-laboratorien")
    cup.contact_email = "lab@cup.example"
    db.session.commit()
    company = create_company(needs=("sterility-testing",))
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(staff_user.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server}/dashboard")

    page.goto(f"{live_server}/companies/{company.id}/partners")
    page.get_by_role("button", name="Accept").click()
    page.get_by_role("button", name="Introduce by mail").click()
    assert page.get_by_text("Introduction to CUP Laboratorien Dr. Freitag GmbH queued").is_visible()

    db.session.expire_all()
    link = db.session.scalars(select(PartnerLink)).one()
    assert link.status is LinkStatus.introduced
    assert db.session.scalars(select(OutboxMessage)).one().to_email == "lab@cup.example"
