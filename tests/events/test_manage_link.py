from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from crm.events.models import Event, Registration, RegistrationStatus
from crm.events.tokens import manage_token, revoke_manage_links
from crm.extensions import db
from crm.mail.models import OutboxMessage
from tests.helpers import submit_form


def link(registration: Registration) -> str:
    return f"/r/{manage_token(registration)}"


def test_the_link_shows_only_that_registration(
    client: FlaskClient, event: Event, create_registration: Callable[..., Registration]
) -> None:
    mine = create_registration(event, name="Ada Lovelace")
    create_registration(event, name="Charles Babbage")
    page = client.get(link(mine), follow_redirects=True).text
    assert "Ada Lovelace" in page
    assert "Charles Babbage" not in page


def test_the_mailed_link_opens_the_registration(
    client: FlaskClient, event: Event, create_registration: Callable[..., Registration]
) -> None:
    registration = create_registration(event)
    message = db.session.scalar(select(OutboxMessage))
    path = "/r/" + message.text_body.split("/r/", 1)[1].split()[0]
    assert registration.name in client.get(path, follow_redirects=True).text


def test_a_tampered_link_gets_a_friendly_404(
    client: FlaskClient, event: Event, create_registration: Callable[..., Registration]
) -> None:
    registration = create_registration(event)
    response = client.get(link(registration)[:-2] + "xx")
    assert response.status_code == 404
    assert "This link is not valid" in response.text


def test_a_revoked_link_no_longer_works(
    client: FlaskClient, event: Event, create_registration: Callable[..., Registration]
) -> None:
    registration = create_registration(event)
    old = link(registration)
    revoke_manage_links(registration)
    db.session.commit()
    assert client.get(old).status_code == 404
    assert client.get(link(registration)).status_code == 303


def test_the_link_expires_after_the_event(
    client: FlaskClient,
    event: Event,
    create_registration: Callable[..., Registration],
    clock: Callable[[object], None],
) -> None:
    registration = create_registration(event)
    clock(event.finishes_at + timedelta(minutes=1))
    response = client.get(link(registration))
    assert response.status_code == 410
    assert "expired" in response.text


def test_changing_answers_sends_an_updated_invitation(
    client: FlaskClient, event: Event, create_registration: Callable[..., Registration]
) -> None:
    registration = create_registration(event, answers={"dietary": "none"})
    response = submit_form(client, link(registration), {"question_dietary": "vegetarian"})
    assert "Your changes are saved." in response.text
    db.session.refresh(registration)
    assert registration.answers == {"dietary": "vegetarian"}
    assert registration.sequence == 1
    change = db.session.scalar(select(OutboxMessage).where(OutboxMessage.key.startswith("change:")))
    assert change.key == f"change:registration:{registration.id}:seq:1"
    assert change.calendar_method == "REQUEST"


def test_an_unknown_answer_is_refused_on_the_manage_page(
    client: FlaskClient, event: Event, create_registration: Callable[..., Registration]
) -> None:
    registration = create_registration(event, answers={"dietary": "none"})
    response = submit_form(client, link(registration), {"question_dietary": "caviar"})
    assert response.status_code == 422
    assert "Please choose one of the offered answers." in response.text
    db.session.refresh(registration)
    assert registration.answers == {"dietary": "none"}


def test_cancelling_through_the_link_promotes_the_first_waitlisted(
    client: FlaskClient,
    create_event: Callable[..., Event],
    create_registration: Callable[..., Registration],
) -> None:
    event = create_event(capacity=1)
    seated = create_registration(event)
    waiting = create_registration(event)
    response = submit_form(client, link(seated) + "/cancel", {}, form_page=link(seated))
    assert "Your registration is cancelled." in response.text
    db.session.refresh(waiting)
    assert waiting.status == RegistrationStatus.confirmed
    promotion = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.key.startswith("promotion:"))
    )
    assert promotion.to_email == waiting.email


def test_the_link_is_remembered_and_the_page_has_an_address_without_it(
    client: FlaskClient, event: Event, create_registration: Callable[..., Registration]
) -> None:
    """So that the token stays out of access logs, browser history and Referer headers."""
    registration = create_registration(event, name="Ada Lovelace")
    token = manage_token(registration)
    response = client.get(f"/r/{token}?lang=de")
    assert response.status_code == 303
    assert response.headers["Location"] == "/r/?lang=de"
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and "Ada Lovelace" in page.text
    assert token not in page.text


def test_without_a_remembered_link_the_page_is_not_found(client: FlaskClient) -> None:
    assert client.get("/r/").status_code == 404


def test_changes_through_the_remembered_link_are_saved(
    client: FlaskClient, event: Event, create_registration: Callable[..., Registration]
) -> None:
    registration = create_registration(event)
    client.get(link(registration))
    response = submit_form(client, "/r/", {"question_dietary": "vegetarian"})
    assert response.status_code == 200
    db.session.refresh(registration)
    assert registration.answers == {"dietary": "vegetarian"}


def test_changes_through_one_link_are_rate_limited(
    app: Flask, client: FlaskClient, event: Event, create_registration: Callable[..., Registration]
) -> None:
    registration = create_registration(event)
    limit = int(app.config["MANAGE_LINK_RATE_LIMIT"].split()[0])
    statuses = [
        submit_form(client, link(registration), {"question_dietary": choice}).status_code
        for choice in ["vegetarian", "none"] * limit
    ][: limit + 1]
    assert statuses == [200] * limit + [429]
    changes = db.session.scalars(
        select(OutboxMessage.key).where(OutboxMessage.key.like("change:%"))
    ).all()
    assert len(changes) == limit
