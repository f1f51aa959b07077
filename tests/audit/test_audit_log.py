"""The audit log records who created, changed or deleted what, through every door, in the
transaction of the change, never with a secret, and forgets an erased person."""

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from crm.api.models import ApiScope
from crm.api.tokens import issue_token
from crm.audit.models import AuditAction, AuditEntry
from crm.audit.recording import AuditLogIsAppendOnly
from crm.auth.models import Role, User
from crm.auth.services import create_user as create_account
from crm.events.models import Event, Registration
from crm.extensions import db
from crm.leads import services as leads
from crm.leads.models import ActivityKind, Company, Contact
from crm.leads.timeline import record_activity
from crm.mail.outbox import queue_mail
from crm.privacy.services import erase_person, personal_data
from crm.vocabulary.models import Capability
from tests.conftest import TEST_PASSWORD
from tests.helpers import csrf_token, submit_form

NEW_COMPANY = {"name": "Nordlicht Isotopes AB", "country": "se", "city": "Uppsala"}
COMPANY_FORM = NEW_COMPANY | {"source": "event", "owner_id": "", "investment_type": "new_site"}


def entries(kind: str | None = None) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id)
    if kind:
        query = query.where(AuditEntry.record_kind == kind)
    return list(db.session.scalars(query))


def stored_log() -> str:
    """Every entry's values as the database holds them."""
    return "\n".join(db.session.scalars(text("SELECT changes FROM audit_entries")))


@pytest.fixture
def admin(create_user: Callable[..., User]) -> User:
    return create_user(Role.admin)


def test_a_company_made_changed_and_deleted_on_the_pages_names_who_and_each_value(
    client: FlaskClient,
    staff_user: User,
    admin: User,
    login: Callable[[User], None],
) -> None:
    login(staff_user)
    assert submit_form(client, "/leads/new", COMPANY_FORM).status_code == 302
    company = db.session.scalars(select(Company)).one()
    response = submit_form(
        client, f"/leads/{company.id}/edit", COMPANY_FORM | {"city": "Lund", "version": "1"}
    )
    assert response.status_code == 302, response.text
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/account").text)})
    login(admin)
    page = f"/leads/{company.id}"
    response = submit_form(client, f"{page}/delete", {}, form_page=page)
    assert response.status_code == 302

    created, changed, deleted = entries("company")
    assert (created.action, created.actor_name, created.channel) == (
        AuditAction.created,
        staff_user.email,
        "web",
    )
    assert created.actor_user_id == staff_user.id
    assert created.record_id == created.company_id == company.id
    assert created.changes["name"] == [None, "Nordlicht Isotopes AB"]
    assert created.changes["country"] == [None, "SE"]
    assert changed.action is AuditAction.changed
    assert changed.changes == {"city": ["Uppsala", "Lund"]}
    assert (deleted.action, deleted.actor_user_id) == (AuditAction.deleted, admin.id)
    assert deleted.changes["city"] == ["Lund", None]


def test_a_change_through_an_api_token_names_the_token_and_its_user(
    client: FlaskClient, create_user: Callable[..., User]
) -> None:
    user = create_user(Role.staff)
    token, plain = issue_token("ERP sync", ApiScope.write, user, by=user)
    db.session.commit()
    headers = {"Authorization": f"Bearer {plain}"}
    response = client.post("/api/v1/companies", json=NEW_COMPANY, headers=headers)
    assert response.status_code == 201
    company_id = response.json["id"]
    response = client.patch(
        f"/api/v1/companies/{company_id}", json={"city": "Lund", "version": 1}, headers=headers
    )
    assert response.status_code == 200

    created, changed = entries("company")
    for entry in (created, changed):
        assert (entry.actor_name, entry.channel) == (user.email, "api")
        assert (entry.actor_user_id, entry.actor_token_id) == (user.id, token.id)
    assert changed.changes == {"city": ["Uppsala", "Lund"]}
    assert [entry.action for entry in entries("api_token")] == [AuditAction.created]

    admin = create_user(Role.admin)
    admin_token, plain = issue_token("Clean-up", ApiScope.write, admin, by=admin)
    db.session.commit()
    response = client.delete(
        f"/api/v1/companies/{company_id}", headers={"Authorization": f"Bearer {plain}"}
    )
    assert response.status_code == 204
    deleted = entries("company")[-1]
    assert deleted.action is AuditAction.deleted
    assert (deleted.actor_token_id, deleted.changes["city"]) == (admin_token.id, ["Lund", None])


def test_the_old_value_of_a_row_changed_after_a_commit_is_read_before_it_is_lost(
    app: Flask,
) -> None:
    company = leads.create_company({"name": "Curium Pharma", "country": "FR", "city": "Paris"})
    db.session.commit()  # the session forgets what it read
    company.city = "Lyon"
    db.session.commit()
    assert entries("company")[-1].changes == {"city": ["Paris", "Lyon"]}


def test_tags_added_and_removed_are_named(
    app: Flask, capability: Callable[[str], Capability]
) -> None:
    hplc, hot_cells = capability("hplc"), capability("hot-cells")
    company = leads.create_company({"name": "Curium Pharma", "country": "FR"}, needs=[hplc])
    db.session.flush()
    company.needs = [hot_cells]
    db.session.flush()
    created, changed = entries("company")
    assert created.changes["needs"] == [None, ["hplc"]]
    assert changed.changes == {"needs": [["hplc"], ["hot-cells"]]}


def test_the_csv_import_is_recorded_as_the_import_by_who_uploaded_it(
    staff_client: FlaskClient, staff_user: User
) -> None:
    content = (
        b"name,country,contact_name,contact_email\nCurium Pharma,FR,Ada Curie,ada@curium.example\n"
    )
    token = csrf_token(staff_client.get("/leads/import").text)
    staff_client.post(
        "/leads/import",
        data={"csrf_token": token, "file": (io.BytesIO(content), "companies.csv")},
        content_type="multipart/form-data",
    )
    company_entry, contact_entry = entries("company") + entries("contact")
    assert company_entry.changes["name"] == [None, "Curium Pharma"]
    assert contact_entry.changes["email"] == [None, "ada@curium.example"]
    assert contact_entry.company_id == company_entry.record_id
    for entry in (company_entry, contact_entry):
        assert (entry.actor_name, entry.channel) == (staff_user.email, "import")


def test_the_import_command_is_recorded_as_the_import(app: Flask, tmp_path: Path) -> None:
    file = tmp_path / "companies.csv"
    file.write_bytes(b"name,country\nCurium Pharma,FR\n")
    result = app.test_cli_runner().invoke(args=["leads", "import", str(file)])
    assert result.exit_code == 0, result.output
    (entry,) = entries("company")
    assert (entry.actor_name, entry.channel, entry.actor_user_id) == ("import", "import", None)


def test_a_public_registration_is_recorded_as_the_registration_without_reading_the_log(
    client: FlaskClient,
    create_event: Callable[..., Event],
    count_queries: Callable[..., object],
) -> None:
    event = create_event()
    body = {
        "name": "Jane Doe",
        "email": "jane@nordlicht.example",
        "company": "Nordlicht Isotopes AB",
        "country": "SE",
        "language": "en",
        "consent": True,
    }
    with count_queries() as statements:  # type: ignore[attr-defined]
        response = client.post(f"/api/v1/events/{event.slug}/registrations", json=body)
    assert response.status_code == 202, response.text
    (registration_entry,) = entries("registration")
    assert (registration_entry.actor_name, registration_entry.channel) == (
        "registration",
        "registration",
    )
    assert registration_entry.changes["name"] == [None, "Jane Doe"]
    assert "manage_nonce" not in registration_entry.changes
    about_the_log = [sql for sql in statements if "audit_entries" in sql]
    assert about_the_log and all(sql.lstrip().upper().startswith("INSERT") for sql in about_the_log)


def test_work_done_by_the_worker_and_the_command_line_names_them(app: Flask) -> None:
    company = leads.create_company({"name": "Curium Pharma", "country": "FR"})
    queue_mail(
        "test:1",
        to_email="ada@curium.example",
        to_name="Ada",
        subject="Welcome",
        text_body="Hello",
        company_id=company.id,
    )
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert [(e.record_kind, e.actor_name, e.channel) for e in entries()] == [
        ("company", "cli", "cli"),
        ("activity", "worker", "worker"),  # the sent mail on the company's timeline
    ]


def test_an_entry_goes_with_the_change_when_the_transaction_fails(app: Flask) -> None:
    leads.create_company({"name": "Curium Pharma", "country": "FR"})
    assert len(entries("company")) == 1  # in the same transaction
    db.session.rollback()
    assert entries() == []


def test_a_refused_request_leaves_no_entry(staff_client: FlaskClient) -> None:
    response = submit_form(staff_client, "/leads/new", COMPANY_FORM | {"country": "XX"})
    assert response.status_code == 422
    assert entries("company") == []


def test_passwords_token_hashes_and_link_secrets_are_never_recorded(
    client: FlaskClient,
    admin: User,
    login: Callable[[User], None],
    create_registration: Callable[..., Registration],
    create_event: Callable[..., Event],
) -> None:
    user = create_account("new@wfs.example", "New Person", Role.staff, TEST_PASSWORD)
    token, _ = issue_token("ERP sync", ApiScope.write, user, by=admin)
    registration = create_registration(create_event())
    db.session.commit()
    login(user)  # a login sets the moment of the last login and opens a session
    response = submit_form(
        client,
        "/account/password",
        {
            "current_password": TEST_PASSWORD,
            "new_password": "another horse battery staple",
            "confirm_password": "another horse battery staple",
        },
        form_page="/account",
    )
    assert response.status_code < 400

    log = stored_log()
    db.session.refresh(user)
    for secret in (user.password_hash, token.token_hash, registration.manage_nonce):
        assert secret not in log
    for column in ("password_hash", "token_hash", "manage_nonce", "last_login_at"):
        assert f'"{column}"' not in log
    assert {e.record_kind for e in entries()} >= {"user", "api_token", "registration"}
    assert [e.action for e in entries("user") if e.record_id == user.id] == [AuditAction.created]


def test_only_admins_read_the_log_and_filter_it(
    client: FlaskClient,
    staff_user: User,
    admin: User,
    login: Callable[[User], None],
    create_company: Callable[..., Company],
) -> None:
    first = create_company(name="Curium Pharma")
    second = create_company(name="Isotopia Pharma")
    login(staff_user)
    assert client.get("/admin/audit/").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/account").text)})
    login(admin)
    page = client.get("/admin/audit/")
    assert page.status_code == 200
    assert "Curium Pharma" in page.text and "Isotopia Pharma" in page.text
    only_first = client.get(f"/admin/audit/?kind=company&record={first.id}").text
    assert "Curium Pharma" in only_first and "Isotopia Pharma" not in only_first
    history = client.get(f"/admin/audit/?company={second.id}").text
    assert "Isotopia Pharma" in history and "Curium Pharma" not in history
    assert "No entries." in client.get("/admin/audit/?actor=nobody").text
    assert "No entries." in client.get("/admin/audit/?actor=%25").text
    assert "No entries." in client.get("/admin/audit/?until=2000-01-01").text
    assert "Curium Pharma" in client.get("/admin/audit/?since=2000-01-01&actor=CLI").text
    assert client.get("/admin/audit/?record=x&since=never&page=-1").status_code == 200
    assert f'href="/admin/audit/?company={second.id}"' in client.get(f"/leads/{second.id}").text


def test_the_log_is_paginated(
    client: FlaskClient, admin: User, login: Callable[[User], None]
) -> None:
    for number in range(51):
        db.session.add(Company(name=f"Company {number}", normalised_name=f"company {number}"))
    db.session.commit()
    login(admin)
    first = client.get("/admin/audit/").text
    assert "Page 1 of 2" in first and first.count('class="changes"') == 50
    second = client.get("/admin/audit/?page=2").text
    assert "Page 2 of 2" in second and second.count('class="changes"') == 2  # and the admin


def test_entries_cannot_be_changed_through_the_session(app: Flask) -> None:
    leads.create_company({"name": "Curium Pharma", "country": "FR"})
    (entry,) = entries()
    entry.actor_name = "someone else"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()


# The trigger is PostgreSQL's; on SQLite the session guard above is the protection.
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_postgresql_refuses_to_change_or_delete_an_entry(app: Flask) -> None:
    leads.create_company({"name": "Curium Pharma", "country": "FR"})
    db.session.commit()
    for statement in ("UPDATE audit_entries SET actor_name = 'x'", "DELETE FROM audit_entries"):
        with pytest.raises(DBAPIError, match="cannot be changed or deleted"):
            db.session.execute(text(statement))
        db.session.rollback()
    assert len(entries()) == 1


EMAIL = "jane.doe@isotopes.example"


def test_an_erased_person_leaves_no_trace_in_the_log_and_their_export_lists_it(
    app: Flask, create_event: Callable[..., Event], create_registration: Callable[..., Registration]
) -> None:
    company = leads.create_company({"name": "Isotopes Ltd", "country": "GB"})
    contact = Contact(company=company, name="Jane Doe", email=EMAIL, phone="+44 20 1234")
    db.session.add(contact)
    db.session.flush()
    contact.position = "Chief Executive"
    record_activity(company, ActivityKind.note, "Call with Jane Doe", body=f"Wrote to {EMAIL}")
    registration = create_registration(create_event(), name="Jane Doe", email=EMAIL)
    db.session.commit()

    exported = personal_data(EMAIL)["audit_log"]
    assert {entry["record"] for entry in exported} >= {
        f"contact {contact.id}",
        f"registration {registration.id}",
    }
    assert any(entry["changes"].get("position") == [None, "Chief Executive"] for entry in exported)

    erase_person(EMAIL)
    db.session.commit()
    log = stored_log()
    for trace in ("Jane Doe", EMAIL, "+44 20 1234", "Chief Executive"):
        assert trace not in log
    assert "Isotopes Ltd" in log  # what is not about the person stays
    deleted = [e for e in entries("contact") if e.action is AuditAction.deleted]
    assert contact.id in [e.record_id for e in deleted]
    assert json.dumps(personal_data(EMAIL)["audit_log"]) == "[]"
