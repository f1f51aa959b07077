"""nukliD Lead Desk: investor-lead CRM and event registration for the nukliD cluster."""

from pathlib import Path
from typing import Any

from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict[str, Any] | None = None) -> Flask:
    import os

    from crm import blueprints, extensions, i18n, routing, security_headers
    from crm import config as settings
    from crm.json_input import LimitedJSONProvider
    from crm.models import import_all

    app = Flask(
        __name__,
        instance_path=os.environ.get("CRM_INSTANCE_PATH", str(PROJECT_ROOT / "instance")),
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    app.json = LimitedJSONProvider(app)
    settings.configure(app, config)
    settings.trust_proxies(app)
    import_all()

    # Before CSRF protection reads a form: a view may accept larger bodies (file uploads).
    app.before_request(routing.apply_upload_limit)
    extensions.db.init_app(app)
    extensions.migrate.init_app(app, extensions.db, directory=str(PROJECT_ROOT / "migrations"))
    extensions.csrf.init_app(app)
    extensions.mail.init_app(app)
    extensions.limiter.init_app(app)
    extensions.babel.init_app(
        app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone
    )
    extensions.login.init_app(app)
    extensions.api.init_app(app)

    security_headers.init_app(app)
    blueprints.register(app)
    return app
