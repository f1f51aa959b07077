"""What visitors and registrants read of an event comes in their language, or else in the other
one; the needs on the registration form are listed by group, in the reader's language."""

from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import select

from crm.calendar.invitations import invitation_text
from crm.events.models import Event, Registration
from crm.extensions import db
from crm.leads.models import Activity, ActivityKind
from crm.mail.models import OutboxMessage
from crm.vocabulary.models import Capability
from tests.helpers import submit_form

BOTH = {
    "title_en": "Isotope Day",
    "title_de": "Isotopentag",
    "description_en": "Tours of the hot cells.",
    "description_de": "Führungen durch die heißen Zellen.",
    "venue_en": "Innovation Centre",
    "venue_de": "Innovationszentrum",
}
ENGLISH_ONLY = {key: value if key.endswith("_en") else "" for key, value in BOTH.items()}
GERMAN_ONLY = {key: value if key.endswith("_de") else "" for key, value in BOTH.items()}
GERMAN_REGISTRANT = {
    "name": "Jana Berg",
    "email": "jana@berg.example",
    "company": "Berg Isotope GmbH",
    "country": "DE",
    "language": "de",
    "consent": "y",
    "question_dietary": "none",
}


def test_the_event_page_is_in_the_readers_language(
    client: FlaskClient, create_event: Callable[..., Event]
) -> None:
    event = create_event(**BOTH)
    german = client.get(f"/events/{event.slug}?lang=de").text
    assert "Isotopentag" in german and "Führungen durch die heißen Zellen." in german
    assert "Innovationszentrum" in german and "Isotope Day" not in german
    english = client.get(f"/events/{event.slug}?lang=en").text
    assert "Isotope Day" in english and "Innovation Centre" in english
    assert "Isotopentag" not in english


def test_the_event_page_falls_back_to_the_other_language_when_one_is_empty(
    client: FlaskClient, create_event: Callable[..., Event]
) -> None:
    english_only = create_event(**ENGLISH_ONLY)
    german = client.get(f"/events/{english_only.slug}?lang=de").text
    assert "Isotope Day" in german and "Tours of the hot cells." in german
    assert "Innovation Centre" in german
    german_only = create_event(**GERMAN_ONLY)
    english = client.get(f"/events/{german_only.slug}?lang=en").text
    assert "Isotopentag" in english and "Führungen durch die heißen Zellen." in english
    assert "Isotopentag" in client.get("/events/?lang=en").text


def test_the_calendar_file_is_in_the_readers_language(
    client: FlaskClient, create_event: Callable[..., Event]
) -> None:
    event = create_event(**BOTH)
    assert "SUMMARY:Isotopentag" in client.get(f"/events/{event.slug}.ics?lang=de").text
    assert "SUMMARY:Isotope Day" in client.get(f"/events/{event.slug}.ics?lang=en").text


def mail_to(registration: Registration) -> OutboxMessage:
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.registration_id == registration.id)
    ).one()


def test_the_confirmation_is_in_the_registrants_language_with_its_invitation(
    client: FlaskClient,
    create_event: Callable[..., Event],
    create_registration: Callable[..., Registration],
) -> None:
    event = create_event(**BOTH)
    client.get("/events/?lang=en")  # what the staff member or visitor reads does not matter
    message = mail_to(create_registration(event, language="de"))
    assert message.subject == "Anmeldung bestätigt: Isotopentag"
    assert "Innovationszentrum" in message.text_body and "Isotope Day" not in message.text_body
    assert "SUMMARY:Isotopentag" in (invitation_text(message) or "")
    english = mail_to(create_registration(event, language="en"))
    assert english.subject == "Registration confirmed: Isotope Day"
    assert "SUMMARY:Isotope Day" in (invitation_text(english) or "")


def test_the_confirmation_falls_back_to_the_other_language_when_one_is_empty(
    create_event: Callable[..., Event], create_registration: Callable[..., Registration]
) -> None:
    message = mail_to(create_registration(create_event(**ENGLISH_ONLY), language="de"))
    assert message.subject == "Anmeldung bestätigt: Isotope Day"
    assert "Innovation Centre" in message.text_body
    assert "LOCATION:Innovation Centre" in (invitation_text(message) or "")
    german = mail_to(create_registration(create_event(**GERMAN_ONLY), language="en"))
    assert german.subject == "Registration confirmed: Isotopentag"


def test_the_registration_form_lists_the_needs_by_group_in_german(
    client: FlaskClient, event: Event, capability: Callable[[str], Capability]
) -> None:
    for slug in ("hplc", "sterility-testing", "hot-cells", "clinical-trials"):
        capability(slug)
    page = client.get(f"/events/{event.slug}/register?lang=de").text
    groups = [
        "<legend>Analytik und Qualitätskontrolle</legend>",
        "<legend>Klinische Studien und Zulassung</legend>",
        "<legend>Anlagen, Ausrüstung und Software</legend>",
    ]
    positions = [page.index(group) for group in groups]
    assert positions == sorted(positions)
    analytics = page[positions[0] : positions[1]]
    assert "HPLC-Analytik" in analytics and "Sterilitätsprüfung" in analytics
    assert "Heiße Zellen nach Maß" in page[positions[2] :]
    assert "Sterility testing" not in page and "Analytics and quality control" not in page


def test_the_registration_form_lists_the_needs_by_group_in_english(
    client: FlaskClient, event: Event, capability: Callable[[str], Capability]
) -> None:
    for slug in ("hplc", "sterility-testing", "hot-cells"):
        capability(slug)
    page = client.get(f"/events/{event.slug}/register?lang=en").text
    analytics = page.index("<legend>Analytics and quality control</legend>")
    facilities = page.index("<legend>Facilities, equipment and software</legend>")
    assert analytics < page.index("HPLC analysis") < page.index("Sterility testing") < facilities
    assert page.index("Custom hot cells") > facilities
    assert "Sterilitätsprüfung" not in page


def test_a_tag_without_a_german_label_shows_its_english_one_on_the_german_form(
    client: FlaskClient, event: Event, capability: Callable[[str], Capability]
) -> None:
    capability("cyclotron-time").label_en = "Cyclotron time"
    db.session.commit()
    page = client.get(f"/events/{event.slug}/register?lang=de").text
    assert "<legend>Sonstiges</legend>" in page and "Cyclotron time" in page


def test_needs_chosen_on_the_german_form_are_stored_as_the_tags(
    client: FlaskClient, event: Event, capability: Callable[[str], Capability]
) -> None:
    capability("hplc")
    response = submit_form(
        client,
        f"/events/{event.slug}/register?lang=de",
        GERMAN_REGISTRANT | {"needs": ["hplc"]},
    )
    assert response.status_code == 200
    registration = db.session.scalars(select(Registration)).one()
    assert [need.slug for need in registration.needs] == ["hplc"]


def test_the_staff_timeline_names_the_event_in_the_default_language(
    client: FlaskClient, create_event: Callable[..., Event]
) -> None:
    event = create_event(**BOTH)
    submit_form(
        client,
        f"/events/{event.slug}/register?lang=de",
        GERMAN_REGISTRANT,
    )
    entry = db.session.scalars(
        select(Activity).where(Activity.kind == ActivityKind.registration)
    ).one()
    assert entry.subject == "Jana Berg registered for Isotope Day (confirmed)"
