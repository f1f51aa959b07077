"""Blueprints, CLI groups and error pages, registered on the application in one place."""

from flask import Flask, Response, current_app, render_template
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from werkzeug import exceptions as http
from werkzeug.exceptions import HTTPException

from crm import health, i18n
from crm.aftercare import routes as aftercare_routes
from crm.api import companies as api_companies
from crm.api import events as api_events
from crm.api import partner_links as api_partner_links
from crm.api import partners as api_partners
from crm.api import registrations as api_registrations
from crm.api import roadmap as api_roadmap
from crm.api import sites as api_sites
from crm.api import timeline as api_timeline
from crm.api import token_routes
from crm.audit import routes as audit_routes
from crm.auth import admin_routes as user_admin_routes
from crm.auth import cli as auth_cli
from crm.auth import routes as auth_routes
from crm.auth.models import Role
from crm.calendar import routes as calendar_routes
from crm.calendar.invitations import invitation_text
from crm.db import is_unreachable
from crm.events import routes as event_routes
from crm.events import staff_routes as event_staff_routes
from crm.events.consents import sharing_refusals
from crm.extensions import api, csrf
from crm.forms import aria_attributes
from crm.leads import cli as leads_cli
from crm.leads import roadmap_routes  # noqa: F401  (its views hang on the leads blueprint)
from crm.leads import routes as leads_routes
from crm.leads.signals import stage_moved, stage_requested
from crm.leads.timeline import record_sent_mail
from crm.mail import cli as mail_cli
from crm.mail import routes as outbox_routes
from crm.mail.hooks import mail_sent, use_invitation_writer
from crm.partners import cli as partners_cli
from crm.partners import routes as partners_routes
from crm.partners.signals import introduction_requested
from crm.password_reset import routes as password_reset_routes
from crm.privacy import cli as privacy_cli
from crm.privacy import routes as privacy_routes
from crm.problems import error_description, error_name, is_api_request, problem, refusal_problem
from crm.refusals import Conflict, Refusals, Refused
from crm.reminders import cli as reminders_cli
from crm.reports import routes as reports_routes
from crm.routing import DatabaseIdConverter, refuse_nul_characters
from crm.seed import cli as seed_cli
from crm.sites import routes as sites_routes
from crm.sites.services import chosen_site_refusals, taken_on_landing
from crm.unit_of_work import install as install_unit_of_work
from crm.vocabulary.groups import group_label
from crm.vocabulary.places import LANGUAGE_NAMES
from crm.worker import worker

DATABASE_RETRY_AFTER_SECONDS = 30

API_BLUEPRINTS = (
    api_events.blueprint,
    api_registrations.blueprint,
    api_partners.blueprint,
    api_companies.blueprint,
    api_timeline.blueprint,
    api_partner_links.blueprint,
    api_sites.blueprint,
    api_roadmap.blueprint,
)


def register(app: Flask) -> None:
    app.url_map.converters["int"] = DatabaseIdConverter
    app.register_blueprint(health.blueprint)
    app.register_blueprint(auth_routes.blueprint)
    app.register_blueprint(password_reset_routes.blueprint)
    app.register_blueprint(user_admin_routes.blueprint)
    app.register_blueprint(token_routes.blueprint)
    app.register_blueprint(privacy_routes.blueprint)
    app.register_blueprint(audit_routes.blueprint)
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    for blueprint in API_BLUEPRINTS:
        csrf.exempt(blueprint)  # token calls need none; cookie writes are checked in api_access
        api.register_blueprint(blueprint)
    app.register_blueprint(event_routes.blueprint)
    app.register_blueprint(event_routes.manage_blueprint)
    app.register_blueprint(event_staff_routes.blueprint)
    app.cli.add_command(auth_cli.users)
    app.cli.add_command(seed_cli.seed)
    app.cli.add_command(privacy_cli.privacy)
    app.register_blueprint(leads_routes.blueprint)
    app.register_blueprint(aftercare_routes.blueprint)
    app.cli.add_command(leads_cli.leads)
    app.cli.add_command(leads_cli.digest)
    app.register_blueprint(partners_routes.blueprint)
    app.cli.add_command(partners_cli.partners)
    app.register_blueprint(sites_routes.blueprint)
    app.register_blueprint(calendar_routes.blueprint)
    app.register_blueprint(outbox_routes.blueprint)
    app.register_blueprint(reports_routes.blueprint)
    app.cli.add_command(mail_cli.mail)
    app.cli.add_command(reminders_cli.reminders)
    app.cli.add_command(worker)
    app.before_request(refuse_nul_characters)
    i18n.install(app)
    app.add_template_filter(group_label)
    app.add_template_global(aria_attributes)
    app.context_processor(
        lambda: {
            "Role": Role,
            "get_locale": get_locale,
            "error_name": error_name,
            "language_name": LANGUAGE_NAMES.get,
        }
    )
    app.register_error_handler(CSRFError, csrf_failed)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Refused, refused)
    app.register_error_handler(Refusals, refused)
    app.register_error_handler(DBAPIError, database_error)
    install_unit_of_work(app)
    mail_sent.connect(record_sent_mail)
    stage_moved.connect(taken_on_landing)
    stage_requested.connect(chosen_site_refusals)
    introduction_requested.connect(sharing_refusals)
    use_invitation_writer(app, invitation_text)


def csrf_failed(error: CSRFError) -> Response | tuple[str, int]:
    if is_api_request():
        return problem(error)
    message = _(
        "The form has expired or was sent from another site. Reload the page and try again."
    )
    return render_template("errors.html", error=error, message=message), 400


def http_error(error: HTTPException) -> Response | tuple[str, int]:
    cause = getattr(error, "original_exception", None)  # a 500's unhandled error
    if cause is not None and is_unreachable(cause):
        return database_unavailable(cause)
    if is_api_request():
        return problem(error)
    message = error_description(error)
    return render_template("errors.html", error=error, message=message), error.code or 500


def refused(error: Refused | Refusals) -> Response | tuple[str, int]:
    """A refusal no view handled itself: the API's problem document, or the error page."""
    if is_api_request():
        return refusal_problem(error)
    page = http.Conflict() if isinstance(error, Conflict) else http.UnprocessableEntity()
    return render_template("errors.html", error=page, message=str(error)), page.code or 422


def database_error(error: DBAPIError) -> Response | tuple[str, int]:
    """An unreachable database answers 503; any other database error stays a server error."""
    if not is_unreachable(error):
        raise error
    return database_unavailable(error)


def database_unavailable(error: BaseException) -> Response | tuple[str, int]:
    """503 with Retry-After, from a page that needs no database (no current user, no menu).

    The request's unit of work rolls back, as for every answer from 400 on.
    """
    current_app.logger.warning("database unreachable: %s", error)
    # The visitor's language without asking the database for the signed-in staff member's.
    with force_locale(i18n.visitor_language() or "en"):
        unavailable = http.ServiceUnavailable(
            _("The service is briefly unavailable. Please try again in a minute."),
            retry_after=DATABASE_RETRY_AFTER_SECONDS,
        )
        if is_api_request():
            return problem(unavailable)
        # Rendered without the context processors: Flask-Login's would load the signed-in user.
        page = current_app.jinja_env.get_template("unavailable.html").render(
            message=unavailable.description, get_locale=get_locale
        )
    return Response(page, 503, {"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)})
