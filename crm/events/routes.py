"""Public event pages, registration, and the registrant's private manage link (no login)."""

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, render_template
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm

from crm.db import utcnow
from crm.events import services
from crm.events.forms import answers_form_class, answers_from, registration_form_class
from crm.events.models import Event, Registration, RegistrationStatus
from crm.events.registration_mail import event_when
from crm.events.services import RegistrationDetails
from crm.events.texts import translator
from crm.events.tokens import LinkExpired, LinkUnknown, registration_for_token
from crm.extensions import db
from crm.forms import show_refusals
from crm.i18n import select_locale
from crm.limits import limit_public_registration
from crm.partners.models import Partner
from crm.partners.services import public_partners
from crm.refusals import Refusals, Refused
from crm.vocabulary.places import language_or_default
from crm.vocabulary.services import all_capabilities

blueprint = Blueprint("events", __name__, url_prefix="/events")
manage_blueprint = Blueprint("manage", __name__)


def page_language() -> str:
    # Flask-Babel caches the locale on ``g``, which outlives a request when an application
    # context is already active (tests); the selector itself always reads this request.
    return language_or_default(select_locale())


def page_words() -> dict[str, Any]:
    language = page_language()
    return {
        "t": translator(language),
        "language": language,
        "when": lambda event: event_when(event, language),
    }


blueprint.context_processor(page_words)
manage_blueprint.context_processor(page_words)


def visible_event(slug: str) -> Event:
    return services.visible_event(slug) or abort(404)


def published_partners() -> list[Partner]:
    return list(db.session.scalars(public_partners()))


@blueprint.get("/")
def index() -> ResponseReturnValue:
    now = utcnow()
    events = services.public_events()
    upcoming = sorted(
        (event for event in events if not services.is_past(event, now)),
        key=lambda event: event.begins_at,
    )
    past = sorted(
        (event for event in events if services.is_past(event, now)),
        key=lambda event: event.begins_at,
        reverse=True,
    )
    return render_template("events/index.html", upcoming=upcoming, past=past)


@blueprint.get("/<slug>")
def detail(slug: str) -> ResponseReturnValue:
    event = visible_event(slug)
    return render_template(
        "events/detail.html",
        event=event,
        seats_left=services.seats_left(event),
        refusal=services.window_refusal(event, utcnow()),
    )


def registration_form(event: Event, t: Callable[..., str]) -> FlaskForm:
    capabilities = all_capabilities()
    partners = published_partners()
    form_class = registration_form_class(event, page_language(), t, capabilities, partners)
    return form_class()


def details_from(form: FlaskForm, event: Event) -> RegistrationDetails:
    """What the visitor filled in; unknown tags or partners are refused (Refusals)."""
    needs, partners = services.chosen_needs_and_partners(
        form.needs.data or [], form.partners.data or []
    )
    return RegistrationDetails(
        name=form.name.data or "",
        email=form.email.data or "",
        company_name=form.company.data or "",
        consent=bool(form.consent.data),
        position=form.position.data or None,
        country=form.country.data or None,
        language=form.language.data,
        needs=needs,
        partners_to_meet=partners,
        answers=answers_from(form, event),
    )


def refusal_shown_on(form: FlaskForm, refusal: Refused | Refusals, t: Callable[..., str]) -> str:
    """Each reason next to its field, in the page's language; the rest for the top of the page."""
    return " ".join(
        show_refusals(
            form,
            refusal,
            {"partners_to_meet": "partners"},
            message_of=lambda one: t(one.code),
        )
    )


@blueprint.route("/<slug>/register", methods=["GET", "POST"])
@limit_public_registration
def register(slug: str) -> ResponseReturnValue:
    event = visible_event(slug)
    t = translator(page_language())
    form = registration_form(event, t)
    refusal = services.window_refusal(event, utcnow())
    problem = t(refusal) if refusal else ""
    if not refusal and form.validate_on_submit():
        try:
            outcome = services.register(event, details_from(form, event))
        except (Refused, Refusals) as error:
            problem = refusal_shown_on(form, error, t)
        else:
            # The same answer for a new and a repeated registration: the mail tells which.
            return render_template(
                "events/registered.html", event=event, email=outcome.registration.email
            )
    status = 422 if form.is_submitted() else 200
    return render_template("events/register.html", event=event, form=form, problem=problem), status


def manageable(token: str) -> Registration:
    try:
        return registration_for_token(token)
    except LinkUnknown:
        abort(404, translator(page_language())("link_unknown"))
    except LinkExpired:
        abort(410, translator(page_language())("link_expired"))


@manage_blueprint.route("/r/<token>", methods=["GET", "POST"])
def manage(token: str) -> ResponseReturnValue:
    registration = manageable(token)
    t = translator(page_language())
    form = answers_form_class(registration.event, page_language(), t)(
        data={f"question_{key}": value for key, value in registration.answers.items()}
    )
    notice = ""
    status = 200
    is_live = registration.status != RegistrationStatus.cancelled
    status = 200
    if is_live and form.validate_on_submit():
        try:
            services.change_answers(registration, answers_from(form, registration.event))
        except (Refused, Refusals) as error:
            notice = refusal_shown_on(form, error, t)
            status = 422
        else:
            notice = t("changes_saved")
    elif is_live and form.is_submitted():
        status = 422
    return render_template(
        "events/manage.html",
        registration=registration,
        event=registration.event,
        form=form,
        cancel_form=FlaskForm(),
        token=token,
        notice=notice,
    ), status


@manage_blueprint.post("/r/<token>/cancel")
def cancel(token: str) -> ResponseReturnValue:
    registration = manageable(token)
    form = FlaskForm()
    if form.validate_on_submit() and registration.status != RegistrationStatus.cancelled:
        services.cancel_registration(registration)
    t = translator(page_language())
    return render_template(
        "events/manage.html",
        registration=registration,
        event=registration.event,
        form=None,
        cancel_form=form,
        token=token,
        notice=t("registration_cancelled")
        if registration.status == RegistrationStatus.cancelled
        else "",
    )
