"""Which language a reader gets, and what the words, plurals, dates and amounts look like in it."""

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from sqlalchemy import select

from crm.auth.models import Role, User
from crm.events.models import Event, Registration
from crm.events.registration_mail import RegistrationMail, queue_registration_mail
from crm.extensions import db
from crm.i18n import LANGUAGE_COOKIE, day, event_when, moment, money, number
from crm.leads.digest import digest_for, queue_digest
from crm.leads.models import Company, FollowUpTask
from crm.mail.models import OutboxMessage
from crm.partners.models import PartnerLink
from crm.partners.services import introduce
from crm.reminders.services import DueReminder, queue_reminder
from tests.helpers import submit_form

GERMAN_LOGOUT = "Abmelden"


def test_a_visitor_without_a_choice_reads_the_language_of_their_browser(
    client: FlaskClient,
) -> None:
    assert 'lang="de"' in client.get("/events/", headers={"Accept-Language": "de-DE,de"}).text
    assert (
        "Kommende Veranstaltungen" in client.get("/events/", headers={"Accept-Language": "de"}).text
    )
    austrian = client.get("/events/", headers={"Accept-Language": "de-AT,en;q=0.5"}).text
    assert "Kommende Veranstaltungen" in austrian
    assert "Upcoming events" in client.get("/events/", headers={"Accept-Language": "fr"}).text
    british = client.get("/events/", headers={"Accept-Language": "en-GB,de;q=0.5"}).text
    assert "Upcoming events" in british
    assert "Upcoming events" in client.get("/events/").text


def test_a_visitors_choice_is_remembered_in_a_cookie_over_the_browsers_language(
    client: FlaskClient,
) -> None:
    chosen = client.get("/events/?lang=de", headers={"Accept-Language": "en"})
    assert "Kommende Veranstaltungen" in chosen.text
    cookie = client.get_cookie(LANGUAGE_COOKIE)
    assert cookie is not None and cookie.value == "de" and cookie.http_only

    later = client.get("/partners/", headers={"Accept-Language": "en"})
    assert 'lang="de"' in later.text
    assert "Clusterpartner" in later.text

    client.get("/events/?lang=en")
    assert "Upcoming events" in client.get("/events/", headers={"Accept-Language": "de"}).text


def test_an_unknown_language_is_neither_chosen_nor_remembered(client: FlaskClient) -> None:
    page = client.get("/events/?lang=fr")
    assert "Upcoming events" in page.text
    assert client.get_cookie(LANGUAGE_COOKIE) is None


def test_the_public_layout_offers_both_languages(client: FlaskClient) -> None:
    page = client.get("/events/").text
    assert 'href="?lang=de" lang="de" hreflang="de"' in page
    assert 'href="?lang=en" lang="en" hreflang="en"' in page


def test_staff_read_english_until_they_choose_german_on_their_account_page(
    staff_client: FlaskClient, staff_user: User
) -> None:
    assert "Log out" in staff_client.get("/dashboard", headers={"Accept-Language": "de"}).text

    saved = submit_form(staff_client, "/account", {"language": "de", "timezone": "Europe/Berlin"})

    assert saved.status_code == 302
    db.session.refresh(staff_user)
    assert staff_user.language == "de"
    page = staff_client.get("/dashboard", headers={"Accept-Language": "en"}).text
    assert GERMAN_LOGOUT in page
    assert f"Willkommen, {staff_user.name}" in page


def test_an_unknown_staff_language_is_refused_and_nothing_changes(
    staff_client: FlaskClient, staff_user: User
) -> None:
    refused = submit_form(staff_client, "/account", {"language": "fr", "timezone": "UTC"})

    assert refused.status_code == 422
    db.session.refresh(staff_user)
    assert (staff_user.language, staff_user.timezone) == ("en", "Europe/Berlin")


@pytest.mark.parametrize(
    ("language", "capacity", "shown"),
    [
        ("en", 1, "1 seat left"),
        ("en", 2, "2 seats left"),
        ("de", 1, "Noch 1 Platz frei"),
        ("de", 2, "Noch 2 Plätze frei"),
    ],
)
def test_the_seats_left_are_counted_in_the_plural_of_each_language(
    client: FlaskClient,
    create_event: Callable[..., Event],
    language: str,
    capacity: int,
    shown: str,
) -> None:
    event = create_event(capacity=capacity)

    page = client.get(f"/events/{event.slug}?lang={language}").text

    assert f'<p class="seats">{shown}</p>' in page


def test_api_messages_are_in_the_language_the_client_accepts(client: FlaskClient) -> None:
    english = client.get("/api/v1/events/no-such-event").get_json()
    german = client.get(
        "/api/v1/events/no-such-event", headers={"Accept-Language": "de"}
    ).get_json()

    assert english["detail"] == "No event 'no-such-event'."
    assert german["detail"] == "Keine Veranstaltung 'no-such-event'."


def test_a_refusal_is_worded_in_the_language_of_whoever_is_shown_it(
    client: FlaskClient, create_event: Callable[..., Event]
) -> None:
    event = create_event()
    body = {"name": "", "email": "ada@example.com", "company": "X", "consent": True}

    german = client.post(
        f"/api/v1/events/{event.slug}/registrations",
        json=body | {"country": "DE"},
        headers={"Accept-Language": "de"},
    ).get_json()

    assert german["errors"]["json"]["name"] == ["Bitte füllen Sie dieses Feld aus."]


@pytest.mark.parametrize(
    ("language", "when", "amount", "count", "on"),
    [
        (
            "en",
            "27 March 2027, 10:00 \N{EN DASH} 16:00 (Europe/Berlin)",
            "€1,500,000.00",
            "12,500",
            "27 Mar 2027",
        ),
        (
            "de",
            "27. März 2027, 10:00 \N{EN DASH} 16:00 (Europe/Berlin)",
            "1.500.000,00\xa0€",
            "12.500",
            "27.03.2027",
        ),
    ],
)
def test_dates_numbers_and_amounts_are_written_as_each_language_writes_them(
    app: Flask,
    create_event: Callable[..., Event],
    language: str,
    when: str,
    amount: str,
    count: str,
    on: str,
) -> None:
    event = create_event(
        starts_at=datetime(2027, 3, 27, 9, 0, tzinfo=UTC),
        ends_at=datetime(2027, 3, 27, 15, 0, tzinfo=UTC),
    )
    with force_locale(language):
        assert event_when(event) == when
        assert money(1_500_000) == amount
        assert number(12_500) == count
        assert day(date(2027, 3, 27)) == on
        assert moment(datetime(2027, 3, 27, 9, 0, tzinfo=UTC)).startswith(
            "2027-03-27 10:00" if language == "en" else "27.03.2027 10:00"
        )


@pytest.mark.parametrize("language", ["en", "de"])
def test_every_mail_is_written_in_its_recipients_language(
    app: Flask,
    language: str,
    create_event: Callable[..., Event],
    create_registration: Callable[..., Registration],
    create_user: Callable[..., User],
    create_task: Callable[..., FollowUpTask],
    create_link: Callable[..., PartnerLink],
    create_company: Callable[..., Company],
) -> None:
    """Registration mail of each kind, the reminder, the digest and the introduction, whatever
    the language of the page or process that causes them (here: the other one)."""
    other = "de" if language == "en" else "en"
    registration = create_registration(create_event(), language=language)
    staff = create_user(Role.staff)
    staff.language = language
    create_task(staff, date.today())
    link = create_link(create_company())
    link.partner.contact_email = "partner@example.org"
    with force_locale(other):
        for kind in RegistrationMail:
            queue_registration_mail(registration, kind)
        queue_reminder(DueReminder(registration, 1, datetime.now(UTC)))
        digest = digest_for(staff, date.today())
        assert digest is not None
        queue_digest(digest)
        introduce(link, staff)
    db.session.flush()

    messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert len(messages) == len(RegistrationMail) + 3
    assert {message.language for message in messages} == {language}
    for message in messages:
        assert f'<html lang="{language}">' in (message.html_body or ""), message.key
        assert message.subject == message.subject.strip(), message.key
    greeting = "Guten Tag" if language == "de" else "Dear"
    registration_mail = [message for message in messages if message.registration_id]
    assert all(message.text_body.startswith(greeting) for message in registration_mail)
