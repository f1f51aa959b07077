from collections.abc import Callable
from datetime import date, timedelta

from flask.testing import FlaskClient

from crm.db import utcnow
from crm.events.models import Event, EventStatus, Registration


def test_event_list_shows_upcoming_events_before_the_archive(
    client: FlaskClient, create_event: Callable[..., Event]
) -> None:
    create_event(
        title="Old Forum",
        is_all_day=True,
        starts_on=date(2025, 10, 6),
        ends_on=date(2025, 10, 6),
        starts_at=None,
        ends_at=None,
    )
    create_event(title="Next Forum")
    page = client.get("/events/").text
    assert page.index("Next Forum") < page.index("Past events") < page.index("Old Forum")


def test_past_events_say_registration_closed(
    client: FlaskClient, create_event: Callable[..., Event]
) -> None:
    past = create_event(
        is_all_day=True,
        starts_on=date(2025, 10, 6),
        ends_on=date(2025, 10, 6),
        starts_at=None,
        ends_at=None,
    )
    assert "Registration closed" in client.get(f"/events/{past.slug}").text


def test_draft_events_are_not_public(
    client: FlaskClient, create_event: Callable[..., Event]
) -> None:
    draft = create_event(status=EventStatus.draft)
    assert client.get(f"/events/{draft.slug}").status_code == 404
    assert draft.title not in client.get("/events/").text


def test_detail_shows_the_seats_left(
    client: FlaskClient,
    create_event: Callable[..., Event],
    create_registration: Callable[..., Registration],
) -> None:
    event = create_event(capacity=3)
    create_registration(event)
    assert "2 seats left" in client.get(f"/events/{event.slug}").text


def test_detail_of_a_full_event_offers_the_waiting_list(
    client: FlaskClient,
    create_event: Callable[..., Event],
    create_registration: Callable[..., Registration],
) -> None:
    event = create_event(capacity=1)
    create_registration(event)
    assert "waiting list" in client.get(f"/events/{event.slug}").text


def test_pages_speak_german_when_asked(client: FlaskClient, event: Event) -> None:
    page = client.get(f"/events/{event.slug}?lang=de").text
    assert "Anmelden" in page
    assert "Noch 10 Plätze frei" in page


def test_the_demo_event_is_labelled(
    client: FlaskClient, create_event: Callable[..., Event]
) -> None:
    demo = create_event(is_demo=True)
    assert "fictional sample event" in client.get(f"/events/{demo.slug}").text
    assert "demo-badge" in client.get("/events/").text


def test_registration_form_lists_countries_partners_and_questions(
    client: FlaskClient, event: Event, rotop: object
) -> None:
    page = client.get(f"/events/{event.slug}/register").text
    assert 'value="FR"' in page
    assert "ROTOP Pharmaka GmbH" in page
    assert "Dietary needs" in page


def test_timed_events_show_local_time(
    client: FlaskClient, create_event: Callable[..., Event]
) -> None:
    starts = utcnow().replace(month=1, day=15, hour=9, minute=0, second=0, microsecond=0)
    starts = starts.replace(year=utcnow().year + 1)
    event = create_event(starts_at=starts, ends_at=starts + timedelta(hours=2))
    assert "10:00" in client.get(f"/events/{event.slug}").text
