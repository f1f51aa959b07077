from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import func, select

from crm.auth.models import User
from crm.extensions import db
from crm.leads.models import Company, company_needs
from crm.partners.models import Capability, Partner
from crm.refusals import Refused
from crm.vocabulary.models import CapabilityGroup
from crm.vocabulary.services import merge_capabilities
from tests.helpers import submit_form

Capabilities = Callable[[str], Capability]


def test_the_seed_holds_the_capability_vocabulary(capability: Capabilities) -> None:
    assert db.session.scalar(select(func.count()).select_from(Capability)) == 27
    assert capability("gmp-production").label == "GMP production"
    assert capability("gmp-production").label_de == "GMP-gerechte Herstellung"
    assert capability("gmp-production").group is CapabilityGroup.production


def test_an_admin_adds_a_tag_with_a_slug_made_from_its_label(
    client: FlaskClient, admin_user: User, login: Callable[[User], None], seeded: None
) -> None:
    login(admin_user)
    response = submit_form(
        client,
        "/partners/capabilities",
        {"label_en": "Cyclotron time", "label_de": "Zyklotronzeit", "group": "facilities"},
    )
    assert response.status_code == 302
    added = db.session.scalars(select(Capability).where(Capability.slug == "cyclotron-time")).one()
    assert (added.label_en, added.label_de, added.group) == (
        "Cyclotron time",
        "Zyklotronzeit",
        CapabilityGroup.facilities,
    )


def test_a_tag_labelled_only_in_german_takes_its_slug_from_the_german_label(
    client: FlaskClient, admin_user: User, login: Callable[[User], None], seeded: None
) -> None:
    login(admin_user)
    response = submit_form(client, "/partners/capabilities", {"label_de": "Zyklotronzeit"})
    assert response.status_code == 302
    added = db.session.scalars(select(Capability).where(Capability.slug == "zyklotronzeit")).one()
    assert (added.label_en, added.group) == ("", CapabilityGroup.other)


def test_a_tag_without_a_label_in_either_language_is_refused_next_to_both(
    client: FlaskClient, admin_user: User, login: Callable[[User], None], seeded: None
) -> None:
    login(admin_user)
    before = db.session.scalar(select(func.count()).select_from(Capability))
    response = submit_form(
        client, "/partners/capabilities", {"label_en": " ", "label_de": "", "slug": "empty"}
    )
    assert response.status_code == 422
    assert 'id="label_en-error"' in response.text
    assert 'id="label_de-error"' in response.text
    assert db.session.scalar(select(func.count()).select_from(Capability)) == before


def test_a_tag_with_a_taken_slug_is_rejected(
    client: FlaskClient, admin_user: User, login: Callable[[User], None], seeded: None
) -> None:
    login(admin_user)
    response = submit_form(client, "/partners/capabilities", {"label_en": "HPLC", "slug": "hplc"})
    assert response.status_code == 422
    assert "exists already" in response.text


def test_renaming_a_tag_keeps_it_on_every_company_and_partner(
    client: FlaskClient,
    admin_user: User,
    login: Callable[[User], None],
    capability: Capabilities,
    create_company: Callable[..., Company],
) -> None:
    company = create_company(needs=("hplc",))
    hplc = capability("hplc")
    login(admin_user)
    url = f"/partners/capabilities/{hplc.id}"
    response = submit_form(
        client,
        url,
        {"label_en": "HPLC testing", "label_de": "HPLC-Prüfung", "slug": "hplc-testing"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert [c.slug for c in db.session.get(Company, company.id).needs] == ["hplc-testing"]
    cup = db.session.scalars(select(Partner).where(Partner.slug == "cup-laboratorien")).one()
    assert "HPLC testing" in [c.label for c in cup.capabilities]


def test_merging_tags_repoints_needs_and_capabilities_without_duplicates(
    capability: Capabilities, create_company: Callable[..., Company]
) -> None:
    both = create_company(needs=("radiopharmaceutical-analytics", "sterility-testing"))
    only_merged = create_company(needs=("radiopharmaceutical-analytics",))
    analytics, sterility = (
        capability("radiopharmaceutical-analytics"),
        capability("sterility-testing"),
    )
    merge_capabilities(analytics, sterility)
    db.session.commit()
    assert [c.slug for c in db.session.get(Company, both.id).needs] == ["sterility-testing"]
    assert [c.slug for c in db.session.get(Company, only_merged.id).needs] == ["sterility-testing"]
    cup = db.session.scalars(select(Partner).where(Partner.slug == "cup-laboratorien")).one()
    assert [c.slug for c in cup.capabilities].count("sterility-testing") == 1
    assert "radiopharmaceutical-analytics" not in [c.slug for c in cup.capabilities]
    assert db.session.scalar(select(func.count()).select_from(company_needs)) == 2
    gone = select(Capability).where(Capability.slug == "radiopharmaceutical-analytics")
    assert db.session.scalar(gone) is None


def test_a_tag_cannot_be_merged_into_itself(capability: Capabilities) -> None:
    hplc = capability("hplc")
    try:
        merge_capabilities(hplc, hplc)
    except Refused as error:
        assert "two different tags" in str(error)
    else:
        raise AssertionError("merging a tag into itself was allowed")


def test_an_admin_merges_two_tags_on_the_vocabulary_page(
    client: FlaskClient, admin_user: User, login: Callable[[User], None], capability: Capabilities
) -> None:
    hplc, particles = capability("hplc"), capability("particle-analysis")
    login(admin_user)
    response = submit_form(
        client,
        "/partners/capabilities/merge",
        {"merged": hplc.id, "into": particles.id},
        form_page="/partners/capabilities",
    )
    assert response.status_code == 302
    assert db.session.scalar(select(Capability).where(Capability.slug == "hplc")) is None


def test_merging_with_an_unknown_tag_id_is_a_validation_error(
    client: FlaskClient, admin_user: User, login: Callable[[User], None], capability: Capabilities
) -> None:
    login(admin_user)
    response = submit_form(
        client,
        "/partners/capabilities/merge",
        {"merged": "99999", "into": capability("hplc").id},
        form_page="/partners/capabilities",
    )
    assert response.status_code == 422
    assert 'id="merged-error"' in response.text


def test_staff_who_are_not_admins_cannot_manage_the_vocabulary(
    staff_client: FlaskClient, seeded: None
) -> None:
    assert staff_client.get("/partners/capabilities").status_code == 403


def test_the_vocabulary_page_lists_the_tags_by_group_with_both_labels(
    client: FlaskClient, admin_user: User, login: Callable[[User], None], seeded: None
) -> None:
    login(admin_user)
    page = client.get("/partners/capabilities?lang=en").text
    handling = page.index("<h2>Handling and transport of radioactive substances</h2>")
    assert handling < page.index("<td>Transport radioaktiver Stoffe</td>")
    assert page.index("<h2>Analytics and quality control</h2>") < page.index("<td>HPLC-Analytik")
