"""The company list: search, filters, sort and pages from the URL, in a fixed number of queries."""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient

from crm.auth.models import User
from crm.extensions import db
from crm.leads.confidential import COMMAND_LINE
from crm.leads.listing import CompanyFilters, company_page
from crm.leads.models import Company, LeadSource, Stage
from crm.leads.services import create_task, save_contact
from crm.partners.models import Capability


def names_on(client: FlaskClient, query: str) -> list[str]:
    page = client.get(f"/leads/?{query}").text
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [part.split("</a>", 1)[0].split(">")[-1] for part in body.split("<td><a href=")[1:]]


@pytest.fixture
def three_companies(create_company: Callable[..., Company]) -> list[Company]:
    return [
        create_company(name="Alpha Isotopes GmbH", domain="alpha.example", city="Leipzig"),
        create_company(name="Beta Radiochemie AG", country="AT", city="Wien"),
        create_company(name="Gamma Theranostics", country="US", source=LeadSource.event),
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=alpha.example", ["Alpha Isotopes GmbH"]),
        ("q=wien", ["Beta Radiochemie AG"]),
        ("q=jane", ["Gamma Theranostics"]),
        ("q=jane%40gamma", ["Gamma Theranostics"]),
        ("country=at", ["Beta Radiochemie AG"]),
        ("source=event", ["Gamma Theranostics"]),
        ("sort=-name", ["Gamma Theranostics", "Beta Radiochemie AG", "Alpha Isotopes GmbH"]),
    ],
)
def test_search_and_filters_narrow_the_list(
    staff_client: FlaskClient, three_companies: list[Company], query: str, expected: list[str]
) -> None:
    save_contact(
        three_companies[2],
        {"name": "Jane Doe", "email": "jane@gamma.example", "language": "en"},
        has_consent=False,
        consent_version=None,
    )
    db.session.commit()
    assert names_on(staff_client, query) == expected


def test_the_list_filters_by_stage_owner_need_and_open_task(
    staff_client: FlaskClient,
    create_company: Callable[..., Company],
    staff_user: User,
    hot_cells: Capability,
) -> None:
    create_company(name="Plain")
    wanted = create_company(
        name="Wanted", stage=Stage.active, owner_id=staff_user.id, needs=[hot_cells]
    )
    create_task(wanted, "Call", date(2030, 1, 1), owner_id=staff_user.id)
    db.session.commit()
    query = f"stage=active&owner={staff_user.id}&need=hot-cells&open_task=yes"
    assert names_on(staff_client, query) == ["Wanted"]
    assert names_on(staff_client, "open_task=no") == ["Plain"]


def test_pages_keep_the_filters_in_their_links(
    staff_client: FlaskClient, create_company: Callable[..., Company]
) -> None:
    for number in range(30):
        create_company(name=f"Lead {number:02}", country="FR")
    first = staff_client.get("/leads/?country=FR&per_page=25").text
    assert "Page 1 of 2" in first
    assert 'href="/leads/?country=FR&amp;page=2"' in first
    assert names_on(staff_client, "country=FR&page=2") == [f"Lead {n}" for n in range(25, 30)]


def test_unknown_filter_values_fall_back_to_defaults() -> None:
    filters = CompanyFilters.from_args(
        {"stage": "nonsense", "page": "-1", "per_page": "9999", "sort": "password"}
    )
    assert (filters.stage, filters.page, filters.per_page, filters.sort) == ("", 1, 25, "name")


def test_the_list_runs_the_same_number_of_queries_whatever_the_page_size(
    staff_client: FlaskClient,
    create_company: Callable[..., Company],
    staff_user: User,
    hot_cells: Capability,
    count_queries: Callable[[], Any],
) -> None:
    for number in range(60):
        company = create_company(name=f"Lead {number}", owner_id=staff_user.id, needs=[hot_cells])
        create_task(company, "Call", date(2030, 1, 1), owner_id=staff_user.id)
    db.session.commit()
    counts = []
    staff_client.get("/leads/")  # the session now knows the logged-in user
    for size in (25, 50):
        with count_queries() as counted:
            response = staff_client.get(f"/leads/?per_page={size}")
        assert response.status_code == 200
        assert response.text.count("<td><a href=") == size
        counts.append(len(counted))
    assert counts[0] == counts[1]
    assert counts[0] <= 10


@pytest.mark.parametrize(
    "query", ["page=99999999999999999999", "owner=99999999999999999999", "per_page=abc"]
)
def test_out_of_range_list_arguments_show_the_first_page(
    staff_client: FlaskClient, three_companies: list[Company], query: str
) -> None:
    response = staff_client.get(f"/leads/?{query}")
    assert response.status_code == 200
    assert "Page 1 of 1" in response.text


def test_a_company_id_beyond_the_integer_range_is_not_found(staff_client: FlaskClient) -> None:
    assert staff_client.get("/leads/99999999999999999999").status_code == 404


def test_the_search_finds_what_a_case_blind_scan_of_each_text_finds(
    app: Any, create_company: Callable[..., Company]
) -> None:
    """Part of a word, in any case, in the name, normalised name, domain or city, or in a
    contact's name or email; every page in the list's order, the archived left out."""
    cities = ["Dresden", "München", "WIEN", None]
    for number in range(40):
        company = create_company(
            name=f"{('Isotope', 'RADIO', 'Müller')[number % 3]} Works {number} GmbH",
            domain=f"works{number}.example" if number % 2 else None,
            city=cities[number % 4],
        )
        if number % 5 == 0:
            save_contact(
                company,
                {"name": f"Jane Kowalski {number}", "email": f"jk{number}@mail.example"},
                has_consent=False,
                consent_version=None,
            )
        company.is_archived = number % 13 == 0
    db.session.commit()
    companies = db.session.query(Company).all()

    def holds(company: Company, term: str) -> bool:
        texts = [company.name, company.normalised_name, company.domain, company.city]
        texts += [text for contact in company.contacts for text in (contact.name, contact.email)]
        return any(term.lower() in text.lower() for text in texts if text)

    for term in (
        "isotope",
        "RADIO",
        "müller",
        "mueller",
        "KOWALSKI",
        "jk1",
        "works1",
        "ünch",
        "zz",
    ):
        expected = sorted(
            (company for company in companies if holds(company, term) and not company.is_archived),
            key=lambda company: (company.normalised_name, company.id),
        )
        found = []
        for page in (1, 2, 3):
            listed = company_page(
                CompanyFilters.from_args({"q": term, "page": str(page)}), COMMAND_LINE
            )
            found += [company.id for company in listed.companies]
            assert listed.total == len(expected), term
        assert found == [company.id for company in expected][:75], term
