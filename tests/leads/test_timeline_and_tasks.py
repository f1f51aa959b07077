"""Staff write the timeline and plan follow-ups; other capabilities add entries through it."""

from collections.abc import Callable
from datetime import date

from flask.testing import FlaskClient

from crm.auth.models import User
from crm.extensions import db
from crm.leads.models import Activity, ActivityKind, Company, FollowUpTask
from crm.leads.services import create_task
from crm.leads.timeline import record_activity
from tests.helpers import submit_form


def test_staff_log_a_call_on_the_timeline(
    staff_client: FlaskClient, company: Company, staff_user: User
) -> None:
    response = submit_form(
        staff_client,
        f"/leads/{company.id}/activities",
        {"kind": "call", "subject": "Spoke to the CFO", "body": "Wants 2,000 m²"},
        form_page=f"/leads/{company.id}",
    )
    assert response.status_code == 302
    page = staff_client.get(f"/leads/{company.id}").text
    assert "Spoke to the CFO" in page
    assert "Wants 2,000 m²" in page


def test_staff_cannot_write_system_entries(staff_client: FlaskClient, company: Company) -> None:
    response = submit_form(
        staff_client,
        f"/leads/{company.id}/activities",
        {"kind": "registration", "subject": "Fake"},
        form_page=f"/leads/{company.id}",
    )
    assert response.status_code == 422


def test_entries_from_other_capabilities_show_on_the_timeline(
    staff_client: FlaskClient, company: Company
) -> None:
    record_activity(company, ActivityKind.registration, "Registered for German Biotech Days")
    db.session.commit()
    assert "Registered for German Biotech Days" in staff_client.get(f"/leads/{company.id}").text


def test_my_tasks_lists_overdue_first_and_leaves_out_others_and_done(
    staff_client: FlaskClient,
    staff_user: User,
    create_user: Callable[..., User],
    company: Company,
    clock: Callable[[str], None],
) -> None:
    clock("2025-10-21T07:00:00+00:00")
    create_task(company, "Send the site plan", date(2025, 10, 30), owner_id=staff_user.id)
    create_task(company, "Call back", date(2025, 10, 15), owner_id=staff_user.id)
    create_task(company, "Someone else's", date(2025, 10, 1), owner_id=create_user().id)
    done = create_task(company, "Already done", date(2025, 10, 2), owner_id=staff_user.id)
    done.is_done = True
    db.session.commit()
    page = staff_client.get("/leads/tasks").text
    assert page.index("Call back") < page.index("Send the site plan")
    assert page.count("<strong>overdue</strong>") == 1
    assert "Someone else" not in page
    assert "Already done" not in page


def test_a_task_added_on_the_company_page_can_be_marked_done(
    staff_client: FlaskClient, company: Company, staff_user: User
) -> None:
    response = submit_form(
        staff_client,
        f"/leads/{company.id}/tasks",
        {"title": "Send offer", "due_on": "2030-01-15", "owner_id": str(staff_user.id)},
        form_page=f"/leads/{company.id}",
    )
    assert response.status_code == 302
    task = db.session.query(FollowUpTask).one()
    assert (task.owner_id, task.company_id, task.is_done) == (staff_user.id, company.id, False)
    response = submit_form(
        staff_client, f"/leads/tasks/{task.id}/done", {}, form_page=f"/leads/{company.id}"
    )
    assert response.status_code == 302
    db.session.refresh(task)
    assert task.is_done
    assert task.done_at is not None


def test_a_task_without_a_due_date_is_refused(staff_client: FlaskClient, company: Company) -> None:
    response = submit_form(
        staff_client,
        f"/leads/{company.id}/tasks",
        {"title": "Send offer", "due_on": "", "owner_id": ""},
        form_page=f"/leads/{company.id}",
    )
    assert response.status_code == 422
    assert "Give a due date." in response.text


def test_an_activity_time_is_read_in_the_staff_members_zone_berlin_by_default(
    staff_client: FlaskClient, company: Company
) -> None:
    response = submit_form(
        staff_client,
        f"/leads/{company.id}/activities",
        {"kind": "site_visit", "subject": "Tour of Rossendorf", "occurred_at": "2025-10-21T14:30"},
        form_page=f"/leads/{company.id}",
    )
    assert response.status_code == 302
    visit = db.session.query(Activity).one()
    assert visit.occurred_at.isoformat() == "2025-10-21T12:30:00+00:00"


def test_an_activity_time_outside_the_years_1900_to_2999_is_refused(
    staff_client: FlaskClient, company: Company
) -> None:
    response = submit_form(
        staff_client,
        f"/leads/{company.id}/activities",
        {"kind": "call", "subject": "Call from the past", "occurred_at": "0001-01-01T00:00"},
        form_page=f"/leads/{company.id}",
    )
    assert response.status_code == 422
    assert "Give a date between 1900 and 2999." in response.text
    assert db.session.query(Activity).count() == 0


def test_a_staff_member_in_another_zone_enters_and_reads_times_in_it(
    staff_client: FlaskClient, staff_user: User, company: Company
) -> None:
    response = submit_form(staff_client, "/account", {"timezone": "America/New_York"})
    assert response.status_code == 302
    assert staff_user.timezone == "America/New_York"

    submit_form(
        staff_client,
        f"/leads/{company.id}/activities",
        {"kind": "call", "subject": "Call from Boston", "occurred_at": "2025-10-21T09:00"},
        form_page=f"/leads/{company.id}",
    )

    call = db.session.query(Activity).one()
    assert call.occurred_at.isoformat() == "2025-10-21T13:00:00+00:00"
    page = staff_client.get(f"/leads/{company.id}").text
    assert "2025-10-21 09:00 EDT" in page
    assert "Your time (America/New_York)" in page


def test_an_unknown_time_zone_is_refused_next_to_the_field(staff_client: FlaskClient) -> None:
    response = submit_form(staff_client, "/account", {"timezone": "Mars/Olympus"})
    assert response.status_code == 422
    assert "Not a valid choice" in response.text
