"""Migrations build the schema from nothing and agree with the models."""

import uuid
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import JSON, MetaData, Table, inspect, text
from sqlalchemy.exc import IntegrityError

from crm import create_app
from crm.db import made_on
from crm.extensions import db
from tests.conftest import POSTGRES_ADMIN_URL, database_kinds

# The last revision before the database checked states and number ranges itself.
BEFORE_THE_CHECKS = "7064e9f60f47"


@pytest.fixture(params=database_kinds())
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
        return
    name = f"crm_migrations_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_upgrade_from_nothing_matches_the_models(
    empty_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRM_INSTANCE_PATH", str(tmp_path))
    app = create_app({"DATABASE_URL": empty_database_url, "SECRET_KEY": "x", "TESTING": True})
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={
                    "compare_type": True,
                    "render_as_batch": True,
                    "include_object": made_on(connection.dialect.name),
                },
            )
            differences = compare_metadata(context, db.metadata)
        tables = set(inspect(db.engine).get_table_names())
        db.engine.dispose()
    assert differences == []
    assert {"users", "companies", "partners", "events", "registrations"} <= tables


def filled_row(table: Table, **values: Any) -> dict[str, Any]:
    """A row for ``table`` as the database had it then: ``values``, and a plain value for every
    other column that needs one."""
    plain: dict[type, Any] = {
        str: "x",
        int: 0,
        bool: False,
        datetime: datetime(2025, 9, 1, 10, 0),
        date: date(2025, 9, 1),
    }
    row = dict(values)
    for column in table.columns:
        if column.name in row or column.nullable or column.server_default is not None:
            continue
        if column.primary_key and column.autoincrement:
            continue
        python_type = column.type.python_type if not isinstance(column.type, JSON) else list
        row[column.name] = "[]" if python_type in (list, dict) else plain[python_type]
    return row


def test_an_existing_database_with_data_upgrades_and_then_checks_states_and_ranges(
    empty_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRM_INSTANCE_PATH", str(tmp_path))
    app = create_app({"DATABASE_URL": empty_database_url, "SECRET_KEY": "x", "TESTING": True})
    with app.app_context():
        upgrade(revision=BEFORE_THE_CHECKS)
        with db.engine.begin() as connection:
            old = MetaData()
            old.reflect(connection)
            insert = connection.execute
            insert(
                old.tables["companies"].insert(),
                filled_row(
                    old.tables["companies"],
                    id=1,
                    name="Old Isotopes",
                    stage="qualified",
                    source="event",
                    country="de",
                    likelihood_percent=150,
                    new_jobs=12,
                ),
            )
            insert(
                old.tables["events"].insert(),
                filled_row(
                    old.tables["events"],
                    id=1,
                    slug="old-forum",
                    status="published",
                    is_all_day=True,
                    starts_on=date(2025, 10, 28),
                    ends_on=date(2025, 10, 28),
                    timezone="Europe/Berlin",
                    reminder_offsets_days="[7, 1]",
                    questions="[]",
                    organiser_name="WFS",
                    organiser_email="events@wfs.example",
                    sort_at=datetime(2025, 10, 27, 23, 0),
                ),
            )
            insert(
                old.tables["registrations"].insert(),
                filled_row(
                    old.tables["registrations"],
                    id=1,
                    event_id=1,
                    company_id=1,
                    status="confirmed",
                    email="anna@old.example",
                    answers="{}",
                ),
            )
            insert(
                old.tables["outbox_messages"].insert(),
                filled_row(
                    old.tables["outbox_messages"],
                    id=1,
                    key="confirmation:registration:1:seq:0",
                    status="pending",
                    registration_id=1,
                    company_id=1,
                    to_email="anna@old.example",
                ),
            )

        upgrade()

        with db.engine.connect() as connection:
            company = connection.execute(
                text("SELECT name, country, likelihood_percent, new_jobs FROM companies")
            ).one()
            reply_to = connection.execute(
                text("SELECT reply_to_email, reply_to_name FROM outbox_messages")
            ).one()
            published_at = connection.execute(text("SELECT published_at FROM events")).scalar()
            with pytest.raises(IntegrityError):
                connection.execute(text("UPDATE companies SET stage = 'bogus'"))
            connection.rollback()
            with pytest.raises(IntegrityError):
                connection.execute(text("UPDATE registrations SET status = 'bogus'"))
        db.engine.dispose()

    assert tuple(company) == ("Old Isotopes", "DE", None, 12)
    assert tuple(reply_to) == ("events@wfs.example", "WFS")
    assert published_at is not None


# The last revision before consent was asked by purpose.
BEFORE_CONSENT_BY_PURPOSE = "3f7a9b2d4c61"


def test_existing_registrations_keep_their_consent_as_the_one_to_handle_the_registration(
    empty_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRM_INSTANCE_PATH", str(tmp_path))
    app = create_app({"DATABASE_URL": empty_database_url, "SECRET_KEY": "x", "TESTING": True})
    with app.app_context():
        upgrade(revision=BEFORE_CONSENT_BY_PURPOSE)
        with db.engine.begin() as connection:
            old = MetaData()
            old.reflect(connection)
            connection.execute(
                old.tables["events"].insert(),
                filled_row(
                    old.tables["events"],
                    id=1,
                    slug="old-forum",
                    status="published",
                    is_all_day=True,
                    starts_on=date(2025, 10, 28),
                    ends_on=date(2025, 10, 28),
                    timezone="Europe/Berlin",
                    reminder_offsets_days="[7, 1]",
                    questions="[]",
                    title_en="Old forum",
                    sort_at=datetime(2025, 10, 27, 23, 0),
                ),
            )
            connection.execute(
                old.tables["registrations"].insert(),
                filled_row(
                    old.tables["registrations"],
                    id=1,
                    event_id=1,
                    status="confirmed",
                    email="anna@old.example",
                    language="de",
                    answers="{}",
                    consent_version="events-2026-11",
                    consent_at=datetime(2025, 9, 2, 8, 15),
                ),
            )

        upgrade()

        with db.engine.connect() as connection:
            consents = connection.execute(
                text(
                    "SELECT registration_id, purpose, text_version, language, given_at,"
                    " withdrawn_at FROM consents"
                )
            ).all()
        db.engine.dispose()

    ((registration_id, purpose, version, language, given_at, withdrawn_at),) = consents
    assert (registration_id, purpose, version, language) == (
        1,
        "registration",
        "events-2026-11",
        "de",
    )
    assert str(given_at).startswith("2025-09-02 08:15")
    assert withdrawn_at is None


# The last revision before texts were held in German and English.
BEFORE_TWO_LANGUAGES = "3c5e0d2b9a41"


def test_an_existing_database_keeps_its_texts_as_the_english_ones_and_learns_the_german_tags(
    empty_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRM_INSTANCE_PATH", str(tmp_path))
    app = create_app({"DATABASE_URL": empty_database_url, "SECRET_KEY": "x", "TESTING": True})
    with app.app_context():
        upgrade(revision=BEFORE_TWO_LANGUAGES)
        with db.engine.begin() as connection:
            old = MetaData()
            old.reflect(connection)
            insert = connection.execute
            capabilities = old.tables["capabilities"]
            insert(capabilities.insert(), {"id": 1, "slug": "hplc", "label": "HPLC testing"})
            insert(capabilities.insert(), {"id": 2, "slug": "cyclotron-time", "label": "Cyclotron"})
            insert(
                old.tables["partners"].insert(),
                filled_row(
                    old.tables["partners"],
                    id=1,
                    slug="cup",
                    kind="company",
                    description="Radiopharmaceutical analytics.",
                ),
            )
            event = {
                "status": "published",
                "is_all_day": True,
                "starts_on": date(2025, 10, 28),
                "ends_on": date(2025, 10, 28),
                "timezone": "Europe/Berlin",
                "reminder_offsets_days": "[7, 1]",
                "questions": "[]",
                "sort_at": datetime(2025, 10, 27, 23, 0),
            }
            events = old.tables["events"]
            insert(
                events.insert(),
                filled_row(
                    events,
                    id=1,
                    slug="old-forum",
                    title="Old Forum",
                    description="Two days of radiopharmacy.",
                    venue="Congress centre",
                    **event,
                ),
            )
            insert(
                events.insert(),
                filled_row(events, id=2, slug="no-venue", title="No Venue", venue=None, **event),
            )

        upgrade()

        with db.engine.connect() as connection:
            tags = connection.execute(
                text('SELECT slug, label_en, label_de, "group" FROM capabilities ORDER BY id')
            ).all()
            partner = connection.execute(
                text("SELECT description_en, description_de FROM partners")
            ).one()
            events_now = connection.execute(
                text(
                    "SELECT title_en, title_de, description_en, description_de, venue_en, venue_de"
                    " FROM events ORDER BY id"
                )
            ).all()
            columns = {column["name"] for column in inspect(connection).get_columns("events")}
            with pytest.raises(IntegrityError):
                connection.execute(text("UPDATE capabilities SET \"group\" = 'bogus'"))
        db.engine.dispose()

    assert [tuple(tag) for tag in tags] == [
        ("hplc", "HPLC testing", "HPLC-Analytik", "analytics"),
        ("cyclotron-time", "Cyclotron", "", "other"),
    ]
    assert tuple(partner) == ("Radiopharmaceutical analytics.", "")
    assert [tuple(row) for row in events_now] == [
        ("Old Forum", "", "Two days of radiopharmacy.", "", "Congress centre", ""),
        ("No Venue", "", "x", "", "", ""),
    ]
    assert not {"title", "description", "venue"} & columns


def test_going_back_before_two_languages_keeps_the_english_text_or_else_the_german(
    empty_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRM_INSTANCE_PATH", str(tmp_path))
    app = create_app({"DATABASE_URL": empty_database_url, "SECRET_KEY": "x", "TESTING": True})
    with app.app_context():
        upgrade()
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    'INSERT INTO capabilities (id, slug, label_en, label_de, "group") VALUES'
                    " (1, 'hplc', '', 'HPLC-Analytik', 'analytics'),"
                    " (2, 'hot-cells', 'Custom hot cells', 'Heiße Zellen', 'facilities')"
                )
            )
        downgrade(revision=BEFORE_TWO_LANGUAGES)
        with db.engine.connect() as connection:
            labels = connection.execute(text("SELECT label FROM capabilities ORDER BY id")).all()
        db.engine.dispose()

    assert [label for (label,) in labels] == ["HPLC-Analytik", "Custom hot cells"]


def test_a_company_enters_its_stage_at_its_last_move_or_else_at_its_creation(
    empty_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRM_INSTANCE_PATH", str(tmp_path))
    app = create_app({"DATABASE_URL": empty_database_url, "SECRET_KEY": "x", "TESTING": True})
    with app.app_context():
        upgrade(revision="3f7a9b2d4c61")
        with db.engine.begin() as connection:
            old = MetaData()
            old.reflect(connection)
            companies, changes = old.tables["companies"], old.tables["stage_changes"]
            for number, name in enumerate(["Moved Twice", "Never Moved"], start=1):
                connection.execute(
                    companies.insert(),
                    filled_row(
                        companies,
                        id=number,
                        name=name,
                        normalised_name=name.lower(),
                        stage="active" if number == 1 else "enquiry",
                        source="event",
                        created_at=datetime(2025, 1, number, 9, 0),
                    ),
                )
            for day, stage in [(5, "qualified"), (20, "active")]:
                connection.execute(
                    changes.insert(),
                    filled_row(
                        changes,
                        company_id=1,
                        to_stage=stage,
                        from_stage=None,
                        changed_at=datetime(2025, 2, day, 9),
                    ),
                )
        upgrade()
        with db.engine.connect() as connection:
            entered = dict(
                connection.execute(text("SELECT name, stage_entered_at FROM companies")).all()
            )
        db.engine.dispose()
    assert {name: str(moment)[:16] for name, moment in entered.items()} == {
        "Moved Twice": "2025-02-20 09:00",
        "Never Moved": "2025-01-02 09:00",
    }
