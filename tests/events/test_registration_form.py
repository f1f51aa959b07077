from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from crm.db import utcnow
from crm.events.models import Event, EventStatus, Registration, RegistrationStatus
from crm.extensions import db
from crm.mail.models import OutboxMessage
from tests.helpers import submit_form


def form_data(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "Marie Curie",
        "email": "marie@radium-institute.example",
        "company": "Radium Institute SA",
        "position": "Head of research",
        "country": "FR",
        "language": "en",
        "question_dietary": "vegetarian",
        "consent": "y",
    } | overrides


def registrations() -> int:
    return db.session.scalar(select(func.count(Registration.id)))


def test_registering_confirms_a_free_seat(client: FlaskClient, event: Event) -> None:
    response = submit_form(client, f"/events/{event.slug}/register", form_data())
    assert response.status_code == 200
    assert "We have sent a message to marie@radium-institute.example" in response.text
    registration = db.session.scalar(select(Registration))
    assert registration.status == RegistrationStatus.confirmed
    assert registration.answers == {"dietary": "vegetarian"}
    assert registration.consent_version == "registration-2026-12"


def test_the_confirmation_page_does_not_show_the_manage_link(
    client: FlaskClient, event: Event
) -> None:
    response = submit_form(client, f"/events/{event.slug}/register", form_data())
    assert "/r/" not in response.text


def test_registering_queues_a_confirmation_with_a_calendar_invitation(
    client: FlaskClient, event: Event
) -> None:
    submit_form(client, f"/events/{event.slug}/register", form_data())
    message = db.session.scalar(select(OutboxMessage))
    registration = db.session.scalar(select(Registration))
    assert message.key == f"confirmation:registration:{registration.id}:seq:0"
    assert message.calendar_method == "REQUEST"
    assert message.calendar_sequence == 0
    assert message.registration_id == registration.id
    assert "/r/" in message.text_body


def test_mail_is_in_the_registrants_language(client: FlaskClient, event: Event) -> None:
    submit_form(client, f"/events/{event.slug}/register", form_data(language="de"))
    message = db.session.scalar(select(OutboxMessage))
    assert message.language == "de"
    assert message.subject.startswith("Anmeldung bestätigt")
    assert "Guten Tag Marie Curie" in message.text_body


def test_names_are_escaped_in_the_html_mail(client: FlaskClient, event: Event) -> None:
    submit_form(client, f"/events/{event.slug}/register", form_data(name="<b>Eve</b>"))
    message = db.session.scalar(select(OutboxMessage))
    assert "&lt;b&gt;Eve&lt;/b&gt;" in message.html_body


def test_a_full_event_puts_the_registrant_on_the_waiting_list(
    client: FlaskClient, create_event: Callable[..., Event]
) -> None:
    event = create_event(capacity=0)
    submit_form(client, f"/events/{event.slug}/register", form_data())
    assert db.session.scalar(select(Registration)).status == RegistrationStatus.waitlisted
    message = db.session.scalar(select(OutboxMessage))
    assert message.key.startswith("waitlist:registration:")
    assert message.calendar_method is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-address", "Please enter a valid email address."),
        ("consent", "", "Please agree to the processing of your details."),
        ("question_dietary", "raw-meat", "Please choose one of the offered answers."),
        ("name", "", "This field is required."),
        ("country", "XX", "Not a valid choice."),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_nothing_is_stored(
    client: FlaskClient, event: Event, field: str, value: str, message: str
) -> None:
    response = submit_form(client, f"/events/{event.slug}/register", form_data(**{field: value}))
    assert response.status_code == 422
    assert message in response.text
    assert f'id="{field}-error"' in response.text
    assert registrations() == 0


def test_a_refused_form_keeps_what_was_typed(client: FlaskClient, event: Event) -> None:
    response = submit_form(
        client, f"/events/{event.slug}/register", form_data(consent="", position="CTO & founder")
    )
    assert 'value="CTO &amp; founder"' in response.text
    assert 'value="marie@radium-institute.example"' in response.text


def test_german_error_messages(client: FlaskClient, event: Event) -> None:
    response = submit_form(
        client,
        f"/events/{event.slug}/register?lang=de",
        form_data(email="kaputt"),
    )
    assert "Bitte geben Sie eine gültige E-Mail-Adresse ein." in response.text


def test_a_cancelled_event_takes_no_registrations(
    client: FlaskClient, create_event: Callable[..., Event]
) -> None:
    event = create_event(status=EventStatus.cancelled)
    response = submit_form(client, f"/events/{event.slug}/register", form_data())
    assert response.status_code == 422
    assert "This event has been cancelled" in response.text
    assert registrations() == 0


def test_registration_before_the_window_opens_is_refused(
    client: FlaskClient, create_event: Callable[..., Event]
) -> None:
    event = create_event(registration_opens_at=utcnow() + timedelta(days=1))
    response = submit_form(client, f"/events/{event.slug}/register", form_data())
    assert "has not opened yet" in response.text
    assert registrations() == 0


def test_registration_after_the_window_closes_is_refused(
    client: FlaskClient, create_event: Callable[..., Event]
) -> None:
    event = create_event(registration_closes_at=utcnow() - timedelta(minutes=1))
    response = submit_form(client, f"/events/{event.slug}/register", form_data())
    assert "Registration for this event is closed." in response.text
    assert registrations() == 0


def test_registering_twice_answers_like_the_first_time_and_mails_the_link(
    client: FlaskClient, event: Event
) -> None:
    """Nobody learns from the page whether an address is registered: the mail says so."""
    first = submit_form(client, f"/events/{event.slug}/register", form_data())
    response = submit_form(
        client, f"/events/{event.slug}/register", form_data(email="Marie@Radium-Institute.example")
    )
    assert (response.status_code, response.text) == (first.status_code, first.text)
    assert registrations() == 1
    keys = [message.key for message in db.session.scalars(select(OutboxMessage))]
    assert keys[1].startswith("link:registration:")
    assert len(keys) == 2


def test_registration_without_csrf_token_is_refused(client: FlaskClient, event: Event) -> None:
    response = client.post(f"/events/{event.slug}/register", data=form_data())
    assert response.status_code == 400
    assert registrations() == 0


def test_the_mailed_link_opens_in_the_registrants_language(
    client: FlaskClient, event: Event
) -> None:
    submit_form(client, f"/events/{event.slug}/register", form_data(language="de"))
    message = db.session.scalar(select(OutboxMessage))
    path = "/r/" + message.text_body.split("/r/", 1)[1].split()[0]
    assert "Ihre Anmeldung" in client.get(path, follow_redirects=True).text
