from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import select

from crm.auth.models import Role, User
from crm.extensions import db
from crm.leads.models import Company
from crm.partners.models import (
    DismissedSuggestion,
    LinkSource,
    LinkStatus,
    Partner,
    PartnerLink,
)
from crm.partners.services import accept_suggestion, dismiss_suggestion, suggestions_for
from tests.helpers import csrf_token

Companies = Callable[..., Company]
Partners = Callable[[str], Partner]


def suggested_slugs(company: Company) -> list[str]:
    return [s.partner.slug for s in suggestions_for(company).suggestions]


def test_a_company_needing_gmp_production_and_sterility_testing_gets_abx_and_cup_first(
    create_company: Companies,
) -> None:
    company = create_company(needs=("gmp-production", "sterility-testing"))
    ranking = suggestions_for(company)
    assert {s.partner.slug for s in ranking.suggestions[:2]} == {"abx", "cup-laboratorien"}
    explanations = {s.partner.slug: s.explanation for s in ranking.suggestions}
    assert explanations["abx"] == "matches: GMP production"
    assert explanations["cup-laboratorien"] == "matches: Sterility testing"


def test_a_company_without_needs_gets_no_suggestions_and_says_why(
    create_company: Companies,
) -> None:
    ranking = suggestions_for(create_company())
    assert ranking.suggestions == []
    assert "No needs are recorded" in (ranking.why_empty or "")


def test_accepting_a_suggestion_links_the_partner_with_source_suggestion(
    create_company: Companies, partner: Partners, staff_user: User
) -> None:
    company = create_company(needs=("gmp-production",))
    link = accept_suggestion(company, partner("abx"), staff_user)
    db.session.commit()
    assert link.source is LinkSource.suggestion
    assert link.status is LinkStatus.suggested
    assert link.created_by == staff_user
    assert link.reason == "matches: GMP production"
    assert "abx" not in suggested_slugs(company)


def test_a_dismissed_partner_is_never_suggested_again(
    create_company: Companies, partner: Partners, staff_user: User
) -> None:
    company = create_company(needs=("gmp-production", "sterility-testing"))
    dismiss_suggestion(company, partner("abx"), staff_user)
    db.session.commit()
    assert "abx" not in suggested_slugs(company)
    assert "cup-laboratorien" in suggested_slugs(company)


def test_archived_partners_are_not_suggested(create_company: Companies, partner: Partners) -> None:
    partner("abx").is_archived = True
    db.session.commit()
    assert suggested_slugs(create_company(needs=("gmp-production",))) == []


def test_staff_accept_a_suggestion_on_the_company_partner_page(
    staff_client: FlaskClient, create_company: Companies, partner: Partners
) -> None:
    company = create_company(needs=("sterility-testing",))
    page = staff_client.get(f"/companies/{company.id}/partners")
    assert "matches: Sterility testing" in page.text
    assert 'aria-label="Accept CUP Laboratorien Dr. Freitag GmbH">Accept<' in page.text
    assert 'aria-label="Dismiss CUP Laboratorien Dr. Freitag GmbH">Dismiss<' in page.text
    cup = partner("cup-laboratorien")
    response = staff_client.post(
        f"/companies/{company.id}/partners/{cup.id}/accept",
        data={"csrf_token": csrf_token(page.text)},
    )
    assert response.status_code == 302
    link = db.session.scalars(select(PartnerLink)).one()
    assert (link.partner, link.source) == (cup, LinkSource.suggestion)


def test_staff_dismiss_a_suggestion_on_the_company_partner_page(
    staff_client: FlaskClient, create_company: Companies, partner: Partners
) -> None:
    company = create_company(needs=("sterility-testing",))
    page = staff_client.get(f"/companies/{company.id}/partners")
    cup = partner("cup-laboratorien")
    staff_client.post(
        f"/companies/{company.id}/partners/{cup.id}/dismiss",
        data={"csrf_token": csrf_token(page.text)},
    )
    assert db.session.scalar(select(DismissedSuggestion.partner_id)) == cup.id
    assert "No partner offers" in staff_client.get(f"/companies/{company.id}/partners").text


def test_dismissing_a_partner_that_is_not_suggested_is_refused_with_a_message(
    staff_client: FlaskClient, create_company: Companies, partner: Partners
) -> None:
    company = create_company(needs=("sterility-testing",))
    page = staff_client.get(f"/companies/{company.id}/partners")
    response = staff_client.post(
        f"/companies/{company.id}/partners/{partner('itd').id}/dismiss",
        data={"csrf_token": csrf_token(page.text)},
        follow_redirects=True,
    )
    assert "is not among the suggestions" in response.text
    assert db.session.scalar(select(DismissedSuggestion)) is None


def test_the_company_partner_page_says_why_there_are_no_suggestions(
    staff_client: FlaskClient, create_company: Companies
) -> None:
    company = create_company()
    assert "No needs are recorded" in staff_client.get(f"/companies/{company.id}/partners").text


def test_viewers_see_suggestions_but_cannot_accept_them(
    client: FlaskClient,
    create_user: Callable[..., User],
    login: Callable[[User], None],
    create_company: Companies,
    partner: Partners,
) -> None:
    login(create_user(Role.viewer))
    company = create_company(needs=("sterility-testing",))
    page = client.get(f"/companies/{company.id}/partners")
    assert "matches: Sterility testing" in page.text
    assert "Accept" not in page.text
    response = client.post(
        f"/companies/{company.id}/partners/{partner('cup-laboratorien').id}/accept",
        data={"csrf_token": csrf_token(page.text)},
    )
    assert response.status_code == 403


def test_the_site_requirement_counts_as_needs_in_the_ranking(create_company: Companies) -> None:
    company = create_company(needs=("sterility-testing",))
    company.needs_hot_cells = True
    db.session.commit()
    ranking = suggestions_for(company)
    explanations = {s.partner.slug: s.explanation for s in ranking.suggestions}
    assert ranking.suggestions[0].partner.slug == "itd"
    assert explanations["itd"] == "matches: Custom hot cells, In-cell equipment"
    assert explanations["cup-laboratorien"] == "matches: Sterility testing"


def test_a_site_requirement_alone_is_enough_for_suggestions(create_company: Companies) -> None:
    company = create_company()
    company.needs_gmp = True
    db.session.commit()
    assert suggested_slugs(company) == ["abx"]
