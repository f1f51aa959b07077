"""The site inventory: staff create and edit sites, admins archive them, bad values are refused
with nothing stored, and every status change is recorded."""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from crm.auth.models import Role, User
from crm.extensions import db
from crm.leads.models import Company
from crm.refusals import Conflict, Refusals
from crm.sites.models import CleanroomClass, Site, SiteKind, SiteLocation, SiteStatus
from crm.sites.services import change_status, reserve, save_site, set_archived
from tests.helpers import submit_form

FORM = {
    "name": "Hall 3, Bautzner Landstraße",
    "location": "rossendorf",
    "address": "Bautzner Landstraße 400",
    "latitude": "51.0625",
    "longitude": "13.951",
    "area_m2": "1800",
    "kind": "cleanroom",
    "cleanroom_class": "c",
    "is_gmp_ready": "y",
    "power_kva": "630",
    "floor_load_kn_m2": "15",
    "available_from": "2026-06-01",
    "price_basis": "rent_per_m2_month",
    "price_min_eur": "12",
    "price_max_eur": "16",
}


def site_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Site)) or 0


def test_staff_create_a_site_through_the_form_and_its_first_status_is_recorded(
    staff_client: FlaskClient,
) -> None:
    response = submit_form(staff_client, "/sites/new", FORM)

    assert response.status_code == 302
    site = db.session.scalars(select(Site)).one()
    assert (site.area_m2, site.kind, site.cleanroom_class) == (
        1800,
        SiteKind.cleanroom,
        CleanroomClass.c,
    )
    assert site.is_gmp_ready and not site.is_hot_cell_capable
    assert [(c.from_status, c.to_status) for c in site.status_changes] == [
        (None, SiteStatus.available)
    ]
    page = staff_client.get(response.location)
    assert "Hall 3, Bautzner Landstraße" in page.text
    assert "1,800 m²" in page.text and "GMP grade C" in page.text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"area_m2": "-5"}, "area_m2", "Between 1 and 10,000,000."),
        ({"area_m2": "99999999999"}, "area_m2", "Between 1 and 10,000,000."),
        ({"area_m2": ""}, "area_m2", "This field is required."),
        ({"latitude": "nan"}, "latitude", "Between -90 and 90."),
        ({"longitude": ""}, "longitude", "A map position needs both coordinates."),
        ({"price_min_eur": "20"}, "price_max_eur", "The upper price is below the lower one."),
        ({"cleanroom_class": ""}, "cleanroom_class", "A cleanroom needs its GMP grade."),
        ({"kind": "lab"}, "cleanroom_class", "Only a cleanroom has a grade."),
        ({"name": "  "}, "name", "This field is required."),
    ],
)
def test_a_bad_value_is_refused_next_to_its_field_and_nothing_is_stored(
    staff_client: FlaskClient, changes: dict[str, str], field: str, message: str
) -> None:
    response = submit_form(staff_client, "/sites/new", FORM | changes)

    assert response.status_code == 422
    assert f'id="{field}-error">{message}' in response.text.replace("&#39;", "'")
    assert site_count() == 0


def test_an_edit_changes_the_fields_and_a_refused_edit_changes_nothing(
    staff_client: FlaskClient, create_site: Callable[..., Site]
) -> None:
    site = create_site(name="Plot 4", kind=SiteKind.plot, area_m2=5000)

    refused = submit_form(
        staff_client,
        f"/sites/{site.id}/edit",
        FORM | {"name": "Plot 4", "kind": "plot", "cleanroom_class": "", "area_m2": "0"},
    )
    db.session.expire_all()
    assert refused.status_code == 422 and site.area_m2 == 5000

    saved = submit_form(
        staff_client,
        f"/sites/{site.id}/edit",
        FORM
        | {
            "name": "Plot 4a",
            "location": "radeberg",
            "kind": "plot",
            "cleanroom_class": "",
            "area_m2": "4200",
        },
    )
    db.session.expire_all()
    assert saved.status_code == 302
    assert (site.name, site.location, site.area_m2) == ("Plot 4a", SiteLocation.radeberg, 4200)


def test_the_edit_form_shows_the_sites_current_choices(
    staff_client: FlaskClient, create_site: Callable[..., Site]
) -> None:
    site = create_site(location=SiteLocation.radeberg, kind=SiteKind.lab)

    page = staff_client.get(f"/sites/{site.id}/edit")

    assert '<option selected value="radeberg">' in page.text
    assert '<option selected value="lab">' in page.text


def test_staff_see_no_archive_button(
    staff_client: FlaskClient, create_site: Callable[..., Site]
) -> None:
    site = create_site(name="Old depot")

    assert "Archive</button>" not in staff_client.get(f"/sites/{site.id}").text


def test_an_admin_archives_a_site_and_it_leaves_the_list(
    client: FlaskClient,
    login: Callable[[User], None],
    create_user: Callable[..., User],
    create_site: Callable[..., Site],
) -> None:
    site = create_site(name="Old depot")
    login(create_user(Role.admin))

    response = submit_form(client, f"/sites/{site.id}/archive", {}, form_page=f"/sites/{site.id}")

    db.session.expire_all()
    assert response.status_code == 302 and site.is_archived
    assert "Old depot" not in client.get("/sites/").text
    assert "Old depot" in client.get("/sites/?archived=yes").text


def test_the_list_filters_by_location_kind_area_and_features(
    staff_client: FlaskClient, create_site: Callable[..., Site]
) -> None:
    create_site(name="Rossendorf hall", area_m2=2000, is_gmp_ready=True)
    create_site(name="Radeberg office", location=SiteLocation.radeberg, kind=SiteKind.office)
    create_site(name="Tiny lab", kind=SiteKind.lab, area_m2=120)

    def listed(query: str) -> list[str]:
        text = staff_client.get(f"/sites/?{query}").text
        return [name for name in ("Rossendorf hall", "Radeberg office", "Tiny lab") if name in text]

    assert listed("") == ["Rossendorf hall", "Radeberg office", "Tiny lab"]
    assert listed("location=radeberg") == ["Radeberg office"]
    assert listed("kind=lab") == ["Tiny lab"]
    assert listed("min_area_m2=500") == ["Rossendorf hall", "Radeberg office"]
    assert listed("gmp=yes") == ["Rossendorf hall"]
    assert listed("kind=nonsense&min_area_m2=-4") == listed("")


def test_viewers_read_sites_but_cannot_create_them(
    client: FlaskClient, login: Callable[[User], None], create_user: Callable[..., User]
) -> None:
    login(create_user(Role.viewer))

    assert client.get("/sites/").status_code == 200
    assert client.get("/sites/new").status_code == 403


def test_the_service_refuses_every_bad_field_at_once(app: Any) -> None:
    with pytest.raises(Refusals) as refused:
        save_site(
            None,
            {"name": "", "location": None, "kind": SiteKind.office, "area_m2": 0},
            by=None,
        )

    assert set(refused.value.by_field()) == {"name", "location", "area_m2"}
    assert site_count() == 0


@pytest.mark.parametrize(
    "assignment",
    [
        "area_m2 = 0",
        "area_m2 = 20000000",
        "latitude = 95",
        "kind = 'castle'",
        "status = 'sold'",
        "kind = 'cleanroom'",  # without its grade
        "price_min_eur = 30, price_max_eur = 10",
    ],
)
def test_the_database_itself_refuses_what_the_rules_refuse(
    create_site: Callable[..., Site], assignment: str
) -> None:
    site = create_site()

    with pytest.raises(IntegrityError):
        db.session.execute(text(f"UPDATE sites SET {assignment} WHERE id = :id"), {"id": site.id})
        db.session.flush()
    db.session.rollback()


def test_the_database_refuses_a_reservation_ending_before_it_starts(
    create_site: Callable[..., Site], company: Any
) -> None:
    site = create_site()

    with pytest.raises(IntegrityError):
        db.session.execute(
            text(
                "INSERT INTO site_reservations (site_id, company_id, starts_on, ends_on, status,"
                " note, created_at) VALUES (:site, :company, '2026-03-10', '2026-03-01',"
                " 'active', '', '2026-03-01 09:00:00')"
            ),
            {"site": site.id, "company": company.id},
        )
        db.session.flush()
    db.session.rollback()


def test_a_site_with_a_reservation_to_come_is_not_archived(
    create_site: Callable[..., Site], company: Any, clock: Callable[[str], None]
) -> None:
    clock("2026-03-02T09:00:00+00:00")
    site = create_site()
    reserve(site, company, starts_on=date(2026, 5, 1), ends_on=date(2026, 5, 31), by=None)

    with pytest.raises(Conflict) as refused:
        set_archived(site, True)

    assert refused.value.code == "site_reserved" and not site.is_archived


def test_the_list_asks_the_database_as_often_for_many_sites_as_for_one(
    staff_client: FlaskClient,
    create_site: Callable[..., Site],
    create_company: Callable[..., Company],
    count_queries: Callable[[], Any],
) -> None:
    def taken_site(number: int) -> None:
        change_status(
            create_site(name=f"Taken {number}"), SiteStatus.taken, company=create_company()
        )
        db.session.commit()

    def queries_for_the_list() -> int:
        db.session.expire_all()
        with count_queries() as statements:
            assert staff_client.get("/sites/").status_code == 200
        return len(statements)

    taken_site(0)
    one = queries_for_the_list()
    for number in range(1, 6):
        taken_site(number)

    assert queries_for_the_list() == one


def test_the_site_page_asks_the_database_as_often_for_a_long_history_as_for_a_short_one(
    staff_client: FlaskClient,
    staff_user: Any,
    create_site: Callable[..., Site],
    create_company: Callable[..., Company],
    count_queries: Callable[[], Any],
) -> None:
    site = create_site(name="Hall 9")

    def change_hands() -> None:
        change_status(site, SiteStatus.taken, company=create_company(), by=staff_user)
        change_status(site, SiteStatus.available, by=staff_user)
        db.session.commit()

    def queries_for_the_page() -> int:
        db.session.expire_all()
        with count_queries() as statements:
            assert staff_client.get(f"/sites/{site.id}").status_code == 200
        return len(statements)

    change_hands()
    short = queries_for_the_page()
    for _ in range(4):
        change_hands()

    assert queries_for_the_page() == short
