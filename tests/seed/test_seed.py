from collections.abc import Callable
from datetime import date

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from crm.auth.models import Role, User
from crm.db import utcnow
from crm.events.models import Event, EventStatus, Registration, RegistrationStatus
from crm.extensions import db
from crm.leads.aftercare import aftercare_due_of
from crm.leads.models import Activity, ActivityKind, Company, FollowUpTask, Stage
from crm.leads.roadmap import overdue_steps_of
from crm.leads.services import office_today
from crm.mail.models import OutboxMessage, OutboxStatus
from crm.partners.models import Partner, PartnerLink
from crm.seed.services import seed
from crm.vocabulary.models import Capability, CapabilityGroup


def run_seed(app: Flask, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=["seed", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_seed_loads_the_nine_cluster_partners_with_capabilities(app: Flask) -> None:
    run_seed(app)
    partners = {p.slug: p for p in db.session.scalars(select(Partner))}
    assert len(partners) == 9
    assert {c.slug for c in partners["cup-laboratorien"].capabilities} == {
        "radiopharmaceutical-analytics",
        "sterility-testing",
        "hplc",
        "particle-analysis",
    }
    assert "gmp-production" in {c.slug for c in partners["abx"].capabilities}
    assert partners["hzdr"].location == "Dresden-Rossendorf"


def test_seed_loads_the_three_events_as_all_day_events(app: Flask) -> None:
    run_seed(app)
    events = {e.slug: e for e in db.session.scalars(select(Event))}
    assert set(events) == {
        "eanm-2025-lunch",
        "hi-tech-meets-life-sciences-2025",
        "german-biotech-days-2026",
    }
    eanm = events["eanm-2025-lunch"]
    assert (eanm.starts_on, eanm.ends_on, eanm.timezone, eanm.city) == (
        date(2025, 10, 6),
        date(2025, 10, 6),
        "Europe/Madrid",
        "Barcelona",
    )
    forum = events["hi-tech-meets-life-sciences-2025"]
    assert (forum.starts_on, forum.ends_on, forum.timezone) == (
        date(2025, 10, 28),
        date(2025, 10, 29),
        "Europe/Berlin",
    )
    biotech = events["german-biotech-days-2026"]
    assert (biotech.starts_on, biotech.ends_on, biotech.city) == (
        date(2026, 4, 21),
        date(2026, 4, 22),
        "Leipzig",
    )
    assert all(e.is_all_day and e.status is EventStatus.published for e in events.values())
    assert not any(e.is_demo for e in events.values())


def test_the_seed_speaks_german_and_english(app: Flask) -> None:
    run_seed(app, "--demo")
    tags = list(db.session.scalars(select(Capability)))
    assert len(tags) == 27
    assert all(tag.label_en and tag.label_de for tag in tags)
    assert CapabilityGroup.other not in {tag.group for tag in tags}
    assert all(p.description_en and p.description_de for p in db.session.scalars(select(Partner)))
    events = list(db.session.scalars(select(Event)))
    assert all(e.title_en and e.title_de and e.description_en and e.description_de for e in events)
    site_tour = next(event for event in events if event.slug == "demo-site-tour")
    assert (
        site_tour.venue_de == "Industriepark Dresden-Rossendorf (erfundene Beispielveranstaltung)"
    )


def test_seeding_twice_changes_nothing(app: Flask) -> None:
    run_seed(app, "--demo")
    counts = [
        db.session.scalar(select(func.count()).select_from(m)) for m in (Partner, Event, Company)
    ]
    output = run_seed(app, "--demo")
    again = [
        db.session.scalar(select(func.count()).select_from(m)) for m in (Partner, Event, Company)
    ]
    assert again == counts == [9, 7, 7]
    assert "0 partners added, 0 events added, 0 roadmap steps added, 0 demo records added" in output


def test_demo_data_is_labelled_and_the_sample_event_lies_ahead(app: Flask) -> None:
    seed(with_demo=True)
    db.session.commit()
    companies = db.session.scalars(select(Company)).all()
    assert companies and all(c.is_demo and c.name.startswith("Demo:") for c in companies)
    demo_event = db.session.scalar(select(Event).where(Event.slug == "demo-site-tour"))
    assert demo_event is not None
    demo_events = db.session.scalars(select(Event).where(Event.is_demo)).all()
    assert len(demo_events) == 4 and all(event.title.startswith("DEMO") for event in demo_events)
    assert demo_event.starts_at is not None and demo_event.begins_at > demo_event.created_at


def test_seed_without_demo_adds_no_fictional_data(app: Flask) -> None:
    run_seed(app)
    assert db.session.scalar(select(func.count()).select_from(Company)) == 0
    assert db.session.scalar(select(func.count()).select_from(Event).where(Event.is_demo)) == 0


def test_demo_data_shows_every_page_with_content(app: Flask) -> None:
    seed(with_demo=True)
    db.session.commit()
    companies = db.session.scalars(select(Company)).all()
    assert {company.stage for company in companies} >= {
        Stage.enquiry,
        Stage.qualified,
        Stage.site_visit,
        Stage.landed,
        Stage.lost,
        Stage.on_hold,
    }
    nordlicht = next(c for c in companies if c.name == "Demo: Nordlicht Isotopes AB")
    assert len(nordlicht.stage_changes) == 4 and nordlicht.contacts
    assert db.session.scalar(select(func.count()).select_from(FollowUpTask)) >= 4
    assert db.session.scalar(select(func.count()).select_from(PartnerLink)) >= 5
    assert db.session.scalar(
        select(func.count()).select_from(Activity).where(Activity.kind == ActivityKind.site_visit)
    )
    full = db.session.scalar(select(Event).where(Event.slug == "demo-hot-cell-workshop"))
    statuses = [
        r.status
        for r in db.session.scalars(select(Registration).where(Registration.event_id == full.id))
    ]
    assert statuses.count(RegistrationStatus.confirmed) == full.capacity
    assert RegistrationStatus.waitlisted in statuses
    mail = {m.status for m in db.session.scalars(select(OutboxMessage))}
    assert {OutboxStatus.sent, OutboxStatus.failed, OutboxStatus.pending} <= mail
    drafts = db.session.scalars(select(Event).where(Event.status == EventStatus.draft)).all()
    assert [event.slug for event in drafts] == ["demo-isotope-night"]


def test_demo_leads_and_tasks_go_to_the_first_staff_account(
    app: Flask, create_user: Callable[..., User]
) -> None:
    create_user(Role.viewer)
    admin = create_user(Role.admin)
    seed(with_demo=True)
    db.session.commit()
    tasks = db.session.scalars(select(FollowUpTask)).all()
    assert tasks and all(task.owner == admin for task in tasks)
    assert all(c.owner == admin for c in db.session.scalars(select(Company)))


def test_a_demo_lead_has_a_roadmap_with_one_overdue_step(
    app: Flask, staff_user: User, staff_client: FlaskClient
) -> None:
    seed(with_demo=True)
    db.session.commit()

    overdue = overdue_steps_of(staff_user, office_today())

    assert [step.company.name for step in overdue] == ["Demo: Nordlicht Isotopes AB"]
    assert "Demo: Nordlicht Isotopes AB" in staff_client.get("/leads/tasks").text


def test_the_landed_demo_company_shows_in_aftercare_and_is_due_for_a_call(
    app: Flask, staff_user: User, staff_client: FlaskClient
) -> None:
    seed(with_demo=True)
    db.session.commit()

    page = staff_client.get("/leads/aftercare").text

    assert "Demo: Sakura Radiopharma K.K." in page
    assert "Demo: Production unit P1" in page
    assert "a second hot-cell line" in page
    assert [entry.company.name for entry in aftercare_due_of(staff_user, utcnow())] == [
        "Demo: Sakura Radiopharma K.K."
    ]
