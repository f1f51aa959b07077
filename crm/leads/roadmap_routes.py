"""Pages of the regulatory roadmap: starting a lead's roadmap, changing its steps, and the
template admins keep. The views hang on the leads blueprint."""

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from crm.auth.access import role_required
from crm.auth.models import Role
from crm.extensions import db
from crm.forms import flash_refusal, show_refusals
from crm.leads import roadmap
from crm.leads.forms import RoadmapStepForm, TemplateStepForm, step_prefix
from crm.leads.roadmap import RoadmapStep, RoadmapTemplateStep
from crm.leads.routes import blueprint, company_or_404, render_company, staff_choices
from crm.leads.services import office_today
from crm.refusals import Refusals, Refused


@blueprint.post("/<int:company_id>/roadmap")
@role_required(Role.staff)
def start_roadmap(company_id: int) -> ResponseReturnValue:
    company = company_or_404(company_id)
    try:
        roadmap.start_roadmap(company, by=current_user)
    except Refused as error:
        flash_refusal(error)
        return redirect(url_for("leads.show", company_id=company_id) + "#roadmap"), 303
    flash(_("Roadmap started."), "success")
    return redirect(url_for("leads.show", company_id=company_id) + "#roadmap")


@blueprint.post("/roadmap-steps/<int:step_id>")
@role_required(Role.staff)
def update_roadmap_step(step_id: int) -> ResponseReturnValue:
    step = db.get_or_404(RoadmapStep, step_id)
    company_or_404(step.company_id)
    form = RoadmapStepForm(prefix=step_prefix(step))
    form.owner_id.choices = staff_choices(_("Nobody"))
    if form.validate_on_submit():
        try:
            roadmap.update_step(
                step,
                form.chosen_status(),
                owner_id=form.owner(),
                planned_on=form.planned_on.data,
                done_on=form.done_on.data,
                today=office_today(),
                by=current_user,
            )
        except (Refused, Refusals) as error:
            for message in show_refusals(form, error):
                flash(message, "error")
        else:
            flash(_("Saved %(step)s.", step=step.title), "success")
            return redirect(url_for("leads.show", company_id=step.company_id) + "#roadmap")
    return render_company(step.company, 422, step_form=form)


# --- the template ------------------------------------------------------------------------------


def template_forms() -> dict[int, TemplateStepForm]:
    return {
        step.id: TemplateStepForm(formdata=None, prefix=f"template-{step.id}", obj=step)
        for step in roadmap.template_steps()
    }


def render_template_page(
    status: int = 200,
    new_form: TemplateStepForm | None = None,
    failed: tuple[int, TemplateStepForm] | None = None,
) -> ResponseReturnValue:
    """The template with a form per step; ``failed`` is a step's refused form, as it was sent."""
    steps = roadmap.template_steps()
    forms = template_forms() | dict([failed] if failed else [])
    return render_template(
        "leads/roadmap_template.html",
        steps=steps,
        forms=forms,
        new_form=new_form or TemplateStepForm(formdata=None, prefix="new"),
    ), status


def saved_template_step(
    step: RoadmapTemplateStep | None, form: TemplateStepForm
) -> ResponseReturnValue | None:
    """Save the step from the form, or None when the form is refused (its errors shown)."""
    if not form.validate_on_submit():
        return None
    try:
        roadmap.save_template_step(
            step, form.title.data or "", form.authority.data or "", form.position.data
        )
    except Refusals as error:
        show_refusals(form, error)
        return None
    flash(_("Saved."), "success")
    return redirect(url_for("leads.roadmap_template"))


@blueprint.get("/roadmap-template")
@role_required(Role.admin)
def roadmap_template() -> ResponseReturnValue:
    return render_template_page()


@blueprint.post("/roadmap-template")
@role_required(Role.admin)
def add_template_step() -> ResponseReturnValue:
    form = TemplateStepForm(prefix="new")
    return saved_template_step(None, form) or render_template_page(422, new_form=form)


@blueprint.post("/roadmap-template/<int:step_id>")
@role_required(Role.admin)
def edit_template_step(step_id: int) -> ResponseReturnValue:
    step = db.get_or_404(RoadmapTemplateStep, step_id)
    form = TemplateStepForm(prefix=f"template-{step.id}")
    return saved_template_step(step, form) or render_template_page(422, failed=(step.id, form))


@blueprint.post("/roadmap-template/<int:step_id>/delete")
@role_required(Role.admin)
def delete_template_step(step_id: int) -> ResponseReturnValue:
    step = db.get_or_404(RoadmapTemplateStep, step_id)
    roadmap.delete_template_step(step)
    flash(_("Removed %(step)s from the template.", step=step.title), "success")
    return redirect(url_for("leads.roadmap_template"))
