"""The regulatory roadmap and a landed company's expansion plans through the API: the same rules
as the lead page (``crm.leads.roadmap``, ``crm.leads.services``)."""

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from crm.api.models import ApiScope
from crm.api.tokens import issue_token
from crm.auth.models import Role, User
from crm.extensions import db
from crm.leads.models import Activity, Company
from crm.leads.roadmap import RoadmapStep, StepStatus, save_template_step

Headers = Callable[..., dict[str, str]]
TODAY = "2026-03-02T09:00:00+00:00"


@pytest.fixture
def owner(create_user: Callable[..., User]) -> User:
    return create_user(Role.staff, name="Olaf Owner")


@pytest.fixture
def lead(create_company: Callable[..., Company], owner: User) -> Company:
    save_template_step(None, "Building permit", "Bauaufsicht Dresden", 10)
    save_template_step(None, "Radiation-protection licence (StrlSchG)", "SMEKUL", 20)
    db.session.commit()
    return create_company(name="ROTOP Pharmaka GmbH", owner_id=owner.id)


def bearer(user: User, scope: ApiScope = ApiScope.write) -> dict[str, str]:
    _, plain = issue_token("test integration", scope, user, by=user)
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


def started(client: FlaskClient, lead: Company, owner: User) -> list[dict[str, object]]:
    response = client.post(f"/api/v1/companies/{lead.id}/roadmap", headers=bearer(owner))
    assert response.status_code == 201, response.json
    items: list[dict[str, object]] = response.json["items"]
    return items


def test_starting_the_roadmap_copies_the_template_owned_by_the_leads_owner(
    client: FlaskClient, lead: Company, owner: User, create_user: Callable[..., User]
) -> None:
    steps = started(client, lead, owner)

    assert [(step["title"], step["status"], step["owner_id"]) for step in steps] == [
        ("Building permit", "open", owner.id),
        ("Radiation-protection licence (StrlSchG)", "open", owner.id),
    ]
    read = client.get(
        f"/api/v1/companies/{lead.id}/roadmap", headers=bearer(create_user(Role.viewer))
    )
    assert read.status_code == 200
    assert read.json["items"] == steps


def test_a_roadmap_is_started_once(client: FlaskClient, lead: Company, owner: User) -> None:
    started(client, lead, owner)

    again = client.post(f"/api/v1/companies/{lead.id}/roadmap", headers=bearer(owner))

    assert again.status_code == 422
    assert again.json["codes"] == ["roadmap_started"]
    assert db.session.query(RoadmapStep).count() == 2


def test_a_granted_step_is_done_today_and_written_on_the_timeline(
    client: FlaskClient, lead: Company, owner: User, clock: Callable[[str], None]
) -> None:
    clock(TODAY)
    step = started(client, lead, owner)[0]

    response = client.patch(
        f"/api/v1/roadmap-steps/{step['id']}",
        json={"status": "granted", "planned_on": "2026-02-01"},
        headers=bearer(owner),
    )

    assert response.status_code == 200, response.json
    assert (response.json["status"], response.json["done_on"]) == ("granted", "2026-03-02")
    assert response.json["is_overdue"] is False
    subjects = [activity.subject for activity in db.session.query(Activity)]
    assert "Roadmap: Building permit: open → granted" in subjects


def test_an_open_step_with_a_done_date_is_refused_naming_the_field(
    client: FlaskClient, lead: Company, owner: User
) -> None:
    step = started(client, lead, owner)[0]

    response = client.patch(
        f"/api/v1/roadmap-steps/{step['id']}",
        json={"status": "in_progress", "done_on": "2026-01-01"},
        headers=bearer(owner),
    )

    assert response.status_code == 422
    assert list(response.json["errors"]["json"]) == ["done_on"]
    stored = db.session.get(RoadmapStep, step["id"])
    assert stored is not None and stored.status is StepStatus.open


def test_a_viewer_cannot_own_a_step_nor_change_one(
    client: FlaskClient, lead: Company, owner: User, create_user: Callable[..., User]
) -> None:
    step = started(client, lead, owner)[0]
    viewer = create_user(Role.viewer)

    owned = client.patch(
        f"/api/v1/roadmap-steps/{step['id']}", json={"owner_id": viewer.id}, headers=bearer(owner)
    )
    changed = client.patch(
        f"/api/v1/roadmap-steps/{step['id']}", json={"status": "granted"}, headers=bearer(viewer)
    )

    assert (owned.status_code, owned.json["codes"]) == (422, ["not_staff"])
    assert changed.status_code == 403


def test_an_unknown_step_answers_404(client: FlaskClient, owner: User) -> None:
    response = client.patch(
        "/api/v1/roadmap-steps/999999", json={"status": "granted"}, headers=bearer(owner)
    )

    assert response.status_code == 404


def test_expansion_plans_are_read_and_written_within_their_limit(
    client: FlaskClient, lead: Company, owner: User
) -> None:
    url = f"/api/v1/companies/{lead.id}"
    written = client.patch(
        url,
        json={"version": lead.version, "expansion_plans": "A second hot cell line in 2027."},
        headers=bearer(owner),
    )
    too_long = client.patch(
        url,
        json={"version": written.json["version"], "expansion_plans": "x" * 10_001},
        headers=bearer(owner),
    )

    assert written.status_code == 200, written.json
    assert written.json["expansion_plans"] == "A second hot cell line in 2027."
    assert too_long.status_code == 422
    assert list(too_long.json["errors"]["json"]) == ["expansion_plans"]
    assert client.get(url, headers=bearer(owner)).json["expansion_plans"] == (
        "A second hot cell line in 2027."
    )
