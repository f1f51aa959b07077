from flask.testing import FlaskClient


def test_ids_beyond_the_database_integer_range_are_not_found(client: FlaskClient) -> None:
    response = client.post("/admin/tokens/99999999999999999999/revoke")
    assert response.status_code == 404
