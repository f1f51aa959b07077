from pathlib import Path

import pytest

from crm import create_app
from crm.config import ConfigurationError, sqlalchemy_url
from crm.extensions import db


@pytest.fixture
def instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "instance"
    monkeypatch.setenv("CRM_INSTANCE_PATH", str(path))
    for key in ("DATABASE_URL", "SECRET_KEY", "MAIL_TRANSPORT", "CRM_ENV"):
        monkeypatch.delenv(key, raising=False)
    return path


def test_defaults_use_sqlite_and_mail_files_in_the_instance_folder(instance: Path) -> None:
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'crm.sqlite3'}"
    assert app.config["MAIL_TRANSPORT"] == "file"
    assert app.config["MAIL_FILE_DIR"] == str(instance / "mail")


def test_a_generated_secret_key_is_kept_in_the_instance_folder(instance: Path) -> None:
    first = create_app().config["SECRET_KEY"]
    second = create_app().config["SECRET_KEY"]
    assert first == second
    assert len(first) >= 40
    assert (instance / "secret_key").read_text() == first


def test_the_environment_wins_over_the_instance_file(
    instance: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    instance.mkdir()
    (instance / "config.py").write_text('MAIL_SERVER = "file.example"\nMAIL_PORT = 2525\n')
    monkeypatch.setenv("MAIL_SERVER", "env.example")
    app = create_app()
    assert app.config["MAIL_SERVER"] == "env.example"
    assert app.config["MAIL_PORT"] == 2525


def test_production_refuses_to_start_without_a_secret_key(
    instance: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRM_ENV", "production")
    monkeypatch.setenv("MAIL_TRANSPORT", "smtp")
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app()


def test_production_refuses_file_mail_unless_asked_explicitly(
    instance: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRM_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-real-secret")
    with pytest.raises(ConfigurationError, match="MAIL_TRANSPORT"):
        create_app()
    monkeypatch.setenv("ALLOW_FILE_MAIL_IN_PRODUCTION", "1")
    assert create_app().config["MAIL_TRANSPORT"] == "file"


def test_production_marks_cookies_secure(instance: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRM_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-real-secret")
    monkeypatch.setenv("MAIL_TRANSPORT", "smtp")
    config = create_app().config
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_a_bad_number_in_the_environment_is_named(
    instance: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAIL_PORT", "twenty-five")
    with pytest.raises(ConfigurationError, match="MAIL_PORT"):
        create_app()


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_postgresql_urls_use_psycopg_3(given: str, used: str) -> None:
    assert sqlalchemy_url(given) == used


def test_the_registration_rate_limit_is_read_from_the_environment(
    instance: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REGISTRATION_RATE_LIMIT", "5 per hour")
    assert create_app().config["REGISTRATION_RATE_LIMIT"] == "5 per hour"


def test_a_rate_limit_that_is_not_a_rate_is_refused_at_start(
    instance: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REGISTRATION_RATE_LIMIT", "thirty a minute")
    with pytest.raises(ConfigurationError, match="REGISTRATION_RATE_LIMIT"):
        create_app()


def test_sqlite_connections_wait_for_the_writer_instead_of_failing(instance: Path) -> None:
    app = create_app()
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"] == {"timeout": 30}
    with app.app_context():
        raw = db.engine.raw_connection()
        try:
            busy = raw.driver_connection.execute("PRAGMA busy_timeout").fetchone()[0]
        finally:
            raw.close()
        db.engine.dispose()
    assert busy == 30_000
