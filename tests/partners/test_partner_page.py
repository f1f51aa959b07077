from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient

from crm.extensions import db
from crm.leads.models import Company, Stage
from crm.partners.models import LinkStatus, PartnerLink
from crm.partners.services import change_link_status, matching_leads_for

Companies = Callable[..., Company]
Links = Callable[..., PartnerLink]


def test_the_staff_partner_page_groups_linked_companies_by_status_with_counts(
    staff_client: FlaskClient, create_link: Links, create_company: Companies
) -> None:
    create_link(create_company(name="Alpha Isotopes AB"))
    create_link(create_company(name="Beta Tracers SA"))
    declined = create_link(create_company(name="Gamma Pharma Ltd"))
    change_link_status(declined, LinkStatus.declined, None)
    db.session.commit()
    page = staff_client.get("/partners/cup-laboratorien").text
    assert "Suggested: <strong>2</strong>" in page
    assert "Declined: <strong>1</strong>" in page
    assert "Collaborating: <strong>0</strong>" in page
    assert "<h3>Declined (1)</h3>" in page
    assert page.index("Alpha Isotopes") < page.index("Beta Tracers") < page.index("Gamma Pharma")


def test_open_leads_that_match_but_are_not_linked_are_listed_with_the_reason(
    create_company: Companies, create_link: Links, partner: Callable[[str], object]
) -> None:
    matching = create_company(name="Needs Sterility GmbH", needs=("sterility-testing",))
    linked = create_company(name="Linked GmbH", needs=("hplc",))
    create_link(linked)
    create_company(name="Lost GmbH", needs=("hplc",), stage=Stage.lost)
    create_company(name="Needs Hot Cells GmbH", needs=("hot-cells",))
    leads = matching_leads_for(partner("cup-laboratorien"))  # type: ignore[arg-type]
    assert [(c.name, s.explanation) for c, s in leads] == [
        (matching.name, "matches: Sterility testing")
    ]


def test_the_staff_partner_page_shows_matching_leads(
    staff_client: FlaskClient, create_company: Companies
) -> None:
    create_company(name="Needs Sterility GmbH", needs=("sterility-testing",))
    page = staff_client.get("/partners/cup-laboratorien").text
    assert "Needs Sterility GmbH" in page
    assert "matches: Sterility testing" in page


def test_the_partner_page_query_count_does_not_grow_with_the_number_of_links(
    staff_client: FlaskClient,
    create_link: Links,
    create_company: Companies,
    staff_user: object,
    count_queries: Callable[[], Any],
) -> None:
    def queries_for_partner_page() -> int:
        with count_queries() as statements:
            assert staff_client.get("/partners/cup-laboratorien").status_code == 200
        return len(statements)

    first = create_link(create_company(needs=("hplc",)), by=staff_user)
    change_link_status(first, LinkStatus.declined, None)
    db.session.commit()
    few = queries_for_partner_page()
    for _ in range(4):
        link = create_link(create_company(needs=("hplc",)), by=staff_user)
        change_link_status(link, LinkStatus.declined, None)
    db.session.commit()
    assert queries_for_partner_page() == few
