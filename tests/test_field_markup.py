"""A field's hint and errors are tied to it (``templates/_forms.html``): a screen reader reads
them with the field, and knows which fields were refused."""

from flask.testing import FlaskClient

from tests.conftest import TEST_PASSWORD
from tests.helpers import submit_form


def test_a_field_with_a_hint_is_described_by_it(staff_client: FlaskClient) -> None:
    page = staff_client.get("/account").text

    assert 'aria-describedby="new_password-hint"' in page
    assert '<small id="new_password-hint">' in page
    assert "aria-invalid" not in page


def test_a_refused_field_is_invalid_and_described_by_its_hint_and_its_error(
    staff_client: FlaskClient,
) -> None:
    response = submit_form(
        staff_client,
        "/account/password",
        {"current_password": TEST_PASSWORD, "new_password": "short"},
        form_page="/account",
    )

    assert response.status_code == 422
    page = response.text
    assert 'aria-describedby="new_password-hint new_password-error"' in page
    assert page.count('aria-invalid="true"') == 1
    assert '<span class="field-error" id="new_password-error">' in page
