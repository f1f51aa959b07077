"""Blueprints, CLI groups and error pages, registered on the application in one place."""

from flask import Flask, render_template
from flask_babel import get_locale
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from crm import health
from crm.auth import admin_routes as user_admin_routes
from crm.auth import cli as auth_cli
from crm.auth import routes as auth_routes
from crm.auth.models import Role
from crm.events import routes as event_routes
from crm.events import staff_routes as event_staff_routes
from crm.seed import cli as seed_cli


def register(app: Flask) -> None:
    app.register_blueprint(health.blueprint)
    app.register_blueprint(auth_routes.blueprint)
    app.register_blueprint(user_admin_routes.blueprint)
    app.register_blueprint(event_routes.blueprint)
    app.register_blueprint(event_routes.manage_blueprint)
    app.register_blueprint(event_staff_routes.blueprint)
    app.cli.add_command(auth_cli.users)
    app.cli.add_command(seed_cli.seed)
    app.context_processor(lambda: {"Role": Role, "get_locale": get_locale})
    app.register_error_handler(CSRFError, csrf_failed)
    app.register_error_handler(HTTPException, http_error)


def csrf_failed(error: CSRFError) -> tuple[str, int]:
    return render_template("errors.html", error=error, message=error.description), 400


def http_error(error: HTTPException) -> tuple[str, int]:
    return render_template("errors.html", error=error, message=error.description), error.code or 500
