from datetime import date

from flask import Flask
from sqlalchemy import func, select

from crm.events.models import Event, EventStatus
from crm.extensions import db
from crm.leads.models import Company
from crm.partners.models import Partner
from crm.seed.services import seed


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


def test_seeding_twice_changes_nothing(app: Flask) -> None:
    run_seed(app, "--demo")
    counts = [
        db.session.scalar(select(func.count()).select_from(m)) for m in (Partner, Event, Company)
    ]
    output = run_seed(app, "--demo")
    again = [
        db.session.scalar(select(func.count()).select_from(m)) for m in (Partner, Event, Company)
    ]
    assert again == counts == [9, 4, 3]
    assert "0 partners added, 0 events added, 0 demo records added" in output


def test_demo_data_is_labelled_and_the_sample_event_lies_ahead(app: Flask) -> None:
    seed(with_demo=True)
    db.session.commit()
    companies = db.session.scalars(select(Company)).all()
    assert companies and all(c.is_demo and c.name.startswith("Demo:") for c in companies)
    demo_event = db.session.scalar(select(Event).where(Event.is_demo))
    assert demo_event is not None
    assert demo_event.title.startswith("DEMO")
    assert demo_event.starts_at is not None and demo_event.begins_at > demo_event.created_at


def test_seed_without_demo_adds_no_fictional_data(app: Flask) -> None:
    run_seed(app)
    assert db.session.scalar(select(func.count()).select_from(Company)) == 0
    assert db.session.scalar(select(func.count()).select_from(Event).where(Event.is_demo)) == 0
