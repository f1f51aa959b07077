from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from crm.auth.models import User
from crm.extensions import db
from crm.leads.models import Activity, ActivityKind, Company
from crm.mail.models import OutboxMessage
from crm.partners.models import LinkStatus, Partner, PartnerLink
from crm.partners.services import introduce
from crm.refusals import Refused
from tests.helpers import csrf_token

Links = Callable[..., PartnerLink]


@pytest.fixture
def cup_with_contact(partner: Callable[[str], Partner]) -> Partner:
    cup = partner("cup-laboratorien")
    cup.contact_name = "Dr. Anna Freitag"
    cup.contact_email = "anna.freitag@cup.example"
    db.session.commit()
    return cup


def test_introducing_queues_a_mail_to_the_partner_contact(
    cup_with_contact: Partner, create_link: Links, staff_user: User
) -> None:
    link = create_link(by=staff_user)
    message = introduce(link, staff_user)
    db.session.commit()
    assert message.key == f"introduction:link:{link.id}:1"
    assert (message.to_email, message.to_name) == ("anna.freitag@cup.example", "Dr. Anna Freitag")
    assert message.company_id == link.company_id
    assert link.company.name in message.subject
    assert "Dear Dr. Anna Freitag" in message.text_body
    assert "Needs sterility testing" in message.text_body
    assert staff_user.name in (message.html_body or "")


def test_introducing_moves_the_link_to_introduced(
    cup_with_contact: Partner, create_link: Links, staff_user: User
) -> None:
    link = create_link()
    introduce(link, staff_user)
    assert link.status is LinkStatus.introduced
    assert link.changes[-1].changed_by == staff_user


def test_introducing_shows_on_the_company_timeline(
    cup_with_contact: Partner, create_link: Links, staff_user: User
) -> None:
    link = create_link()
    introduce(link, staff_user)
    db.session.commit()
    activity = db.session.scalars(select(Activity)).one()
    assert activity.company_id == link.company_id
    assert activity.kind is ActivityKind.mail_sent
    assert activity.subject == f"Introduced to {cup_with_contact.name}"


def test_a_partner_without_contact_email_cannot_be_introduced_and_nothing_changes(
    create_link: Links, staff_user: User
) -> None:
    link = create_link()
    with pytest.raises(Refused, match="has no contact email"):
        introduce(link, staff_user)
    assert link.status is LinkStatus.suggested
    assert db.session.scalar(select(OutboxMessage)) is None
    assert db.session.scalar(select(Activity)) is None


def test_company_names_are_escaped_in_the_html_introduction(
    cup_with_contact: Partner, create_link: Links, create_company: Callable[..., object]
) -> None:
    link = create_link(create_company(name="<script>alert(1)</script> GmbH"))
    message = introduce(link, None)
    assert "<script>" not in (message.html_body or "")
    assert "&lt;script&gt;" in (message.html_body or "")


def test_staff_introduce_from_the_partner_page(
    staff_client: FlaskClient, cup_with_contact: Partner, create_link: Links
) -> None:
    link = create_link()
    page = staff_client.get("/partners/cup-laboratorien")
    assert "Introduce by mail" in page.text
    response = staff_client.post(
        f"/partners/links/{link.id}/introduce?from=partner",
        data={"csrf_token": csrf_token(page.text)},
        follow_redirects=True,
    )
    assert "Introduction to CUP Laboratorien Dr. Freitag GmbH queued" in response.text
    assert db.session.scalars(select(OutboxMessage)).one().to_email == "anna.freitag@cup.example"


def test_introducing_through_a_partner_without_email_shows_a_clear_message(
    staff_client: FlaskClient, create_link: Links
) -> None:
    link = create_link()
    page = staff_client.get(f"/companies/{link.company_id}/partners")
    response = staff_client.post(
        f"/partners/links/{link.id}/introduce",
        data={"csrf_token": csrf_token(page.text)},
        follow_redirects=True,
    )
    assert "has no contact email; add one to the partner before introducing" in response.text
    assert db.session.scalar(select(OutboxMessage)) is None


def test_the_introduction_text_reads_as_expected(
    cup_with_contact: Partner,
    create_company: Callable[..., Company],
    create_link: Links,
    staff_user: User,
) -> None:
    company = create_company(
        name="Nordlicht Isotopes AB",
        city="Uppsala",
        country="SE",
        sector="Radiopharmaceutical manufacturing",
        description="Plans a GMP site for Lu-177 compounds.",
        needs=("sterility-testing", "hplc"),
    )
    message = introduce(create_link(company, reason="Needs release testing"), staff_user)
    assert message.text_body == (
        "Dear Dr. Anna Freitag,\n"
        "\n"
        "Saxony Trade & Invest would like to introduce Nordlicht Isotopes AB to "
        "CUP Laboratorien Dr. Freitag GmbH.\n"
        "\n"
        "Nordlicht Isotopes AB (Uppsala, SE)\n"
        "Sector: Radiopharmaceutical manufacturing\n"
        "Looking for: HPLC analysis, Sterility testing\n"
        "Why we think you should meet: Needs release testing\n"
        "\n"
        "Plans a GMP site for Lu-177 compounds.\n"
        "\n"
        "If you would like to talk to them, reply to this mail and we will put you in touch.\n"
        "\n"
        "Kind regards\n"
        "Staff 1\n"
        "nukliD Radiopharmacy Cluster Dresden · Saxony Trade & Invest"
    )
