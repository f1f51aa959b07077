"""The dashboard's figures against a small world whose answers are counted by hand."""

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient

from crm.auth.models import Role, User
from crm.events.models import Event
from crm.extensions import db
from crm.leads.models import Company, FollowUpTask, LeadSource, Stage
from crm.mail import services as outbox
from crm.mail.models import OutboxMessage, OutboxStatus
from crm.reports import services

NOW = "2026-03-02T09:00:00+00:00"


def at(year: int, month: int, day: int = 10) -> datetime:
    return datetime(year, month, day, 12, 0, tzinfo=UTC)


@pytest.fixture
def world(
    clock: Callable[[str], None],
    insert_company: Callable[..., Company],
) -> dict[str, Company]:
    """Five live leads and an archived one, made in known months."""
    clock(NOW)
    return {
        "enquiry_de": insert_company(
            stage=Stage.enquiry,
            country="DE",
            source=LeadSource.web,
            needs=["hplc"],
            created_at=at(2026, 3, 1),
        ),
        "qualified_fr": insert_company(
            stage=Stage.qualified,
            country="FR",
            source=LeadSource.event,
            needs=["hplc", "gmp-manufacturing"],
            created_at=at(2026, 2),
        ),
        "landed_de": insert_company(
            stage=Stage.landed,
            country="DE",
            source=LeadSource.event,
            created_at=at(2025, 2),
        ),
        "lost_us": insert_company(
            stage=Stage.lost,
            country="US",
            source=LeadSource.referral,
            created_at=at(2024, 3, 5),
        ),
        "no_country": insert_company(stage=Stage.enquiry, created_at=at(2024, 2, 28)),
        "archived": insert_company(
            stage=Stage.enquiry,
            country="DE",
            is_archived=True,
            needs=["hplc"],
            created_at=at(2026, 2),
        ),
    }


def counts(rows: list[services.Count]) -> dict[str, int]:
    return {row.key: row.count for row in rows}


def test_the_funnel_counts_live_leads_in_every_stage(world: dict[str, Company]) -> None:
    by_stage = counts(services.leads_by_stage(services.lead_counts()))
    assert list(by_stage) == [
        stage.value
        for stage in (
            Stage.enquiry,
            Stage.qualified,
            Stage.active,
            Stage.site_visit,
            Stage.decision,
            Stage.landed,
            Stage.lost,
            Stage.on_hold,
            Stage.dormant,
        )
    ]
    assert by_stage == {
        "enquiry": 2,
        "qualified": 1,
        "active": 0,
        "site_visit": 0,
        "decision": 0,
        "landed": 1,
        "lost": 1,
        "on_hold": 0,
        "dormant": 0,
    }


def test_new_leads_are_counted_per_month_for_the_last_24_months(
    world: dict[str, Company],
) -> None:
    months = services.new_leads_per_month(date(2026, 3, 2))
    assert len(months) == 24
    assert (months[0].year, months[0].month) == (2024, 4)
    assert (months[-1].year, months[-1].month) == (2026, 3)
    counted = {(month.year, month.month): month.count for month in months if month.count}
    # Live leads, as the list behind each month shows them (the archived one of February 2026
    # is not counted); March 2024 and older fall outside the window.
    assert counted == {(2026, 3): 1, (2026, 2): 1, (2025, 2): 1}


def test_leads_are_counted_by_country_need_and_source(world: dict[str, Company]) -> None:
    leads = services.lead_counts()
    assert counts(services.leads_by_country(leads)) == {
        "DE": 2,
        "FR": 1,
        "US": 1,
        "": 1,
    }
    assert counts(services.leads_by_need()) == {"hplc": 2, "gmp-manufacturing": 1}
    assert counts(services.leads_by_source(leads)) == {
        "event": 2,
        "referral": 1,
        "web": 1,
        "direct": 1,
    }


def test_my_tasks_are_those_overdue_and_due_today(
    clock: Callable[[str], None],
    staff_user: User,
    create_user: Callable[..., User],
    create_task: Callable[..., FollowUpTask],
) -> None:
    clock(NOW)
    colleague = create_user(email="colleague@wfs.example", role=Role.staff)
    overdue = create_task(staff_user, date(2026, 2, 20), "Send the offer")
    today = create_task(staff_user, date(2026, 3, 2), "Call back")
    create_task(staff_user, date(2026, 3, 3), "Tomorrow")
    create_task(colleague, date(2026, 2, 1), "Not mine")
    done = create_task(staff_user, date(2026, 2, 1), "Done already")
    done.is_done = True
    db.session.commit()
    assert services.tasks_due(staff_user.id, date(2026, 3, 2)) == [overdue, today]


def test_upcoming_events_show_seats_taken_capacity_and_waiting_list(
    clock: Callable[[str], None],
    create_event: Callable[..., Event],
    create_registration: Callable[..., Any],
) -> None:
    clock(NOW)
    event = create_event(capacity=2)
    for _ in range(3):
        create_registration(event)
    empty = create_event(capacity=None)
    seats = services.upcoming_events(datetime(2026, 3, 2, tzinfo=UTC))
    assert [(row.event, row.confirmed, row.waitlisted) for row in seats] == [
        (event, 2, 1),
        (empty, 0, 0),
    ]


def test_outbox_health_counts_queued_and_failed_and_finds_the_oldest_unsent(
    clock: Callable[[str], None], create_message: Callable[..., OutboxMessage]
) -> None:
    clock("2026-03-01T08:00:00+00:00")
    oldest = create_message()
    clock(NOW)
    _waiting, failing, sent, cancelled = (create_message() for _ in range(4))
    for message in (failing, sent):
        outbox.change_status(message, OutboxStatus.sending)
    outbox.mark_sent(sent)
    outbox.mark_failed_attempt(
        failing, "550 mailbox unavailable", is_permanent=True, max_attempts=8, retry_base_seconds=60
    )
    outbox.cancel(cancelled)
    db.session.commit()
    assert services.outbox_health() == services.OutboxHealth(
        queued=2, failed=1, oldest_unsent_at=oldest.created_at
    )


def test_the_dashboard_links_each_figure_to_the_list_behind_it(
    world: dict[str, Company], staff_client: FlaskClient
) -> None:
    page = staff_client.get("/dashboard").text
    assert 'href="/leads/?stage=qualified"' in page
    assert 'href="/leads/?country=FR"' in page
    assert 'href="/leads/?need=hplc"' in page
    assert 'href="/leads/?source=event"' in page
    assert 'href="/leads/?created=2026-02"' in page and 'href="/leads/?created=2024-04"' in page
    assert 'href="/admin/outbox/?status=failed"' in page
    assert "<svg" in page and "<table" in page


def test_the_dashboard_asks_the_same_number_of_queries_whatever_the_data(
    world: dict[str, Company],
    staff_client: FlaskClient,
    insert_company: Callable[..., Company],
    count_queries: Callable[[], AbstractContextManager[list[str]]],
) -> None:
    staff_client.get("/dashboard")
    with count_queries() as before:
        staff_client.get("/dashboard")
    for number in range(20):
        insert_company(country=f"A{chr(65 + number)}", needs=["hplc"], stage=Stage.decision)
    with count_queries() as after:
        staff_client.get("/dashboard")
    assert len(after) == len(before)


def test_a_month_of_the_chart_leads_to_the_live_leads_created_in_it(
    world: dict[str, Company], staff_client: FlaskClient
) -> None:
    page = staff_client.get("/leads/?created=2026-02").text
    assert world["qualified_fr"].name in page
    assert world["enquiry_de"].name not in page  # created on 1 March
    assert world["archived"].name not in page
