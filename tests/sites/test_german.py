"""A staff member working in German reads the site inventory, the matching and the refusals of
sites and reservations in German, on the pages and through the API."""

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from crm.extensions import db
from crm.leads.models import Company
from crm.sites.models import CleanroomClass, Reservation, Site, SiteKind
from tests.helpers import submit_form


@pytest.fixture(autouse=True)
def today(clock: Callable[[str], None]) -> None:
    clock("2026-03-02T09:00:00+00:00")


def test_the_lead_page_gives_the_fitting_sites_reasons_in_german(
    staff_client: FlaskClient,
    create_site: Callable[..., Site],
    create_company: Callable[..., Company],
) -> None:
    create_site(name="Hall 3", area_m2=800, is_gmp_ready=True)
    lead = create_company(site_area_m2=1000, needs_production=True, needs_hot_cells=True)

    page = staff_client.get(f"/leads/{lead.id}?lang=de").text

    assert "Passende Flächen" in page
    assert "Erfüllt: Produktionsflächen" in page
    assert "Es fehlt: Fläche 800 von 1.000 m², keine Heißen Zellen" in page


def test_the_site_list_names_kinds_grades_prices_and_statuses_in_german(
    staff_client: FlaskClient, create_site: Callable[..., Site]
) -> None:
    create_site(
        name="Suite C2",
        kind=SiteKind.cleanroom,
        cleanroom_class=CleanroomClass.c,
        area_m2=1800,
        price_min_eur=14,
        price_max_eur=1200,
    )

    page = staff_client.get("/sites/?lang=de").text

    assert "Reinraum (GMP-Klasse C)" in page
    assert "1.800 m²" in page and "14\N{EN DASH}1.200 EUR pro m² und Monat" in page
    assert "<td>verfügbar</td>" in page


def test_a_refused_site_is_explained_in_german_and_nothing_is_stored(
    staff_client: FlaskClient,
) -> None:
    response = submit_form(
        staff_client,
        "/sites/new?lang=de",
        {"name": "Suite", "location": "rossendorf", "kind": "cleanroom", "area_m2": "100"},
    )

    assert response.status_code == 422
    assert "Ein Reinraum braucht seine GMP-Klasse." in response.text
    assert db.session.scalar(select(func.count()).select_from(Site)) == 0


def test_an_overlapping_reservation_is_refused_in_german_through_the_api(
    client: FlaskClient,
    token_headers: Callable[..., dict[str, str]],
    create_site: Callable[..., Site],
    create_company: Callable[..., Company],
) -> None:
    site = create_site()
    first, second = create_company(name="First GmbH"), create_company(name="Second GmbH")
    url = f"/api/v1/sites/{site.id}/reservations"
    headers = token_headers() | {"Accept-Language": "de"}
    body = {"company_id": first.id, "starts_on": "2026-03-02", "ends_on": "2026-03-31"}
    assert client.post(url, json=body, headers=headers).status_code == 201

    clash = client.post(url, json=body | {"company_id": second.id}, headers=headers)
    missing = client.get("/api/v1/sites/999999", headers=headers)

    assert clash.status_code == 409
    assert (
        "Die Fläche ist vom 2026-03-02 bis zum 2026-03-31 für First GmbH reserviert."
        in (clash.json["detail"])
    )
    assert db.session.scalar(select(func.count()).select_from(Reservation)) == 1
    assert missing.status_code == 404 and "Keine Fläche 999999." in str(missing.json)
