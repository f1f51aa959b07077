from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from crm.api.models import ApiScope
from crm.auth.models import Role, User
from crm.extensions import db
from crm.leads.models import Company
from crm.partners.models import LinkStatus, PartnerLink

pytestmark = pytest.mark.usefixtures("seeded")

Headers = Callable[..., dict[str, str]]

WRITES = [
    ("post", "/api/v1/companies", {"name": "Curium Pharma"}),
    ("patch", "/api/v1/companies/{id}", {"city": "Lyon", "version": 1}),
    ("post", "/api/v1/companies/{id}/stage", {"stage": "qualified"}),
    ("post", "/api/v1/companies/{id}/contacts", {"name": "Marie Dupont"}),
    ("post", "/api/v1/companies/{id}/activities", {"kind": "call", "subject": "Intro call"}),
    ("post", "/api/v1/companies/{id}/tasks", {"title": "Call back", "due_on": "2026-12-01"}),
    ("post", "/api/v1/companies/{id}/partner-links", {"partner": "rotop"}),
    ("delete", "/api/v1/companies/{id}", None),
]


@pytest.mark.parametrize(("method", "url", "body"), WRITES)
def test_a_read_token_cannot_write(
    client: FlaskClient,
    token_headers: Headers,
    company: Company,
    method: str,
    url: str,
    body: dict[str, object] | None,
) -> None:
    headers = token_headers(Role.admin, ApiScope.read)
    response = client.open(url.format(id=company.id), method=method, json=body, headers=headers)
    assert response.status_code == 403


@pytest.mark.parametrize(("method", "url", "body"), WRITES)
def test_a_viewer_cannot_write(
    client: FlaskClient,
    token_headers: Headers,
    company: Company,
    method: str,
    url: str,
    body: dict[str, object] | None,
) -> None:
    headers = token_headers(Role.viewer)
    response = client.open(url.format(id=company.id), method=method, json=body, headers=headers)
    assert response.status_code == 403


@pytest.mark.parametrize("records", ["contacts", "activities", "tasks", "partner-links"])
def test_records_of_an_unknown_company_are_not_found(
    client: FlaskClient, token_headers: Headers, records: str
) -> None:
    response = client.get(f"/api/v1/companies/99999/{records}", headers=token_headers())
    assert response.status_code == 404


def test_staff_add_a_contact_with_consent(
    client: FlaskClient, token_headers: Headers, company: Company
) -> None:
    body = {"name": "Marie Dupont", "email": "Marie@Isotopia.example", "language": "de"}
    body |= {"has_consent": True, "consent_version": "2025-10"}
    response = client.post(
        f"/api/v1/companies/{company.id}/contacts", json=body, headers=token_headers()
    )
    assert response.status_code == 201
    assert response.json["email"] == "marie@isotopia.example"
    assert response.json["has_consent"] and response.json["consent_at"]


def test_a_viewer_reads_contacts_page_by_page(
    client: FlaskClient, token_headers: Headers, company: Company
) -> None:
    writer = token_headers()
    for name in ("Anna", "Bernd", "Clara"):
        client.post(f"/api/v1/companies/{company.id}/contacts", json={"name": name}, headers=writer)
    url = f"/api/v1/companies/{company.id}/contacts?per_page=2"
    page = client.get(url, headers=token_headers(Role.viewer, ApiScope.read)).json
    assert [contact["name"] for contact in page["items"]] == ["Anna", "Bernd"]
    assert page["total"] == 3 and "page=2" in page["links"]["next"]


def test_a_contact_email_is_checked(
    client: FlaskClient, token_headers: Headers, company: Company
) -> None:
    body = {"name": "Marie Dupont", "email": "marie-at-isotopia"}
    response = client.post(
        f"/api/v1/companies/{company.id}/contacts", json=body, headers=token_headers()
    )
    assert response.status_code == 422
    assert list(response.json["errors"]["json"]) == ["email"]


def test_staff_log_a_call_on_the_timeline(
    client: FlaskClient, token_headers: Headers, company: Company
) -> None:
    headers = token_headers()
    url = f"/api/v1/companies/{company.id}/activities"
    body = {"kind": "call", "subject": "Intro call", "occurred_at": "2025-10-20T09:30:00+02:00"}
    assert client.post(url, json=body, headers=headers).status_code == 201
    entry = client.get(url, headers=headers).json["items"][0]
    assert (entry["kind"], entry["occurred_at"]) == ("call", "2025-10-20T07:30:00+00:00")
    assert entry["author_id"] is not None


def test_staff_cannot_write_system_entries_on_the_timeline(
    client: FlaskClient, token_headers: Headers, company: Company
) -> None:
    body = {"kind": "registration", "subject": "Registered"}
    response = client.post(
        f"/api/v1/companies/{company.id}/activities", json=body, headers=token_headers()
    )
    assert response.status_code == 422
    assert list(response.json["errors"]["json"]) == ["kind"]


@pytest.mark.parametrize("moment", ["2025-10-20T09:30:00", "9999-12-31T23:59:59-05:00"])
def test_an_activity_time_needs_a_zone_and_a_sensible_year(
    client: FlaskClient, token_headers: Headers, company: Company, moment: str
) -> None:
    body = {"kind": "note", "subject": "Note", "occurred_at": moment}
    response = client.post(
        f"/api/v1/companies/{company.id}/activities", json=body, headers=token_headers()
    )
    assert response.status_code == 422
    assert list(response.json["errors"]["json"]) == ["occurred_at"]


def test_staff_plan_a_follow_up_for_a_colleague(
    client: FlaskClient,
    token_headers: Headers,
    company: Company,
    create_user: Callable[..., User],
) -> None:
    colleague = create_user(Role.staff)
    body = {"title": "Send the site brochure", "due_on": "2026-12-01", "owner_id": colleague.id}
    url = f"/api/v1/companies/{company.id}/tasks"
    assert client.post(url, json=body, headers=token_headers()).status_code == 201
    task = client.get(url, headers=token_headers(Role.viewer, ApiScope.read)).json["items"][0]
    assert (task["owner_id"], task["due_on"], task["is_done"]) == (
        colleague.id,
        "2026-12-01",
        False,
    )


def test_a_task_needs_a_due_date(
    client: FlaskClient, token_headers: Headers, company: Company
) -> None:
    response = client.post(
        f"/api/v1/companies/{company.id}/tasks", json={"title": "Call"}, headers=token_headers()
    )
    assert response.status_code == 422
    assert list(response.json["errors"]["json"]) == ["due_on"]


def test_a_task_owner_must_be_staff(
    client: FlaskClient,
    token_headers: Headers,
    company: Company,
    create_user: Callable[..., User],
) -> None:
    body = {"title": "Call", "due_on": "2026-12-01", "owner_id": create_user(Role.viewer).id}
    response = client.post(
        f"/api/v1/companies/{company.id}/tasks", json=body, headers=token_headers()
    )
    assert response.status_code == 422
    assert list(response.json["errors"]["json"]) == ["owner_id"]


def test_staff_link_a_company_to_a_partner(
    client: FlaskClient, token_headers: Headers, company: Company
) -> None:
    body = {"partner": "rotop", "reason": "Needs PSMA diagnostics"}
    url = f"/api/v1/companies/{company.id}/partner-links"
    response = client.post(url, json=body, headers=token_headers())
    assert response.status_code == 201
    assert (response.json["partner"], response.json["status"]) == ("rotop", "suggested")
    assert client.get(url, headers=token_headers(Role.viewer)).json["total"] == 1


def test_linking_a_partner_again_updates_the_reason(
    client: FlaskClient, token_headers: Headers, company: Company
) -> None:
    headers = token_headers()
    url = f"/api/v1/companies/{company.id}/partner-links"
    first = client.post(url, json={"partner": "rotop", "reason": "PSMA"}, headers=headers).json
    again = client.post(url, json={"partner": "rotop", "reason": "I-123"}, headers=headers).json
    assert (again["id"], again["reason"]) == (first["id"], "I-123")
    links = db.select(db.func.count(PartnerLink.id)).where(PartnerLink.company_id == company.id)
    assert db.session.scalar(links) == 1


def test_linking_an_unknown_partner_is_refused_naming_the_partner(
    client: FlaskClient, token_headers: Headers, company: Company
) -> None:
    response = client.post(
        f"/api/v1/companies/{company.id}/partner-links",
        json={"partner": "acme"},
        headers=token_headers(),
    )
    assert response.status_code == 422
    assert list(response.json["errors"]["json"]) == ["partner"]


def test_staff_move_a_link_on(
    client: FlaskClient, token_headers: Headers, company: Company
) -> None:
    headers = token_headers()
    link = client.post(
        f"/api/v1/companies/{company.id}/partner-links",
        json={"partner": "hzdr", "reason": "PET imaging"},
        headers=headers,
    ).json
    response = client.patch(
        f"/api/v1/partner-links/{link['id']}", json={"status": "declined"}, headers=headers
    )
    assert response.status_code == 200
    assert response.json["status"] == "declined"


def test_introduced_is_refused_naming_the_status_the_mail_alone_sets_it(
    client: FlaskClient, token_headers: Headers, company: Company
) -> None:
    headers = token_headers()
    link = client.post(
        f"/api/v1/companies/{company.id}/partner-links",
        json={"partner": "hzdr", "reason": "PET imaging"},
        headers=headers,
    ).json
    response = client.patch(
        f"/api/v1/partner-links/{link['id']}", json={"status": "introduced"}, headers=headers
    )
    assert response.status_code == 422
    assert list(response.json["errors"]["json"]) == ["status"]
    assert response.json["codes"] == ["introduce_by_mail"]
    assert db.session.get(PartnerLink, link["id"]).status is LinkStatus.suggested


def test_a_link_cannot_skip_steps(
    client: FlaskClient, token_headers: Headers, company: Company
) -> None:
    headers = token_headers()
    link = client.post(
        f"/api/v1/companies/{company.id}/partner-links",
        json={"partner": "hzdr", "reason": "PET imaging"},
        headers=headers,
    ).json
    response = client.patch(
        f"/api/v1/partner-links/{link['id']}", json={"status": "collaborating"}, headers=headers
    )
    assert response.status_code == 422
    assert list(response.json["errors"]["json"]) == ["status"]


def test_an_unknown_link_is_not_found(client: FlaskClient, token_headers: Headers) -> None:
    response = client.patch(
        "/api/v1/partner-links/99999", json={"status": "introduced"}, headers=token_headers()
    )
    assert response.status_code == 404
