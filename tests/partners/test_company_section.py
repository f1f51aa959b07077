"""The partner section the company page includes: ``{{ partners_of_company(company) }}``."""

from collections.abc import Callable

from flask import Flask, render_template_string
from flask.testing import FlaskClient
from flask_login import login_user

from crm.auth.models import User
from crm.leads.models import Company
from crm.partners.models import PartnerLink


def test_the_company_page_can_include_the_partner_section(
    app: Flask, staff_user: User, create_link: Callable[..., PartnerLink]
) -> None:
    link = create_link()
    with app.test_request_context():
        login_user(staff_user)
        html = render_template_string("{{ partners_of_company(company) }}", company=link.company)
    assert 'id="company-partners-heading"' in html
    assert "CUP Laboratorien Dr. Freitag GmbH" in html
    assert "Change status" in html


def test_the_company_partner_page_escapes_company_names(
    staff_client: FlaskClient, create_company: Callable[..., Company]
) -> None:
    company = create_company(name="<b>Bold</b> Isotopes")
    page = staff_client.get(f"/companies/{company.id}/partners")
    assert "<b>Bold</b>" not in page.text
    assert "&lt;b&gt;Bold&lt;/b&gt; Isotopes" in page.text


def test_an_unknown_company_gives_not_found(staff_client: FlaskClient, seeded: None) -> None:
    assert staff_client.get("/companies/4711/partners").status_code == 404
