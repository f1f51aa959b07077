from pathlib import Path

import pytest
from flask.testing import FlaskClient

from crm import create_app


def test_healthz_answers_while_the_process_is_up(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_readyz_queries_the_database(client: FlaskClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["database"] == "ok"


def test_readyz_reports_an_unreachable_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRM_INSTANCE_PATH", str(tmp_path))
    unreachable = "postgresql://nobody@127.0.0.1:1/nothing?connect_timeout=1"
    app = create_app({"DATABASE_URL": unreachable, "SECRET_KEY": "x", "TESTING": True})
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"
