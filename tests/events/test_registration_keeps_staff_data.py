"""A public registration never overwrites what staff curated on a lead or a contact."""

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import func, select

from crm.events.models import Event, Registration
from crm.extensions import db
from crm.leads.models import Activity, Company, Contact
from crm.partners.models import Capability, LinkStatus, Partner, PartnerLink

CURATED_CONSENT = datetime(2025, 5, 5, 9, tzinfo=UTC)


def curated_lead(create_company: Callable[..., Company]) -> tuple[Company, Contact]:
    company = create_company(name="Curium Pharma", domain="curium.example")
    contact = Contact(
        company=company,
        name="Ann Archer",
        email="ann@curium.example",
        position="Head of Production",
        language="de",
        consent_at=CURATED_CONSENT,
        consent_version="staff-2025",
    )
    db.session.add(contact)
    db.session.commit()
    return company, contact


def test_registering_with_a_contacts_email_changes_nothing_on_the_contact(
    event: Event,
    create_company: Callable[..., Company],
    create_registration: Callable[..., Registration],
) -> None:
    _, contact = curated_lead(create_company)
    registration = create_registration(
        event,
        email="ann@curium.example",
        name="Mallory",
        position="Fired - do not contact",
        language="en",
    )
    db.session.refresh(contact)
    assert (contact.name, contact.position, contact.language) == (
        "Ann Archer",
        "Head of Production",
        "de",
    )
    assert (contact.consent_at, contact.consent_version) == (CURATED_CONSENT, "staff-2025")
    assert (registration.name, registration.position) == ("Mallory", "Fired - do not contact")
    assert db.session.scalar(select(func.count(Contact.id))) == 1


def test_what_differs_goes_to_the_timeline_as_a_suggestion(
    event: Event,
    create_company: Callable[..., Company],
    create_registration: Callable[..., Registration],
    gmp_production: Capability,
) -> None:
    company, _ = curated_lead(create_company)
    create_registration(
        event, email="ann@curium.example", position="Fired - do not contact", needs=[gmp_production]
    )
    db.session.refresh(company)
    assert company.needs == []
    activity = db.session.scalars(select(Activity).where(Activity.company_id == company.id)).one()
    assert "Position given when registering: Fired - do not contact" in activity.body
    assert f"Needs named when registering: {gmp_production.label}" in activity.body


def test_a_new_contact_gets_no_consent_recorded_for_them(
    event: Event, create_registration: Callable[..., Registration]
) -> None:
    registration = create_registration(event, email="new@newco.example", position="CEO")
    assert registration.contact is not None
    assert registration.contact.position == "CEO"
    assert registration.contact.consent_at is None
    assert registration.consent_at is not None


def test_a_meeting_request_leaves_staffs_link_to_that_partner_as_it_is(
    event: Event,
    create_company: Callable[..., Company],
    create_registration: Callable[..., Registration],
    create_link: Callable[..., PartnerLink],
    rotop: Partner,
) -> None:
    company, _ = curated_lead(create_company)
    link = create_link(company=company, partner_slug="rotop", reason="Staff: they fit well")
    link.status = LinkStatus.declined
    db.session.commit()
    create_registration(event, email="eve@curium.example", partners_to_meet=[rotop])
    db.session.refresh(link)
    assert (link.reason, link.status, link.event_id) == (
        "Staff: they fit well",
        LinkStatus.declined,
        None,
    )
    assert db.session.scalar(select(func.count(PartnerLink.id))) == 1
