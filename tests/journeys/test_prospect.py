"""A prospect registers for the sample event, then changes and cancels through the mailed link."""

import email
import re
from email.message import EmailMessage
from email.policy import default
from typing import cast

from playwright.sync_api import Page, expect
from sqlalchemy import select

from crm.events.models import Registration, RegistrationStatus
from crm.extensions import db
from crm.mail.dispatch import dispatch_due
from crm.mail.models import OutboxMessage, OutboxStatus
from tests.conftest import SMTPServer
from tests.journeys.conftest import assert_every_control_is_named

EVENT_TITLE = "DEMO: Sample site tour Dresden-Rossendorf"
EMAIL = "grace@navy-labs.example"
MANAGE_LINK = re.compile(r"http://127\.0\.0\.1:\d+/r/[^\s\"<>]+")


def delivered_to(smtp_server: SMTPServer, address: str) -> list[EmailMessage]:
    """Send what the outbox holds, as the worker does, and read what reached ``address``."""
    dispatch_due()
    return [
        cast(EmailMessage, email.message_from_bytes(message["data"], policy=default))
        for message in smtp_server.messages
        if address in message["rcpt_tos"]
    ]


def plain_text(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None, "the mail has no text part"
    return body.get_content()


def calendar_method(message: EmailMessage) -> str | None:
    """The iMIP method of the invitation the mail carries, as Outlook and Gmail read it."""
    for part in message.walk():
        method = part.get_param("method") if part.get_content_type() == "text/calendar" else None
        if isinstance(method, str):
            return method
    return None


def registration_mail(address: str) -> list[tuple[str, OutboxStatus]]:
    db.session.expire_all()
    return [
        (message.key.split(":")[0], message.status)
        for message in db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.to_email == address)
            .order_by(OutboxMessage.id)
        )
    ]


def test_a_prospect_registers_changes_an_answer_and_cancels_through_the_mailed_link(
    smtp_server: SMTPServer, demo: None, live_server: str, page: Page
) -> None:
    page.goto(f"{live_server}/events/")
    page.get_by_role("link", name=EVENT_TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(EVENT_TITLE)
    page.get_by_role("button", name="Register").click()
    assert_every_control_is_named(page)

    page.get_by_role("textbox", name="Name", exact=True).fill("Grace Hopper")
    page.get_by_role("textbox", name="Email", exact=True).fill(EMAIL)
    page.get_by_role("textbox", name="Company", exact=True).fill("Navy Labs Inc")
    page.get_by_role("textbox", name="Position", exact=True).fill("Head of Radiochemistry")
    page.get_by_label("Country").select_option(label="United States")
    page.get_by_label("Dietary needs").select_option(label="Vegetarian")
    page.get_by_label("Custom hot cells").check()
    page.get_by_label("ROTOP Pharmaka GmbH").check()
    page.get_by_label("I agree").check()
    page.get_by_label("may contact me after the event").check()
    page.get_by_role("button", name="Register").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    expect(page.get_by_role("status")).to_contain_text(EMAIL)
    registration = db.session.scalars(select(Registration).where(Registration.email == EMAIL)).one()
    assert registration.status is RegistrationStatus.confirmed
    assert registration.answers == {"dietary": "vegetarian"}
    assert registration.country == "US"

    (confirmation,) = delivered_to(smtp_server, EMAIL)
    assert confirmation["Subject"] == f"Registration confirmed: {EVENT_TITLE}"
    assert calendar_method(confirmation) == "REQUEST"
    (manage_link,) = MANAGE_LINK.findall(plain_text(confirmation))

    page.goto(manage_link)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your registration")
    expect(page.get_by_label("Dietary needs")).to_have_value("vegetarian")
    assert_every_control_is_named(page)
    page.get_by_label("Dietary needs").select_option(label="None")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_have_text("Your changes are saved.")
    expect(page.get_by_label("Dietary needs")).to_have_value("none")
    db.session.expire_all()
    assert registration.answers == {"dietary": "none"}

    page.get_by_role("button", name="Withdraw this consent").click()
    expect(page.get_by_role("status")).to_have_text("Your consent is withdrawn.")
    expect(page.get_by_role("button", name="Withdraw this consent")).to_have_count(0)
    db.session.expire_all()
    assert [c.purpose.value for c in registration.consents if c.is_live] == ["registration"]

    (_, update) = delivered_to(smtp_server, EMAIL)
    assert update["Subject"] == f"Registration updated: {EVENT_TITLE}"
    assert calendar_method(update) == "REQUEST"
    assert MANAGE_LINK.findall(plain_text(update)) == [manage_link]

    page.get_by_role("button", name="Cancel my registration").click()
    expect(page.get_by_role("status")).to_have_text("Your registration is cancelled.")
    expect(page.get_by_role("definition").filter(has_text="cancelled")).to_be_visible()
    expect(page.get_by_role("button", name="Cancel my registration")).to_have_count(0)
    db.session.expire_all()
    assert registration.status is RegistrationStatus.cancelled

    (_, _, cancellation) = delivered_to(smtp_server, EMAIL)
    assert cancellation["Subject"] == f"Registration cancelled: {EVENT_TITLE}"
    assert calendar_method(cancellation) == "CANCEL"
    assert MANAGE_LINK.findall(plain_text(cancellation)) == []
    assert registration_mail(EMAIL) == [
        ("confirmation", OutboxStatus.sent),
        ("change", OutboxStatus.sent),
        ("cancellation", OutboxStatus.sent),
    ]
