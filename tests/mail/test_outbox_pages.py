from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from crm.auth.models import Role, User
from crm.extensions import db
from crm.mail.models import OutboxMessage, OutboxStatus
from tests.helpers import submit_form

OUTBOX = "/admin/outbox/"


def test_staff_see_the_outbox_with_recipient_subject_and_status(
    staff_client: FlaskClient, create_message: Callable[..., OutboxMessage]
) -> None:
    create_message(to_email="anna@isotopia.example", subject="Your seat is confirmed")

    page = staff_client.get(OUTBOX)

    assert page.status_code == 200
    assert "anna@isotopia.example" in page.text
    assert "Your seat is confirmed" in page.text
    assert "pending" in page.text


def test_the_status_filter_shows_only_that_status(
    staff_client: FlaskClient, create_message: Callable[..., OutboxMessage]
) -> None:
    create_message(subject="Still waiting")
    failed = create_message(subject="Bounced")
    failed.status = OutboxStatus.failed
    db.session.commit()

    page = staff_client.get(OUTBOX, query_string={"status": "failed"})

    assert "Bounced" in page.text
    assert "Still waiting" not in page.text


def test_an_unknown_status_filter_is_a_clear_400(staff_client: FlaskClient) -> None:
    page = staff_client.get(OUTBOX, query_string={"status": "exploded"})

    assert page.status_code == 400
    assert "Not a valid choice" in page.text


def test_subjects_are_escaped(
    staff_client: FlaskClient, create_message: Callable[..., OutboxMessage]
) -> None:
    create_message(subject="<script>alert(1)</script>")

    page = staff_client.get(OUTBOX)

    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;" in page.text


def test_a_viewer_may_not_open_the_outbox(
    client: FlaskClient, create_user: Callable[..., User], login: Callable[[User], None]
) -> None:
    login(create_user(Role.viewer))

    assert client.get(OUTBOX).status_code == 403


@pytest.mark.parametrize(("role", "is_shown"), [(Role.viewer, False), (Role.staff, True)])
def test_the_navigation_shows_the_outbox_only_to_those_who_may_open_it(
    client: FlaskClient,
    create_user: Callable[..., User],
    login: Callable[[User], None],
    role: Role,
    is_shown: bool,
) -> None:
    login(create_user(role))

    page = client.get("/dashboard")

    assert (f'href="{OUTBOX}"' in page.text) is is_shown


def test_visitors_are_sent_to_the_login(client: FlaskClient) -> None:
    response = client.get(OUTBOX)

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_staff_retry_a_failed_message(
    staff_client: FlaskClient, create_message: Callable[..., OutboxMessage]
) -> None:
    message = create_message()
    message.status = OutboxStatus.failed
    message.attempts = 8
    db.session.commit()

    response = submit_form(staff_client, f"/admin/outbox/{message.id}/retry", {}, form_page=OUTBOX)

    assert response.status_code == 302
    db.session.refresh(message)
    assert message.status is OutboxStatus.pending
    assert message.attempts == 0


def test_staff_cancel_a_pending_message(
    staff_client: FlaskClient, create_message: Callable[..., OutboxMessage]
) -> None:
    message = create_message()

    submit_form(staff_client, f"/admin/outbox/{message.id}/cancel", {}, form_page=OUTBOX)

    db.session.refresh(message)
    assert message.status is OutboxStatus.cancelled


def test_a_sent_message_cannot_be_cancelled(
    staff_client: FlaskClient, create_message: Callable[..., OutboxMessage]
) -> None:
    message = create_message()
    message.status = OutboxStatus.sent
    db.session.commit()

    response = submit_form(staff_client, f"/admin/outbox/{message.id}/cancel", {}, form_page=OUTBOX)

    db.session.refresh(message)
    assert message.status is OutboxStatus.sent
    assert "cannot become cancelled" in staff_client.get(response.headers["Location"]).text


def test_an_action_without_the_csrf_token_is_refused(
    staff_client: FlaskClient, create_message: Callable[..., OutboxMessage]
) -> None:
    message = create_message()

    response = staff_client.post(f"/admin/outbox/{message.id}/cancel")

    assert response.status_code == 400
    db.session.refresh(message)
    assert message.status is OutboxStatus.pending


def test_an_action_on_an_unknown_message_is_404(staff_client: FlaskClient) -> None:
    response = submit_form(staff_client, "/admin/outbox/999/cancel", {}, form_page=OUTBOX)

    assert response.status_code == 404


def test_the_staff_navigation_links_to_the_outbox(staff_client: FlaskClient) -> None:
    assert 'href="/admin/outbox/"' in staff_client.get("/dashboard").text
