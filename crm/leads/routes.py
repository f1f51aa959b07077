from datetime import datetime
from typing import Any, TypeVar

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from crm.auth.access import role_required
from crm.auth.models import Role, User
from crm.extensions import db
from crm.i18n import from_reader_time
from crm.leads import services
from crm.leads.csv_export import export_lines
from crm.leads.csv_import import ImportFileError, import_companies
from crm.leads.forms import (
    ActivityForm,
    CompanyForm,
    ContactForm,
    ImportForm,
    LandingForm,
    MergeForm,
    StageForm,
    TaskForm,
)
from crm.leads.listing import PAGE_SIZES, CompanyFilters, company_page
from crm.leads.models import (
    Activity,
    Company,
    Contact,
    FollowUpTask,
    LeadSource,
    Stage,
)
from crm.partners.models import Capability

blueprint = Blueprint("leads", __name__, url_prefix="/leads")
ModelT = TypeVar("ModelT")
BOARD_COLUMN_SIZE = 50


def staff_choices(blank: str) -> list[SelectChoice]:
    users = db.session.scalars(
        select(User).where(User.role != Role.viewer, User.is_enabled).order_by(User.name)
    )
    return [SelectChoice("", blank)] + [SelectChoice(str(user.id), user.name) for user in users]


def all_capabilities() -> list[Capability]:
    return list(db.session.scalars(select(Capability).order_by(Capability.label)))


def row_or_404(model: type[ModelT], row_id: int) -> ModelT:
    if row_id > services.MAX_ID:
        abort(404)
    return db.get_or_404(model, row_id)


def company_or_404(company_id: int) -> Company:
    return row_or_404(Company, company_id)


def company_form(company: Company | None = None) -> CompanyForm:
    form = CompanyForm(obj=company)
    form.owner_id.choices = staff_choices("Nobody yet")
    form.needs.choices = [SelectChoice(c.slug, c.label) for c in all_capabilities()]
    if company is not None and request.method == "GET":
        form.needs.data = [need.slug for need in company.needs]
        form.source.data = company.source.name
        form.investment_type.data = company.investment_type.name if company.investment_type else ""
        form.owner_id.data = str(company.owner_id or "")
    return form


def chosen_needs(form: CompanyForm) -> list[Capability]:
    slugs = set(form.needs.data or [])
    return [capability for capability in all_capabilities() if capability.slug in slugs]


# --- list, board, figures ---------------------------------------------------------------------


@blueprint.get("/")
@role_required(Role.viewer)
def index() -> ResponseReturnValue:
    filters = CompanyFilters.from_args(request.args)
    return render_template(
        "leads/index.html",
        page=company_page(filters),
        filters=filters,
        owners=staff_choices("Any owner"),
        capabilities=all_capabilities(),
        stages=list(Stage),
        sources=list(LeadSource),
        page_sizes=PAGE_SIZES,
    )


@blueprint.get("/board")
@role_required(Role.viewer)
def board() -> ResponseReturnValue:
    live = Company.is_archived.is_(False)
    counts: dict[Stage, int] = {
        stage: count
        for stage, count in db.session.execute(
            select(Company.stage, func.count()).where(live).group_by(Company.stage)
        )
    }
    columns = {
        stage: db.session.scalars(
            select(Company)
            .where(live, Company.stage == stage)
            .options(selectinload(Company.owner))
            .order_by(Company.updated_at.desc())
            .limit(BOARD_COLUMN_SIZE)
        ).all()
        for stage in Stage
    }
    return render_template(
        "leads/board.html",
        columns=columns,
        counts=counts,
        verified_landings=services.verified_landings_count(),
    )


@blueprint.get("/export.csv")
@role_required(Role.viewer)
def export() -> ResponseReturnValue:
    filters = CompanyFilters.from_args(request.args)
    return Response(
        stream_with_context(export_lines(filters)),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=companies.csv"},
    )


# --- create, view, edit, archive -------------------------------------------------------------


@blueprint.route("/new", methods=["GET", "POST"])
@role_required(Role.staff)
def create() -> ResponseReturnValue:
    form = company_form()
    if request.method == "GET":
        form.owner_id.data = str(current_user.id)
    duplicates: list[Company] = []
    if form.validate_on_submit():
        try:
            company = services.create_company(
                form.details(),
                needs=chosen_needs(form),
                by=current_user,
                allow_duplicates=bool(form.create_anyway.data),
            )
        except services.PossibleDuplicates as error:
            duplicates = error.matches
        else:
            db.session.commit()
            flash(f"Created {company.name}.", "success")
            return redirect(url_for("leads.show", company_id=company.id))
    status = 422 if form.errors or duplicates else 200
    return render_template("leads/form.html", form=form, duplicates=duplicates), status


@blueprint.get("/<int:company_id>")
@role_required(Role.viewer)
def show(company_id: int) -> ResponseReturnValue:
    return render_company(company_or_404(company_id))


def render_company(company: Company, status: int = 200, **forms: Any) -> ResponseReturnValue:
    """The company page with its timeline, stage history, contacts, tasks and action forms."""
    task_form = forms.pop("task_form", None) or TaskForm()
    task_form.owner_id.choices = staff_choices("Nobody")
    if not task_form.is_submitted():
        task_form.owner_id.data = str(current_user.id)
    activities = db.session.scalars(
        select(Activity)
        .where(Activity.company_id == company.id)
        .options(selectinload(Activity.author))
        .order_by(Activity.occurred_at.desc(), Activity.id.desc())
    ).all()
    tasks = db.session.scalars(
        select(FollowUpTask)
        .where(FollowUpTask.company_id == company.id)
        .options(selectinload(FollowUpTask.owner))
        .order_by(FollowUpTask.is_done, FollowUpTask.due_on)
    ).all()
    return render_template(
        "leads/show.html",
        company=company,
        activities=activities,
        tasks=tasks,
        time_in_stages=services.time_in_stages(company),
        allowed_stages=sorted(services.ALLOWED_MOVES[company.stage], key=list(Stage).index),
        today=services.office_today(),
        stage_form=forms.pop("stage_form", None) or StageForm(),
        landing_form=forms.pop("landing_form", None) or LandingForm(),
        activity_form=forms.pop("activity_form", None) or ActivityForm(),
        merge_form=forms.pop("merge_form", None) or MergeForm(),
        task_form=task_form,
    ), status


@blueprint.route("/<int:company_id>/edit", methods=["GET", "POST"])
@role_required(Role.staff)
def edit(company_id: int) -> ResponseReturnValue:
    company = company_or_404(company_id)
    form = company_form(company)
    if request.method == "GET":
        form.version.data = str(company.version)
    if form.validate_on_submit():
        expected = int(form.version.data) if (form.version.data or "").isdigit() else -1
        try:
            services.update_company(
                company, form.details(), needs=chosen_needs(form), expected_version=expected
            )
        except services.StaleEdit as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(url_for("leads.edit", company_id=company_id)), 303
        db.session.commit()
        flash("Saved.", "success")
        return redirect(url_for("leads.show", company_id=company.id))
    status = 422 if form.errors else 200
    return render_template("leads/form.html", form=form, company=company, duplicates=[]), status


@blueprint.post("/<int:company_id>/archive")
@role_required(Role.staff)
def archive(company_id: int) -> ResponseReturnValue:
    company = company_or_404(company_id)
    services.set_archived(company, not company.is_archived, by=current_user)
    db.session.commit()
    flash("Archived." if company.is_archived else "Restored.", "success")
    return redirect(url_for("leads.show", company_id=company_id))


@blueprint.post("/<int:company_id>/delete")
@role_required(Role.admin)
def delete(company_id: int) -> ResponseReturnValue:
    company = company_or_404(company_id)
    name = company.name
    services.delete_company(company)
    db.session.commit()
    flash(f"Deleted {name}.", "success")
    return redirect(url_for("leads.index"))


# --- pipeline ----------------------------------------------------------------------------------


@blueprint.post("/<int:company_id>/stage")
@role_required(Role.staff)
def move_stage(company_id: int) -> ResponseReturnValue:
    company = company_or_404(company_id)
    form = StageForm()
    if form.validate_on_submit():
        try:
            services.move_stage(
                company,
                Stage[form.stage.data],
                form.reason.data or "",
                current_user,
                lost_to_location=form.lost_to_location.data,
            )
        except services.LeadError as error:
            form.stage.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"Moved to {company.stage.name.replace('_', ' ')}.", "success")
            return redirect(url_for("leads.show", company_id=company_id))
    return render_company(company, 422, stage_form=form)


@blueprint.post("/<int:company_id>/landing")
@role_required(Role.staff)
def verify_landing(company_id: int) -> ResponseReturnValue:
    company = company_or_404(company_id)
    form = LandingForm()
    if form.validate_on_submit():
        try:
            services.verify_landing(company, form.evidence.data or "", by=current_user)
        except services.LeadError as error:
            form.evidence.errors.append(str(error))
        else:
            db.session.commit()
            flash("Landing verified.", "success")
            return redirect(url_for("leads.show", company_id=company_id))
    return render_company(company, 422, landing_form=form)


# --- timeline and tasks ------------------------------------------------------------------------


@blueprint.post("/<int:company_id>/activities")
@role_required(Role.staff)
def log_activity(company_id: int) -> ResponseReturnValue:
    company = company_or_404(company_id)
    form = ActivityForm()
    if form.validate_on_submit():
        occurred_at = (
            from_reader_time(form.occurred_at.data)
            if isinstance(form.occurred_at.data, datetime)
            else None
        )
        services.log_activity(
            company,
            form.activity_kind(),
            form.subject.data or "",
            form.body.data or "",
            occurred_at=occurred_at,
            by=current_user,
        )
        db.session.commit()
        return redirect(url_for("leads.show", company_id=company_id) + "#timeline")
    return render_company(company, 422, activity_form=form)


@blueprint.post("/<int:company_id>/tasks")
@role_required(Role.staff)
def add_task(company_id: int) -> ResponseReturnValue:
    company = company_or_404(company_id)
    form = TaskForm()
    form.owner_id.choices = staff_choices("Nobody")
    if form.validate_on_submit() and form.due_on.data:
        owner = db.session.get(User, int(form.owner_id.data)) if form.owner_id.data else None
        services.create_task(company, form.title.data or "", form.due_on.data, owner=owner)
        db.session.commit()
        return redirect(url_for("leads.show", company_id=company_id) + "#tasks")
    return render_company(company, 422, task_form=form)


@blueprint.post("/tasks/<int:task_id>/done")
@role_required(Role.staff)
def complete_task(task_id: int) -> ResponseReturnValue:
    task = row_or_404(FollowUpTask, task_id)
    services.complete_task(task)
    db.session.commit()
    if request.form.get("next") == "mine":
        return redirect(url_for("leads.my_tasks"))
    return redirect(url_for("leads.show", company_id=task.company_id) + "#tasks")


@blueprint.get("/tasks")
@role_required(Role.staff)
def my_tasks() -> ResponseReturnValue:
    return render_template(
        "leads/tasks.html",
        tasks=services.open_tasks_of(current_user),
        today=services.office_today(),
    )


# --- contacts ----------------------------------------------------------------------------------


@blueprint.route("/<int:company_id>/contacts/new", methods=["GET", "POST"])
@blueprint.route("/<int:company_id>/contacts/<int:contact_id>", methods=["GET", "POST"])
@role_required(Role.staff)
def contact(company_id: int, contact_id: int | None = None) -> ResponseReturnValue:
    company = company_or_404(company_id)
    person = row_or_404(Contact, contact_id) if contact_id else None
    if person is not None and person.company_id != company.id:
        abort(404)
    form = ContactForm(obj=person)
    if person is not None and request.method == "GET":
        form.has_consent.data = person.consent_at is not None
    if form.validate_on_submit():
        services.save_contact(
            company,
            {name: (field.data or None) for name, field in form._fields.items()},
            has_consent=bool(form.has_consent.data),
            consent_version=(form.consent_version.data or "").strip() or None,
            contact=person,
        )
        db.session.commit()
        flash("Contact saved.", "success")
        return redirect(url_for("leads.show", company_id=company_id) + "#contacts")
    status = 422 if form.errors else 200
    return render_template("leads/contact.html", form=form, company=company, person=person), status


# --- duplicates --------------------------------------------------------------------------------


@blueprint.post("/<int:company_id>/merge")
@role_required(Role.staff)
def merge(company_id: int) -> ResponseReturnValue:
    survivor = company_or_404(company_id)
    form = MergeForm()
    if form.validate_on_submit():
        duplicate = db.session.get(Company, form.duplicate_id.data)
        if duplicate is None:
            form.duplicate_id.errors.append("There is no company with this id.")
        else:
            try:
                services.merge_companies(survivor, duplicate, by=current_user)
            except services.LeadError as error:
                form.duplicate_id.errors.append(str(error))
            else:
                db.session.commit()
                flash("Merged.", "success")
                return redirect(url_for("leads.show", company_id=company_id))
    return render_company(survivor, 422, merge_form=form)


# --- import ------------------------------------------------------------------------------------


@blueprint.route("/import", methods=["GET", "POST"])
@role_required(Role.staff)
def import_file() -> ResponseReturnValue:
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        try:
            report = import_companies(
                form.file.data.read(),
                valid_only=bool(form.import_valid_rows.data),
                dry_run=bool(form.dry_run.data),
                by=current_user,
            )
        except ImportFileError as error:
            form.file.errors = [str(error)]
        else:
            db.session.commit()
    status = 422 if form.errors or (report and report.errors) else 200
    return render_template("leads/import.html", form=form, report=report), status
