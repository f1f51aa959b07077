"""Forty people press "Register" in the same instant for ten seats."""

import threading
from collections.abc import Callable

from flask import Flask
from sqlalchemy import select

from crm.events import services
from crm.events.models import Event, Registration, RegistrationStatus
from crm.events.services import RegistrationDetails
from crm.extensions import db

PEOPLE = 40


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
