from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from tests.helpers import csrf_token


def test_ids_beyond_the_database_integer_range_are_not_found(client: FlaskClient) -> None:
    response = client.post("/admin/tokens/99999999999999999999/revoke")
    assert response.status_code == 404


def test_a_nul_character_in_a_path_query_or_form_is_a_bad_request(client: FlaskClient) -> None:
    assert client.get("/events/?q=a%00").status_code == 400
    token = csrf_token(client.get("/login").text)
    repeated = [("email", "a@b.example"), ("email", "a\x00@b.example")]
    for form in ([("email", "a\x00@b.example")], repeated):
        response = client.post("/login", data=MultiDict([("csrf_token", token), *form]))
        assert response.status_code == 400
        assert "contains a NUL character" in response.text
    response = client.get("/api/v1/events/a%00b")
    assert response.status_code == 400
    assert response.content_type == "application/problem+json"


def test_the_api_names_the_field_that_holds_a_nul_character(client: FlaskClient) -> None:
    response = client.post("/api/v1/events/x/registrations", json={"name": "a\u0000b"})
    assert response.status_code == 422
    assert "name" in response.json["errors"]["json"]
