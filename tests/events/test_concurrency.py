"""Forty people press "Register" in the same instant for ten seats."""

import threading
from collections.abc import Callable

from flask import Flask
from sqlalchemy import func, select

from crm.events import services
from crm.events.models import Event, Registration, RegistrationStatus
from crm.events.services import RegistrationDetails
from crm.extensions import db
from crm.leads.models import Company
from crm.partners.models import Partner, PartnerLink

PEOPLE = 40


def register_at_once(
    app: Flask, event_id: int, people: list[Callable[[], RegistrationDetails]]
) -> list[BaseException]:
    """Each person's details (made in their own session) registered in the same instant, each
    in a transaction of its own; what failed."""
    start = threading.Barrier(len(people))
    failures: list[BaseException] = []

    def register(person: Callable[[], RegistrationDetails]) -> None:
        with app.app_context():
            try:
                said = person()
                start.wait(timeout=30)
                services.register(db.session.get_one(Event, event_id), said)
                db.session.commit()
            except BaseException as error:
                failures.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=register, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures


def test_concurrent_registrations_asking_to_meet_a_partner_all_get_an_answer(
    app: Flask,
    create_event: Callable[..., Event],
    details: Callable[..., RegistrationDetails],
    partner: Callable[[str], Partner],
) -> None:
    """Each makes a partner link referring to the event before the seat is decided."""
    event_id, partner_id = create_event(capacity=3).id, partner("abx").id
    db.session.commit()
    people = [details() for _ in range(12)]

    def asking(person: RegistrationDetails) -> Callable[[], RegistrationDetails]:
        def said() -> RegistrationDetails:
            person.partners_to_meet = [db.session.get_one(Partner, partner_id)]
            return person

        return said

    assert register_at_once(app, event_id, [asking(person) for person in people]) == []
    statuses = db.session.scalars(
        select(Registration.status)
        .where(Registration.event_id == event_id)
        .order_by(Registration.id)
    ).all()
    assert statuses == [RegistrationStatus.confirmed] * 3 + [RegistrationStatus.waitlisted] * 9
    links = db.session.scalar(
        select(func.count(PartnerLink.id)).where(PartnerLink.event_id == event_id)
    )
    assert links == 12


def test_two_people_of_one_new_company_registering_at_once_make_one_lead(
    app: Flask,
    create_event: Callable[..., Event],
    details: Callable[..., RegistrationDetails],
) -> None:
    event_id = create_event().id
    people = [
        details(email=f"{name}@twin-isotopes.example", company_name="Twin Isotopes GmbH")
        for name in ("anna", "ben", "cem", "dora")
    ]
    assert (
        register_at_once(app, event_id, [lambda person=person: person for person in people]) == []
    )
    companies = db.session.scalars(
        select(Company).where(Company.domain == "twin-isotopes.example")
    ).all()
    assert len(companies) == 1
    assert sorted(contact.email for contact in companies[0].contacts) == [
        f"{name}@twin-isotopes.example" for name in ("anna", "ben", "cem", "dora")
    ]


def test_forty_concurrent_registrations_for_ten_seats_confirm_exactly_ten(
    app: Flask,
    create_event: Callable[..., Event],
    details: Callable[..., RegistrationDetails],
) -> None:
    event_id = create_event(capacity=10).id
    people = [details() for _ in range(PEOPLE)]
    start = threading.Barrier(PEOPLE)
    failures: list[BaseException] = []

    def register(person: RegistrationDetails) -> None:
        with app.app_context():
            try:
                start.wait(timeout=30)
                event = db.session.get(Event, event_id)
                services.register(event, person)
                db.session.commit()
            except BaseException as error:
                failures.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=register, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    registrations = db.session.scalars(
        select(Registration).where(Registration.event_id == event_id).order_by(Registration.id)
    ).all()
    statuses = [registration.status for registration in registrations]
    assert statuses == [RegistrationStatus.confirmed] * 10 + [RegistrationStatus.waitlisted] * 30
