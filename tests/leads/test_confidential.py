"""Marking a lead confidential: the codename's rules, who may mark and choose the team, and the
same decision at the lead page and the API. What outsiders then see is
``tests/test_confidential_leads.py``."""

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from crm.api.models import ApiScope
from crm.api.tokens import issue_token
from crm.auth.models import Role, User
from crm.extensions import db
from crm.leads import services
from crm.leads.confidential import can_see, shown_name
from crm.leads.csv_import import import_companies
from crm.leads.models import Activity, Company
from crm.refusals import Refusals, Refused
from tests.helpers import submit_form


@pytest.fixture
def owner(create_user: Callable[..., User]) -> User:
    return create_user(Role.staff, name="Olaf Owner")


@pytest.fixture
def lead(create_company: Callable[..., Company], owner: User) -> Company:
    return create_company(name="Osprey Nuclear Medicine GmbH", owner_id=owner.id)


def mark(lead: Company, by: User, codename: str | None, team: list[int] | None = None) -> None:
    services.set_confidentiality(
        lead, is_confidential=True, codename=codename, team_ids=team or [], by=by
    )


def refusal_codes(error: Refusals) -> list[tuple[str, str | None]]:
    return [(refusal.code, refusal.field) for refusal in error]


def is_stored_open(lead: Company) -> bool:
    db.session.rollback()
    db.session.refresh(lead)
    return not lead.is_confidential and lead.codename is None and not lead.team


def test_the_owner_marks_the_lead_and_names_its_team(
    lead: Company, owner: User, create_user: Callable[..., User]
) -> None:
    member, outsider = create_user(Role.staff), create_user(Role.viewer)

    mark(lead, owner, "  Project Kestrel ", [member.id])

    assert (lead.is_confidential, lead.codename) == (True, "Project Kestrel")
    assert lead.team == [member]
    assert [can_see(lead, user) for user in (owner, member, outsider)] == [True, True, False]
    assert shown_name(lead, outsider) == "Project Kestrel"
    assert shown_name(lead, None) == "Project Kestrel"
    assert shown_name(lead, member) == "Osprey Nuclear Medicine GmbH"
    subjects = db.session.scalars(select(Activity.subject).where(Activity.company_id == lead.id))
    assert "Marked confidential as Project Kestrel" in list(subjects)


def test_unmarking_forgets_the_codename_and_the_team(
    lead: Company, owner: User, create_user: Callable[..., User]
) -> None:
    mark(lead, owner, "Project Kestrel", [create_user(Role.staff).id])

    services.set_confidentiality(
        lead, is_confidential=False, codename="Project Kestrel", team_ids=[], by=owner
    )

    assert (lead.is_confidential, lead.codename, lead.team) == (False, None, [])


@pytest.mark.parametrize(
    ("codename", "code"),
    [
        ("", "codename_required"),
        ("   ", "codename_required"),
        (None, "codename_required"),
        ("osprey nuclear medicine gmbh", "codename_is_a_name"),
        ("ROTOP Pharmaka GmbH", "codename_is_a_name"),
        ("Rotop Pharmaka", "codename_is_a_name"),
        ("PROJECT HERON", "codename_taken"),
        ("x" * 121, "too_long"),
    ],
)
def test_a_codename_that_is_missing_names_a_company_or_is_taken_is_refused(
    lead: Company,
    owner: User,
    create_company: Callable[..., Company],
    codename: str | None,
    code: str,
) -> None:
    create_company(name="ROTOP Pharmaka GmbH")
    mark(create_company(name="Heron Radiopharma SE", owner_id=owner.id), owner, "Project Heron")
    db.session.commit()

    with pytest.raises(Refusals) as refused:
        mark(lead, owner, codename)

    assert refusal_codes(refused.value) == [(code, "codename")]
    assert is_stored_open(lead)


def test_an_unknown_or_disabled_team_member_is_refused(
    lead: Company, owner: User, create_user: Callable[..., User]
) -> None:
    disabled = create_user(Role.staff)
    disabled.is_enabled = False

    with pytest.raises(Refusals) as refused:
        mark(lead, owner, "Project Kestrel", [disabled.id, 999_999])

    assert refusal_codes(refused.value) == [("unknown_account", "team_ids")] * 2
    assert is_stored_open(lead)


def test_only_the_owner_and_admins_mark_a_lead(
    lead: Company, create_user: Callable[..., User]
) -> None:
    with pytest.raises(services.NotTheOwner):
        mark(lead, create_user(Role.staff), "Project Kestrel")
    assert is_stored_open(lead)

    mark(lead, create_user(Role.admin), "Project Kestrel")

    assert lead.is_confidential


def test_a_team_member_may_not_change_the_team(
    lead: Company, owner: User, create_user: Callable[..., User]
) -> None:
    member = create_user(Role.staff)
    mark(lead, owner, "Project Kestrel", [member.id])

    with pytest.raises(services.NotTheOwner):
        services.set_confidentiality(
            lead, is_confidential=False, codename=None, team_ids=[], by=member
        )


def test_a_look_alike_of_a_confidential_lead_is_named_by_its_codename_to_an_outsider(
    lead: Company, owner: User, create_user: Callable[..., User]
) -> None:
    mark(lead, owner, "Project Kestrel")

    with pytest.raises(services.PossibleDuplicates) as refused:
        services.create_company(
            {"name": "Osprey Nuclear Medicine"}, by=create_user(Role.staff), allow_duplicates=False
        )

    assert "Project Kestrel" in refused.value.message
    assert "Osprey" not in refused.value.message


def test_an_outsider_cannot_merge_a_confidential_lead_away(
    lead: Company,
    owner: User,
    create_company: Callable[..., Company],
    create_user: Callable[..., User],
) -> None:
    mark(lead, owner, "Project Kestrel")
    open_lead = create_company(name="Osprey Nuclear")

    with pytest.raises(Refused) as by_outsider:
        services.merge_companies(open_lead, lead, by=create_user(Role.staff))
    with pytest.raises(Refused) as into_open:
        services.merge_companies(open_lead, lead, by=owner)

    assert by_outsider.value.code == "no_such_company"
    assert into_open.value.code == "merge_confidential_into_open"
    assert services.company_by_id(lead.id) is lead


def test_an_import_row_like_a_confidential_lead_is_reported_by_its_codename(
    lead: Company, owner: User, create_user: Callable[..., User]
) -> None:
    mark(lead, owner, "Project Kestrel")

    report = import_companies(
        b"name,country\nOsprey Nuclear Medicine,DE\n", dry_run=True, by=create_user(Role.staff)
    )

    messages = [error.message for error in report.errors]
    assert messages == [f"name: matches the existing company 'Project Kestrel' (id {lead.id})."]


# --- the lead page ----------------------------------------------------------------------------


def test_the_owner_marks_the_lead_on_its_page(
    client: FlaskClient, login: Callable[[User], None], lead: Company, owner: User
) -> None:
    login(owner)
    page = f"/leads/{lead.id}"

    response = submit_form(
        client,
        f"/leads/{lead.id}/confidentiality",
        {"is_confidential": "y", "codename": "Project Kestrel"},
        form_page=page,
    )

    assert response.status_code == 302
    assert "Project Kestrel" in client.get(page).text
    db.session.refresh(lead)
    assert lead.codename == "Project Kestrel"


def test_a_codename_refused_on_the_page_is_said_next_to_the_field(
    client: FlaskClient, login: Callable[[User], None], lead: Company, owner: User
) -> None:
    login(owner)

    response = submit_form(
        client,
        f"/leads/{lead.id}/confidentiality",
        {"is_confidential": "y", "codename": "OSPREY Nuclear Medicine GmbH"},
        form_page=f"/leads/{lead.id}",
    )

    assert response.status_code == 422
    assert "is the name of a company: choose a codename that names no company." in response.text
    assert 'id="codename-error"' in response.text
    assert is_stored_open(lead)


def test_another_staff_member_sees_no_form_and_is_refused(
    client: FlaskClient,
    login: Callable[[User], None],
    lead: Company,
    create_user: Callable[..., User],
) -> None:
    login(create_user(Role.staff))
    page = client.get(f"/leads/{lead.id}")
    assert f"/leads/{lead.id}/confidentiality" not in page.text

    response = submit_form(
        client,
        f"/leads/{lead.id}/confidentiality",
        {"is_confidential": "y", "codename": "Project Kestrel"},
        form_page=f"/leads/{lead.id}",
    )

    assert response.status_code == 403
    assert is_stored_open(lead)


# --- the API ----------------------------------------------------------------------------------


def bearer(user: User) -> dict[str, str]:
    _, plain = issue_token("test integration", ApiScope.write, user, by=user)
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


def test_the_owner_marks_the_lead_through_the_api(
    client: FlaskClient, lead: Company, owner: User, create_user: Callable[..., User]
) -> None:
    member = create_user(Role.staff)

    response = client.patch(
        f"/api/v1/companies/{lead.id}",
        json={
            "version": lead.version,
            "is_confidential": True,
            "codename": "Project Kestrel",
            "team_ids": [member.id],
        },
        headers=bearer(owner),
    )

    assert response.status_code == 200, response.json
    assert response.json["name"] == "Osprey Nuclear Medicine GmbH"
    assert (response.json["codename"], response.json["team_ids"]) == (
        "Project Kestrel",
        [member.id],
    )
    outsider = client.get(f"/api/v1/companies/{lead.id}", headers=bearer(create_user(Role.viewer)))
    assert (outsider.json["name"], outsider.json["domain"]) == ("Project Kestrel", None)


def test_the_api_refuses_a_codename_naming_the_field(
    client: FlaskClient, lead: Company, owner: User
) -> None:
    response = client.patch(
        f"/api/v1/companies/{lead.id}",
        json={"version": lead.version, "is_confidential": True, "codename": ""},
        headers=bearer(owner),
    )

    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.json["codes"] == ["codename_required"]
    assert list(response.json["errors"]["json"]) == ["codename"]
    assert is_stored_open(lead)


def test_the_api_forbids_marking_to_anyone_but_the_owner_and_admins(
    client: FlaskClient, lead: Company, create_user: Callable[..., User]
) -> None:
    response = client.patch(
        f"/api/v1/companies/{lead.id}",
        json={"version": lead.version, "is_confidential": True, "codename": "Project Kestrel"},
        headers=bearer(create_user(Role.staff)),
    )

    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    assert "owner" in response.json["detail"]
    assert is_stored_open(lead)


def test_an_outsider_cannot_change_a_confidential_lead_through_the_api(
    client: FlaskClient, lead: Company, owner: User, create_user: Callable[..., User]
) -> None:
    mark(lead, owner, "Project Kestrel")
    db.session.commit()

    response = client.patch(
        f"/api/v1/companies/{lead.id}",
        json={"version": lead.version, "city": "Leipzig"},
        headers=bearer(create_user(Role.staff)),
    )

    assert response.status_code == 403
    db.session.refresh(lead)
    assert lead.city == "Dresden"
