"""Public event pages, registration, and the registrant's private manage link (no login)."""

from typing import NoReturn

from flask import Blueprint, abort, redirect, render_template, request, session
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from crm.consents.models import OPTIONAL_PURPOSES, ConsentPurpose
from crm.consents.texts import current_text, text_of
from crm.db import utcnow
from crm.events import consents, services
from crm.events.forms import (
    ConsentChoiceForm,
    answers_form_class,
    answers_from,
    registration_form_class,
)
from crm.events.models import Event, Registration, RegistrationStatus
from crm.events.services import RegistrationDetails
from crm.events.tokens import LinkExpired, LinkUnknown, registration_for_token
from crm.extensions import db, limiter
from crm.forms import show_refusals
from crm.i18n import language
from crm.limits import limit_public_registration, manage_link_limit
from crm.partners.models import Partner
from crm.partners.services import public_partners
from crm.refusals import Refusals, Refused
from crm.routing import url_with_query
from crm.vocabulary.places import LANGUAGES
from crm.vocabulary.services import all_capabilities

blueprint = Blueprint("events", __name__, url_prefix="/events")
manage_blueprint = Blueprint("manage", __name__)
LINK_SESSION_KEY = "registration_link"


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


def registration_form(event: Event) -> FlaskForm:
    capabilities = all_capabilities()
    partners = published_partners()
    form_class = registration_form_class(event, language(), capabilities, partners)
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
        follow_up_consent=bool(form.follow_up_consent.data),
        partner_sharing_consent=bool(form.partner_sharing_consent.data),
        consent_language=language(),
        position=form.position.data or None,
        country=form.country.data or None,
        language=form.language.data,
        needs=needs,
        partners_to_meet=partners,
        answers=answers_from(form, event),
    )


def refusal_shown_on(form: FlaskForm, refusal: Refused | Refusals) -> str:
    """Each reason next to its field, in the page's language; the rest for the top of the page."""
    return " ".join(show_refusals(form, refusal, {"partners_to_meet": "partners"}))


@blueprint.route("/<slug>/register", methods=["GET", "POST"])
@limit_public_registration
def register(slug: str) -> ResponseReturnValue:
    event = visible_event(slug)
    form = registration_form(event)
    refusal = services.window_refusal(event, utcnow())
    problem = services.closed(refusal).message if refusal else ""
    if not refusal and form.validate_on_submit():
        try:
            outcome = services.register(event, details_from(form, event))
        except (Refused, Refusals) as error:
            problem = refusal_shown_on(form, error)
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
        unknown_link()
    except LinkExpired:
        abort(410, _("This link has expired because the event is over."))


def unknown_link() -> NoReturn:
    abort(404, _("This link is not valid. Please use the link from your latest mail."))


def link_in_session() -> str:
    """The private link this browser opened last (kept in the signed session cookie)."""
    token = session.get(LINK_SESSION_KEY)
    if not isinstance(token, str):
        unknown_link()
    return token


def link_of_request() -> str:
    """The registration whose changes a limit counts: from the path or the session."""
    token = (request.view_args or {}).get("token") or session.get(LINK_SESSION_KEY)
    return f"link:{token}" if isinstance(token, str) else "link:-"


limit_link_changes = limiter.shared_limit(
    manage_link_limit, scope="manage-link", key_func=link_of_request, methods=["POST"]
)


@manage_blueprint.get("/r/<token>")
def open_link(token: str) -> ResponseReturnValue:
    """The link in the mail: remembered in the session, then the page at a URL without it, so
    that the token stays out of access logs, browser history and Referer headers."""
    manageable(token)
    session[LINK_SESSION_KEY] = token
    language = request.args.get("lang")
    query = {"lang": language} if language in LANGUAGES else {}
    return redirect(url_with_query("manage.manage", query), 303)


@manage_blueprint.route("/r/", methods=["GET", "POST"])
@limit_link_changes
def manage() -> ResponseReturnValue:
    return manage_page(link_in_session())


@manage_blueprint.post("/r/<token>")
@limit_link_changes
def change_by_link(token: str) -> ResponseReturnValue:
    return manage_page(token)


def answers_form(registration: Registration, *, from_request: bool = True) -> FlaskForm:
    """The form of the registration's answers, filled with what was sent or else as stored."""
    form_class = answers_form_class(registration.event, language())
    data = {f"question_{key}": value for key, value in registration.answers.items()}
    return form_class(data=data) if from_request else form_class(formdata=None, data=data)


def manage_page(token: str) -> ResponseReturnValue:
    registration = manageable(token)
    form = answers_form(registration)
    notice = ""
    status = 200
    is_live = registration.status != RegistrationStatus.cancelled
    if is_live and form.validate_on_submit():
        try:
            services.change_answers(registration, answers_from(form, registration.event))
        except (Refused, Refusals) as error:
            notice = refusal_shown_on(form, error)
            status = 422
        else:
            notice = _("Your changes are saved.")
    elif is_live and form.is_submitted():
        status = 422
    return render_manage_page(registration, form=form, notice=notice), status


def render_manage_page(
    registration: Registration,
    *,
    form: FlaskForm | None,
    notice: str,
    cancel_form: FlaskForm | None = None,
) -> str:
    return render_template(
        "events/manage.html",
        registration=registration,
        event=registration.event,
        form=form,
        cancel_form=cancel_form or FlaskForm(),
        notice=notice,
        consents=consents_shown(registration),
    )


def consents_shown(registration: Registration) -> list[dict[str, object]]:
    """Each purpose as the manage page shows it: the text agreed to (or, not agreed, the text
    that would be), whether it is given, and whether the registrant may change it here."""
    shown = []
    for purpose in ConsentPurpose:
        live = consents.live_consent(registration, purpose)
        if live is None:
            text = current_text(purpose).in_language(language())
        else:  # versions from before the registry are shown by their name
            text = text_of(live.text_version, live.language) or live.text_version
        shown.append(
            {
                "purpose": purpose,
                "text": text,
                "consent": live,
                "is_optional": purpose in OPTIONAL_PURPOSES,
            }
        )
    return shown


@manage_blueprint.post("/r/consents")
@limit_link_changes
def change_consent() -> ResponseReturnValue:
    return consent_page(link_in_session())


@manage_blueprint.post("/r/<token>/consents")
@limit_link_changes
def change_consent_by_link(token: str) -> ResponseReturnValue:
    return consent_page(token)


def consent_page(token: str) -> ResponseReturnValue:
    """Give or withdraw an optional consent (events.consents)."""
    registration = manageable(token)
    answers = answers_form(registration, from_request=False)
    choice = ConsentChoiceForm()
    if not choice.validate_on_submit():
        return render_manage_page(registration, form=answers, notice=""), 422
    purpose = ConsentPurpose(choice.purpose.data)
    try:
        if choice.action.data == "give":
            consents.give_consent(registration, purpose, language())
            notice = _("Thank you: your consent is recorded.")
        else:
            consents.withdraw_consent(registration, purpose)
            notice = _("Your consent is withdrawn.")
    except Refused as error:
        return render_manage_page(registration, form=answers, notice=error.message), 409
    return render_manage_page(registration, form=answers, notice=notice)


@manage_blueprint.post("/r/cancel")
@limit_link_changes
def cancel() -> ResponseReturnValue:
    return cancel_page(link_in_session())


@manage_blueprint.post("/r/<token>/cancel")
@limit_link_changes
def cancel_by_link(token: str) -> ResponseReturnValue:
    return cancel_page(token)


def cancel_page(token: str) -> ResponseReturnValue:
    registration = manageable(token)
    form = FlaskForm()
    if form.validate_on_submit() and registration.status != RegistrationStatus.cancelled:
        services.cancel_registration(registration)
    return render_manage_page(
        registration,
        form=None,
        cancel_form=form,
        notice=_("Your registration is cancelled.")
        if registration.status == RegistrationStatus.cancelled
        else "",
    )
