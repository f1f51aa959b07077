"""Sites, their reservations and a lead's site matches through the API."""

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from crm.api.models import ApiScope
from crm.auth.models import Role
from crm.extensions import db
from crm.leads.models import Company
from crm.sites.models import Reservation, Site, SiteKind, SiteStatus

Headers = Callable[..., dict[str, str]]
NEW_SITE = {
    "name": "Cleanroom suite C2",
    "location": "rossendorf",
    "area_m2": 1800,
    "kind": "cleanroom",
    "cleanroom_class": "c",
    "is_gmp_ready": True,
    "latitude": 51.0625,
    "longitude": 13.951,
    "price_min_eur": 14,
    "price_max_eur": 18,
}


@pytest.fixture(autouse=True)
def today(clock: Callable[[str], None]) -> None:
    clock("2026-03-02T09:00:00+00:00")


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_staff_create_a_site_and_read_it_back(client: FlaskClient, token_headers: Headers) -> None:
    headers = token_headers()

    created = client.post("/api/v1/sites", json=NEW_SITE, headers=headers)

    assert created.status_code == 201
    assert created.json["status"] == "available" and created.json["cleanroom_class"] == "c"
    read = client.get(f"/api/v1/sites/{created.json['id']}", headers=headers)
    assert read.json == created.json


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"area_m2": -1}, "area_m2"),
        ({"area_m2": 10**12}, "area_m2"),
        ({"area_m2": 0}, "area_m2"),
        ({"latitude": 91.0}, "latitude"),
        ({"longitude": None}, "longitude"),
        ({"price_min_eur": 30}, "price_max_eur"),
        ({"cleanroom_class": None}, "cleanroom_class"),
        ({"kind": "castle"}, "kind"),
        ({"name": " "}, "name"),
        ({"available_from": "0001-01-01"}, "available_from"),
    ],
)
def test_a_bad_value_is_refused_naming_the_field_and_nothing_is_stored(
    client: FlaskClient, token_headers: Headers, changes: dict[str, object], field: str
) -> None:
    response = client.post("/api/v1/sites", json=NEW_SITE | changes, headers=token_headers())

    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert list(response.json["errors"]["json"]) == [field]
    assert count(Site) == 0


def test_an_edit_changes_only_the_fields_sent(
    client: FlaskClient, token_headers: Headers, create_site: Callable[..., Site]
) -> None:
    site = create_site(name="Hall 3", area_m2=1000)

    response = client.patch(
        f"/api/v1/sites/{site.id}", json={"area_m2": 1200}, headers=token_headers()
    )
    refused = client.patch(
        f"/api/v1/sites/{site.id}", json={"kind": "cleanroom"}, headers=token_headers()
    )

    assert response.status_code == 200
    assert (response.json["name"], response.json["area_m2"]) == ("Hall 3", 1200)
    assert refused.status_code == 422
    db.session.expire_all()
    assert site.kind is SiteKind.production


def test_the_list_filters_like_the_staff_list(
    client: FlaskClient, token_headers: Headers, create_site: Callable[..., Site]
) -> None:
    create_site(name="Big hall", area_m2=5000, is_gmp_ready=True)
    create_site(name="Small lab", kind=SiteKind.lab, area_m2=200)

    listed = client.get(
        "/api/v1/sites?min_area_m2=1000&is_gmp_ready=true", headers=token_headers(Role.viewer)
    )

    assert [item["name"] for item in listed.json["items"]] == ["Big hall"]


def test_viewers_and_read_tokens_cannot_write(client: FlaskClient, token_headers: Headers) -> None:
    for headers in (token_headers(Role.viewer), token_headers(Role.admin, ApiScope.read)):
        assert client.post("/api/v1/sites", json=NEW_SITE, headers=headers).status_code == 403
    assert client.get("/api/v1/sites").status_code == 401


def test_an_overlapping_reservation_is_a_conflict_and_nothing_is_stored(
    client: FlaskClient,
    token_headers: Headers,
    create_site: Callable[..., Site],
    create_company: Callable[..., Company],
) -> None:
    site = create_site()
    first, second = create_company(name="First GmbH"), create_company(name="Second GmbH")
    url = f"/api/v1/sites/{site.id}/reservations"
    body = {"company_id": first.id, "starts_on": "2026-03-02", "ends_on": "2026-03-31"}

    made = client.post(url, json=body, headers=token_headers())
    clash = client.post(
        url,
        json=body | {"company_id": second.id, "starts_on": "2026-03-31", "ends_on": "2026-04-09"},
        headers=token_headers(),
    )

    assert made.status_code == 201 and made.json["status"] == "active"
    assert clash.status_code == 409
    assert clash.json["codes"] == ["reservation_overlaps"]
    assert "reserved for First GmbH from 2026-03-02 to 2026-03-31" in clash.json["detail"]
    assert count(Reservation) == 1
    listed = client.get(url, headers=token_headers(Role.viewer)).json
    assert [(item["company_id"], item["ends_on"]) for item in listed["items"]] == [
        (first.id, "2026-03-31")
    ]


@pytest.mark.parametrize(
    ("changes", "status", "field"),
    [
        ({"starts_on": "2026-04-10", "ends_on": "2026-04-01"}, 422, "ends_on"),
        ({"company_id": 999_999}, 422, "company_id"),
        ({"company_id": 0}, 422, "company_id"),
        ({"ends_on": "nonsense"}, 422, "ends_on"),
    ],
)
def test_a_bad_reservation_is_refused_naming_the_field(
    client: FlaskClient,
    token_headers: Headers,
    create_site: Callable[..., Site],
    company: Company,
    changes: dict[str, object],
    status: int,
    field: str,
) -> None:
    body = {"company_id": company.id, "starts_on": "2026-03-02", "ends_on": "2026-03-31"}
    site = create_site()

    response = client.post(
        f"/api/v1/sites/{site.id}/reservations", json=body | changes, headers=token_headers()
    )

    assert response.status_code == status
    assert list(response.json["errors"]["json"]) == [field]
    assert count(Reservation) == 0


def test_reserving_a_taken_site_is_a_conflict(
    client: FlaskClient,
    token_headers: Headers,
    create_site: Callable[..., Site],
    company: Company,
) -> None:
    site = create_site(name="Gone hall")
    site.status, site.taken_by = SiteStatus.taken, company
    db.session.commit()

    response = client.post(
        f"/api/v1/sites/{site.id}/reservations",
        json={"company_id": company.id, "starts_on": "2026-03-02", "ends_on": "2026-03-09"},
        headers=token_headers(),
    )

    assert response.status_code == 409 and response.json["codes"] == ["site_taken"]
    assert count(Reservation) == 0


def test_site_matches_rank_the_sites_with_reasons_and_shortfalls(
    client: FlaskClient,
    token_headers: Headers,
    create_site: Callable[..., Site],
    create_company: Callable[..., Company],
) -> None:
    create_site(name="Hall 3", area_m2=800)
    create_site(name="Plot 7", kind=SiteKind.plot, area_m2=5000, is_hot_cell_capable=True)
    lead = create_company(site_area_m2=1000, needs_production=True, needs_hot_cells=True)

    response = client.get(
        f"/api/v1/companies/{lead.id}/site-matches", headers=token_headers(Role.viewer)
    )

    assert response.status_code == 200
    assert [
        (item["site"]["name"], item["score"], item["shortfalls"]) for item in response.json["items"]
    ] == [("Plot 7", 1.0, []), ("Hall 3", 0.6, ["area 800 of 1,000 m²", "no hot cells"])]
    assert response.json["why_empty"] is None


def test_a_lead_without_a_requirement_is_told_why_it_gets_no_sites(
    client: FlaskClient, token_headers: Headers, company: Company
) -> None:
    response = client.get(f"/api/v1/companies/{company.id}/site-matches", headers=token_headers())

    assert response.json == {
        "items": [],
        "why_empty": "No site requirement is recorded for this lead: add the area or the kind "
        "of space.",
    }


def test_no_such_site_or_lead_is_not_found(client: FlaskClient, token_headers: Headers) -> None:
    headers = token_headers()
    assert client.get("/api/v1/sites/999999", headers=headers).status_code == 404
    assert client.get("/api/v1/companies/999999/site-matches", headers=headers).status_code == 404
