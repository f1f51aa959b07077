from collections.abc import Callable

import pytest
from sqlalchemy import select

from crm.events import services
from crm.events.models import Event, Registration, RegistrationStatus
from crm.events.services import RegistrationDetails
from crm.extensions import db
from crm.leads.models import Activity, ActivityKind, Company, LeadSource
from crm.mail.models import OutboxMessage
from crm.partners.models import Capability, LinkSource, LinkStatus, Partner, PartnerLink
from crm.refusals import Conflict, Refusals, Refused


def test_never_more_confirmed_than_capacity(
    create_event: Callable[..., Event], create_registration: Callable[..., Registration]
) -> None:
    event = create_event(capacity=2)
    statuses = [create_registration(event).status for _ in range(3)]
    assert statuses == [
        RegistrationStatus.confirmed,
        RegistrationStatus.confirmed,
        RegistrationStatus.waitlisted,
    ]


def test_an_event_without_capacity_confirms_everyone(
    create_event: Callable[..., Event], create_registration: Callable[..., Registration]
) -> None:
    event = create_event(capacity=None)
    assert all(create_registration(event).status == RegistrationStatus.confirmed for _ in range(3))


def test_registration_is_linked_to_the_company_with_the_same_domain(
    event: Event, create_registration: Callable[..., Registration]
) -> None:
    company = Company(
        name="Curium Pharma", normalised_name="curium pharma", domain="curium.example"
    )
    db.session.add(company)
    db.session.commit()
    registration = create_registration(event, email="ann@curium.example", company_name="Other")
    assert registration.company == company
    assert registration.contact.email == "ann@curium.example"


def test_free_mail_registrants_are_matched_by_company_name(
    event: Event, create_registration: Callable[..., Registration]
) -> None:
    company = Company(name="ROTOP Pharmaka GmbH", normalised_name="rotop pharmaka")
    db.session.add(company)
    db.session.commit()
    registration = create_registration(event, email="ann@gmail.com", company_name="Rotop Pharmaka")
    assert registration.company == company


def test_an_unknown_company_is_created_as_an_event_lead(
    event: Event, create_registration: Callable[..., Registration]
) -> None:
    registration = create_registration(event, email="bo@newco.example", company_name="NewCo Ltd")
    assert registration.company.source == LeadSource.event
    assert registration.company.domain == "newco.example"
    assert registration.company.name == "NewCo Ltd"


def test_the_registration_appears_on_the_company_timeline(
    event: Event, create_registration: Callable[..., Registration]
) -> None:
    registration = create_registration(event)
    activity = db.session.scalar(select(Activity))
    assert activity.company == registration.company
    assert activity.kind == ActivityKind.registration
    assert event.title in activity.subject


def test_partners_to_meet_and_needs_are_stored(
    event: Event,
    rotop: Partner,
    gmp_production: Capability,
    create_registration: Callable[..., Registration],
) -> None:
    registration = create_registration(event, partners_to_meet=[rotop], needs=[gmp_production])
    assert registration.partners_to_meet == [rotop]
    assert registration.needs == [gmp_production]
    assert gmp_production in registration.company.needs


def test_a_second_registration_with_the_same_email_returns_the_first(
    event: Event, details: Callable[..., RegistrationDetails]
) -> None:
    first = services.register(event, details(email="x@firm.example")).registration
    again = services.register(event, details(email="X@firm.example"))
    assert again.registration == first
    assert not again.is_new


def test_unknown_questions_are_refused(
    event: Event, details: Callable[..., RegistrationDetails]
) -> None:
    with pytest.raises(Refusals) as refused:
        services.register(event, details(answers={"shoe_size": "42"}))
    assert [(r.code, r.field) for r in refused.value] == [("unknown_answer", "question_shoe_size")]


def test_cancelling_a_confirmed_seat_promotes_the_first_waitlisted(
    create_event: Callable[..., Event], create_registration: Callable[..., Registration]
) -> None:
    event = create_event(capacity=1)
    seated = create_registration(event)
    first_waiting = create_registration(event)
    second_waiting = create_registration(event)
    services.cancel_registration(seated)
    db.session.commit()
    assert first_waiting.status == RegistrationStatus.confirmed
    assert second_waiting.status == RegistrationStatus.waitlisted
    keys = [message.key for message in db.session.scalars(select(OutboxMessage))]
    assert f"cancellation:registration:{seated.id}:seq:1" in keys
    assert f"promotion:registration:{first_waiting.id}:seq:1" in keys


def test_a_cancellation_carries_a_calendar_cancel(
    event: Event, create_registration: Callable[..., Registration]
) -> None:
    registration = create_registration(event)
    services.cancel_registration(registration)
    message = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.key.startswith("cancellation:"))
    )
    assert message.calendar_method == "CANCEL"
    assert message.calendar_sequence == 1


def test_a_cancelled_registration_cannot_be_confirmed(
    event: Event, create_registration: Callable[..., Registration]
) -> None:
    registration = create_registration(event)
    services.cancel_registration(registration)
    with pytest.raises(Conflict) as refused:
        services.change_status(registration, RegistrationStatus.confirmed)
    assert refused.value.code == "registration_move_not_allowed"


def test_raising_the_capacity_promotes_in_order(
    create_event: Callable[..., Event], create_registration: Callable[..., Registration]
) -> None:
    event = create_event(capacity=1)
    create_registration(event)
    waiting = [create_registration(event) for _ in range(3)]
    promoted = services.change_capacity(event, 3)
    assert promoted == waiting[:2]


def test_the_capacity_cannot_drop_below_the_confirmed_seats(
    event: Event, create_registration: Callable[..., Registration]
) -> None:
    create_registration(event)
    create_registration(event)
    with pytest.raises(Refused) as refused:
        services.change_capacity(event, 1)
    assert (refused.value.code, refused.value.field) == ("capacity_below_confirmed", "capacity")


def test_the_same_email_may_register_again_after_cancelling(
    event: Event, details: Callable[..., RegistrationDetails]
) -> None:
    first = services.register(event, details(email="x@firm.example")).registration
    services.cancel_registration(first)
    again = services.register(event, details(email="x@firm.example"))
    assert again.is_new


def test_meeting_requests_become_partner_links_with_the_event_as_source(
    event: Event,
    rotop: Partner,
    create_registration: Callable[..., Registration],
) -> None:
    registration = create_registration(event, partners_to_meet=[rotop])
    link = db.session.scalars(select(PartnerLink)).one()
    assert (link.company_id, link.partner_id) == (registration.company_id, rotop.id)
    assert (link.source, link.status, link.event_id) == (
        LinkSource.event,
        LinkStatus.suggested,
        event.id,
    )
    assert registration.name not in link.reason


def test_a_second_meeting_request_keeps_the_one_existing_link(
    event: Event,
    rotop: Partner,
    create_registration: Callable[..., Registration],
) -> None:
    create_registration(event, partners_to_meet=[rotop], email="a@isotopes.example")
    create_registration(event, partners_to_meet=[rotop], email="b@isotopes.example")
    assert len(db.session.scalars(select(PartnerLink)).all()) == 1
