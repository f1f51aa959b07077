from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from crm.auth.models import User
from crm.events.models import Event
from crm.extensions import db
from crm.leads.models import Company
from crm.partners.models import LinkSource, LinkStatus, Partner, PartnerLink, PartnerLinkChange
from crm.partners.services import (
    change_link_status,
    introduce,
    link_company_to_partner,
)
from crm.refusals import Refused
from tests.helpers import csrf_token, submit_form

Links = Callable[..., PartnerLink]


def test_a_new_link_is_suggested_and_records_who_made_it(
    create_link: Links, staff_user: User
) -> None:
    link = create_link(by=staff_user)
    assert link.status is LinkStatus.suggested
    assert link.created_by == staff_user
    assert [(c.from_status, c.to_status) for c in link.changes] == [(None, LinkStatus.suggested)]


def test_linking_the_same_partner_twice_updates_the_existing_link(
    create_link: Links, create_company: Callable[..., Company], partner: Callable[[str], Partner]
) -> None:
    company = create_company()
    first = create_link(company, reason="Analytics")
    second = link_company_to_partner(
        company,
        partner("cup-laboratorien"),
        reason="Sterility testing",
        source=LinkSource.staff,
        by=None,
    )
    db.session.commit()
    assert second.id == first.id
    assert second.reason == "Sterility testing"
    assert db.session.scalar(select(func.count()).select_from(PartnerLink)) == 1


def test_a_link_from_an_event_keeps_its_event(create_link: Links) -> None:
    event = db.session.scalars(select(Event).where(Event.slug == "eanm-2025-lunch")).one()
    link = create_link(source=LinkSource.event, event=event)
    assert link.event == event
    assert link.source is LinkSource.event


def test_an_allowed_status_change_is_recorded_with_who_and_when(
    create_link: Links, staff_user: User
) -> None:
    link = create_link()
    link.partner.contact_email = "lab@cup.example"
    introduce(link, staff_user)
    change_link_status(link, LinkStatus.in_contact, staff_user)
    db.session.commit()
    assert link.status is LinkStatus.in_contact
    last = link.changes[-1]
    assert (last.from_status, last.to_status, last.changed_by) == (
        LinkStatus.introduced,
        LinkStatus.in_contact,
        staff_user,
    )
    assert last.changed_at is not None


def test_a_link_cannot_skip_to_collaborating(create_link: Links, staff_user: User) -> None:
    link = create_link()
    with pytest.raises(Refused):
        change_link_status(link, LinkStatus.collaborating, staff_user)
    assert link.status is LinkStatus.suggested
    assert db.session.scalar(select(func.count()).select_from(PartnerLinkChange)) == 1


def test_a_declined_link_can_be_reopened_as_suggested(create_link: Links) -> None:
    link = create_link()
    change_link_status(link, LinkStatus.declined, None)
    change_link_status(link, LinkStatus.suggested, None)
    assert link.status is LinkStatus.suggested


def test_staff_link_a_partner_with_a_reason_on_the_company_page(
    staff_client: FlaskClient,
    create_company: Callable[..., Company],
    partner: Callable[[str], Partner],
) -> None:
    company = create_company()
    url = f"/companies/{company.id}/partners"
    response = submit_form(
        staff_client, url, {"partner": partner("hzdr").id, "reason": "Joint PET research"}
    )
    assert response.status_code == 302
    link = db.session.scalars(select(PartnerLink)).one()
    assert (link.partner.slug, link.reason, link.source) == (
        "hzdr",
        "Joint PET research",
        LinkSource.staff,
    )


def test_linking_without_a_reason_is_shown_next_to_the_field(
    staff_client: FlaskClient,
    create_company: Callable[..., Company],
    partner: Callable[[str], Partner],
) -> None:
    company = create_company()
    url = f"/companies/{company.id}/partners"
    response = submit_form(staff_client, url, {"partner": partner("hzdr").id, "reason": ""})
    assert response.status_code == 422
    assert 'aria-describedby="link-reason-error"' in response.text
    assert 'id="link-reason-error"' in response.text


def test_staff_change_a_link_status_and_see_the_history_on_both_pages(
    staff_client: FlaskClient, create_link: Links
) -> None:
    link = create_link()
    page = staff_client.get(f"/companies/{link.company_id}/partners")
    response = staff_client.post(
        f"/partners/links/{link.id}/status",
        data={"csrf_token": csrf_token(page.text), "status": "declined"},
    )
    assert response.status_code == 302
    company_page = staff_client.get(f"/companies/{link.company_id}/partners").text
    partner_page = staff_client.get("/partners/cup-laboratorien").text
    for text in (company_page, partner_page):
        assert "Suggested → Declined" in text
        assert "Staff 1" in text


def test_a_status_change_that_is_not_allowed_gives_a_message_not_an_error(
    staff_client: FlaskClient, create_link: Links
) -> None:
    link = create_link()
    page = staff_client.get(f"/companies/{link.company_id}/partners")
    response = staff_client.post(
        f"/partners/links/{link.id}/status",
        data={"csrf_token": csrf_token(page.text), "status": "collaborating"},
        follow_redirects=True,
    )
    assert "cannot move from suggested to collaborating" in response.text
    assert link.status is LinkStatus.suggested


def test_an_unknown_status_value_gives_a_message_not_an_error(
    staff_client: FlaskClient, create_link: Links
) -> None:
    link = create_link()
    page = staff_client.get(f"/companies/{link.company_id}/partners")
    response = staff_client.post(
        f"/partners/links/{link.id}/status",
        data={"csrf_token": csrf_token(page.text), "status": "married"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Not a valid choice" in response.text


def test_introduced_comes_only_with_the_introduction_mail(
    create_link: Links, staff_user: User
) -> None:
    link = create_link()
    with pytest.raises(Refused) as refused:
        change_link_status(link, LinkStatus.introduced, staff_user)
    assert (refused.value.code, refused.value.field) == ("introduce_by_mail", "status")
    assert link.status is LinkStatus.suggested


def test_the_staff_page_refuses_introduced_without_the_mail(
    staff_client: FlaskClient, create_link: Links
) -> None:
    link = create_link()
    response = submit_form(
        staff_client,
        f"/partners/links/{link.id}/status",
        {"status": "introduced"},
        form_page=f"/companies/{link.company_id}/partners",
    )
    assert response.status_code == 302
    page = staff_client.get(f"/companies/{link.company_id}/partners").text
    assert "introduced only by sending the introduction mail" in page
    db.session.refresh(link)
    assert link.status is LinkStatus.suggested
