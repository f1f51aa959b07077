"""The API reads ``title``, ``description`` and ``venue`` in the request's language (else the
other), next to each language's own field; writes take either."""

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select

from crm.events.models import Event
from crm.extensions import db
from crm.partners.models import Partner

Headers = Callable[..., dict[str, str]]

NEW_EVENT = {
    "slug": "isotope-day",
    "is_all_day": True,
    "starts_on": "2027-04-21",
    "ends_on": "2027-04-21",
    "timezone": "Europe/Berlin",
    "city": "Dresden",
    "country": "DE",
    "organiser_name": "WFS",
    "organiser_email": "events@wfs.example",
}


def test_an_event_reads_in_the_requests_language_with_both_languages_alongside(
    client: FlaskClient, create_event: Callable[..., Event]
) -> None:
    event = create_event(
        title_en="Isotope Day", title_de="Isotopentag", venue_en="", venue_de="Kongresshalle"
    )
    german: dict[str, Any] = client.get(
        f"/api/v1/events/{event.slug}", headers={"Accept-Language": "de"}
    ).json
    assert (german["title"], german["title_en"], german["title_de"]) == (
        "Isotopentag",
        "Isotope Day",
        "Isotopentag",
    )
    assert german["venue"] == "Kongresshalle"
    english = client.get(f"/api/v1/events/{event.slug}?lang=en").json
    assert english["title"] == "Isotope Day"
    assert english["venue"] == "Kongresshalle"  # no English venue: the German one


def test_an_event_without_a_german_title_reads_the_english_one_in_german(
    client: FlaskClient, create_event: Callable[..., Event]
) -> None:
    event = create_event(title_en="Isotope Day", title_de="", venue_en="")
    listed = client.get("/api/v1/events?lang=de").json["items"]
    found = next(item for item in listed if item["slug"] == event.slug)
    assert (found["title"], found["title_de"]) == ("Isotope Day", "")
    assert found["venue"] is None


def test_partners_read_in_the_requests_language(client: FlaskClient, seeded: None) -> None:
    partners = client.get("/api/v1/partners?per_page=100&lang=de").json["items"]
    itd = next(partner for partner in partners if partner["slug"] == "itd")
    assert itd["description"] == "Heiße Zellen nach Maß und Ausrüstung für heiße Zellen."
    assert itd["description_en"] == "Custom-made hot cells and in-cell equipment."
    hot_cells = next(tag for tag in itd["capabilities"] if tag["slug"] == "hot-cells")
    assert (hot_cells["label"], hot_cells["group_label"]) == (
        "Heiße Zellen nach Maß",
        "Anlagen, Ausrüstung und Software",
    )


def test_a_partner_without_a_german_description_reads_the_english_one(
    client: FlaskClient, seeded: None
) -> None:
    itd = db.session.scalars(select(Partner).where(Partner.slug == "itd")).one()
    itd.description_de = ""
    db.session.commit()
    partners = client.get("/api/v1/partners?per_page=100&lang=de").json["items"]
    shown = next(partner for partner in partners if partner["slug"] == "itd")
    assert shown["description"] == "Custom-made hot cells and in-cell equipment."


def test_staff_create_an_event_with_texts_in_both_languages(
    client: FlaskClient, token_headers: Headers
) -> None:
    body = NEW_EVENT | {
        "title_en": "Isotope Day",
        "title_de": "Isotopentag",
        "description_de": "Führungen durch die heißen Zellen.",
        "venue_en": None,
    }
    response = client.post("/api/v1/events", json=body, headers=token_headers())
    assert response.status_code == 201
    event = db.session.scalars(select(Event)).one()
    assert (event.title_en, event.title_de, event.description_en) == (
        "Isotope Day",
        "Isotopentag",
        "",
    )
    assert (event.description_de, event.venue_en) == ("Führungen durch die heißen Zellen.", "")


def test_a_plain_title_is_written_in_the_requests_language(
    client: FlaskClient, token_headers: Headers
) -> None:
    headers = token_headers() | {"Accept-Language": "de"}
    body = NEW_EVENT | {"title": "Isotopentag", "venue": "Kongresshalle"}
    response = client.post("/api/v1/events", json=body, headers=headers)
    assert response.status_code == 201
    assert response.json["title"] == "Isotopentag"
    event = db.session.scalars(select(Event)).one()
    assert (event.title_en, event.title_de, event.venue_de) == ("", "Isotopentag", "Kongresshalle")
    change = client.patch(
        "/api/v1/events/isotope-day?lang=en", json={"title": "Isotope Day"}, headers=headers
    )
    assert change.status_code == 200
    db.session.expire_all()
    assert (event.title_en, event.title_de) == ("Isotope Day", "Isotopentag")


def test_a_plain_title_and_the_same_languages_title_together_are_refused(
    client: FlaskClient, token_headers: Headers
) -> None:
    body = NEW_EVENT | {"title": "Isotope Day", "title_en": "Isotope Day II"}
    response = client.post("/api/v1/events?lang=en", json=body, headers=token_headers())
    assert response.status_code == 422
    assert list(response.json["errors"]["json"]) == ["title"]
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0
