"""Roles are enforced on the server, whatever the page shows."""

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from crm.auth.access import role_required
from crm.auth.models import Role, User
from tests.helpers import submit_form


@pytest.fixture
def staff_only_route(app: Flask) -> str:
    @app.route("/test/staff-only", methods=["GET", "POST"])
    @role_required(Role.staff)
    def staff_only() -> str:
        return "done"

    return "/test/staff-only"


@pytest.mark.parametrize(
    ("role", "status"), [(Role.viewer, 403), (Role.staff, 200), (Role.admin, 200)]
)
def test_posting_to_a_staff_route_depends_on_the_role(
    client: FlaskClient,
    create_user: Callable[..., User],
    login: Callable[[User], None],
    staff_only_route: str,
    role: Role,
    status: int,
) -> None:
    login(create_user(role))
    response = submit_form(client, staff_only_route, {}, form_page="/dashboard")
    assert response.status_code == status


def test_roles_include_the_ones_below() -> None:
    assert Role.admin.includes(Role.staff)
    assert Role.staff.includes(Role.viewer)
    assert not Role.viewer.includes(Role.staff)
