"""The leads list filtered by the month the leads were created in, as the dashboard links it."""

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient

from crm.leads.listing import CompanyFilters
from crm.leads.models import Company


@pytest.fixture
def around_may(insert_company: Callable[..., Company]) -> None:
    for name, moment in [
        ("Last Of April", datetime(2026, 4, 30, 23, 59, 59, tzinfo=UTC)),
        ("First Of May", datetime(2026, 5, 1, 0, 0, tzinfo=UTC)),
        ("Last Of May", datetime(2026, 5, 31, 23, 59, 59, tzinfo=UTC)),
        ("First Of June", datetime(2026, 6, 1, 0, 0, tzinfo=UTC)),
        ("December", datetime(2025, 12, 15, tzinfo=UTC)),
    ]:
        insert_company(name=name, created_at=moment)


def test_the_list_shows_the_leads_created_in_the_month(
    around_may: None, staff_client: FlaskClient
) -> None:
    page = staff_client.get("/leads/?created=2026-05").text
    assert "First Of May" in page and "Last Of May" in page
    assert "Last Of April" not in page and "First Of June" not in page
    assert "2 companies" in page
    assert 'name="created" value="2026-05"' in page


def test_december_ends_at_the_new_year(around_may: None, staff_client: FlaskClient) -> None:
    page = staff_client.get("/leads/?created=2025-12").text
    assert "December" in page and "1 company" in page


def test_the_month_stays_in_the_links_to_other_pages() -> None:
    filters = CompanyFilters.from_args({"created": "2026-05"})
    assert filters.to_args(page=2) == {"created": "2026-05", "page": 2}


@pytest.mark.parametrize(
    "value", ["2026-13", "2026-00", "0000-01", "May 2026", "2026-5", "x" * 300]
)
def test_a_value_that_is_not_a_month_is_refused_with_a_message(
    around_may: None, staff_client: FlaskClient, value: str
) -> None:
    response = staff_client.get("/leads/", query_string={"created": value})
    assert response.status_code == 400
    assert "Give the month of creation as year and month, for example 2026-05." in response.text
    assert "aria-invalid=true" in response.text
