"""Staff pages for running events: editing, publishing, attendees, check-in, no-shows."""

import csv
import io
import json
from collections.abc import Iterator
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
from flask_wtf import FlaskForm
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from crm.auth.access import role_required
from crm.auth.models import Role
from crm.events import services
from crm.events.forms import (
    AttendeeFilterForm,
    CapacityForm,
    EventForm,
    parse_questions,
    registration_form_class,
)
from crm.events.models import Event, EventStatus, Registration, RegistrationStatus
from crm.events.planning import EventDetails, EventRefused, default_organiser, save_event
from crm.events.routes import (
    all_capabilities,
    details_from,
    published_partners,
    refusal_shown_on,
)
from crm.events.services import RegistrationRefused
from crm.events.texts import translator
from crm.events.tokens import revoke_manage_links
from crm.extensions import db
from crm.leads.models import Company, Stage

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


@blueprint.context_processor
def staff_words() -> dict[str, object]:
    return {"t": translator("en"), "when": lambda event: services.event_when(event, "en")}


def event_or_404(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None:
        abort(404)
    return event


def registration_or_404(event: Event, registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        abort(404)
    return registration


def back_to_attendees(event: Event) -> ResponseReturnValue:
    return redirect(url_for(".attendees", event_id=event.id))


@blueprint.get("/")
@role_required(Role.viewer)
def index() -> ResponseReturnValue:
    events = db.session.scalars(select(Event).order_by(Event.created_at.desc())).all()
    confirmed = dict(
        db.session.execute(
            select(Registration.event_id, func.count(Registration.id))
            .where(Registration.status == RegistrationStatus.confirmed)
            .group_by(Registration.event_id)
        ).all()
    )
    return render_template("events/staff/index.html", events=events, confirmed=confirmed)


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


def event_details_from(form: EventForm) -> EventDetails:
    return EventDetails(
        title=form.title.data or "",
        slug=form.slug.data or "",
        description=form.description.data or "",
        is_all_day=bool(form.is_all_day.data),
        timezone=form.timezone.data,
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        starts_at=form.local(form.starts_local.data),
        ends_at=form.local(form.ends_local.data),
        venue=form.venue.data or None,
        address=form.address.data or None,
        city=form.city.data or "",
        country=form.country.data,
        capacity=form.capacity.data,
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


# Where the form shows a refusal about a value the planning rules name.
FORM_FIELDS = {
    "starts_at": "starts_local",
    "ends_at": "ends_local",
    "starts_on": "starts_on",
    "ends_on": "ends_on",
    "registration_opens_at": "opens_local",
    "registration_closes_at": "closes_local",
    "slug": "slug",
}


@blueprint.route("/new", methods=["GET", "POST"])
@role_required(Role.staff)
def create() -> ResponseReturnValue:
    form = EventForm(**default_organiser())
    if form.validate_on_submit():
        try:
            event = save_event(None, event_details_from(form))
        except EventRefused as refusal:
            db.session.rollback()
            form[FORM_FIELDS[refusal.field]].errors.append(refusal.message)
            return render_template("events/staff/edit.html", form=form, event=None), 422
        db.session.commit()
        flash("Event created as a draft; publish it when it is ready.", "success")
        return back_to_attendees(event)
    return render_template("events/staff/edit.html", form=form, event=None), form_status(form)


@blueprint.route("/<int:event_id>/edit", methods=["GET", "POST"])
@role_required(Role.staff)
def edit(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    form = EventForm(obj=event, data=form_data_of(event))
    if form.validate_on_submit():
        try:
            save_event(event, event_details_from(form))
        except EventRefused as refusal:
            db.session.rollback()
            form[FORM_FIELDS[refusal.field]].errors.append(refusal.message)
            return render_template("events/staff/edit.html", form=form, event=event), 422
        except RegistrationRefused as refusal:
            db.session.rollback()
            form.capacity.errors.append(translator("en")(refusal.reason))
            return render_template("events/staff/edit.html", form=form, event=event), 422
        db.session.commit()
        flash("Event saved.", "success")
        return back_to_attendees(event)
    return render_template("events/staff/edit.html", form=form, event=event), form_status(form)


@blueprint.post("/<int:event_id>/publish")
@role_required(Role.staff)
def publish(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    if FlaskForm().validate_on_submit() and event.status == EventStatus.draft:
        services.publish_event(event)
        db.session.commit()
        flash("Event published.", "success")
    return back_to_attendees(event)


@blueprint.post("/<int:event_id>/cancel")
@role_required(Role.staff)
def cancel_event(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    if FlaskForm().validate_on_submit() and event.status != EventStatus.cancelled:
        told = services.cancel_event(event)
        db.session.commit()
        flash(f"Event cancelled; {told} registrants are being told.", "success")
    return back_to_attendees(event)


@blueprint.post("/<int:event_id>/capacity")
@role_required(Role.staff)
def capacity(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    form = CapacityForm()
    if form.validate_on_submit():
        try:
            promoted = services.change_capacity(event, form.capacity.data)
        except RegistrationRefused as refusal:
            db.session.rollback()
            flash(translator("en")(refusal.reason), "error")
        else:
            db.session.commit()
            flash(f"Capacity saved; {len(promoted)} promoted from the waiting list.", "success")
    else:
        flash("The capacity must be a whole number of 0 or more.", "error")
    return back_to_attendees(event)


# --- attendees ------------------------------------------------------------------------------


def attendee_query(event: Event, filters: AttendeeFilterForm) -> Select[tuple[Registration]]:
    query = (
        select(Registration)
        .where(Registration.event_id == event.id)
        .options(
            joinedload(Registration.company),
            selectinload(Registration.needs),
            selectinload(Registration.partners_to_meet),
        )
        .order_by(Registration.id)
    )
    if filters.status.data:
        query = query.where(Registration.status == RegistrationStatus(filters.status.data))
    if filters.country.data:
        query = query.where(Registration.country == filters.country.data)
    if filters.stage.data:
        query = query.join(Company, Registration.company_id == Company.id).where(
            Company.stage == Stage(filters.stage.data)
        )
    return query


def attendee_filters() -> AttendeeFilterForm:
    filters = AttendeeFilterForm(request.args)
    if not filters.validate():
        abort(400, "Unknown filter value.")
    return filters


@blueprint.get("/<int:event_id>")
@role_required(Role.viewer)
def attendees(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    filters = attendee_filters()
    registrations = db.session.scalars(attendee_query(event, filters)).unique().all()
    return render_template(
        "events/staff/attendees.html",
        event=event,
        filters=filters,
        registrations=registrations,
        seats_left=services.seats_left(event),
        confirmed=services.confirmed_count(event),
        is_past=services.is_past(event),
        action_form=FlaskForm(),
        capacity_form=CapacityForm(capacity=event.capacity),
    )


def csv_rows(registrations: list[Registration]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for registration in registrations:
        writer.writerow(
            [
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
        )
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


@blueprint.get("/<int:event_id>/attendees.csv")
@role_required(Role.viewer)
def export(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    registrations = list(db.session.scalars(attendee_query(event, attendee_filters())).unique())
    return Response(
        "".join(csv_rows(registrations)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{event.slug}-attendees.csv"'},
    )


@blueprint.route("/<int:event_id>/add", methods=["GET", "POST"])
@role_required(Role.staff)
def add(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    t = translator("en")
    form = registration_form_class(event, "en", t, all_capabilities(), published_partners())()
    form.consent.label.text = "The person has agreed to the processing of their details."
    if form.validate_on_submit():
        try:
            outcome = services.register(event, details_from(form, event), by_staff=True)
        except RegistrationRefused as refusal:
            db.session.rollback()
            problem = refusal_shown_on(form, refusal, t)
            if problem:
                flash(problem, "error")
        else:
            db.session.commit()
            if outcome.is_new:
                flash(f"{outcome.registration.name} added ({outcome.registration.status.value}).")
            else:
                flash(f"{outcome.registration.email} was already registered.", "error")
            return back_to_attendees(event)
    return render_template("events/staff/add.html", event=event, form=form), form_status(form)


@blueprint.post("/<int:event_id>/registrations/<int:registration_id>/cancel")
@role_required(Role.staff)
def cancel_registration(event_id: int, registration_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    registration = registration_or_404(event, registration_id)
    if FlaskForm().validate_on_submit() and registration.status != RegistrationStatus.cancelled:
        promoted = services.cancel_registration(registration)
        db.session.commit()
        flash(f"{registration.name} cancelled; {len(promoted)} promoted.", "success")
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
        db.session.commit()
        flash(f"The private link of {registration.name} no longer works.", "success")
    return back_to_attendees(event)


@blueprint.post("/<int:event_id>/registrations/<int:registration_id>/confirm")
@role_required(Role.staff)
def confirm(event_id: int, registration_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    registration = registration_or_404(event, registration_id)
    if FlaskForm().validate_on_submit() and registration.status == RegistrationStatus.waitlisted:
        try:
            services.confirm_from_waitlist(registration)
        except RegistrationRefused as refusal:
            db.session.rollback()
            flash(translator("en")(refusal.reason), "error")
        else:
            db.session.commit()
            flash(f"{registration.name} moved from the waiting list to a seat.", "success")
    return back_to_attendees(event)


# --- at the door and after ------------------------------------------------------------------


@blueprint.get("/<int:event_id>/check-in")
@role_required(Role.staff)
def check_in_page(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    search = request.args.get("q", "").strip()[:100]
    query = (
        select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.confirmed,
        )
        .order_by(Registration.name)
    )
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(
            or_(
                func.lower(Registration.name).like(pattern),
                Registration.email.like(pattern),
                func.lower(Registration.company_name).like(pattern),
            )
        )
    return render_template(
        "events/staff/check_in.html",
        event=event,
        registrations=db.session.scalars(query).all(),
        search=search,
        action_form=FlaskForm(),
    )


@blueprint.post("/<int:event_id>/registrations/<int:registration_id>/check-in")
@role_required(Role.staff)
def check_in(event_id: int, registration_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    registration = registration_or_404(event, registration_id)
    if FlaskForm().validate_on_submit() and registration.status == RegistrationStatus.confirmed:
        services.check_in(registration)
        db.session.commit()
        flash(f"{registration.name} checked in.", "success")
    return redirect(url_for(".check_in_page", event_id=event.id, q=request.form.get("q", "")))


@blueprint.post("/<int:event_id>/no-shows")
@role_required(Role.staff)
def no_shows(event_id: int) -> ResponseReturnValue:
    event = event_or_404(event_id)
    if FlaskForm().validate_on_submit():
        if not services.is_past(event):
            flash("No-shows can be marked only after the event.", "error")
        else:
            marked = services.mark_no_shows(event)
            db.session.commit()
            flash(f"{marked} confirmed registrants who did not check in marked as no-shows.")
    return back_to_attendees(event)
