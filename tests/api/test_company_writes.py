from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, update
from sqlalchemy.orm import Session, UOWTransaction

from crm.api.models import ApiScope
from crm.auth.models import Role, User
from crm.extensions import db
from crm.leads.models import Company, Stage, StageChange

pytestmark = pytest.mark.usefixtures("seeded")

Headers = Callable[..., dict[str, str]]
NEW_COMPANY = {"name": "Curium Pharma", "domain": "curium.example", "country": "fr"}


def test_a_staff_token_creates_a_company_without_a_csrf_token(
    client: FlaskClient, token_headers: Headers
) -> None:
    body = {**NEW_COMPANY, "needs": ["hplc", "GMP production"], "source": "event"}
    response = client.post("/api/v1/companies", json=body, headers=token_headers())
    assert response.status_code == 201
    assert response.json["country"] == "FR"
    assert response.json["stage"] == "enquiry"
    assert set(response.json["needs"]) == {"hplc", "gmp-production"}
    assert db.session.get(Company, response.json["id"]).source.name == "event"


def test_a_country_of_letters_that_only_look_latin_is_refused(
    client: FlaskClient, token_headers: Headers
) -> None:
    """A dotless i (U+0131) upper-cases to I in Python, but is no letter of a country code."""
    body = {**NEW_COMPANY, "country": "\u0131d"}
    response = client.post("/api/v1/companies", json=body, headers=token_headers())
    assert response.status_code == 422
    assert "country" in response.json["errors"]["json"]
    assert db.session.scalar(db.select(Company).where(Company.name == "Curium Pharma")) is None


def test_creating_a_look_alike_is_a_conflict_naming_the_matches(
    client: FlaskClient, token_headers: Headers, company: Company
) -> None:
    body = {"name": "Someone Else", "website": "https://www.isotopia.example/about"}
    response = client.post("/api/v1/companies", json=body, headers=token_headers())
    assert response.status_code == 409
    assert response.content_type == "application/problem+json"
    assert response.json["duplicate_ids"] == [company.id]


def test_ignore_duplicates_creates_the_look_alike_anyway(
    client: FlaskClient, token_headers: Headers, company: Company
) -> None:
    body = {"name": company.name, "ignore_duplicates": True}
    response = client.post("/api/v1/companies", json=body, headers=token_headers())
    assert response.status_code == 201
    assert response.json["id"] != company.id


def test_a_read_token_cannot_create_a_company(client: FlaskClient, token_headers: Headers) -> None:
    headers = token_headers(Role.admin, ApiScope.read)
    response = client.post("/api/v1/companies", json=NEW_COMPANY, headers=headers)
    assert response.status_code == 403


def test_a_viewer_cannot_create_a_company(client: FlaskClient, token_headers: Headers) -> None:
    response = client.post(
        "/api/v1/companies", json=NEW_COMPANY, headers=token_headers(Role.viewer)
    )
    assert response.status_code == 403


def test_a_session_write_without_the_csrf_token_is_refused(staff_client: FlaskClient) -> None:
    response = staff_client.post("/api/v1/companies", json=NEW_COMPANY)
    assert response.status_code == 400
    assert response.content_type == "application/problem+json"
    assert "CSRF" in response.json["detail"]


def test_a_session_write_with_the_csrf_token_works(
    staff_client: FlaskClient, session_csrf_token: Callable[[], str]
) -> None:
    headers = {"X-CSRFToken": session_csrf_token()}
    response = staff_client.post("/api/v1/companies", json=NEW_COMPANY, headers=headers)
    assert response.status_code == 201


def test_malformed_json_is_a_bad_request(client: FlaskClient, token_headers: Headers) -> None:
    response = client.post(
        "/api/v1/companies",
        data='{"name": "Curium",',
        headers={**token_headers(), "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.content_type == "application/problem+json"


def test_an_unknown_field_is_refused_by_name(client: FlaskClient, token_headers: Headers) -> None:
    body = {**NEW_COMPANY, "stage": "landed"}
    response = client.post("/api/v1/companies", json=body, headers=token_headers())
    assert response.status_code == 422
    assert list(response.json["errors"]["json"]) == ["stage"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "   "),
        ("country", "France"),
        ("domain", "not a domain"),
        ("website", "curium"),
        ("likelihood_percent", 101),
        ("capex_eur", -1),
        ("source", "fax"),
    ],
)
def test_a_bad_value_is_refused_naming_the_field(
    client: FlaskClient, token_headers: Headers, field: str, value: object
) -> None:
    body = {**NEW_COMPANY, field: value}
    response = client.post("/api/v1/companies", json=body, headers=token_headers())
    assert response.status_code == 422
    assert list(response.json["errors"]["json"]) == [field]


def test_an_unknown_need_is_refused_naming_needs(
    client: FlaskClient, token_headers: Headers
) -> None:
    body = {**NEW_COMPANY, "needs": ["hplc", "teleportation"]}
    response = client.post("/api/v1/companies", json=body, headers=token_headers())
    assert response.status_code == 422
    assert "teleportation" in response.json["errors"]["json"]["needs"][0]


def test_a_viewer_cannot_own_a_company(
    client: FlaskClient, token_headers: Headers, create_user: Callable[..., User]
) -> None:
    viewer = create_user(Role.viewer)
    body = {**NEW_COMPANY, "owner_id": viewer.id}
    response = client.post("/api/v1/companies", json=body, headers=token_headers())
    assert response.status_code == 422
    assert list(response.json["errors"]["json"]) == ["owner_id"]


def test_an_edit_changes_only_the_fields_sent_and_raises_the_version(
    client: FlaskClient, token_headers: Headers, company: Company
) -> None:
    headers = token_headers()
    read = client.get(f"/api/v1/companies/{company.id}", headers=headers).json
    body = {"city": "Lyon", "needs": ["hplc"], "version": read["version"]}
    response = client.patch(f"/api/v1/companies/{company.id}", json=body, headers=headers)
    assert response.status_code == 200
    assert (response.json["city"], response.json["needs"]) == ("Lyon", ["hplc"])
    assert response.json["domain"] == "isotopia.example"
    assert response.json["version"] == read["version"] + 1


def test_an_edit_keeps_the_needs_when_none_are_sent(
    client: FlaskClient, token_headers: Headers, create_company: Callable[..., Company]
) -> None:
    headers = token_headers()
    created = client.post(
        "/api/v1/companies", json={**NEW_COMPANY, "needs": ["hplc"]}, headers=headers
    ).json
    body = {"sector": "Radiopharmacy", "version": created["version"]}
    response = client.patch(f"/api/v1/companies/{created['id']}", json=body, headers=headers)
    assert response.json["needs"] == ["hplc"]


def test_an_edit_of_an_old_version_is_a_conflict(
    client: FlaskClient, token_headers: Headers, company: Company
) -> None:
    headers = token_headers()
    url = f"/api/v1/companies/{company.id}"
    client.patch(url, json={"city": "Lyon", "version": company.version}, headers=headers)
    response = client.patch(url, json={"city": "Nice", "version": 1}, headers=headers)
    assert response.status_code == 409
    assert client.get(url, headers=headers).json["city"] == "Lyon"


def test_an_edit_racing_another_save_is_a_conflict(
    client: FlaskClient, token_headers: Headers, company: Company
) -> None:
    """Another request saves between this request's version check and its write."""
    saved_elsewhere: list[int] = []

    def save_elsewhere(session: Session, flush: UOWTransaction, instances: object) -> None:
        if not saved_elsewhere and any(isinstance(row, Company) for row in session.dirty):
            saved_elsewhere.append(company.id)
            table = Company.__table__
            session.connection().execute(
                update(table)
                .where(table.c.id == company.id)
                .values(city="Nice", version=table.c.version + 1)
            )

    url = f"/api/v1/companies/{company.id}"
    event.listen(Session, "before_flush", save_elsewhere)
    try:
        response = client.patch(
            url, json={"city": "Lyon", "version": company.version}, headers=token_headers()
        )
    finally:
        event.remove(Session, "before_flush", save_elsewhere)
    assert saved_elsewhere and response.status_code == 409


def test_an_edit_needs_the_version(
    client: FlaskClient, token_headers: Headers, company: Company
) -> None:
    response = client.patch(
        f"/api/v1/companies/{company.id}", json={"city": "Lyon"}, headers=token_headers()
    )
    assert response.status_code == 422
    assert list(response.json["errors"]["json"]) == ["version"]


def test_an_unchanged_company_answers_not_modified_to_its_etag(
    client: FlaskClient, token_headers: Headers, company: Company
) -> None:
    headers = token_headers(Role.viewer, ApiScope.read)
    url = f"/api/v1/companies/{company.id}"
    etag = client.get(url, headers=headers).headers["ETag"]
    assert client.get(url, headers={**headers, "If-None-Match": etag}).status_code == 304


def test_moving_the_stage_records_who_moved_it(
    client: FlaskClient, token_headers: Headers, company: Company
) -> None:
    body = {"stage": "qualified", "reason": "Budget confirmed"}
    response = client.post(
        f"/api/v1/companies/{company.id}/stage", json=body, headers=token_headers()
    )
    assert response.status_code == 200
    assert response.json["stage"] == "qualified"
    change = db.session.scalars(
        db.select(StageChange).where(
            StageChange.company_id == company.id, StageChange.to_stage == Stage.qualified
        )
    ).one()
    assert change.changed_by.role is Role.staff


def test_a_move_the_pipeline_forbids_is_refused_naming_the_stage(
    client: FlaskClient, token_headers: Headers, company: Company
) -> None:
    response = client.post(
        f"/api/v1/companies/{company.id}/stage", json={"stage": "enquiry"}, headers=token_headers()
    )
    assert response.status_code == 422
    assert "already" in response.json["errors"]["json"]["stage"][0]


def test_losing_a_company_without_a_reason_is_refused_naming_the_reason(
    client: FlaskClient, token_headers: Headers, company: Company
) -> None:
    response = client.post(
        f"/api/v1/companies/{company.id}/stage", json={"stage": "lost"}, headers=token_headers()
    )
    assert response.status_code == 422
    assert list(response.json["errors"]["json"]) == ["reason"]


def test_an_admin_deletes_a_company(
    client: FlaskClient, token_headers: Headers, company: Company
) -> None:
    headers = token_headers(Role.admin)
    url = f"/api/v1/companies/{company.id}"
    assert client.delete(url, headers=headers).status_code == 204
    assert client.get(url, headers=headers).status_code == 404


def test_staff_cannot_delete_a_company(
    client: FlaskClient, token_headers: Headers, company: Company
) -> None:
    response = client.delete(f"/api/v1/companies/{company.id}", headers=token_headers())
    assert response.status_code == 403


def test_the_list_sorts_like_the_staff_list(client: FlaskClient, token_headers: Headers) -> None:
    headers = token_headers(Role.viewer, ApiScope.read)
    names = [
        c["name"] for c in client.get("/api/v1/companies?sort=-name", headers=headers).json["items"]
    ]
    assert names == sorted(names, reverse=True)


def test_the_list_shows_the_archive_only_when_asked(
    client: FlaskClient, token_headers: Headers, create_company: Callable[..., Company]
) -> None:
    create_company(name="Shelved Isotopes").is_archived = True
    db.session.commit()
    headers = token_headers(Role.viewer, ApiScope.read)
    archive = client.get("/api/v1/companies?archived=true", headers=headers).json["items"]
    assert [c["name"] for c in archive] == ["Shelved Isotopes"]


def test_the_list_filters_by_open_tasks(
    client: FlaskClient, token_headers: Headers, company: Company
) -> None:
    headers = token_headers()
    task = {"title": "Send the site brochure", "due_on": "2026-12-01"}
    client.post(f"/api/v1/companies/{company.id}/tasks", json=task, headers=headers)
    with_tasks = client.get("/api/v1/companies?open_task=true&per_page=100", headers=headers)
    without = client.get("/api/v1/companies?open_task=false&per_page=100", headers=headers)
    assert company.id in [c["id"] for c in with_tasks.json["items"]]
    assert company.id not in [c["id"] for c in without.json["items"]]
    assert with_tasks.json["total"] + without.json["total"] == db.session.scalar(
        db.select(db.func.count(Company.id)).where(Company.is_archived.is_(False))
    )


def test_an_unknown_sort_is_refused_naming_it(client: FlaskClient, token_headers: Headers) -> None:
    response = client.get("/api/v1/companies?sort=secret", headers=token_headers())
    assert response.status_code == 422
    assert list(response.json["errors"]["query"]) == ["sort"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("description", "nul \x00 byte"),
        ("website", "https://curium.example/\x00"),
        ("city", "\ud800"),
    ],
)
def test_text_the_databases_cannot_store_is_refused_naming_the_field(
    client: FlaskClient, token_headers: Headers, field: str, value: str
) -> None:
    body = {**NEW_COMPANY, field: value}
    response = client.post("/api/v1/companies", json=body, headers=token_headers())
    assert response.status_code == 422
    assert list(response.json["errors"]["json"]) == [field]


def test_a_search_for_a_nul_character_is_refused(
    client: FlaskClient, token_headers: Headers
) -> None:
    response = client.get("/api/v1/companies?q=%00", headers=token_headers())
    assert response.status_code == 422
    assert list(response.json["errors"]["query"]) == ["q"]


def test_a_name_of_umlauts_at_full_length_is_stored(
    client: FlaskClient, token_headers: Headers
) -> None:
    body = {"name": "Ä" * 200}
    response = client.post("/api/v1/companies", json=body, headers=token_headers())
    assert response.status_code == 201
    assert len(db.session.get(Company, response.json["id"]).normalised_name) == 200
