import re
from collections.abc import Callable

from flask.testing import FlaskClient

from crm.api.models import ApiToken
from crm.auth.models import Role, User
from crm.extensions import db
from tests.helpers import submit_form


def test_an_admin_creates_a_token_that_is_shown_once_and_stored_as_a_hash(
    client: FlaskClient, create_user: Callable[..., User], login: Callable[[User], None]
) -> None:
    admin = create_user(Role.admin)
    integration = create_user(Role.viewer)
    login(admin)
    response = submit_form(
        client,
        "/admin/tokens/",
        {"name": "Reporting", "scope": "read", "user_id": str(integration.id)},
    )
    assert response.status_code == 200
    plain = re.search(r'id="new-token" readonly value="(nld_[^"]+)"', response.text).group(1)
    token = db.session.scalars(db.select(ApiToken)).one()
    assert plain not in token.token_hash and token.user_id == integration.id
    assert plain not in client.get("/admin/tokens/").text
    api = client.application.test_client()
    assert (
        api.get("/api/v1/companies", headers={"Authorization": f"Bearer {plain}"}).status_code
        == 200
    )


def test_staff_cannot_manage_tokens(staff_client: FlaskClient) -> None:
    assert staff_client.get("/admin/tokens/").status_code == 403


def test_an_admin_revokes_a_token(
    client: FlaskClient, create_user: Callable[..., User], login: Callable[[User], None]
) -> None:
    admin = create_user(Role.admin)
    login(admin)
    submit_form(client, "/admin/tokens/", {"name": "Old", "scope": "write", "user_id": admin.id})
    token = db.session.scalars(db.select(ApiToken)).one()
    response = submit_form(
        client, f"/admin/tokens/{token.id}/revoke", {}, form_page="/admin/tokens/"
    )
    assert response.status_code == 302
    db.session.refresh(token)
    assert token.is_revoked


def test_the_new_token_form_is_empty_again_once_a_token_is_created(
    client: FlaskClient, create_user: Callable[..., User], login: Callable[[User], None]
) -> None:
    admin = create_user(Role.admin)
    login(admin)
    response = submit_form(
        client, "/admin/tokens/", {"name": "Reporting", "scope": "write", "user_id": str(admin.id)}
    )
    assert response.status_code == 200
    assert 'id="new-token"' in response.text
    assert 'value="Reporting"' not in response.text
    assert '<option selected value="write">' not in response.text
