"""A stage asks for the facts it needs: a site visit the site requirement; a decision the capex,
the jobs and a chosen site; a landing its date. A refused move names what is missing, on the page
and in the API, and changes nothing."""

from collections.abc import Callable
from datetime import date

import pytest
from flask.testing import FlaskClient

from crm.auth.models import User
from crm.leads.models import Company, Stage
from crm.leads.services import move_stage
from crm.refusals import Refusals
from crm.sites.models import Site
from crm.sites.services import reserve
from tests.helpers import submit_form

Headers = Callable[..., dict[str, str]]


def refused_fields(company: Company, to: Stage, by: User) -> dict[str | None, list[str]]:
    with pytest.raises(Refusals) as refused:
        move_stage(company, to, "", by)
    return refused.value.by_field()


def test_a_site_visit_needs_the_site_requirement(
    create_company: Callable[..., Company], staff_user: User
) -> None:
    company = create_company(stage=Stage.active)

    assert refused_fields(company, Stage.site_visit, staff_user) == {
        "site_area_m2": ["A site visit needs the site requirement: the area or the kind of space."]
    }
    assert company.stage is Stage.active
    company.needs_lab = True
    move_stage(company, Stage.site_visit, "", staff_user)
    assert company.stage is Stage.site_visit


def test_a_decision_needs_capex_jobs_and_a_chosen_site(
    create_company: Callable[..., Company],
    create_site: Callable[..., Site],
    staff_user: User,
    clock: Callable[[str], None],
) -> None:
    clock("2026-03-02T09:00:00+00:00")
    company = create_company(stage=Stage.site_visit, site_area_m2=800)

    assert refused_fields(company, Stage.decision, staff_user) == {
        "capex_eur": ["A decision needs the capex."],
        "new_jobs": ["A decision needs the new or safeguarded jobs."],
        "site": ["A decision needs a chosen site: reserve one."],
    }
    company.capex_eur, company.safeguarded_jobs = 5_000_000, 12
    reserve(
        create_site(),
        company,
        starts_on=date(2026, 3, 2),
        ends_on=date(2026, 4, 30),
        by=staff_user,
    )
    move_stage(company, Stage.decision, "", staff_user)
    assert company.stage is Stage.decision


def test_a_landing_needs_its_date(create_company: Callable[..., Company], staff_user: User) -> None:
    company = create_company(stage=Stage.decision)

    assert refused_fields(company, Stage.landed, staff_user) == {
        "actual_landing_on": ["A landing needs the actual landing date."]
    }
    assert company.stage is Stage.decision
    company.actual_landing_on = date(2026, 3, 1)
    move_stage(company, Stage.landed, "", staff_user)
    assert company.stage is Stage.landed


def test_the_page_says_what_the_stage_needs_at_the_stage_choice(
    staff_client: FlaskClient, create_company: Callable[..., Company]
) -> None:
    company = create_company(stage=Stage.site_visit, capex_eur=1_000_000)

    response = submit_form(
        staff_client,
        f"/leads/{company.id}/stage",
        {"stage": "decision", "reason": ""},
        form_page=f"/leads/{company.id}",
    )

    assert response.status_code == 422
    assert (
        '<span class="field-error" id="stage-error">A decision needs the new or safeguarded jobs. '
        "A decision needs a chosen site: reserve one.<"
    ) in response.text
    assert company.stage is Stage.site_visit


def test_the_api_answers_422_naming_the_missing_fields(
    client: FlaskClient, token_headers: Headers, create_company: Callable[..., Company]
) -> None:
    company = create_company(stage=Stage.active)

    response = client.post(
        f"/api/v1/companies/{company.id}/stage",
        json={"stage": "site_visit"},
        headers=token_headers(),
    )

    assert response.status_code == 422
    assert list(response.json["errors"]["json"]) == ["site_area_m2"]
    assert response.json["codes"] == ["site_requirement_needed"]
    assert company.stage is Stage.active
