"""Staff create, view, edit and archive companies; viewers read; admins delete."""

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from crm.auth.models import Role, User
from crm.extensions import db
from crm.leads.models import Company, InvestmentType
from crm.partners.models import Capability
from tests.helpers import submit_form

NEW_COMPANY = {
    "name": "Nordlicht Isotopes AB",
    "website": "https://www.nordlicht-isotopes.example/en",
    "country": "se",
    "city": "Uppsala",
    "source": "event",
    "owner_id": "",
    "investment_type": "new_site",
    "new_jobs": "40",
    "safeguarded_jobs": "0",
    "capex_eur": "12000000",
    "likelihood_percent": "60",
    "estimated_landing_on": "2027-03-01",
    "competing_locations": "Leuven, Uppsala",
    "site_area_m2": "2500",
    "needs_cleanroom": "y",
    "needs_hot_cells": "y",
}


def test_staff_create_a_company_with_its_investment_and_site_requirement(
    staff_client: FlaskClient, hot_cells: Capability
) -> None:
    response = submit_form(staff_client, "/leads/new", NEW_COMPANY | {"needs": "hot-cells"})
    assert response.status_code == 302
    company = db.session.query(Company).one()
    assert company.domain == "nordlicht-isotopes.example"
    assert company.country == "SE"
    assert company.investment_type is InvestmentType.new_site
    assert (company.new_jobs, company.capex_eur, company.site_area_m2) == (40, 12_000_000, 2500)
    assert company.needs_hot_cells and not company.needs_gmp
    assert company.needs == [hot_cells]
    assert [change.to_stage.name for change in company.stage_changes] == ["enquiry"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("country", "Germany", "two-letter country code"),
        ("website", "not a url", "full address"),
        ("new_jobs", "-3", "Between 0 and"),
        ("likelihood_percent", "120", "Between 0 and 100"),
        ("estimated_landing_on", "31.02.2027", "Not a valid date"),
    ],
)
def test_bad_company_input_is_explained_next_to_the_field(
    staff_client: FlaskClient, field: str, value: str, message: str
) -> None:
    response = submit_form(staff_client, "/leads/new", NEW_COMPANY | {field: value})
    assert response.status_code == 422
    assert message in response.text
    assert db.session.query(Company).count() == 0


def test_the_company_page_shows_its_details_escaped(
    staff_client: FlaskClient, create_company: Callable[..., Company]
) -> None:
    company = create_company(name="<script>alert(1)</script> GmbH", city="Dresden")
    response = staff_client.get(f"/leads/{company.id}")
    assert response.status_code == 200
    assert "&lt;script&gt;" in response.text
    assert "<script>alert" not in response.text


def test_an_edit_is_saved(staff_client: FlaskClient, company: Company) -> None:
    url = f"/leads/{company.id}/edit"
    page = staff_client.get(url)
    assert 'name="version" type="hidden" value="1"' in page.text
    response = submit_form(staff_client, url, NEW_COMPANY | {"name": "Rotop", "version": "1"})
    assert response.status_code == 302
    db.session.refresh(company)
    assert company.name == "Rotop"
    assert company.version == 2


def test_an_edit_made_on_a_stale_form_is_refused_not_saved(
    staff_client: FlaskClient, company: Company
) -> None:
    company.city = "Radeberg"  # someone else saves first
    db.session.commit()
    response = submit_form(
        staff_client,
        f"/leads/{company.id}/edit",
        NEW_COMPANY | {"name": "Overwritten", "version": "1"},
    )
    assert response.status_code == 303
    follow = staff_client.get(response.headers["Location"])
    assert "Someone else changed this company" in follow.text
    db.session.refresh(company)
    assert (company.name, company.city) == ("ROTOP Pharmaka GmbH", "Radeberg")


def test_archiving_hides_a_company_from_the_list(
    staff_client: FlaskClient, company: Company
) -> None:
    response = submit_form(
        staff_client, f"/leads/{company.id}/archive", {}, form_page=f"/leads/{company.id}"
    )
    assert response.status_code == 302
    assert "ROTOP" not in staff_client.get("/leads/").text
    assert "ROTOP" in staff_client.get("/leads/?archived=yes").text


def test_a_viewer_reads_but_cannot_edit(
    client: FlaskClient,
    create_user: Callable[..., User],
    login: Callable[[User], None],
    company: Company,
) -> None:
    login(create_user(Role.viewer))
    page = client.get(f"/leads/{company.id}")
    assert page.status_code == 200
    assert "Add to the timeline" not in page.text
    assert client.get(f"/leads/{company.id}/edit").status_code == 403
    response = submit_form(
        client, f"/leads/{company.id}/archive", {}, form_page=f"/leads/{company.id}"
    )
    assert response.status_code == 403


@pytest.mark.parametrize(("role", "status"), [(Role.staff, 403), (Role.admin, 302)])
def test_only_admins_delete_a_company(
    client: FlaskClient,
    create_user: Callable[..., User],
    login: Callable[[User], None],
    company: Company,
    role: Role,
    status: int,
) -> None:
    login(create_user(role))
    company_id = company.id
    response = submit_form(
        client, f"/leads/{company_id}/delete", {}, form_page=f"/leads/{company_id}"
    )
    assert response.status_code == status
    db.session.expire_all()
    assert (db.session.get(Company, company_id) is None) == (role is Role.admin)


def test_leads_need_a_login(client: FlaskClient) -> None:
    assert client.get("/leads/").status_code == 302


def test_a_company_has_several_contacts_with_language_and_consent(
    staff_client: FlaskClient, company: Company
) -> None:
    url = f"/leads/{company.id}/contacts/new"
    first = {"name": "Anna Berg", "email": "Anna@Rotop-Pharmaka.de", "language": "de"}
    consented = {"has_consent": "y", "consent_version": "2025-10"}
    assert submit_form(staff_client, url, first | consented).status_code == 302
    second = {"name": "Ben Carter", "email": "ben@rotop-pharmaka.de", "language": "en"}
    assert submit_form(staff_client, url, second).status_code == 302
    db.session.refresh(company)
    anna, ben = company.contacts
    assert (anna.email, anna.language, anna.consent_version) == (
        "anna@rotop-pharmaka.de",
        "de",
        "2025-10",
    )
    assert anna.consent_at is not None
    assert ben.consent_at is None


def test_consent_without_the_text_version_is_refused(
    staff_client: FlaskClient, company: Company
) -> None:
    response = submit_form(
        staff_client,
        f"/leads/{company.id}/contacts/new",
        {"name": "Anna", "email": "anna@example.org", "language": "de", "has_consent": "y"},
    )
    assert response.status_code == 422
    assert "consent text" in response.text


def test_a_contact_with_a_bad_email_is_refused(staff_client: FlaskClient, company: Company) -> None:
    response = submit_form(
        staff_client,
        f"/leads/{company.id}/contacts/new",
        {"name": "Anna", "email": "anna@", "language": "de"},
    )
    assert response.status_code == 422
    assert "Not a valid email address." in response.text


def test_staff_see_the_action_forms_on_the_company_page(
    staff_client: FlaskClient, company: Company
) -> None:
    page = staff_client.get(f"/leads/{company.id}").text
    for action in ("Add to the timeline", "Add task", "Move</button>", "Merge</button>", "Edit"):
        assert action in page


def test_a_contact_can_be_edited_and_its_consent_withdrawn(
    staff_client: FlaskClient, company: Company
) -> None:
    url = f"/leads/{company.id}/contacts/new"
    consented = {"has_consent": "y", "consent_version": "2025-10"}
    submit_form(staff_client, url, {"name": "Anna", "language": "de"} | consented)
    db.session.refresh(company)
    anna = company.contacts[0]
    edit_url = f"/leads/{company.id}/contacts/{anna.id}"
    assert 'value="Anna"' in staff_client.get(edit_url).text
    response = submit_form(staff_client, edit_url, {"name": "Anna Berg", "language": "en"})
    assert response.status_code == 302
    db.session.refresh(anna)
    assert (anna.name, anna.language, anna.consent_at, anna.consent_version) == (
        "Anna Berg",
        "en",
        None,
        None,
    )


def test_the_company_form_lists_the_needs_by_group_in_the_staff_members_language(
    staff_client: FlaskClient, capability: Callable[[str], Capability]
) -> None:
    for slug in ("hplc", "hot-cells"):
        capability(slug)
    german = staff_client.get("/leads/new?lang=de").text
    analytics = german.index("<legend>Analytik und Qualitätskontrolle</legend>")
    facilities = german.index("<legend>Anlagen, Ausrüstung und Software</legend>")
    assert analytics < german.index("HPLC-Analytik") < facilities
    assert facilities < german.index("Heiße Zellen nach Maß")
    english = staff_client.get("/leads/new?lang=en").text
    assert "<legend>Analytics and quality control</legend>" in english
    assert "HPLC analysis" in english and "HPLC-Analytik" not in english
