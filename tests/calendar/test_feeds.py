from collections.abc import Callable
from datetime import date

import icalendar
import vobject
from flask import Flask
from flask.testing import FlaskClient

from crm.events.models import Event, EventStatus, Registration
from crm.extensions import db
from tests.factories import RADIOPHARMACY_DAY


def events_in(body: bytes) -> list[icalendar.Event]:
    return icalendar.Calendar.from_ical(body).walk("VEVENT")


def test_a_published_event_has_a_calendar_file_that_publishes_it(
    client: FlaskClient, create_event: Callable[..., Event]
) -> None:
    event = create_event(RADIOPHARMACY_DAY, slug="site-tour", title="Site tour")

    response = client.get("/events/site-tour.ics")

    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    assert calendar["METHOD"] == "PUBLISH"
    [component] = calendar.walk("VEVENT")
    assert str(component["SUMMARY"]) == "Site tour"
    assert str(component["UID"]) == f"event-{event.id}@localhost"
    assert str(component["URL"]) == "http://localhost/events/site-tour"


def test_a_draft_event_has_no_calendar_file(
    client: FlaskClient, create_event: Callable[..., Event]
) -> None:
    create_event(RADIOPHARMACY_DAY, slug="secret-plans", status=EventStatus.draft)

    assert client.get("/events/secret-plans.ics").status_code == 404


def test_an_unknown_event_has_no_calendar_file(client: FlaskClient) -> None:
    assert client.get("/events/nothing-here.ics").status_code == 404


def test_the_calendar_file_wins_over_an_event_page_route(
    app: Flask, create_event: Callable[..., Event]
) -> None:
    app.add_url_rule("/events/<slug>", "event_page_stand_in", lambda slug: f"page of {slug}")
    create_event(RADIOPHARMACY_DAY, slug="site-tour")

    response = app.test_client().get("/events/site-tour.ics")

    assert response.mimetype == "text/calendar"


def test_the_feed_lists_published_events_only(
    client: FlaskClient, create_event: Callable[..., Event]
) -> None:
    create_event(RADIOPHARMACY_DAY, title="Open day")
    create_event(RADIOPHARMACY_DAY, title="Board retreat", status=EventStatus.draft)
    create_event(RADIOPHARMACY_DAY, title="Cancelled fair", status=EventStatus.cancelled)

    response = client.get("/calendar.ics")

    assert [str(component["SUMMARY"]) for component in events_in(response.data)] == ["Open day"]


def test_the_feed_is_valid_for_vobject(
    client: FlaskClient, create_event: Callable[..., Event]
) -> None:
    create_event(RADIOPHARMACY_DAY)
    create_event(
        RADIOPHARMACY_DAY, is_all_day=True, starts_on=date(2025, 11, 3), ends_on=date(2025, 11, 4)
    )

    parsed = vobject.readOne(client.get("/calendar.ics").text, validate=True)

    assert len(parsed.vevent_list) == 2


def test_feed_uids_differ_from_invitation_uids(
    client: FlaskClient, insert_registration: Callable[..., Registration]
) -> None:
    registration = insert_registration()

    [component] = events_in(client.get("/calendar.ics").data)

    assert str(component["UID"]) == f"event-{registration.event.id}@localhost"
    assert str(component["UID"]) != f"registration-{registration.id}@localhost"


def test_an_unchanged_feed_answers_304_to_its_etag(
    client: FlaskClient, create_event: Callable[..., Event]
) -> None:
    create_event(RADIOPHARMACY_DAY)
    first = client.get("/calendar.ics")

    again = client.get("/calendar.ics", headers={"If-None-Match": first.headers["ETag"]})

    assert first.headers["Last-Modified"]
    assert again.status_code == 304


def test_a_changed_event_changes_the_etag(
    client: FlaskClient, create_event: Callable[..., Event]
) -> None:
    event = create_event(RADIOPHARMACY_DAY)
    first = client.get("/calendar.ics")
    event.title_en = "Renamed"
    event.sequence += 1
    db.session.commit()

    again = client.get("/calendar.ics", headers={"If-None-Match": first.headers["ETag"]})

    assert again.status_code == 200
    assert str(events_in(again.data)[0]["SUMMARY"]) == "Renamed"
