from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient

from crm.events.models import Event, EventStatus
from crm.extensions import db

pytestmark = pytest.mark.usefixtures("seeded")


def test_published_events_are_listed_for_everyone(client: FlaskClient) -> None:
    db.session.scalar(
        db.select(Event).where(Event.slug == "eanm-2025-lunch")
    ).status = EventStatus.draft
    db.session.commit()
    body = client.get("/api/v1/events").json
    slugs = [event["slug"] for event in body["items"]]
    assert "eanm-2025-lunch" not in slugs
    assert "german-biotech-days-2026" in slugs
    published = db.select(db.func.count(Event.id)).where(Event.status == EventStatus.published)
    assert body["total"] == db.session.scalar(published) == len(slugs)


def test_event_lists_are_paginated_with_links(client: FlaskClient) -> None:
    first = client.get("/api/v1/events?per_page=4").json
    total = first["total"]
    assert 4 < total <= 8
    assert len(first["items"]) == 4 and first["links"]["prev"] is None
    second = client.get(first["links"]["next"]).json
    assert second["page"] == 2 and len(second["items"]) == total - 4
    assert second["links"]["next"] is None


def test_an_all_day_event_gives_its_days_and_time_zone(client: FlaskClient) -> None:
    event = client.get("/api/v1/events/hi-tech-meets-life-sciences-2025").json
    assert event["is_all_day"] is True
    assert (event["starts_on"], event["ends_on"]) == ("2025-10-28", "2025-10-29")
    assert event["timezone"] == "Europe/Berlin"
    assert event["url"].endswith("/events/hi-tech-meets-life-sciences-2025")


def test_event_reads_carry_an_etag_that_answers_304(client: FlaskClient) -> None:
    first = client.get("/api/v1/events/eanm-2025-lunch")
    assert first.headers["ETag"]
    again = client.get(
        "/api/v1/events/eanm-2025-lunch", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304


def test_an_unknown_event_is_a_problem_document(client: FlaskClient) -> None:
    response = client.get("/api/v1/events/nothing-here")
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
    assert response.json["status"] == 404 and "nothing-here" in response.json["detail"]


def test_partners_are_public_with_their_capabilities(client: FlaskClient) -> None:
    partners: list[dict[str, Any]] = client.get("/api/v1/partners?per_page=100").json["items"]
    assert len(partners) == 9
    cup = next(p for p in partners if p["slug"] == "cup-laboratorien")
    assert {
        "slug": "sterility-testing",
        "label": "Sterility testing",
        "label_en": "Sterility testing",
        "label_de": "Sterilitätsprüfung",
        "group": "analytics",
        "group_label": "Analytics and quality control",
    } in cup["capabilities"]


def test_bad_query_values_name_the_field(client: FlaskClient) -> None:
    response = client.get("/api/v1/events?per_page=1000&page=0")
    assert response.status_code == 422
    assert set(response.json["errors"]["query"]) == {"per_page", "page"}


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "API_PUBLIC_RATE_LIMIT": "3 per minute"}


def test_public_endpoints_are_rate_limited_with_retry_after(client: FlaskClient) -> None:
    statuses = [client.get("/api/v1/partners").status_code for _ in range(3)]
    limited = client.get("/api/v1/partners")
    assert statuses == [200, 200, 200]
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0
    assert limited.content_type == "application/problem+json"


def test_all_day_and_timed_events_are_listed_soonest_first_on_every_database(
    client: FlaskClient,
) -> None:
    forum = db.session.scalar(db.select(Event).where(Event.slug == "german-biotech-days-2026"))
    timed = Event(
        slug="evening-before",
        title_en="Evening before the Biotech Days",
        is_all_day=False,
        starts_at=datetime(2026, 4, 20, 16, 0, tzinfo=UTC),
        ends_at=datetime(2026, 4, 20, 19, 0, tzinfo=UTC),
        timezone="Europe/Berlin",
        city="Leipzig",
        country="DE",
        organiser_name="WFS",
        organiser_email="events@wfs.example",
        status=EventStatus.published,
    )
    db.session.add(timed)
    db.session.commit()
    slugs = [event["slug"] for event in client.get("/api/v1/events?per_page=100").json["items"]]
    assert slugs.index("hi-tech-meets-life-sciences-2025") < slugs.index("evening-before")
    assert slugs.index("evening-before") < slugs.index(forum.slug)
    assert slugs[0] == "eanm-2025-lunch"
