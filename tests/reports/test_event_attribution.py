"""Event attribution: a company that came through two events, one that got lost on the way."""

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient

from crm.events.models import Event, Registration
from crm.extensions import db
from crm.leads.confidential import COMMAND_LINE
from crm.leads.models import Company, Stage, StageChange
from crm.partners.models import Partner
from crm.reports.attribution import ListedCompany, event_attribution


def moved(company: Company, to: Stage, when: str) -> None:
    """A stage change as the history records it, at a known moment."""
    db.session.add(
        StageChange(
            company=company,
            from_stage=company.stage,
            to_stage=to,
            changed_at=datetime.fromisoformat(when),
        )
    )
    company.stage = to
    db.session.commit()


@pytest.fixture
def story(
    clock: Callable[[str], None],
    create_event: Callable[..., Event],
    create_registration: Callable[..., Registration],
    partner: Callable[[str], Partner],
) -> dict[str, Any]:
    clock("2026-01-10T09:00:00+00:00")
    first_event, second_event = create_event(), create_event()
    both = create_registration(
        first_event,
        email="ana@twice.example",
        company_name="Twice Isotopes",
        partners_to_meet=[partner("cup-laboratorien")],
    )
    twice = both.company
    assert twice is not None
    moved(twice, Stage.qualified, "2026-01-15T09:00:00+00:00")
    clock("2026-01-20T09:00:00+00:00")
    again = create_registration(
        second_event, email="ben@twice.example", company_name="Twice Isotopes"
    )
    assert again.company == twice
    once = create_registration(second_event, email="eva@lost.example", company_name="Lost Labs")
    create_registration(second_event, email="noone@nowhere.example", company_name="Quiet Ltd")
    lost = once.company
    assert lost is not None
    moved(twice, Stage.active, "2026-01-25T09:00:00+00:00")
    moved(twice, Stage.site_visit, "2026-02-01T09:00:00+00:00")
    moved(lost, Stage.qualified, "2026-02-02T09:00:00+00:00")
    moved(lost, Stage.lost, "2026-02-10T09:00:00+00:00")
    again.checked_in_at = datetime(2026, 2, 20, 9, tzinfo=UTC)
    once.is_no_show = True
    db.session.commit()
    return {
        "first": first_event,
        "second": second_event,
        "twice": ListedCompany(twice.id, twice.name),
        "lost": ListedCompany(lost.id, lost.name),
    }


def test_the_first_event_brought_the_company_and_counts_how_far_it_got(
    story: dict[str, Any],
) -> None:
    report = event_attribution(story["first"], COMMAND_LINE)
    assert (report.registrations, report.meeting_requests) == (1, 1)
    assert report.attended == report.brought == [story["twice"]]
    reached = {milestone.stage: milestone.brought for milestone in report.milestones}
    assert reached == {
        Stage.qualified: [story["twice"]],
        Stage.site_visit: [story["twice"]],
        Stage.decision: [],
        Stage.landed: [],
    }


def test_a_later_event_lists_the_company_it_did_not_bring(story: dict[str, Any]) -> None:
    report = event_attribution(story["second"], COMMAND_LINE)
    twice, lost = story["twice"], story["lost"]
    assert (report.registrations, report.checked_in, report.no_shows) == (3, 1, 1)
    assert report.meeting_requests == 0
    assert twice in report.attended and lost in report.brought
    assert twice not in report.brought
    milestones = {milestone.stage: milestone for milestone in report.milestones}
    # Qualified before it registered here, yet it reached site visit after: that counts.
    assert milestones[Stage.qualified].attended == [lost, twice]  # by name
    assert milestones[Stage.qualified].brought == [lost]
    assert milestones[Stage.site_visit].attended == [twice]
    assert milestones[Stage.site_visit].brought == []
    assert milestones[Stage.landed].attended == []


def test_the_attribution_page_names_the_companies_behind_each_number(
    story: dict[str, Any],
    staff_client: FlaskClient,
    count_queries: Callable[[], AbstractContextManager[list[str]]],
    create_registration: Callable[..., Registration],
) -> None:
    url = f"/reports/events/{story['second'].id}"
    page = staff_client.get(url).text
    assert "Lost Labs" in page and "Twice Isotopes" in page
    assert f'href="/leads/{story["lost"].id}"' in page
    with count_queries() as before:
        staff_client.get(url)
    for number in range(5):
        create_registration(story["second"], email=f"more{number}@more{number}.example")
    with count_queries() as after:
        assert staff_client.get(url).status_code == 200
    assert len(after) == len(before)


def test_the_staff_event_page_links_to_its_attribution(
    story: dict[str, Any], staff_client: FlaskClient
) -> None:
    event = story["first"]
    page = staff_client.get(f"/staff/events/{event.id}").text
    assert f'href="/reports/events/{event.id}"' in page


def test_an_unknown_event_has_no_attribution(staff_client: FlaskClient) -> None:
    assert staff_client.get("/reports/events/999999").status_code == 404


def test_a_long_list_of_companies_shows_the_first_fifty_and_how_many_more(
    create_event: Callable[..., Event],
    insert_company: Callable[..., Company],
    insert_registration: Callable[..., Registration],
    staff_client: FlaskClient,
) -> None:
    event = create_event()
    for number in range(53):
        insert_registration(event, company=insert_company(name=f"Member {number:02d}"))
    page = staff_client.get(f"/reports/events/{event.id}").text
    assert "Member 49" in page and "Member 50" not in page
    assert "and 3 more" in page


def test_the_rest_of_a_long_list_is_a_page_of_its_own(
    create_event: Callable[..., Event],
    insert_company: Callable[..., Company],
    insert_registration: Callable[..., Registration],
    staff_client: FlaskClient,
) -> None:
    event = create_event()
    for number in range(53):
        insert_registration(event, company=insert_company(name=f"Member {number:02d}"))
    report = staff_client.get(f"/reports/events/{event.id}").text
    everyone = f"/reports/events/{event.id}/companies"
    assert f'href="{everyone}">and 3 more →</a>' in report
    assert f'href="{everyone}?brought=yes">and 3 more →</a>' in report
    first = staff_client.get(everyone).text
    assert "53 companies" in first
    assert "Member 00" in first and "Member 49" in first and "Member 50" not in first
    second = staff_client.get(f"{everyone}?brought=yes&page=2").text
    assert [f"Member {number}" in second for number in (49, 50, 51, 52)] == [
        False,
        True,
        True,
        True,
    ]
    assert staff_client.get(f"{everyone}?page=3").status_code == 404


def test_a_page_of_companies_names_those_that_reached_a_milestone(
    story: dict[str, Any], staff_client: FlaskClient
) -> None:
    url = f"/reports/events/{story['second'].id}/companies?reached=site_visit"
    page = staff_client.get(url).text
    assert "Twice Isotopes" in page and "Lost Labs" not in page
    assert "Reached site visit" in page
    brought = staff_client.get(url + "&brought=yes").text
    assert "Twice Isotopes" not in brought and "No company matches." in brought
