from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from crm.api.models import ApiScope, ApiToken
from crm.api.tokens import revoke_token
from crm.auth.models import Role
from crm.extensions import db
from crm.seed.data import DEMO_COMPANIES

pytestmark = pytest.mark.usefixtures("seeded")

Headers = Callable[..., dict[str, str]]


def test_companies_need_authentication(client: FlaskClient) -> None:
    response = client.get("/api/v1/companies")
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"


def test_an_unknown_token_is_refused(client: FlaskClient) -> None:
    response = client.get("/api/v1/companies", headers={"Authorization": "Bearer nld_made-up"})
    assert response.status_code == 401


def test_a_viewer_token_reads_companies(client: FlaskClient, token_headers: Headers) -> None:
    body = client.get("/api/v1/companies", headers=token_headers(Role.viewer, ApiScope.read)).json
    assert body["total"] == len(DEMO_COMPANIES)
    assert all(company["is_demo"] for company in body["items"])


def test_the_list_asks_the_database_as_often_for_a_hundred_companies_as_for_a_few(
    client: FlaskClient,
    token_headers: Headers,
    create_company: Callable[..., Any],
    count_queries: Callable[[], Any],
) -> None:
    headers = token_headers(Role.viewer, ApiScope.read)

    def queries_for_a_page() -> int:
        db.session.expire_all()
        with count_queries() as statements:
            assert client.get("/api/v1/companies?per_page=100", headers=headers).status_code == 200
        return len(statements)

    few = queries_for_a_page()
    for number in range(20):
        create_company(name=f"Listed {number}")
    db.session.commit()

    assert queries_for_a_page() == few


def test_companies_are_filtered_like_the_staff_list(
    client: FlaskClient, token_headers: Headers
) -> None:
    headers = token_headers(Role.viewer, ApiScope.read)
    by_need = client.get("/api/v1/companies?need=hplc", headers=headers).json["items"]
    assert [c["name"] for c in by_need] == ["Demo: Alpenglow Diagnostics GmbH"]
    by_country = client.get("/api/v1/companies?country=se", headers=headers).json["items"]
    assert [c["country"] for c in by_country] == ["SE"]
    by_text = client.get("/api/v1/companies?q=atlantic", headers=headers).json["items"]
    assert len(by_text) == 1
    bad = client.get("/api/v1/companies?stage=won", headers=headers)
    assert bad.status_code == 422 and "stage" in bad.json["errors"]["query"]


def test_a_revoked_token_stops_working(client: FlaskClient, token_headers: Headers) -> None:
    headers = token_headers(Role.staff, ApiScope.read)
    assert client.get("/api/v1/companies", headers=headers).status_code == 200
    revoke_token(db.session.scalars(db.select(ApiToken)).one())
    db.session.commit()
    assert client.get("/api/v1/companies", headers=headers).status_code == 401


def test_a_logged_in_browser_session_reads_companies(staff_client: FlaskClient) -> None:
    assert staff_client.get("/api/v1/companies").status_code == 200


def test_company_detail_has_its_needs_and_an_etag(
    client: FlaskClient, token_headers: Headers
) -> None:
    headers = token_headers(Role.viewer, ApiScope.read)
    first = client.get("/api/v1/companies?need=hplc", headers=headers).json["items"][0]
    response = client.get(f"/api/v1/companies/{first['id']}", headers=headers)
    assert set(response.json["needs"]) == {"laboratory-software", "hplc"}
    assert response.headers["ETag"]
    missing = client.get("/api/v1/companies/999999", headers=headers)
    assert missing.status_code == 404
