"""The verified wins of a year: only landed and verified companies count, by their landing year."""

import csv
import io
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient

from crm.leads.models import Company, InvestmentType, Stage
from crm.reports.wins import Figures, verified_wins

VERIFIED = datetime(2026, 1, 5, 9, tzinfo=UTC)


@pytest.fixture
def wins(insert_company: Callable[..., Company]) -> dict[str, Company]:
    def landed(name: str, **fields: Any) -> Company:
        values: dict[str, Any] = {
            "stage": Stage.landed,
            "landing_verified_at": VERIFIED,
            "landing_evidence": "Lease signed",
        } | fields
        return insert_company(name=name, **values)

    return {
        "berlin": landed(
            "Alpha Isotopes",
            country="DE",
            investment_type=InvestmentType.new_site,
            new_jobs=40,
            safeguarded_jobs=0,
            capex_eur=12_000_000,
            actual_landing_on=date(2025, 3, 1),
        ),
        "lyon": landed(
            "Beta Tracers",
            country="FR",
            investment_type=InvestmentType.expansion,
            new_jobs=10,
            safeguarded_jobs=25,
            capex_eur=3_500_000,
            actual_landing_on=date(2025, 11, 30),
        ),
        "dresden": landed(
            "Gamma Labs",
            country="DE",
            investment_type=InvestmentType.expansion,
            new_jobs=5,
            safeguarded_jobs=None,
            capex_eur=None,
            actual_landing_on=date(2025, 12, 31),
        ),
        "unverified": landed(
            "Unverified GmbH",
            country="DE",
            investment_type=InvestmentType.new_site,
            new_jobs=500,
            capex_eur=900_000_000,
            landing_verified_at=None,
            actual_landing_on=date(2025, 6, 1),
        ),
        "other_year": landed(
            "Next Year AG",
            country="DE",
            new_jobs=7,
            actual_landing_on=date(2026, 1, 2),
        ),
        "lost": insert_company(
            name="Lost Ltd",
            country="DE",
            stage=Stage.lost,
            new_jobs=99,
            actual_landing_on=date(2025, 5, 1),
        ),
    }


def test_only_landed_and_verified_companies_of_the_year_count(wins: dict[str, Company]) -> None:
    report = verified_wins(2025)
    assert report.companies == [wins["berlin"], wins["lyon"], wins["dresden"]]
    assert report.total == Figures("", 3, 55, 25, 15_500_000)
    assert report.by_country == [
        Figures("DE", 2, 45, 0, 12_000_000),
        Figures("FR", 1, 10, 25, 3_500_000),
    ]
    assert report.by_investment_type == [
        Figures("expansion", 2, 15, 25, 3_500_000),
        Figures("new_site", 1, 40, 0, 12_000_000),
    ]
    assert verified_wins(2026).companies == [wins["other_year"]]
    assert verified_wins(2024).total == Figures("", 0, 0, 0, 0)


def test_the_page_shows_the_year_asked_for(
    wins: dict[str, Company], staff_client: FlaskClient
) -> None:
    page = staff_client.get("/reports/wins?year=2025").text
    assert "Alpha Isotopes" in page and "Gamma Labs" in page
    assert "Unverified GmbH" not in page and "Lost Ltd" not in page and "Next Year AG" not in page
    assert 'href="/reports/wins.csv?year=2025"' in page


@pytest.mark.parametrize("year", ["abc", "99999", "1200", "-1", ""])
def test_a_year_that_is_not_one_shows_this_year(
    year: str, staff_client: FlaskClient, clock: Callable[[str], None]
) -> None:
    clock("2026-03-02T09:00:00+00:00")
    response = staff_client.get(f"/reports/wins?year={year}")
    assert response.status_code == 200
    assert "2026" in response.text


def test_the_csv_holds_what_the_page_shows(
    wins: dict[str, Company],
    staff_client: FlaskClient,
    insert_company: Callable[..., Company],
) -> None:
    insert_company(
        name="=HYPERLINK(1)",
        stage=Stage.landed,
        landing_verified_at=VERIFIED,
        actual_landing_on=date(2025, 1, 1),
        country="DE",
    )
    response = staff_client.get("/reports/wins.csv?year=2025")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["Verified wins 2025"]
    assert rows[1][:4] == ["Company", "Country", "Investment type", "Landed on"]
    assert rows[2][0] == "'=HYPERLINK(1)"
    assert rows[3] == ["Alpha Isotopes", "DE", "new site", "2025-03-01", "40", "0", "12000000"]
    assert rows[6] == ["", "", "", "Total", "55", "25", "15500000"]
    assert rows[7] == [] and rows[8] == ["By country"]
    assert rows[10] == ["DE", "3", "45", "0", "12000000"]


def test_the_report_asks_the_same_queries_however_many_wins(
    wins: dict[str, Company],
    staff_client: FlaskClient,
    insert_company: Callable[..., Company],
    count_queries: Callable[[], AbstractContextManager[list[str]]],
) -> None:
    staff_client.get("/reports/wins?year=2025")
    with count_queries() as before:
        staff_client.get("/reports/wins?year=2025")
    for number in range(10):
        insert_company(
            stage=Stage.landed,
            landing_verified_at=VERIFIED,
            country=f"X{chr(65 + number)}",
            actual_landing_on=date(2025, 4, 1),
            new_jobs=number,
        )
    with count_queries() as after:
        staff_client.get("/reports/wins?year=2025")
    assert len(after) == len(before)
