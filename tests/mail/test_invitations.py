"""iMIP invitations (RFC 6047) as they arrive at a real SMTP server, checked with three parsers."""

import email
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.policy import default
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from flask import Flask
from sqlalchemy import select

from crm.events.models import Event, Registration
from crm.extensions import db
from crm.mail.dispatch import dispatch_due
from crm.mail.models import OutboxMessage, OutboxStatus
from crm.mail.outbox import queue_mail
from tests.conftest import SMTPServer
from tests.factories import RADIOPHARMACY_DAY

Invite = Callable[..., EmailMessage]


def calendar_part(message: EmailMessage) -> EmailMessage:
    alternative = message.get_payload()[0]
    return alternative.get_payload()[-1]


def calendar_text(message: EmailMessage) -> str:
    return calendar_part(message).get_content()


def vevent(message: EmailMessage) -> icalendar.Event:
    return icalendar.Calendar.from_ical(calendar_text(message)).walk("VEVENT")[0]


@pytest.fixture
def invite(
    smtp_server: SMTPServer, app: Flask, insert_registration: Callable[..., Registration]
) -> Invite:
    """Queue an invitation for a registration (a new one unless given), dispatch, parse it."""

    def send(
        registration: Registration | None = None, method: str = "REQUEST", **overrides: Any
    ) -> EmailMessage:
        registration = registration or insert_registration(**overrides)
        queue_mail(
            f"invite:registration:{registration.id}:{method}:seq:{registration.sequence}",
            to_email=registration.email,
            to_name=registration.name,
            subject=f"Your registration: {registration.event.title}",
            text_body="You are registered.",
            html_body="<p>You are registered.</p>",
            language=registration.language,
            calendar_method=method,
            calendar_sequence=registration.sequence,
            registration_id=registration.id,
            reply_to=(registration.event.organiser_name, registration.event.organiser_email),
        )
        db.session.commit()
        dispatch_due()
        raw = smtp_server.messages[-1]["data"]
        return email.message_from_bytes(raw, policy=default)

    return send


def test_the_invitation_is_mixed_holding_text_html_and_calendar_alternatives(
    invite: Invite,
) -> None:
    message = invite()

    alternative = message.get_payload()[0]
    assert message.get_content_type() == "multipart/mixed"
    assert alternative.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in alternative.get_payload()] == [
        "text/plain",
        "text/html",
        "text/calendar",
    ]


def test_the_calendar_part_carries_method_and_utf8_and_no_disposition(invite: Invite) -> None:
    part = calendar_part(invite())

    assert part.get_param("method") == "REQUEST"
    assert part.get_content_charset() == "utf-8"
    assert part["Content-Disposition"] is None


def test_the_invitation_has_an_invite_ics_attachment_with_the_same_event(invite: Invite) -> None:
    message = invite()

    attachment = message.get_payload()[1]
    assert attachment.get_filename() == "invite.ics"
    attached = icalendar.Calendar.from_ical(attachment.get_content())
    assert attached.walk("VEVENT")[0]["UID"] == vevent(message)["UID"]


def test_the_method_property_equals_the_content_type_method(invite: Invite) -> None:
    message = invite()

    calendar = icalendar.Calendar.from_ical(calendar_text(message))
    assert calendar["METHOD"] == calendar_part(message).get_param("method") == "REQUEST"


def test_vobject_validates_the_calendar(invite: Invite) -> None:
    parsed = vobject.readOne(calendar_text(invite()), validate=True)

    assert parsed.vevent.summary.value.startswith("Radiopharmacy Day")


def test_the_uid_is_stable_per_registration_and_the_sequence_rises(
    invite: Invite, insert_registration: Callable[..., Registration]
) -> None:
    registration = insert_registration()
    first = vevent(invite(registration))
    registration.sequence = 1
    db.session.commit()

    second = vevent(invite(registration))

    assert first["UID"] == second["UID"] == f"registration-{registration.id}@localhost"
    assert (first["SEQUENCE"], second["SEQUENCE"]) == (0, 1)


def test_an_invitation_sent_again_after_a_crash_keeps_its_ids_and_sequence(
    invite: Invite, smtp_server: SMTPServer, insert_registration: Callable[..., Registration]
) -> None:
    registration = insert_registration()
    first = invite(registration)
    message = db.session.scalar(select(OutboxMessage))
    assert message is not None
    message.status = OutboxStatus.sending  # delivered, but killed before recording it
    registration.sequence = 1  # changed meanwhile: that change has a mail of its own
    db.session.commit()

    dispatch_due()

    second = email.message_from_bytes(smtp_server.messages[-1]["data"], policy=default)
    assert len(smtp_server.messages) == 2
    assert first["Message-ID"] == second["Message-ID"]
    assert vevent(first)["UID"] == vevent(second)["UID"]
    assert vevent(first)["SEQUENCE"] == vevent(second)["SEQUENCE"] == 0


def test_the_invitation_has_a_utc_dtstamp(invite: Invite) -> None:
    stamp = vevent(invite()).decoded("DTSTAMP")

    assert stamp.utcoffset().total_seconds() == 0


def test_the_organiser_is_the_events_mailbox_with_its_name(invite: Invite) -> None:
    organiser = vevent(invite())["ORGANIZER"]

    assert organiser == "mailto:events@nuklid.example.org"
    assert organiser.params["CN"] == "Saxony Trade & Invest (WFS)"


def test_the_registrant_is_the_only_attendee_and_the_recipient(invite: Invite) -> None:
    message = invite(email="anna@isotopia.example", name="Anna Berg")

    attendee = vevent(message)["ATTENDEE"]
    assert attendee == "mailto:anna@isotopia.example"
    assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
    assert attendee.params["RSVP"] == "TRUE"
    assert attendee.params["CN"] == "Anna Berg"
    assert message["To"].addresses[0].addr_spec == "anna@isotopia.example"


def test_summary_location_description_and_the_public_page_are_in_the_event(
    invite: Invite, create_event: Callable[..., Event]
) -> None:
    event = create_event(
        RADIOPHARMACY_DAY, slug="site-tour", title="Site tour", description="Bring your ID."
    )

    component = vevent(invite(event=event))

    assert str(component["SUMMARY"]) == "Site tour"
    assert "Dresden" in str(component["LOCATION"])
    assert str(component["DESCRIPTION"]) == "Bring your ID."
    assert str(component["URL"]) == "http://localhost/events/site-tour"


def test_a_timed_event_is_written_in_utc(invite: Invite) -> None:
    text = calendar_text(invite())

    assert "DTSTART:20251028T080000Z" in text.splitlines()
    assert "DTEND:20251028T150000Z" in text.splitlines()


def test_an_all_day_event_ends_on_the_day_after_its_last_day(
    invite: Invite, create_event: Callable[..., Event]
) -> None:
    event = create_event(
        RADIOPHARMACY_DAY, is_all_day=True, starts_on=date(2025, 10, 28), ends_on=date(2025, 10, 29)
    )

    component = vevent(invite(event=event))

    assert component.decoded("DTSTART") == date(2025, 10, 28)
    assert component.decoded("DTEND") == date(2025, 10, 30)
    assert component["DTEND"].params["VALUE"] == "DATE"


def test_a_cancellation_says_cancel_in_the_part_and_the_calendar(
    invite: Invite, insert_registration: Callable[..., Registration]
) -> None:
    registration = insert_registration()
    first_uid = vevent(invite(registration))["UID"]
    registration.sequence = 1
    db.session.commit()

    message = invite(registration, method="CANCEL")

    calendar = icalendar.Calendar.from_ical(calendar_text(message))
    assert calendar_part(message).get_param("method") == "CANCEL"
    assert calendar["METHOD"] == "CANCEL"
    component = calendar.walk("VEVENT")[0]
    assert component["STATUS"] == "CANCELLED"
    assert component["UID"] == first_uid
    assert component["SEQUENCE"] == 1


def test_newlines_semicolons_and_commas_in_text_survive_escaping(
    invite: Invite, create_event: Callable[..., Event]
) -> None:
    title = "Isotopes; targets, and\nGMP"
    event = create_event(RADIOPHARMACY_DAY, title=title)

    text = calendar_text(invite(event=event, name='Dr. "Eve"; Müller, PhD'))

    assert str(icalendar.Calendar.from_ical(text).walk("VEVENT")[0]["SUMMARY"]) == title
    assert vobject.readOne(text, validate=True).vevent.summary.value == title


def test_long_lines_are_folded_to_75_octets(
    invite: Invite, create_event: Callable[..., Event]
) -> None:
    event = create_event(RADIOPHARMACY_DAY, description="Radiopharmazeutische Produktion " * 12)

    text = calendar_text(invite(event=event))

    assert max(len(line.encode()) for line in text.splitlines()) <= 75
    assert str(vevent(invite(event=event))["DESCRIPTION"]) == event.description


def test_non_ascii_text_is_sent_in_a_transfer_encoding(
    smtp_server: SMTPServer, invite: Invite, create_event: Callable[..., Event]
) -> None:
    event = create_event(RADIOPHARMACY_DAY, title="Führung durch das Zyklotron")

    message = invite(event=event)

    assert calendar_part(message)["Content-Transfer-Encoding"] in {"quoted-printable", "base64"}
    assert str(vevent(message)["SUMMARY"]) == "Führung durch das Zyklotron"
    assert smtp_server.messages[-1]["data"].isascii()


def test_a_mail_without_a_calendar_method_carries_no_invitation(
    smtp_server: SMTPServer, app: Flask, insert_registration: Callable[..., Registration]
) -> None:
    registration = insert_registration()
    queue_mail(
        "waitlist:registration:1",
        to_email=registration.email,
        to_name=registration.name,
        subject="You are on the waiting list",
        text_body="We will let you know.",
        registration_id=registration.id,
    )
    db.session.commit()

    dispatch_due()

    message = email.message_from_bytes(smtp_server.messages[0]["data"], policy=default)
    assert message.get_content_type() == "text/plain"
    assert b"text/calendar" not in smtp_server.messages[0]["data"]


def test_the_stamp_is_the_sending_time(invite: Invite, clock: Callable[[str], None]) -> None:
    clock("2025-10-01T06:30:00+00:00")

    stamp = vevent(invite()).decoded("DTSTAMP")

    assert stamp == datetime(2025, 10, 1, 6, 30, tzinfo=UTC)


def test_replies_go_to_the_organiser(invite: Invite) -> None:
    message = invite()

    assert message["Reply-To"].addresses[0].addr_spec == "events@nuklid.example.org"


def test_an_invitation_without_an_html_body_still_ends_with_the_calendar(
    smtp_server: SMTPServer, app: Flask, insert_registration: Callable[..., Registration]
) -> None:
    registration = insert_registration()
    queue_mail(
        "invite:registration:1:seq:0",
        to_email=registration.email,
        to_name=registration.name,
        subject="Promoted from the waiting list",
        text_body="A seat is yours.",
        calendar_method="REQUEST",
        calendar_sequence=0,
        registration_id=registration.id,
    )
    db.session.commit()

    dispatch_due()

    message = email.message_from_bytes(smtp_server.messages[0]["data"], policy=default)
    assert [part.get_content_type() for part in message.get_payload()[0].get_payload()] == [
        "text/plain",
        "text/calendar",
    ]


@pytest.mark.parametrize(
    ("local_start", "utc_text"),
    [
        (datetime(2025, 10, 28, 9, 0), "20251028T080000Z"),
        (datetime(2025, 10, 24, 9, 0), "20251024T070000Z"),
        (datetime(2026, 3, 27, 9, 0), "20260327T080000Z"),
        (datetime(2026, 3, 31, 9, 0), "20260331T070000Z"),
    ],
)
def test_timed_events_on_either_side_of_a_dst_change_start_at_the_local_hour(
    invite: Invite, create_event: Callable[..., Event], local_start: datetime, utc_text: str
) -> None:
    starts_at = local_start.replace(tzinfo=ZoneInfo("Europe/Berlin"))
    event = create_event(
        RADIOPHARMACY_DAY, starts_at=starts_at, ends_at=starts_at + timedelta(hours=6)
    )

    message = invite(event=event)

    assert f"DTSTART:{utc_text}" in calendar_text(message).splitlines()
    assert vevent(message).decoded("DTSTART").astimezone(ZoneInfo("Europe/Berlin")).hour == 9


def test_the_mail_names_the_registrants_language(invite: Invite) -> None:
    message = invite(language="de")

    assert message["Content-Language"] == "de"
