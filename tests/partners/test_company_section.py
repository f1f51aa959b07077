"""The partner section the company page includes: ``{{ partners_of_company(company) }}``."""

import re
from collections.abc import Callable

from flask import Flask, render_template_string
from flask.testing import FlaskClient
from flask_login import login_user

from crm.auth.models import User
from crm.leads.models import Company
from crm.partners.models import Partner, PartnerLink
from tests.helpers import csrf_token

Partners = Callable[[str], Partner]


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


def test_every_field_on_the_lead_page_has_an_id_of_its_own_so_its_label_names_it(
    staff_client: FlaskClient, create_company: Callable[..., Company]
) -> None:
    company = create_company(needs=("sterility-testing",))
    page = staff_client.get(f"/leads/{company.id}").text
    ids = re.findall(r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert '<label for="link-reason">' in page


def test_accepting_a_suggestion_on_the_lead_page_leads_back_to_the_lead_page(
    staff_client: FlaskClient, create_company: Callable[..., Company], partner: Partners
) -> None:
    company = create_company(needs=("sterility-testing",))
    page = staff_client.get(f"/leads/{company.id}").text
    cup = partner("cup-laboratorien")
    accept = f"/companies/{company.id}/partners/{cup.id}/accept?from=lead"
    assert f'action="{accept}"' in page
    response = staff_client.post(accept, data={"csrf_token": csrf_token(page)})
    assert response.location == f"/leads/{company.id}#company-partners"


def test_the_company_partner_page_links_to_the_lead(
    staff_client: FlaskClient, create_company: Callable[..., Company]
) -> None:
    company = create_company()
    page = staff_client.get(f"/companies/{company.id}/partners").text
    assert f'<a href="/leads/{company.id}">' in page
