from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import select

from crm.auth.models import Role, User
from crm.extensions import db
from crm.partners.models import Partner, PartnerKind, PartnerLink
from tests.helpers import csrf_token, submit_form

Partners = Callable[[str], Partner]

CUP_FORM = {
    "name": "CUP Laboratorien Dr. Freitag GmbH",
    "kind": "company",
    "location": "Radeberg",
    "description_en": "Radiopharmaceutical analytics.",
    "description_de": "Radiopharmazeutische Analytik.",
    "website": "https://www.cup-laboratorien.example",
    "contact_name": "Dr. Anna Freitag",
    "contact_email": "Anna.Freitag@cup.example",
    "capabilities": ["sterility-testing", "hplc"],
    "is_published": "y",
}


def test_the_public_directory_lists_the_seeded_partners_with_their_capabilities(
    client: FlaskClient, seeded: None
) -> None:
    page = client.get("/partners/")
    assert page.status_code == 200
    assert page.text.count("<article>") == 9
    assert "ABX advanced biochemical compounds GmbH" in page.text
    assert "Sterility testing" in page.text


def test_the_public_detail_page_shows_a_partner_without_staff_sections(
    client: FlaskClient, seeded: None
) -> None:
    page = client.get("/partners/hzdr")
    assert page.status_code == 200
    assert "PET imaging algorithms" in page.text
    assert "Linked companies" not in page.text


def test_unpublished_and_archived_partners_are_hidden_from_the_public(
    client: FlaskClient, partner: Partners
) -> None:
    partner("abx").is_published = False
    partner("trimt").is_archived = True
    db.session.commit()
    assert client.get("/partners/abx").status_code == 404
    assert client.get("/partners/trimt").status_code == 404
    listing = client.get("/partners/").text
    assert "ABX advanced" not in listing and "TRIMT" not in listing


def test_staff_see_unpublished_partners_marked_as_such(
    staff_client: FlaskClient, partner: Partners
) -> None:
    partner("abx").is_published = False
    db.session.commit()
    assert "not published" in staff_client.get("/partners/abx").text


def test_staff_add_a_partner_with_its_capabilities_and_both_descriptions(
    staff_client: FlaskClient, seeded: None
) -> None:
    data = CUP_FORM | {"name": "Radeberg Analytics GmbH"}
    response = submit_form(staff_client, "/partners/new", data)
    assert response.status_code == 302
    created = db.session.scalars(select(Partner).where(Partner.slug == "radeberg-analytics-gmbh"))
    partner = created.one()
    assert {c.slug for c in partner.capabilities} == {"sterility-testing", "hplc"}
    assert partner.contact_email == "anna.freitag@cup.example"
    assert partner.kind is PartnerKind.company
    assert partner.description_en == "Radiopharmaceutical analytics."
    assert partner.description_de == "Radiopharmazeutische Analytik."


def test_the_directory_shows_a_partner_in_the_readers_language_or_else_the_other(
    client: FlaskClient, partner: Partners
) -> None:
    partner("abx").description_de = ""
    db.session.commit()
    german = client.get("/partners/?lang=de").text
    assert "Radiopharmazeutische Analytik: Sterilitätsprüfungen" in german
    assert "Supplier of radiopharmaceutical pre-products" in german
    english = client.get("/partners/?lang=en").text
    assert "Radiopharmaceutical analytics: sterility testing" in english


def test_the_partner_form_lists_the_capabilities_by_group(
    staff_client: FlaskClient, seeded: None
) -> None:
    page = staff_client.get("/partners/new?lang=de").text
    assert "<legend>Analytik und Qualitätskontrolle</legend>" in page
    analytics = page.index("<legend>Analytik und Qualitätskontrolle</legend>")
    assert analytics < page.index("Sterilitätsprüfung") < page.index("<legend>Forschung")


def test_staff_edit_a_partner(staff_client: FlaskClient, partner: Partners) -> None:
    data = CUP_FORM | {"location": "Radeberg-Nord", "capabilities": ["hplc"]}
    response = submit_form(staff_client, "/partners/cup-laboratorien/edit", data)
    assert response.status_code == 302
    cup = partner("cup-laboratorien")
    assert cup.location == "Radeberg-Nord"
    assert [c.slug for c in cup.capabilities] == ["hplc"]


def test_unknown_capability_tags_are_rejected_with_a_message(
    staff_client: FlaskClient, partner: Partners
) -> None:
    data = CUP_FORM | {"capabilities": ["hplc", "cold fusion"]}
    response = submit_form(staff_client, "/partners/cup-laboratorien/edit", data)
    assert response.status_code == 422
    assert "Unknown capability tag: cold fusion." in response.text
    assert "hplc" in {c.slug for c in partner("cup-laboratorien").capabilities}
    assert len(partner("cup-laboratorien").capabilities) == 4


def test_a_bad_email_and_website_are_shown_next_to_their_fields(
    staff_client: FlaskClient, seeded: None
) -> None:
    data = CUP_FORM | {"contact_email": "not-an-email", "website": "cup"}
    response = submit_form(staff_client, "/partners/cup-laboratorien/edit", data)
    assert response.status_code == 422
    assert 'id="contact_email-error"' in response.text
    assert 'id="website-error"' in response.text


def test_anonymous_visitors_cannot_edit_partners(client: FlaskClient, seeded: None) -> None:
    response = client.get("/partners/abx/edit")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_viewers_cannot_edit_partners(
    client: FlaskClient,
    create_user: Callable[..., User],
    login: Callable[[User], None],
    seeded: None,
) -> None:
    login(create_user(Role.viewer))
    assert client.get("/partners/abx/edit").status_code == 403


def test_archiving_a_partner_hides_it_from_the_public_directory(
    staff_client: FlaskClient, partner: Partners
) -> None:
    page = staff_client.get("/partners/itd")
    staff_client.post("/partners/itd/archive", data={"csrf_token": csrf_token(page.text)})
    assert partner("itd").is_archived
    staff_client.post("/logout", data={"csrf_token": csrf_token(page.text)})
    assert staff_client.get("/partners/itd").status_code == 404


def test_a_partner_with_links_cannot_be_deleted(
    client: FlaskClient,
    admin_user: User,
    login: Callable[[User], None],
    create_link: Callable[..., PartnerLink],
    partner: Partners,
) -> None:
    create_link(partner_slug="itd")
    login(admin_user)
    page = client.get("/partners/itd")
    response = client.post(
        "/partners/itd/delete", data={"csrf_token": csrf_token(page.text)}, follow_redirects=True
    )
    assert "cannot be deleted; archive it instead" in response.text
    assert partner("itd") is not None


def test_an_admin_deletes_a_partner_without_links(
    client: FlaskClient, admin_user: User, login: Callable[[User], None], seeded: None
) -> None:
    login(admin_user)
    page = client.get("/partners/itd")
    response = client.post("/partners/itd/delete", data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 302
    assert db.session.scalar(select(Partner).where(Partner.slug == "itd")) is None


def test_staff_who_are_not_admins_cannot_delete_partners(
    staff_client: FlaskClient, seeded: None
) -> None:
    page = staff_client.get("/partners/itd")
    response = staff_client.post("/partners/itd/delete", data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 403


def test_the_main_navigation_links_to_the_partner_directory(
    staff_client: FlaskClient,
) -> None:
    assert 'href="/partners/"' in staff_client.get("/dashboard").text


def test_a_website_that_is_not_http_is_rejected(staff_client: FlaskClient, seeded: None) -> None:
    data = CUP_FORM | {"website": "javascript://example.com/%0aalert(1)"}
    response = submit_form(staff_client, "/partners/cup-laboratorien/edit", data)
    assert response.status_code == 422
    assert "starting with http:// or https://" in response.text


def test_staff_restore_an_archived_partner(staff_client: FlaskClient, partner: Partners) -> None:
    partner("itd").is_archived = True
    db.session.commit()
    page = staff_client.get("/partners/itd")
    assert "Restore" in page.text
    staff_client.post("/partners/itd/restore", data={"csrf_token": csrf_token(page.text)})
    assert not partner("itd").is_archived


def test_an_action_without_csrf_token_is_refused_and_changes_nothing(
    staff_client: FlaskClient, partner: Partners
) -> None:
    response = staff_client.post("/partners/itd/archive")
    assert response.status_code == 400
    assert not partner("itd").is_archived
