"""Staff pages for running events: editing, publishing, attendees, check-in, no-shows."""

import json
from datetime import datetime

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_wtf import FlaskForm

from crm.auth.access import role_required
from crm.auth.models import Role
from crm.events import planning, services
from crm.events.forms import (
    AttendeeFilterForm,
    CapacityForm,
    EventForm,
    parse_questions,
    registration_form_class,
)
from crm.events.models import (
    DEFAULT_PUBLIC_REGISTRATIONS_PER_HOUR,
    Event,
    EventStatus,
    Registration,
    RegistrationStatus,
)
from crm.events.planning import EventDetails, default_organiser, save_event
from crm.events.routes import details_from, published_partners, refusal_shown_on
from crm.events.tokens import revoke_manage_links
from crm.forms import flash_refusal, show_refusals
from crm.i18n import language
from crm.leads.models import Stage
from crm.refusals import Refusals, Refused
from crm.routing import url_with_query
from crm.spreadsheets import csv_lines
from crm.vocabulary.places import LANGUAGES
from crm.vocabulary.services import all_capabilities

blueprint = Blueprint("event_admin", __name__, url_prefix="/staff/events")

CSV_COLUMNS = [
    "id",
    "status",
    "name",
    "email",
    "company",
    "position",
    "country",
    "language",
    "company stage",
    "registered at",
    "checked in at",
    "no-show",
    "needs",
    "partners to meet",
    "answers",
]
# Where the event form shows a refusal about a value the planning rules name.
FORM_FIELDS: dict[str | None, str] = {
    "ends_at": "ends_local",
    "starts_at": "starts_local",
    "registration_opens_at": "opens_local",
    "registration_closes_at": "closes_local",
    "reminder_offsets_days": "reminder_offsets",
    "questions": "questions_json",
}


def event_or_404(event_id: int) -> Event:
    return planning.event_by_id(event_id) or abort(404)


def registration_or_404(event: Event, registration_id: int) -> Registration:
    return services.registration_of(event, registration_id) or abort(404)


def back_to_attendees(event: Event) -> ResponseReturnValue:
    return redirect(url_for(".attendees", event_id=event.id))


@blueprint.get("/")
@role_required(Role.viewer)
def index() -> ResponseReturnValue:
    return render_template(
        "events/staff/index.html",
        events=planning.staff_events(),
        confirmed=services.confirmed_counts(),
    )


# --- creating and editing -------------------------------------------------------------------


def local_time(event: Event, value: datetime | None) -> datetime | None:
    return value.astimezone(event.zone).replace(tzinfo=None) if value else None


def form_data_of(event: Event) -> dict[str, object]:
    return {
        "starts_local": local_time(event, event.starts_at),
        "ends_local": local_time(event, event.ends_at),
        "opens_local": local_time(event, event.registration_opens_at),
        "closes_local": local_time(event, event.registration_closes_at),
        "reminder_offsets": ", ".join(str(days) for days in event.reminder_offsets_days),
        "questions_json": json.dumps(event.questions, ensure_ascii=False, indent=2)
        if event.questions
        else "",
    }


def translated_texts_from(form: EventForm) -> dict[str, str]:
    return {
        f"{name}_{language}": form[f"{name}_{language}"].data or ""
        for name in planning.TRANSLATED_TEXTS
        for language in LANGUAGES
    }


def event_details_from(form: EventForm) -> EventDetails:
    return EventDetails(
        slug=form.slug.data or "",
        **translated_texts_from(form),
        is_all_day=bool(form.is_all_day.data),
        timezone=form.timezone.data,
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        starts_at=form.local(form.starts_local.data),
        ends_at=form.local(form.ends_local.data),
        address=form.address.data or None,
        city=form.city.data or "",
        country=form.country.data,
        capacity=form.capacity.data,
        public_registrations_per_hour=DEFAULT_PUBLIC_REGISTRATIONS_PER_HOUR
        if form.public_registrations_per_hour.data is None
        else form.public_registrations_per_hour.data,
        retention_months=form.retention_months.data,
        registration_opens_at=form.local(form.opens_local.data),
        registration_closes_at=form.local(form.closes_local.data),
        organiser_name=form.organiser_name.data or "",
        organiser_email=form.organiser_email.data or "",
        reminder_offsets_days=form.reminder_days(),
        questions=parse_questions(form.questions_json.data or ""),
    )


def form_status(form: FlaskForm) -> int:
    """A form sent back to be corrected answers 422, as every other form does."""
    return 422 if form.is_submitted() else 200


def render_event_form(form: EventForm, event: Event | None) -> ResponseReturnValue:
    status = form_status(form)
    return render_template("events/staff/edit.html", form=form, event=event), status


@blueprint.route("/new", methods=["GET", "POST"])
@role_required(Role.staff)
def create() -> ResponseReturnValue:
    form = EventForm(**default_organiser())
    if form.validate_on_submit():
        try:
            event = save_event(None, event_details_from(form))
        except Refusals as error:
            show_refusals(form, error, FORM_FIELDS)
        else:
            flash(_("Event created as a draft; publish it when it is ready."), "success")
            return back_to_attendees(event)
    return render_event_form(form, None)


@blueprint.route("/<int:event_id>/edit", methods=["GET", "POST"])
@role_required(Role.staff)
def edit(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    form = EventForm(obj=event, data=form_data_of(event))
    if form.validate_on_submit():
        try:
            save_event(event, event_details_from(form))
        except (Refused, Refusals) as error:
            show_refusals(form, error, FORM_FIELDS)
        else:
            flash(_("Event saved."), "success")
            return back_to_attendees(event)
    return render_event_form(form, event)


def change_status_from(event: Event, to: EventStatus) -> ResponseReturnValue:
    """Publish or cancel the event; cancelling tells every registrant."""
    if FlaskForm().validate_on_submit():
        try:
            told = planning.change_event_status(event, to)
        except Refused as error:
            flash_refusal(error)
        else:
            if to is EventStatus.cancelled:
                flash(
                    ngettext(
                        "Event cancelled; %(num)d registrant is being told.",
                        "Event cancelled; %(num)d registrants are being told.",
                        told,
                    ),
                    "success",
                )
            else:
                flash(_("Event published."), "success")
    return back_to_attendees(event)


@blueprint.post("/<int:event_id>/publish")
@role_required(Role.staff)
def publish(event_id: int) -> ResponseReturnValue:
    return change_status_from(event_or_404(event_id), EventStatus.published)


@blueprint.post("/<int:event_id>/cancel")
@role_required(Role.staff)
def cancel_event(event_id: int) -> ResponseReturnValue:
    return change_status_from(event_or_404(event_id), EventStatus.cancelled)


@blueprint.post("/<int:event_id>/capacity")
@role_required(Role.staff)
def capacity(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    form = CapacityForm()
    if form.validate_on_submit():
        try:
            promoted = services.change_capacity(event, form.capacity.data)
        except Refused as error:
            flash_refusal(error)
        else:
            flash(
                ngettext(
                    "Capacity saved; %(num)d promoted from the waiting list.",
                    "Capacity saved; %(num)d promoted from the waiting list.",
                    len(promoted),
                ),
                "success",
            )
    else:
        flash(_("The capacity must be a whole number of 0 or more."), "error")
    return back_to_attendees(event)


# --- attendees ------------------------------------------------------------------------------


def attendees_for(event: Event) -> list[Registration]:
    """The registrations the filters in the query string ask for."""
    filters = AttendeeFilterForm(request.args)
    if not filters.validate():
        abort(400, _("Unknown filter value."))
    return services.attendees_of(
        event,
        status=RegistrationStatus(filters.status.data) if filters.status.data else None,
        country=filters.country.data or None,
        stage=Stage(filters.stage.data) if filters.stage.data else None,
    )


@blueprint.get("/<int:event_id>")
@role_required(Role.viewer)
def attendees(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    filters = AttendeeFilterForm(request.args)
    chosen = {name: value for name, value in filters.data.items() if value}
    return render_template(
        "events/staff/attendees.html",
        event=event,
        filters=filters,
        export_url=url_with_query("event_admin.export", chosen, event_id=event.id),
        registrations=attendees_for(event),
        seats_left=services.seats_left(event),
        confirmed=services.confirmed_count(event),
        is_past=services.is_past(event),
        action_form=FlaskForm(),
        capacity_form=CapacityForm(capacity=event.capacity),
    )


def attendee_row(registration: Registration) -> list[object]:
    return [
        registration.id,
        registration.status.value,
        registration.name,
        registration.email,
        registration.company_name,
        registration.position or "",
        registration.country or "",
        registration.language,
        registration.company.stage.value if registration.company else "",
        registration.created_at.isoformat(),
        registration.checked_in_at.isoformat() if registration.checked_in_at else "",
        "yes" if registration.is_no_show else "",
        "; ".join(capability.slug for capability in registration.needs),
        "; ".join(partner.slug for partner in registration.partners_to_meet),
        json.dumps(registration.answers, ensure_ascii=False),
    ]


@blueprint.get("/<int:event_id>/attendees.csv")
@role_required(Role.viewer)
def export(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    rows = (attendee_row(registration) for registration in attendees_for(event))
    return Response(
        "".join(csv_lines(CSV_COLUMNS, rows)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{event.slug}-attendees.csv"'},
    )


@blueprint.route("/<int:event_id>/add", methods=["GET", "POST"])
@role_required(Role.staff)
def add(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    form = registration_form_class(event, language(), all_capabilities(), published_partners())()
    form.consent.label.text = _("The person has agreed to the processing of their details.")
    if form.validate_on_submit():
        try:
            outcome = services.register(event, details_from(form, event), by_staff=True)
        except (Refused, Refusals) as refusal:
            problem = refusal_shown_on(form, refusal)
            if problem:
                flash(problem, "error")
        else:
            if outcome.is_new:
                flash(
                    _(
                        "%(name)s added (%(status)s).",
                        name=outcome.registration.name,
                        status=outcome.registration.status.label,
                    )
                )
            else:
                flash(
                    _("%(email)s was already registered.", email=outcome.registration.email),
                    "error",
                )
            return back_to_attendees(event)
    return render_template("events/staff/add.html", event=event, form=form), form_status(form)


@blueprint.post("/<int:event_id>/registrations/<int:registration_id>/cancel")
@role_required(Role.staff)
def cancel_registration(event_id: int, registration_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    registration = registration_or_404(event, registration_id)
    if FlaskForm().validate_on_submit() and registration.status != RegistrationStatus.cancelled:
        promoted = services.cancel_registration(registration)
        flash(
            ngettext(
                "%(name)s cancelled; %(num)d promoted.",
                "%(name)s cancelled; %(num)d promoted.",
                len(promoted),
                name=registration.name,
            ),
            "success",
        )
    return back_to_attendees(event)


@blueprint.post("/<int:event_id>/registrations/<int:registration_id>/revoke-link")
@role_required(Role.staff)
def revoke_link(event_id: int, registration_id: int) -> ResponseReturnValue:
    """End the registrant's private link, e.g. when it was forwarded; registering again with
    the same address mails them a new one."""
    event = event_or_404(event_id)
    registration = registration_or_404(event, registration_id)
    if FlaskForm().validate_on_submit():
        revoke_manage_links(registration)
        flash(_("The private link of %(name)s no longer works.", name=registration.name), "success")
    return back_to_attendees(event)


@blueprint.post("/<int:event_id>/registrations/<int:registration_id>/confirm")
@role_required(Role.staff)
def confirm(event_id: int, registration_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    registration = registration_or_404(event, registration_id)
    if FlaskForm().validate_on_submit() and registration.status == RegistrationStatus.waitlisted:
        try:
            services.confirm_from_waitlist(registration)
        except Refused as error:
            flash_refusal(error)
        else:
            flash(
                _("%(name)s moved from the waiting list to a seat.", name=registration.name),
                "success",
            )
    return back_to_attendees(event)


# --- at the door and after ------------------------------------------------------------------


@blueprint.get("/<int:event_id>/check-in")
@role_required(Role.staff)
def check_in_page(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    search = request.args.get("q", "").strip()[:100]
    return render_template(
        "events/staff/check_in.html",
        event=event,
        registrations=services.door_list(event, search),
        search=search,
        action_form=FlaskForm(),
    )


@blueprint.post("/<int:event_id>/registrations/<int:registration_id>/check-in")
@role_required(Role.staff)
def check_in(event_id: int, registration_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    registration = registration_or_404(event, registration_id)
    if FlaskForm().validate_on_submit():
        try:
            services.check_in(registration)
        except Refused as error:
            flash_refusal(error)
        else:
            flash(_("%(name)s checked in.", name=registration.name), "success")
    return redirect(url_for(".check_in_page", event_id=event.id, q=request.form.get("q", "")))


@blueprint.post("/<int:event_id>/no-shows")
@role_required(Role.staff)
def no_shows(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    if FlaskForm().validate_on_submit():
        try:
            marked = services.mark_no_shows(event)
        except Refused as error:
            flash_refusal(error)
        else:
            flash(
                ngettext(
                    "%(num)d confirmed registrant who did not check in marked as a no-show.",
                    "%(num)d confirmed registrants who did not check in marked as no-shows.",
                    marked,
                )
            )
    return back_to_attendees(event)
