"""Configuration layers: defaults, ``instance/config.py``, the environment, then overrides.

The environment wins over the instance file so that a deployment can be steered without editing
files; explicit overrides (tests, scripts) win over everything.
"""

import os
import secrets
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask
from limits import parse_many
from werkzeug.middleware.proxy_fix import ProxyFix

TRUE_WORDS = {"1", "true", "yes", "on"}
SQLITE_WAIT_SECONDS = 30

ENVIRONMENT_KEYS = {
    "DATABASE_URL": str,
    "SECRET_KEY": str,
    "MAIL_SERVER": str,
    "MAIL_PORT": int,
    "MAIL_USE_TLS": bool,
    "MAIL_USE_SSL": bool,
    "MAIL_USERNAME": str,
    "MAIL_PASSWORD": str,
    "MAIL_DEFAULT_SENDER": str,
    "MAIL_TRANSPORT": str,
    "MAIL_FILE_DIR": str,
    "CRM_ENV": str,
    "ALLOW_FILE_MAIL_IN_PRODUCTION": bool,
    "RATELIMIT_STORAGE_URI": str,
    "RATELIMIT_ENABLED": bool,
    "PUBLIC_BASE_URL": str,
    "ORGANISER_NAME": str,
    "ORGANISER_EMAIL": str,
    "DIGEST_LOCAL_HOUR": int,
    "AFTERCARE_CONTACT_DAYS": int,
    "CRM_RETENTION_MONTHS": int,
    "DIGEST_TIMEZONE": str,
    "LOGIN_RATE_LIMIT": str,
    "PASSWORD_RESET_RATE_LIMIT": str,
    "REGISTRATION_RATE_LIMIT": str,
    "API_PUBLIC_RATE_LIMIT": str,
    "REGISTRATION_DOMAIN_RATE_LIMIT": str,
    "MANAGE_LINK_RATE_LIMIT": str,
    "MAX_CONTENT_LENGTH": int,
    "MAX_UPLOAD_LENGTH": int,
    "TRUSTED_PROXIES": int,
}
RATE_LIMIT_KEYS = (
    "LOGIN_RATE_LIMIT",
    "PASSWORD_RESET_RATE_LIMIT",
    "REGISTRATION_RATE_LIMIT",
    "REGISTRATION_DOMAIN_RATE_LIMIT",
    "MANAGE_LINK_RATE_LIMIT",
    "API_PUBLIC_RATE_LIMIT",
)


class ConfigurationError(RuntimeError):
    """The application refuses to start with this configuration."""


def defaults(instance_path: Path) -> dict[str, Any]:
    return {
        "CRM_ENV": "development",
        "DATABASE_URL": f"sqlite:///{instance_path / 'crm.sqlite3'}",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "MAIL_TRANSPORT": "file",
        "MAIL_FILE_DIR": str(instance_path / "mail"),
        "MAIL_SERVER": "localhost",
        "MAIL_PORT": 25,
        "MAIL_USE_TLS": False,
        "MAIL_USE_SSL": False,
        "MAIL_DEFAULT_SENDER": "nukliD Lead Desk <events@nuklid.example.org>",
        "MAIL_SUPPRESS_SEND": False,
        "MAIL_MAX_ATTEMPTS": 8,
        "MAIL_RETRY_BASE_SECONDS": 60,
        "REMINDER_LOCAL_HOUR": 9,
        "DIGEST_LOCAL_HOUR": 7,
        # A landed company not contacted for this many days is due in its owner's digest.
        "AFTERCARE_CONTACT_DAYS": 180,
        # Months after an event ends before its registrants' data that no consent keeps goes
        # (an event may set its own, events.retention).
        "CRM_RETENTION_MONTHS": 24,
        "DIGEST_TIMEZONE": "Europe/Berlin",
        "WORKER_INTERVAL_SECONDS": 30,
        "ALLOW_FILE_MAIL_IN_PRODUCTION": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        # Said for every application: Flask-Limiter would otherwise take the last one's choice.
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": "10 per minute",
        "PASSWORD_RESET_RATE_LIMIT": "5 per minute; 20 per hour",
        "REGISTRATION_RATE_LIMIT": "10 per minute; 60 per hour",
        "REGISTRATION_DOMAIN_RATE_LIMIT": "30 per hour",
        "MANAGE_LINK_RATE_LIMIT": "5 per minute; 20 per hour",
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "MAX_UPLOAD_LENGTH": 32 * 1024 * 1024,
        "TRUSTED_PROXIES": 0,
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_LOCKOUT_MINUTES": 15,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Berlin",
        "LANGUAGES": ["en", "de"],
        "PUBLIC_BASE_URL": "http://localhost:8000",
        "ORGANISER_NAME": "Saxony Trade & Invest",
        "ORGANISER_EMAIL": "events@nuklid.example.org",
        "API_TITLE": "nukliD Lead Desk API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "/docs",
        "OPENAPI_SWAGGER_UI_URL": "/static/vendor/swagger-ui/",
        "OPENAPI_SWAGGER_UI_CONFIG": {"validatorUrl": None},
        "API_PUBLIC_RATE_LIMIT": "120 per minute",
    }


def from_environment(environ: os._Environ[str] | dict[str, str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, kind in ENVIRONMENT_KEYS.items():
        if key not in environ:
            continue
        raw = environ[key]
        if kind is bool:
            found[key] = raw.strip().lower() in TRUE_WORDS
        elif kind is int:
            try:
                found[key] = int(raw)
            except ValueError as error:
                raise ConfigurationError(f"{key} must be a whole number, not {raw!r}") from error
        else:
            found[key] = raw
    return found


def sqlalchemy_url(url: str) -> str:
    """Use the psycopg 3 driver for plain ``postgresql://`` URLs as hosting platforms give them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def stored_secret_key(instance_path: Path) -> str:
    """A random key kept in ``instance/secret_key`` so sessions survive restarts."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def configure(app: Flask, overrides: dict[str, Any] | None) -> None:
    instance_path = Path(app.instance_path)
    instance_path.mkdir(parents=True, exist_ok=True)
    app.config.update(defaults(instance_path))
    app.config.from_pyfile(str(instance_path / "config.py"), silent=True)
    app.config.update(from_environment(os.environ))
    app.config.update(overrides or {})

    is_production = app.config["CRM_ENV"] == "production"
    if not app.config.get("SECRET_KEY"):
        if is_production:
            raise ConfigurationError("SECRET_KEY must be set in production.")
        app.config["SECRET_KEY"] = stored_secret_key(instance_path)
    if app.config["MAIL_TRANSPORT"] not in {"smtp", "file"}:
        raise ConfigurationError("MAIL_TRANSPORT must be 'smtp' or 'file'.")
    if (
        is_production
        and app.config["MAIL_TRANSPORT"] == "file"
        and not app.config["ALLOW_FILE_MAIL_IN_PRODUCTION"]
    ):
        raise ConfigurationError(
            "MAIL_TRANSPORT=file in production would send no mail; set MAIL_TRANSPORT=smtp "
            "or ALLOW_FILE_MAIL_IN_PRODUCTION=1."
        )
    if app.config["DIGEST_LOCAL_HOUR"] not in range(24):
        raise ConfigurationError("DIGEST_LOCAL_HOUR must be an hour from 0 to 23.")
    if not 1 <= app.config["AFTERCARE_CONTACT_DAYS"] <= 3650:
        raise ConfigurationError("AFTERCARE_CONTACT_DAYS must be a number of days from 1 to 3650.")
    if not 1 <= app.config["CRM_RETENTION_MONTHS"] <= 120:
        raise ConfigurationError("CRM_RETENTION_MONTHS must be a number of months from 1 to 120.")
    try:
        ZoneInfo(app.config["DIGEST_TIMEZONE"])
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ConfigurationError(
            "DIGEST_TIMEZONE must be an IANA time zone such as Europe/Berlin, "
            f"not {app.config['DIGEST_TIMEZONE']!r}."
        ) from error
    for key in RATE_LIMIT_KEYS:
        try:
            parse_many(app.config[key])
        except ValueError as error:
            raise ConfigurationError(
                f"{key} must be a rate such as '30 per minute', not {app.config[key]!r}."
            ) from error
    app.config["SESSION_COOKIE_SECURE"] = is_production
    app.config["REMEMBER_COOKIE_SECURE"] = is_production
    app.config["SQLALCHEMY_DATABASE_URI"] = sqlalchemy_url(app.config["DATABASE_URL"])
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # SQLite has one writer at a time: the web workers and the mail worker wait their turn
        # for up to half a minute rather than fail with "database is locked".
        engine_options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
        engine_options.setdefault("connect_args", {}).setdefault("timeout", SQLITE_WAIT_SECONDS)


def trust_proxies(app: Flask) -> None:
    """Behind ``TRUSTED_PROXIES`` reverse proxies, the client address is the one they forward.

    Login throttling and the rate limits count per client address; seen through a proxy, every
    client would otherwise have the proxy's address and share one count.
    """
    count = app.config["TRUSTED_PROXIES"]
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]
