"""Staff pages of the lead CRM: list, board, company page, edits, pipeline, contacts, timeline,
tasks, merges, import and export. Each view reads a form and calls one service."""

from datetime import datetime
from typing import Any

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
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice

from crm.auth.access import role_required
from crm.auth.models import Role
from crm.extensions import db
from crm.forms import flash_refusal, show_refusals
from crm.i18n import from_reader_time
from crm.leads import services
from crm.leads.board import board_columns, board_filters, board_return_filters
from crm.leads.confidential import can_see, may_change_confidentiality, shown_name
from crm.leads.csv_export import export_lines
from crm.leads.csv_import import ImportFileError, import_companies
from crm.leads.forms import (
    ActivityForm,
    CompanyForm,
    ConfidentialityForm,
    ContactForm,
    ImportForm,
    LandingForm,
    MergeForm,
    StageForm,
    TaskForm,
    roadmap_step_form,
)
from crm.leads.listing import PAGE_SIZES, CompanyFilters, company_page
from crm.leads.models import Company, FollowUpTask, LeadSource, Stage
from crm.leads.roadmap import overdue_steps_of, roadmap_of
from crm.refusals import Refusals, Refused, each_refusal
from crm.routing import accepts_uploads
from crm.vocabulary.groups import grouped_choices
from crm.vocabulary.models import Capability
from crm.vocabulary.services import all_capabilities, capabilities_by_slug

blueprint = Blueprint("leads", __name__, url_prefix="/leads")

# Where staff fill in each fact a stage gate asks for: a field of the company form, or the sites
# on the company page.
GATE_LINKS = {
    "site_area_m2": _l("Site area (m²)"),
    "capex_eur": _l("Capital expenditure (EUR)"),
    "new_jobs": _l("New jobs"),
    "actual_landing_on": _l("Actual landing date"),
    "site": _l("Sites"),
}


def missing_fact_link(company: Company, field: str) -> tuple[str, str]:
    """The name of a fact a stage needs and where on which page it is filled in."""
    if field == "site":
        link = url_for("leads.show", company_id=company.id) + "#company-sites"
    else:
        link = url_for("leads.edit", company_id=company.id) + f"#{field}"
    return str(GATE_LINKS[field]), link


def staff_choices(blank: str) -> list[SelectChoice]:
    return [SelectChoice("", blank)] + [
        SelectChoice(str(user.id), user.name) for user in services.staff_members()
    ]


def company_or_404(company_id: int) -> Company:
    """The company, for those who may see it as it is (``crm.leads.confidential``)."""
    company = services.company_by_id(company_id) or abort(404)
    return company if can_see(company, current_user) else abort(403)


@blueprint.app_template_global()
def lead_name(company: Company, reader: Any = current_user) -> str:
    """The name a reader (the one signed in, unless another is given) may read."""
    return shown_name(company, reader)


@blueprint.app_template_global()
def can_see_lead(company: Company, reader: Any = current_user) -> bool:
    return can_see(company, reader)


@blueprint.app_template_global()
def can_see_lead_of(company_id: int | None) -> bool:
    """Whether the one signed in may read what concerns the company ``company_id`` (a mail about
    it, say); true when it names none."""
    company = services.company_by_id(company_id) if company_id else None
    return company is None or can_see(company, current_user)


blueprint.add_app_template_global(may_change_confidentiality, "may_change_confidentiality")


def company_form(company: Company | None = None) -> CompanyForm:
    form = CompanyForm(obj=company)
    form.owner_id.choices = staff_choices(_("Nobody yet"))
    form.needs.choices = grouped_choices(all_capabilities())
    if company is not None and request.method == "GET":
        form.needs.data = [need.slug for need in company.needs]
        form.source.data = company.source.name
        form.investment_type.data = company.investment_type.name if company.investment_type else ""
        form.owner_id.data = str(company.owner_id or "")
    return form


def chosen_needs(form: CompanyForm) -> list[Capability]:
    return capabilities_by_slug(form.needs.data or [])


# --- list, board, figures ---------------------------------------------------------------------


@blueprint.get("/")
@role_required(Role.viewer)
def index() -> ResponseReturnValue:
    filters = CompanyFilters.from_args(request.args)
    errors = filters.errors()
    return render_template(
        "leads/index.html",
        page=company_page(filters, current_user),
        filters=filters,
        errors=errors,
        owners=staff_choices(_("Any owner")),
        capabilities=all_capabilities(),
        stages=list(Stage),
        sources=list(LeadSource),
        page_sizes=PAGE_SIZES,
    ), (400 if errors else 200)


@blueprint.get("/board")
@role_required(Role.viewer)
def board() -> ResponseReturnValue:
    filters = board_filters(request.args)
    return render_template(
        "leads/board.html",
        columns=board_columns(filters, current_user),
        filters=filters,
        owners=staff_choices(_("Any owner")),
        sources=list(LeadSource),
        # Each stage's word, looked up once for the hundreds of move forms.
        stage_labels={stage: stage.label for stage in Stage},
        verified_landings=services.verified_landings_count(),
    )


@blueprint.get("/export.csv")
@role_required(Role.viewer)
def export() -> ResponseReturnValue:
    filters = CompanyFilters.from_args(request.args)
    return Response(
        stream_with_context(export_lines(filters, current_user)),
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
        except Refusals as error:
            show_refusals(form, error)
        else:
            flash(_("Created %(name)s.", name=company.name), "success")
            return redirect(url_for("leads.show", company_id=company.id))
    status = 422 if form.errors or duplicates else 200
    return render_template("leads/form.html", form=form, duplicates=duplicates), status


@blueprint.get("/<int:company_id>")
@role_required(Role.viewer)
def show(company_id: int) -> ResponseReturnValue:
    company = services.company_by_id(company_id) or abort(404)
    if not can_see(company, current_user):
        return render_template("leads/confidential.html", company=company)
    return render_company(company)


def render_company(company: Company, status: int = 200, **forms: Any) -> ResponseReturnValue:
    """The company page with its timeline, stage history, contacts, tasks, roadmap and action
    forms."""
    owners = staff_choices(_("Nobody"))
    task_form = forms.pop("task_form", None) or TaskForm()
    task_form.owner_id.choices = owners
    if not task_form.is_submitted():
        task_form.owner_id.data = str(current_user.id)
    activities = db.session.scalars(services.timeline_of(company)).all()
    tasks = db.session.scalars(services.tasks_of(company)).all()
    steps = roadmap_of(company)
    failed_step_form = forms.pop("step_form", None)
    missing_facts = forms.pop("missing_facts", [])
    return render_template(
        "leads/show.html",
        company=company,
        activities=activities,
        tasks=tasks,
        roadmap=steps,
        step_forms={step.id: roadmap_step_form(step, owners, failed_step_form) for step in steps},
        time_in_stages=services.time_in_stages(company),
        allowed_stages=services.allowed_moves(company),
        today=services.office_today(),
        stage_form=forms.pop("stage_form", None) or StageForm(),
        landing_form=forms.pop("landing_form", None) or LandingForm(),
        activity_form=forms.pop("activity_form", None) or ActivityForm(),
        merge_form=forms.pop("merge_form", None) or MergeForm(),
        confidentiality_form=forms.pop("confidentiality_form", None)
        or confidentiality_form(company),
        task_form=task_form,
        missing_facts=[missing_fact_link(company, field) for field in dict.fromkeys(missing_facts)],
    ), status


def confidentiality_form(company: Company) -> ConfidentialityForm:
    form = ConfidentialityForm(obj=company)
    form.team_ids.choices = [
        SelectChoice(user.id, user.name) for user in services.team_candidates()
    ]
    if not form.is_submitted():
        form.team_ids.data = [member.id for member in company.team]
    return form


@blueprint.post("/<int:company_id>/confidentiality")
@role_required(Role.staff)
def confidentiality(company_id: int) -> ResponseReturnValue:
    company = company_or_404(company_id)
    form = confidentiality_form(company)
    if form.validate_on_submit():
        try:
            services.set_confidentiality(
                company,
                is_confidential=bool(form.is_confidential.data),
                codename=form.codename.data,
                team_ids=form.team_ids.data or [],
                by=current_user,
            )
        except services.NotTheOwner:
            abort(403)
        except Refusals as error:
            show_refusals(form, error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("leads.show", company_id=company_id))
    return render_company(company, 422, confidentiality_form=form)


@blueprint.route("/<int:company_id>/edit", methods=["GET", "POST"])
@role_required(Role.staff)
def edit(company_id: int) -> ResponseReturnValue:
    company = company_or_404(company_id)
    form = company_form(company)
    if request.method == "GET":
        form.version.data = str(company.version)
    if form.validate_on_submit():
        try:
            services.update_company(
                company,
                form.details(),
                needs=chosen_needs(form),
                expected_version=form.expected_version(),
            )
        except services.StaleEdit as error:
            flash_refusal(error)
            return redirect(url_for("leads.edit", company_id=company_id)), 303
        except Refusals as error:
            show_refusals(form, error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("leads.show", company_id=company.id))
    status = 422 if form.errors else 200
    return render_template("leads/form.html", form=form, company=company, duplicates=[]), status


@blueprint.post("/<int:company_id>/archive")
@role_required(Role.staff)
def archive(company_id: int) -> ResponseReturnValue:
    company = company_or_404(company_id)
    services.set_archived(company, not company.is_archived, by=current_user)
    flash(_("Archived.") if company.is_archived else _("Restored."), "success")
    return redirect(url_for("leads.show", company_id=company_id))


@blueprint.post("/<int:company_id>/delete")
@role_required(Role.admin)
def delete(company_id: int) -> ResponseReturnValue:
    company = company_or_404(company_id)
    name = company.name
    services.delete_company(company)
    flash(_("Deleted %(name)s.", name=name), "success")
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
        except (Refused, Refusals) as error:
            # What the stage needs is missing from the lead, not from this form: said at "Move to",
            # with a link to each missing fact.
            show_refusals(form, error, fields=dict.fromkeys(services.GATE_FIELDS, "stage"))
            missing_facts = [
                refusal.field for refusal in each_refusal(error) if refusal.field in GATE_LINKS
            ]
            return render_company(company, 422, stage_form=form, missing_facts=missing_facts)
        flash(_("Moved to %(stage)s.", stage=company.stage.label), "success")
        board = board_return_filters(form.back.data or "", url_for("leads.board"))
        if board is not None:
            return redirect(url_for("leads.board", **board.to_args()))
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
        except Refused as error:
            show_refusals(form, error)
        else:
            flash(_("Landing verified."), "success")
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
        try:
            services.log_activity(
                company,
                form.activity_kind(),
                form.subject.data or "",
                form.body.data or "",
                occurred_at=occurred_at,
                by=current_user,
            )
        except Refusals as error:
            show_refusals(form, error)
        else:
            return redirect(url_for("leads.show", company_id=company_id) + "#timeline")
    return render_company(company, 422, activity_form=form)


@blueprint.post("/<int:company_id>/tasks")
@role_required(Role.staff)
def add_task(company_id: int) -> ResponseReturnValue:
    company = company_or_404(company_id)
    form = TaskForm()
    form.owner_id.choices = staff_choices(_("Nobody"))
    if form.validate_on_submit():
        try:
            services.create_task(
                company, form.title.data or "", form.due_on.data, owner_id=form.owner()
            )
        except (Refused, Refusals) as error:
            show_refusals(form, error)
        else:
            return redirect(url_for("leads.show", company_id=company_id) + "#tasks")
    return render_company(company, 422, task_form=form)


@blueprint.post("/tasks/<int:task_id>/done")
@role_required(Role.staff)
def complete_task(task_id: int) -> ResponseReturnValue:
    task = db.get_or_404(FollowUpTask, task_id)
    services.complete_task(task)
    if request.form.get("next") == "mine":
        return redirect(url_for("leads.my_tasks"))
    return redirect(url_for("leads.show", company_id=task.company_id) + "#tasks")


@blueprint.get("/tasks")
@role_required(Role.staff)
def my_tasks() -> ResponseReturnValue:
    return render_template(
        "leads/tasks.html",
        tasks=services.open_tasks_of(current_user),
        overdue_steps=overdue_steps_of(current_user, services.office_today()),
        today=services.office_today(),
    )


# --- contacts ----------------------------------------------------------------------------------


@blueprint.route("/<int:company_id>/contacts/new", methods=["GET", "POST"])
@blueprint.route("/<int:company_id>/contacts/<int:contact_id>", methods=["GET", "POST"])
@role_required(Role.staff)
def contact(company_id: int, contact_id: int | None = None) -> ResponseReturnValue:
    company = company_or_404(company_id)
    person = (services.contact_of(company, contact_id) or abort(404)) if contact_id else None
    form = ContactForm(obj=person)
    if person is not None and request.method == "GET":
        form.has_consent.data = person.consent_at is not None
    if form.validate_on_submit():
        try:
            services.save_contact(
                company,
                form.details(),
                has_consent=bool(form.has_consent.data),
                consent_version=form.consent_version.data,
                contact=person,
            )
        except Refusals as error:
            show_refusals(form, error)
        else:
            flash(_("Contact saved."), "success")
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
        duplicate = services.company_by_id(form.duplicate_id.data or 0)
        if duplicate is None:
            form.duplicate_id.errors.append(_("There is no company with this id."))
        else:
            try:
                services.merge_companies(survivor, duplicate, by=current_user)
            except Refused as error:
                show_refusals(form, error)
            else:
                flash(_("Merged."), "success")
                return redirect(url_for("leads.show", company_id=company_id))
    return render_company(survivor, 422, merge_form=form)


# --- import ------------------------------------------------------------------------------------


@blueprint.route("/import", methods=["GET", "POST"])
@accepts_uploads
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
    # Valid rows imported beside refused ones are kept: the page then reports the others.
    refused = bool(report and report.errors and not report.imported)
    status = 422 if form.errors or refused else 200
    return render_template("leads/import.html", form=form, report=report), status
