"""Aftercare: landed companies with their plans, last contact and site; a company not contacted
for AFTERCARE_CONTACT_DAYS is due in its owner's digest."""

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from crm import create_app
from crm.auth.models import User
from crm.config import ConfigurationError
from crm.extensions import db
from crm.leads.digest import queue_due_digests_now
from crm.leads.models import ActivityKind, Company, Stage
from crm.leads.timeline import record_activity
from crm.mail.models import OutboxMessage
from crm.sites.models import Site, SiteStatus
from crm.sites.services import change_status
from tests.helpers import submit_form
from tests.leads.test_companies import NEW_COMPANY

AT_THE_HOUR = "2025-10-21T05:00:00+00:00"  # 07:00 in Dresden


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def landed(insert_company: Callable[..., Company], staff_user: User) -> Callable[..., Company]:
    """``landed(name, last_contact="2025-04-01T10:00:00")``: a landed company of the staff user,
    last contacted then (or never)."""

    def make(name: str, last_contact: str | None = None, **fields: object) -> Company:
        company = insert_company(name=name, stage=Stage.landed, owner_id=staff_user.id, **fields)
        if last_contact:
            record_activity(company, ActivityKind.call, "Called", occurred_at=moment(last_contact))
        db.session.commit()
        return company

    return make


def digests() -> list[OutboxMessage]:
    return list(
        db.session.scalars(select(OutboxMessage).where(OutboxMessage.key.startswith("digest:")))
    )


def test_the_aftercare_page_shows_plans_last_contact_and_the_taken_site(
    staff_client: FlaskClient,
    landed: Callable[..., Company],
    insert_company: Callable[..., Company],
    create_site: Callable[..., Site],
    clock: Callable[[str], None],
) -> None:
    company = landed(
        "ROTOP Pharmaka GmbH", "2025-09-30T10:00:00", expansion_plans="Second hot cell line"
    )
    insert_company(name="Still Deciding AG", stage=Stage.decision)
    site = create_site(name="Rossendorf Lab Wing")
    change_status(site, SiteStatus.taken, company=company)
    db.session.commit()
    clock(AT_THE_HOUR)

    page = staff_client.get("/leads/aftercare").text

    assert "ROTOP Pharmaka GmbH" in page
    assert "Second hot cell line" in page
    assert "Rossendorf Lab Wing" in page
    assert "30 Sept 2025" in page or "30 Sep 2025" in page
    assert "contact due" not in page
    assert "Still Deciding AG" not in page


def test_a_landed_company_not_contacted_for_the_set_days_is_in_its_owners_digest(
    landed: Callable[..., Company], clock: Callable[[str], None]
) -> None:
    landed("Quiet Isotopes GmbH", "2025-04-23T10:00:00")  # 181 days before
    landed("Recently Called KG", "2025-04-25T10:00:00")  # 179 days before
    landed("Never Called SE")
    clock(AT_THE_HOUR)

    queue_due_digests_now()

    [message] = digests()
    assert "Landed companies to contact (2)" in message.text_body
    assert "Quiet Isotopes GmbH" in message.text_body
    assert "Never Called SE" in message.text_body
    assert "Recently Called KG" not in message.text_body


def test_notes_registrations_and_system_entries_are_no_contact(
    landed: Callable[..., Company], clock: Callable[[str], None]
) -> None:
    company = landed("Quiet Isotopes GmbH", "2025-01-02T10:00:00")
    for kind in (ActivityKind.note, ActivityKind.registration, ActivityKind.mail_sent):
        record_activity(company, kind, "Not a contact", occurred_at=moment("2025-10-20T10:00:00"))
    record_activity(
        company, ActivityKind.system, "Landing verified", occurred_at=moment(AT_THE_HOUR[:19])
    )
    db.session.commit()
    clock(AT_THE_HOUR)

    queue_due_digests_now()

    assert "Quiet Isotopes GmbH" in digests()[0].text_body


def test_the_contact_interval_is_configurable(
    app: Flask, landed: Callable[..., Company], clock: Callable[[str], None]
) -> None:
    app.config["AFTERCARE_CONTACT_DAYS"] = 200
    landed("Quiet Isotopes GmbH", "2025-04-23T10:00:00")
    clock(AT_THE_HOUR)

    queue_due_digests_now()

    assert digests() == []


def test_an_archived_landed_company_is_left_out(
    landed: Callable[..., Company], clock: Callable[[str], None]
) -> None:
    landed("Archived Isotopes GmbH", is_archived=True)
    clock(AT_THE_HOUR)

    queue_due_digests_now()

    assert digests() == []


@pytest.mark.parametrize("days", [0, 3651])
def test_a_contact_interval_out_of_range_is_refused_at_start(
    app_config: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, days: int
) -> None:
    monkeypatch.setenv("CRM_INSTANCE_PATH", str(tmp_path / "instance"))

    with pytest.raises(ConfigurationError, match="AFTERCARE_CONTACT_DAYS"):
        create_app(app_config | {"AFTERCARE_CONTACT_DAYS": days})


def test_staff_record_expansion_plans_on_the_company_form(
    staff_client: FlaskClient, company: Company
) -> None:
    response = submit_form(
        staff_client,
        f"/leads/{company.id}/edit",
        NEW_COMPANY | {"version": "1", "expansion_plans": "A second cyclotron bunker in 2028"},
    )

    assert response.status_code == 302, response.text
    db.session.refresh(company)
    assert company.expansion_plans == "A second cyclotron bunker in 2028"
    assert "A second cyclotron bunker in 2028" in staff_client.get(f"/leads/{company.id}").text


def test_expansion_plans_longer_than_the_limit_are_refused(
    staff_client: FlaskClient, company: Company
) -> None:
    response = submit_form(
        staff_client,
        f"/leads/{company.id}/edit",
        NEW_COMPANY | {"version": "1", "expansion_plans": "x" * 10_001},
    )

    assert response.status_code == 422
    db.session.refresh(company)
    assert company.expansion_plans == ""
