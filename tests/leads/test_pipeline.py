"""Companies move through the pipeline by one checked transition that records who, when and why."""

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from crm.auth.models import User
from crm.extensions import db
from crm.leads.models import Company, Stage
from crm.leads.services import (
    move_stage,
    time_in_stages,
    verified_landings_count,
    verify_landing,
)
from crm.refusals import Refusals, Refused
from tests.helpers import submit_form


def test_a_stage_change_records_who_when_from_and_to(
    company: Company, staff_user: User, clock: Callable[[str], None]
) -> None:
    clock("2025-10-21T07:00:00+00:00")
    change = move_stage(company, Stage.qualified, "Budget confirmed", staff_user)
    assert (change.from_stage, change.to_stage) == (Stage.enquiry, Stage.qualified)
    assert change.changed_by == staff_user
    assert change.changed_at.isoformat() == "2025-10-21T07:00:00+00:00"
    assert company.stage is Stage.qualified


@pytest.mark.parametrize("stage", [Stage.lost, Stage.on_hold, Stage.dormant])
def test_lost_on_hold_and_dormant_need_a_reason(
    company: Company, staff_user: User, stage: Stage
) -> None:
    with pytest.raises(Refusals, match="needs a reason"):
        move_stage(company, stage, "  ", staff_user)
    assert company.stage is Stage.enquiry


def test_a_lost_company_records_where_it_went(company: Company, staff_user: User) -> None:
    move_stage(company, Stage.lost, "Lower rent", staff_user, lost_to_location="Leuven")
    assert (company.stage_reason, company.lost_to_location) == ("Lower rent", "Leuven")


def test_a_landed_company_cannot_move_back(company: Company, staff_user: User) -> None:
    company.actual_landing_on = date(2026, 3, 1)
    move_stage(company, Stage.landed, "", staff_user)
    with pytest.raises(Refused, match="cannot move"):
        move_stage(company, Stage.active, "", staff_user)


def test_time_in_each_stage_is_derived_from_the_history(
    create_company: Callable[..., Company], staff_user: User, clock: Callable[[str], None]
) -> None:
    clock("2025-10-01T08:00:00+00:00")
    company = create_company()
    clock("2025-10-11T08:00:00+00:00")
    move_stage(company, Stage.qualified, "", staff_user)
    clock("2025-10-14T08:00:00+00:00")
    spent = time_in_stages(company)
    assert spent == {Stage.enquiry: timedelta(days=10), Stage.qualified: timedelta(days=3)}


def test_only_verified_landings_count(
    create_company: Callable[..., Company], staff_user: User
) -> None:
    verified = create_company(stage=Stage.landed)
    create_company(stage=Stage.landed)
    assert verified_landings_count() == 0
    verify_landing(verified, "Trade register entry HRB 12345", by=staff_user)
    assert verified_landings_count() == 1
    assert verified.landing_verified_by == staff_user
    assert verified.actual_landing_on is not None


def test_a_landing_cannot_be_verified_before_the_company_landed(
    company: Company, staff_user: User
) -> None:
    with pytest.raises(Refused):
        verify_landing(company, "Rumour", by=staff_user)


def test_the_stage_form_refuses_a_move_without_a_reason(
    staff_client: FlaskClient, company: Company
) -> None:
    response = submit_form(
        staff_client,
        f"/leads/{company.id}/stage",
        {"stage": "on_hold", "reason": ""},
        form_page=f"/leads/{company.id}",
    )
    assert response.status_code == 422
    assert "needs a reason" in response.text


def test_the_company_page_shows_the_stage_history(
    staff_client: FlaskClient, company: Company, staff_user: User
) -> None:
    response = submit_form(
        staff_client,
        f"/leads/{company.id}/stage",
        {"stage": "dormant", "reason": "No budget this year"},
        form_page=f"/leads/{company.id}",
    )
    assert response.status_code == 302
    page = staff_client.get(f"/leads/{company.id}").text
    assert "No budget this year" in page
    assert staff_user.name in page


def test_the_board_shows_companies_by_stage(
    staff_client: FlaskClient, create_company: Callable[..., Company], staff_user: User
) -> None:
    landed = create_company(name="Landed GmbH", stage=Stage.landed)
    verify_landing(landed, "Lease signed", by=staff_user)
    db.session.commit()
    page = staff_client.get("/leads/board").text
    landed_column = page.split('id="stage-landed"', 1)[1].split("</section>", 1)[0]
    assert "Landed GmbH" in landed_column
    assert "Verified landings: <strong>1</strong>" in page


def test_staff_verify_a_landing_with_evidence_on_the_company_page(
    staff_client: FlaskClient, create_company: Callable[..., Company], staff_user: User
) -> None:
    landed = create_company(stage=Stage.landed)
    url = f"/leads/{landed.id}/landing"
    refused = submit_form(staff_client, url, {"evidence": ""}, form_page=f"/leads/{landed.id}")
    assert refused.status_code == 422
    response = submit_form(
        staff_client, url, {"evidence": "Lease signed 2025-10-01"}, form_page=f"/leads/{landed.id}"
    )
    assert response.status_code == 302
    db.session.refresh(landed)
    assert landed.is_landing_verified
    assert landed.landing_evidence == "Lease signed 2025-10-01"


def test_a_company_without_any_recorded_stage_has_been_in_its_stage_since_creation(
    app: Flask, clock: Callable[[str], None]
) -> None:
    clock("2025-10-01T08:00:00+00:00")
    company = Company(name="Imported GmbH", normalised_name="imported", stage=Stage.qualified)
    db.session.add(company)
    db.session.commit()
    clock("2025-10-06T08:00:00+00:00")
    assert time_in_stages(company) == {Stage.qualified: timedelta(days=5)}


def test_a_first_move_without_a_recorded_start_counts_the_stage_it_left(
    staff_user: User, clock: Callable[[str], None]
) -> None:
    clock("2025-10-01T08:00:00+00:00")
    company = Company(name="Registered GmbH", normalised_name="registered", stage=Stage.enquiry)
    db.session.add(company)
    db.session.commit()
    clock("2025-10-03T08:00:00+00:00")
    move_stage(company, Stage.qualified, "", staff_user)
    clock("2025-10-04T08:00:00+00:00")
    assert time_in_stages(company) == {
        Stage.enquiry: timedelta(days=2),
        Stage.qualified: timedelta(days=1),
    }


def test_the_page_of_a_company_without_history_opens(staff_client: FlaskClient) -> None:
    company = Company(name="Demo: Quiet AB", normalised_name="demo quiet", is_demo=True)
    db.session.add(company)
    db.session.commit()
    response = staff_client.get(f"/leads/{company.id}")
    assert response.status_code == 200
    assert "Demo: Quiet AB" in response.text


def test_moves_made_in_the_same_instant_keep_the_order_they_were_made_in(
    create_company: Callable[..., Company], staff_user: User, clock: Callable[[str], None]
) -> None:
    clock("2025-10-01T08:00:00+00:00")
    company = create_company()
    move_stage(company, Stage.qualified, "", staff_user)
    move_stage(company, Stage.active, "", staff_user)
    db.session.commit()
    db.session.expire_all()
    assert [change.to_stage for change in company.stage_changes] == [
        Stage.active,
        Stage.qualified,
        Stage.enquiry,
    ]
    clock("2025-10-08T08:00:00+00:00")
    assert time_in_stages(company) == {
        Stage.enquiry: timedelta(),
        Stage.qualified: timedelta(),
        Stage.active: timedelta(days=7),
    }
