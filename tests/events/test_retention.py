"""Retention: N months after an event ends, the worker anonymises what no consent keeps, and
the statistics count the same as before."""

from collections.abc import Callable
from dataclasses import astuple
from datetime import datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from crm.consents.models import Consent, ConsentPurpose
from crm.events.consents import withdraw_consent
from crm.events.models import Event, Registration
from crm.events.retention import ANONYMISED_NAME, apply_retention_now, months_later
from crm.events.services import check_in
from crm.extensions import db
from crm.leads.confidential import COMMAND_LINE
from crm.leads.models import Contact
from crm.reports.attribution import event_attribution

Registrations = Callable[..., Registration]
Clock = Callable[[datetime | str], None]


@pytest.fixture
def three(event: Event, create_registration: Registrations) -> dict[str, Registration]:
    """Three registrants with answers: one agreed to nothing optional, one to follow-up, one
    withdrew sharing; two checked in."""
    vegan = {"answers": {"dietary": "vegetarian"}}
    found = {
        "plain": create_registration(event, name="Plain Person", position="CTO", **vegan),
        "follow_up": create_registration(
            event, name="Kept Person", follow_up_consent=True, **vegan
        ),
        "withdrew": create_registration(
            event, name="Gone Person", partner_sharing_consent=True, **vegan
        ),
    }
    withdraw_consent(found["withdrew"], ConsentPurpose.partner_sharing)
    check_in(found["plain"])
    check_in(found["follow_up"])
    db.session.commit()
    assert all(registration.answers for registration in found.values())
    return found


def reloaded(registration: Registration) -> Registration:
    db.session.expire_all()
    found = db.session.get(Registration, registration.id)
    assert found is not None
    return found


def statistics(event: Event) -> tuple[object, ...]:
    return astuple(event_attribution(event, COMMAND_LINE))


def test_the_period_is_counted_in_months_from_the_end() -> None:
    assert months_later(datetime(2026, 8, 31, 18, 0), 24) == datetime(2028, 8, 31, 18, 0)
    assert months_later(datetime(2026, 12, 31), 2) == datetime(2027, 2, 28)


def test_nothing_is_anonymised_before_the_period_is_over(
    event: Event, three: dict[str, Registration], clock: Clock
) -> None:
    clock(months_later(event.finishes_at, 24) - timedelta(minutes=1))
    assert apply_retention_now() is None
    assert reloaded(three["plain"]).name == "Plain Person"


def test_the_worker_anonymises_only_what_no_consent_keeps(
    event: Event, three: dict[str, Registration], clock: Clock
) -> None:
    before = statistics(event)
    companies = {key: registration.company_id for key, registration in three.items()}
    clock(months_later(event.finishes_at, 24) + timedelta(hours=1))

    assert apply_retention_now() == "2 registrations anonymised after their retention period"
    db.session.commit()

    for key in ("plain", "withdrew"):
        gone = reloaded(three[key])
        assert gone.name == ANONYMISED_NAME
        assert gone.email == f"anonymised-{gone.id}@erased.invalid"
        assert (gone.position, gone.answers, gone.contact_id) == (None, {}, None)
        assert gone.anonymised_at is not None
        assert gone.company_id == companies[key]  # the company is a business record
        assert all(consent.contact_id is None for consent in gone.consents)
    assert reloaded(three["plain"]).checked_in_at is not None
    kept = reloaded(three["follow_up"])
    assert (kept.name, kept.anonymised_at, kept.answers) == ("Kept Person", None, {})
    assert statistics(reloaded(three["plain"]).event) == before
    # The consent rows stay as the record of what was agreed, without the person.
    assert db.session.scalar(select(db.func.count(Consent.id))) == 5
    # A second pass has nothing left to do.
    assert apply_retention_now() is None


def test_an_event_may_keep_its_registrants_for_fewer_months(
    event: Event, three: dict[str, Registration], clock: Clock
) -> None:
    event.retention_months = 3
    db.session.commit()
    clock(months_later(event.finishes_at, 3) + timedelta(hours=1))
    assert apply_retention_now() == "2 registrations anonymised after their retention period"


def test_a_consent_withdrawn_after_the_period_lets_the_next_pass_anonymise(
    event: Event, three: dict[str, Registration], clock: Clock
) -> None:
    clock(months_later(event.finishes_at, 24) + timedelta(hours=1))
    apply_retention_now()
    withdraw_consent(reloaded(three["follow_up"]), ConsentPurpose.follow_up)
    assert apply_retention_now() == "1 registrations anonymised after their retention period"


def test_the_dry_run_shows_what_it_would_do_and_changes_nothing(
    app: Flask, event: Event, three: dict[str, Registration], clock: Clock
) -> None:
    when = months_later(event.finishes_at, 24) + timedelta(hours=1)
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["privacy", "retention", "--dry-run", "--now", when.isoformat()])
    assert dry.exit_code == 0, dry.output
    assert f"{event.slug} (retained until" in dry.output
    assert "2 registrations to anonymise, 1 kept by consent (1 with answers to clear)" in dry.output
    assert reloaded(three["plain"]).name == "Plain Person"
    assert reloaded(three["follow_up"]).answers

    done = runner.invoke(args=["privacy", "retention", "--now", when.isoformat()])
    assert done.exit_code == 0, done.output
    assert "2 registrations anonymised." in done.output
    assert reloaded(three["plain"]).name == ANONYMISED_NAME


def test_the_contact_staff_keep_is_not_touched(
    event: Event, three: dict[str, Registration], clock: Clock
) -> None:
    contact_id = three["plain"].contact_id
    clock(months_later(event.finishes_at, 24) + timedelta(hours=1))
    apply_retention_now()
    db.session.commit()
    contact = db.session.get(Contact, contact_id)
    assert contact is not None and contact.name == "Plain Person"
