"""One rule, one refusal, every door: the staff or public form shows it next to the field, the API
answers 422 naming the field, the CSV import reports it on its row, and nothing is stored.

The rules were once judged differently depending on the door; where the doors disagreed the
stricter rule won (noted at each test).
"""

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from crm.auth.models import Role, User
from crm.events.models import Event, EventStatus, Registration
from crm.extensions import db
from crm.leads.csv_import import import_companies
from crm.leads.models import Company, FollowUpTask
from crm.partners.models import Partner
from tests.helpers import submit_form

Headers = Callable[..., dict[str, str]]


def field_error(html: str, field_id: str) -> str:
    """The message the page shows next to the field, or '' when it shows none."""
    found = re.search(rf'class="field-error" id="{re.escape(field_id)}-error">([^<]*)<', html)
    return found.group(1).strip() if found else ""


def api_refusal(response: Any) -> tuple[int, list[str], list[str]]:
    """Status, the fields named and the rules' codes of an API refusal."""
    return response.status_code, list(response.json["errors"]["json"]), response.json["codes"]


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def viewer(create_user: Callable[..., User]) -> User:
    return create_user(Role.viewer)


# --- a registration needs the registrant's country ------------------------------------------
# The public form asked for it, the API did not: now both do.

REGISTRATION = {
    "name": "Jane Doe",
    "email": "jane@nordlicht.example",
    "company": "Nordlicht Isotopes AB",
    "language": "en",
    "consent": "y",
}


def test_the_registration_form_refuses_a_registration_without_a_country(
    client: FlaskClient, event: Event
) -> None:
    url = f"/events/{event.slug}/register"
    response = submit_form(client, url, REGISTRATION | {"country": ""})
    assert response.status_code == 422
    assert field_error(response.text, "country") == "This field is required."
    assert count(Registration) == 0


def test_the_api_refuses_a_registration_without_a_country_naming_the_field(
    client: FlaskClient, event: Event
) -> None:
    body = REGISTRATION | {"consent": True, "country": ""}
    response = client.post(f"/api/v1/events/{event.slug}/registrations", json=body)
    assert api_refusal(response) == (422, ["country"], ["required"])
    assert count(Registration) == 0


def test_staff_adding_a_registrant_give_the_country_too(
    staff_client: FlaskClient, event: Event
) -> None:
    url = f"/staff/events/{event.id}/add"
    response = submit_form(staff_client, url, REGISTRATION | {"country": ""})
    assert response.status_code == 422
    assert field_error(response.text, "country") == "This field is required."
    assert count(Registration) == 0


# --- an event's web address ------------------------------------------------------------------
# The form allowed a leading hyphen, the API did not: now neither does.

EVENT_FORM = {
    "title_en": "Isotope Day",
    "timezone": "Europe/Berlin",
    "starts_local": "2027-03-28T09:30",
    "ends_local": "2027-03-28T17:00",
    "city": "Dresden",
    "country": "DE",
    "organiser_name": "WFS",
    "organiser_email": "events@wfs.example",
    "reminder_offsets": "7, 1",
}
SLUG_MESSAGE = (
    "Use lower-case letters, digits and hyphens only, starting with a letter or digit, at most 120."
)


@pytest.mark.parametrize("slug", ["-isotope-day", "isotope day", "isotope_day", "x" * 121])
def test_the_staff_form_refuses_a_web_address_the_rules_do_not_allow(
    staff_client: FlaskClient, slug: str
) -> None:
    response = submit_form(staff_client, "/staff/events/new", EVENT_FORM | {"slug": slug})
    assert response.status_code == 422
    assert field_error(response.text, "slug") == SLUG_MESSAGE
    assert count(Event) == 0


@pytest.mark.parametrize("slug", ["-isotope-day", "isotope day", "isotope_day", "x" * 121])
def test_the_api_refuses_the_same_web_addresses(
    client: FlaskClient, token_headers: Headers, slug: str
) -> None:
    body = {
        "title": "Isotope Day",
        "slug": slug,
        "is_all_day": True,
        "starts_on": "2027-04-21",
        "ends_on": "2027-04-21",
        "timezone": "Europe/Berlin",
        "city": "Dresden",
        "country": "DE",
        "organiser_name": "WFS",
        "organiser_email": "events@wfs.example",
    }
    response = client.post("/api/v1/events", json=body, headers=token_headers())
    assert api_refusal(response) == (422, ["slug"], ["invalid_slug"])
    assert response.json["errors"]["json"]["slug"] == [SLUG_MESSAGE]
    assert count(Event) == 0


# --- an event's title, in at least one language -------------------------------------------
# Staff write title, description and venue in English and German; either title may stay empty,
# not both. The refusal names both fields.

TITLE_MESSAGE = "Write this in English or German (or both)."


def test_the_staff_form_refuses_an_event_without_a_title_in_either_language(
    staff_client: FlaskClient,
) -> None:
    form = EVENT_FORM | {"slug": "isotope-day", "title_en": "", "title_de": "  "}
    response = submit_form(staff_client, "/staff/events/new", form)
    assert response.status_code == 422
    assert field_error(response.text, "title_en") == TITLE_MESSAGE
    assert field_error(response.text, "title_de") == TITLE_MESSAGE
    assert count(Event) == 0


def test_the_api_refuses_an_event_without_a_title_naming_both_languages(
    client: FlaskClient, token_headers: Headers
) -> None:
    body = {
        "slug": "isotope-day",
        "title_de": " ",
        "is_all_day": True,
        "starts_on": "2027-04-21",
        "ends_on": "2027-04-21",
        "timezone": "Europe/Berlin",
        "city": "Dresden",
        "country": "DE",
        "organiser_name": "WFS",
        "organiser_email": "events@wfs.example",
    }
    response = client.post("/api/v1/events", json=body, headers=token_headers())
    status, fields, codes = api_refusal(response)
    assert (status, sorted(fields), codes) == (
        422,
        ["title_de", "title_en"],
        ["required_in_a_language", "required_in_a_language"],
    )
    assert response.json["errors"]["json"]["title_en"] == [TITLE_MESSAGE]
    assert count(Event) == 0


def test_the_api_refuses_emptying_the_only_title_of_an_event(
    client: FlaskClient, token_headers: Headers, create_event: Callable[..., Event]
) -> None:
    event = create_event(title="Isotope Day")
    response = client.patch(
        f"/api/v1/events/{event.slug}", json={"title": ""}, headers=token_headers()
    )
    status, fields, _ = api_refusal(response)
    assert (status, sorted(fields)) == (422, ["title_de", "title_en"])
    db.session.expire_all()
    assert event.title_en == "Isotope Day"


# --- only an enabled staff member owns a lead or a task --------------------------------------
# The CSV import accepted a viewer as owner: now no door does.


def test_the_company_form_refuses_a_viewer_as_owner(
    staff_client: FlaskClient, viewer: User
) -> None:
    response = submit_form(
        staff_client,
        "/leads/new",
        {"name": "Owned Isotopes GmbH", "source": "direct", "owner_id": str(viewer.id)},
    )
    assert response.status_code == 422
    assert "only enabled staff members can" in field_error(response.text, "owner_id")
    assert count(Company) == 0


def test_the_api_refuses_a_viewer_as_owner_naming_the_field(
    client: FlaskClient, token_headers: Headers, viewer: User
) -> None:
    body = {"name": "Owned Isotopes GmbH", "owner_id": viewer.id}
    response = client.post("/api/v1/companies", json=body, headers=token_headers())
    assert api_refusal(response) == (422, ["owner_id"], ["not_staff"])
    assert count(Company) == 0


def test_the_csv_import_refuses_a_viewer_as_owner_on_the_row(viewer: User) -> None:
    report = import_companies(f"name,owner\nOwned Isotopes GmbH,{viewer.email}\n".encode())
    assert [(error.row_number, error.message.split(":")[0]) for error in report.errors] == [
        (2, "owner_email")
    ]
    assert "only enabled staff members can" in report.errors[0].message
    assert count(Company) == 0


def test_a_task_for_a_viewer_is_refused_on_the_page_and_through_the_api(
    staff_client: FlaskClient,
    client: FlaskClient,
    token_headers: Headers,
    company: Company,
    viewer: User,
) -> None:
    response = submit_form(
        staff_client,
        f"/leads/{company.id}/tasks",
        {"title": "Call back", "due_on": "2030-01-01", "owner_id": str(viewer.id)},
        form_page=f"/leads/{company.id}",
    )
    assert response.status_code == 422
    assert "only enabled staff members can" in field_error(response.text, "owner_id")

    body = {"title": "Call back", "due_on": "2030-01-01", "owner_id": viewer.id}
    api = client.post(f"/api/v1/companies/{company.id}/tasks", json=body, headers=token_headers())
    assert api_refusal(api) == (422, ["owner_id"], ["not_staff"])
    assert count(FollowUpTask) == 0


# --- the numbers of an investment ------------------------------------------------------------


def test_the_company_form_refuses_a_likelihood_above_100(staff_client: FlaskClient) -> None:
    response = submit_form(
        staff_client,
        "/leads/new",
        {"name": "Likely Isotopes", "source": "direct", "likelihood_percent": "101"},
    )
    assert response.status_code == 422
    assert field_error(response.text, "likelihood_percent") == "Between 0 and 100."
    assert count(Company) == 0


def test_the_api_refuses_a_likelihood_above_100_naming_the_field(
    client: FlaskClient, token_headers: Headers
) -> None:
    body = {"name": "Likely Isotopes", "likelihood_percent": 101}
    response = client.post("/api/v1/companies", json=body, headers=token_headers())
    assert api_refusal(response) == (422, ["likelihood_percent"], ["out_of_range"])
    assert count(Company) == 0


def test_the_csv_import_refuses_a_likelihood_above_100_on_the_row(app: Any) -> None:
    report = import_companies(b"name,likelihood_percent\nLikely Isotopes,101\n")
    assert [(error.row_number, error.message) for error in report.errors] == [
        (2, "likelihood_percent: Between 0 and 100.")
    ]
    assert count(Company) == 0


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("likelihood_percent", 101),
        ("new_jobs", -1),
        ("capex_eur", 10**15 + 1),
        ("stage", "'won'"),
        ("source", "'rumour'"),
        ("country", "'de'"),
    ],
)
def test_the_database_itself_refuses_what_the_rules_refuse(
    company: Company, column: str, value: object
) -> None:
    with pytest.raises(IntegrityError):
        db.session.execute(
            text(f"UPDATE companies SET {column} = {value} WHERE id = :id"), {"id": company.id}
        )
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("events", "status"),
        ("registrations", "status"),
        ("outbox_messages", "status"),
        ("partner_links", "status"),
        ("users", "role"),
    ],
)
def test_the_database_refuses_a_state_no_lifecycle_has(
    event: Event,
    create_registration: Callable[..., Registration],
    create_link: Callable[..., Any],
    staff_user: User,
    table: str,
    column: str,
) -> None:
    create_registration(event)  # and its confirmation in the outbox
    create_link()
    with pytest.raises(IntegrityError):
        db.session.execute(text(f"UPDATE {table} SET {column} = 'bogus'"))
        db.session.flush()
    db.session.rollback()


# --- partners a registrant may ask to meet ---------------------------------------------------
# The form offered only public partners, the API filtered them: now the service refuses others.


def test_the_registration_form_refuses_a_partner_that_is_not_public(
    client: FlaskClient, event: Event, partner: Callable[[str], Partner]
) -> None:
    partner("rotop").is_published = False
    db.session.commit()
    response = submit_form(
        client,
        f"/events/{event.slug}/register",
        REGISTRATION | {"country": "SE", "partners": "rotop"},
    )
    assert response.status_code == 422
    assert "Please choose partners from the list." in response.text
    assert count(Registration) == 0


def test_the_api_refuses_a_partner_that_is_not_public_naming_the_field(
    client: FlaskClient, event: Event, partner: Callable[[str], Partner]
) -> None:
    partner("rotop").is_archived = True
    db.session.commit()
    body = REGISTRATION | {"consent": True, "country": "SE", "partners_to_meet": ["rotop"]}
    response = client.post(f"/api/v1/events/{event.slug}/registrations", json=body)
    assert api_refusal(response) == (422, ["partners_to_meet"], ["unknown_partner"])
    assert count(Registration) == 0


# --- an event's status moves only forward ----------------------------------------------------


def test_the_api_refuses_to_make_a_published_event_a_draft_again(
    client: FlaskClient, token_headers: Headers, event: Event
) -> None:
    response = client.patch(
        f"/api/v1/events/{event.slug}", json={"status": "draft"}, headers=token_headers()
    )
    assert response.status_code == 409
    assert response.json["codes"] == ["event_move_not_allowed"]
    db.session.refresh(event)
    assert event.status is EventStatus.published


def test_the_staff_page_refuses_to_publish_a_cancelled_event(
    staff_client: FlaskClient, create_event: Callable[..., Event]
) -> None:
    event = create_event(status=EventStatus.cancelled)
    response = submit_form(
        staff_client, f"/staff/events/{event.id}/publish", {}, form_page=f"/staff/events/{event.id}"
    )
    assert response.status_code == 302
    page = staff_client.get(f"/staff/events/{event.id}").text
    assert "A cancelled event cannot become published." in page
    db.session.refresh(event)
    assert (event.status, event.published_at) == (EventStatus.cancelled, None)


# --- a refused request changes nothing, even what it changed before the refusal -------------


def test_an_edit_refused_for_its_capacity_keeps_the_old_title_too(
    staff_client: FlaskClient,
    create_event: Callable[..., Event],
    create_registration: Callable[..., Registration],
) -> None:
    event = create_event(title="Isotope Day", capacity=2)
    create_registration(event)
    create_registration(event)
    form = EVENT_FORM | {"slug": event.slug, "title_en": "Renamed Day", "capacity": "1"}

    response = submit_form(staff_client, f"/staff/events/{event.id}/edit", form)

    assert response.status_code == 422
    assert field_error(response.text, "capacity")
    db.session.expire_all()
    assert (event.title_en, event.capacity) == ("Isotope Day", 2)


def test_a_task_refused_for_its_date_is_not_stored(
    staff_client: FlaskClient, company: Company, staff_user: User
) -> None:
    response = submit_form(
        staff_client,
        f"/leads/{company.id}/tasks",
        {"title": "Ancient", "due_on": date(1, 1, 1).isoformat(), "owner_id": str(staff_user.id)},
        form_page=f"/leads/{company.id}",
    )
    assert response.status_code == 422
    assert count(FollowUpTask) == 0
