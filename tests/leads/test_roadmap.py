"""The regulatory roadmap: started from the admins' template, each step changed through one
function and written on the timeline, overdue steps in the owner's tasks."""

from collections.abc import Callable
from datetime import date

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.test import TestResponse

from crm.auth.models import Role, User
from crm.extensions import db
from crm.leads.models import Activity, Company
from crm.leads.roadmap import (
    RoadmapStep,
    RoadmapTemplateStep,
    StepStatus,
    roadmap_of,
    save_template_step,
    start_roadmap,
    update_step,
)
from crm.leads.services import office_today
from crm.refusals import Refused
from tests.helpers import csrf_token, submit_form

NOW = "2025-10-21T07:00:00+00:00"  # 09:00 in Dresden
TODAY = date(2025, 10, 21)


@pytest.fixture
def template() -> list[RoadmapTemplateStep]:
    steps = [
        save_template_step(None, "Building permit", "Bauaufsicht Dresden", 10),
        save_template_step(None, "Radiation-protection licence (StrlSchG)", "SMEKUL", 20),
    ]
    db.session.commit()
    return steps


@pytest.fixture
def owned_company(create_company: Callable[..., Company], staff_user: User) -> Company:
    return create_company(name="ROTOP Pharmaka GmbH", owner_id=staff_user.id)


def system_entries(company: Company) -> list[str]:
    return list(
        db.session.scalars(
            select(Activity.subject).where(Activity.company_id == company.id).order_by(Activity.id)
        )
    )


def submit_prefixed(
    client: FlaskClient, url: str, prefix: str, data: dict[str, str], *, form_page: str
) -> TestResponse:
    """Post a form whose fields carry ``prefix`` (beside the page's CSRF token)."""
    token = csrf_token(client.get(form_page).text)
    fields = {f"{prefix}-{name}": value for name, value in data.items()}
    return client.post(url, data={"csrf_token": token, **fields})


def started(company: Company, by: User) -> list[RoadmapStep]:
    steps = start_roadmap(company, by=by)
    db.session.commit()
    return steps


def test_starting_the_roadmap_copies_the_template_to_the_lead_owner(
    staff_client: FlaskClient,
    owned_company: Company,
    staff_user: User,
    template: list[RoadmapTemplateStep],
) -> None:
    response = submit_form(
        staff_client,
        f"/leads/{owned_company.id}/roadmap",
        {},
        form_page=f"/leads/{owned_company.id}",
    )

    assert response.status_code == 302
    steps = roadmap_of(owned_company)
    assert [(s.title, s.authority, s.status, s.owner_id) for s in steps] == [
        ("Building permit", "Bauaufsicht Dresden", StepStatus.open, staff_user.id),
        ("Radiation-protection licence (StrlSchG)", "SMEKUL", StepStatus.open, staff_user.id),
    ]
    assert "Regulatory roadmap started (2 steps)" in system_entries(owned_company)
    page = staff_client.get(f"/leads/{owned_company.id}").text
    assert "Bauaufsicht Dresden" in page
    assert "Start roadmap" not in page


def test_a_roadmap_is_started_once(
    owned_company: Company, staff_user: User, template: list[RoadmapTemplateStep]
) -> None:
    started(owned_company, staff_user)

    with pytest.raises(Refused) as refusal:
        start_roadmap(owned_company, by=staff_user)

    assert refusal.value.code == "roadmap_started"
    assert len(roadmap_of(owned_company)) == 2


def test_an_empty_template_starts_no_roadmap(owned_company: Company, staff_user: User) -> None:
    with pytest.raises(Refused) as refusal:
        start_roadmap(owned_company, by=staff_user)

    assert refusal.value.code == "roadmap_template_empty"
    assert roadmap_of(owned_company) == []


def test_a_granted_step_is_done_today_and_written_on_the_timeline(
    staff_client: FlaskClient,
    owned_company: Company,
    staff_user: User,
    template: list[RoadmapTemplateStep],
) -> None:
    step = started(owned_company, staff_user)[0]

    response = submit_prefixed(
        staff_client,
        f"/leads/roadmap-steps/{step.id}",
        f"step-{step.id}",
        {"status": "granted", "owner_id": str(staff_user.id), "planned_on": "2025-10-01"},
        form_page=f"/leads/{owned_company.id}",
    )

    assert response.status_code == 302, response.text
    db.session.refresh(step)
    assert (step.status, step.planned_on, step.done_on) == (
        StepStatus.granted,
        date(2025, 10, 1),
        office_today(),
    )
    assert "Roadmap: Building permit: open → granted" in system_entries(owned_company)


def test_an_open_step_with_a_done_date_is_refused_and_unchanged(
    staff_client: FlaskClient,
    owned_company: Company,
    staff_user: User,
    template: list[RoadmapTemplateStep],
) -> None:
    step = started(owned_company, staff_user)[0]
    entries = system_entries(owned_company)

    response = submit_prefixed(
        staff_client,
        f"/leads/roadmap-steps/{step.id}",
        f"step-{step.id}",
        {"status": "in_progress", "done_on": "2025-10-01"},
        form_page=f"/leads/{owned_company.id}",
    )

    assert response.status_code == 422
    assert "Only a granted, refused or unneeded step has a done date." in response.text
    db.session.refresh(step)
    assert (step.status, step.done_on) == (StepStatus.open, None)
    assert system_entries(owned_company) == entries


def test_a_viewer_cannot_own_a_step(
    owned_company: Company,
    staff_user: User,
    create_user: Callable[..., User],
    template: list[RoadmapTemplateStep],
) -> None:
    step = started(owned_company, staff_user)[0]
    viewer = create_user(Role.viewer)

    with pytest.raises(Refused) as refusal:
        update_step(
            step,
            StepStatus.in_progress,
            owner_id=viewer.id,
            planned_on=None,
            done_on=None,
            today=TODAY,
            by=staff_user,
        )

    assert refusal.value.code == "not_staff"
    db.session.rollback()
    db.session.refresh(step)
    assert (step.status, step.owner_id) == (StepStatus.open, staff_user.id)


def test_the_database_refuses_a_done_date_on_an_unsettled_step(
    owned_company: Company, staff_user: User, template: list[RoadmapTemplateStep]
) -> None:
    step = started(owned_company, staff_user)[0]
    step.done_on = TODAY

    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_my_tasks_lists_my_overdue_unsettled_steps(
    staff_client: FlaskClient,
    staff_user: User,
    create_user: Callable[..., User],
    create_company: Callable[..., Company],
    owned_company: Company,
    template: list[RoadmapTemplateStep],
    clock: Callable[[str], None],
) -> None:
    clock(NOW)
    building, radiation = started(owned_company, staff_user)
    change = {"owner_id": staff_user.id, "done_on": None, "today": TODAY, "by": staff_user}
    update_step(building, StepStatus.in_progress, planned_on=date(2025, 10, 20), **change)
    update_step(radiation, StepStatus.granted, planned_on=date(2025, 10, 1), **change)
    colleague = create_user(Role.staff)
    other = create_company(name="Isotopia Ltd", owner_id=colleague.id)
    update_step(
        started(other, colleague)[0],
        StepStatus.open,
        owner_id=colleague.id,
        planned_on=date(2025, 9, 1),
        done_on=None,
        today=TODAY,
        by=colleague,
    )
    db.session.commit()

    page = staff_client.get("/leads/tasks").text

    overdue = page.split("Overdue roadmap steps")[1]
    assert "Building permit (in progress)" in overdue
    assert "Radiation-protection licence" not in overdue
    assert "Isotopia Ltd" not in overdue


def test_a_step_planned_for_today_is_not_overdue(
    staff_client: FlaskClient,
    staff_user: User,
    owned_company: Company,
    template: list[RoadmapTemplateStep],
    clock: Callable[[str], None],
) -> None:
    clock(NOW)
    step = started(owned_company, staff_user)[0]
    update_step(
        step,
        StepStatus.open,
        owner_id=staff_user.id,
        planned_on=TODAY,
        done_on=None,
        today=TODAY,
        by=staff_user,
    )
    db.session.commit()

    assert "No roadmap step is overdue." in staff_client.get("/leads/tasks").text


# --- the template ------------------------------------------------------------------------------


@pytest.fixture
def admin_client(
    client: FlaskClient, create_user: Callable[..., User], login: Callable[[User], None]
) -> FlaskClient:
    login(create_user(Role.admin))
    return client


def template_rows() -> list[tuple[int, str, str]]:
    return [
        (step.position, step.title, step.authority)
        for step in db.session.scalars(
            select(RoadmapTemplateStep).order_by(RoadmapTemplateStep.position)
        )
    ]


def test_admins_add_edit_and_remove_template_steps(
    admin_client: FlaskClient, template: list[RoadmapTemplateStep]
) -> None:
    page = "/leads/roadmap-template"
    added = submit_prefixed(
        admin_client,
        page,
        "new",
        {"title": "Handling licence", "authority": "BASE", "position": "30"},
        form_page=page,
    )
    building = template[0]
    edited = submit_prefixed(
        admin_client,
        f"{page}/{building.id}",
        f"template-{building.id}",
        {"title": "Building permit", "position": "40"},
        form_page=page,
    )
    removed = submit_form(admin_client, f"{page}/{template[1].id}/delete", {}, form_page=page)

    assert [added.status_code, edited.status_code, removed.status_code] == [302, 302, 302]
    assert template_rows() == [(30, "Handling licence", "BASE"), (40, "Building permit", "")]


def test_a_template_step_without_a_title_is_refused(
    admin_client: FlaskClient, template: list[RoadmapTemplateStep]
) -> None:
    before = template_rows()

    response = submit_prefixed(
        admin_client,
        "/leads/roadmap-template",
        "new",
        {"title": " ", "authority": "BASE"},
        form_page="/leads/roadmap-template",
    )

    assert response.status_code == 422
    assert template_rows() == before


def test_a_step_change_without_the_csrf_token_is_refused(
    staff_client: FlaskClient,
    owned_company: Company,
    staff_user: User,
    template: list[RoadmapTemplateStep],
) -> None:
    step = started(owned_company, staff_user)[0]

    response = staff_client.post(
        f"/leads/roadmap-steps/{step.id}", data={f"step-{step.id}-status": "granted"}
    )

    assert response.status_code == 400
    db.session.refresh(step)
    assert step.status is StepStatus.open
