"""Partner directory (public), partner and capability management, links and suggestions (staff)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from crm.auth.access import role_required
from crm.auth.models import Role
from crm.extensions import db
from crm.forms import flash_refusal, show_refusals
from crm.leads.confidential import can_see
from crm.leads.models import Company
from crm.leads.services import company_by_id
from crm.partners import services
from crm.partners.forms import (
    CapabilityForm,
    LinkForm,
    LinkStatusForm,
    MergeCapabilitiesForm,
    PartnerForm,
)
from crm.partners.models import LinkSource, LinkStatus, Partner, PartnerKind, PartnerLink
from crm.refusals import Refusals, Refused
from crm.vocabulary import services as vocabulary
from crm.vocabulary.groups import by_group, grouped_choices
from crm.vocabulary.models import Capability, CapabilityGroup

blueprint = Blueprint("partners", __name__)


def is_reader() -> bool:
    return bool(current_user.is_authenticated and current_user.has_role(Role.viewer))


def partner_or_404(slug: str) -> Partner:
    return services.partner_by_slug(slug) or abort(404)


def company_or_404(company_id: int) -> Company:
    """The company, for those who may see it as it is (``crm.leads.confidential``)."""
    company = company_by_id(company_id) or abort(404)
    return company if can_see(company, current_user) else abort(403)


def link_or_404(link_id: int) -> PartnerLink:
    link = db.get_or_404(PartnerLink, link_id)
    return link if can_see(link.company, current_user) else abort(403)


def capability_or_404(capability_id: int) -> Capability:
    return db.get_or_404(Capability, capability_id)


def back_to_company(company_id: int) -> Response:
    """Back to the page the company's partners were changed on: the lead page or their own."""
    if request.args.get("from") == "lead":
        return redirect(url_for("leads.show", company_id=company_id, _anchor="company-partners"))
    return redirect(url_for("partners.for_company", company_id=company_id))


def back_to(link: PartnerLink) -> Response:
    if request.args.get("from") == "partner":
        return redirect(url_for("partners.detail", slug=link.partner.slug))
    return back_to_company(link.company_id)


# --- directory -------------------------------------------------------------------------------


@blueprint.get("/partners/")
def directory() -> ResponseReturnValue:
    partners = services.directory(include_hidden=is_reader())
    return render_template("partners/directory.html", partners=partners)


@blueprint.get("/partners/<slug>")
def detail(slug: str) -> ResponseReturnValue:
    partner = partner_or_404(slug)
    if not is_reader():
        if not partner.is_public:
            abort(404)
        return render_template("partners/detail.html", partner=partner)
    return render_template(
        "partners/detail.html",
        partner=partner,
        links_by_status=services.links_of_partner_by_status(partner),
        matching_leads=services.matching_leads_for(partner),
    )


def partner_form(partner: Partner | None = None) -> PartnerForm:
    form = PartnerForm(obj=partner)
    form.capabilities.choices = grouped_choices(vocabulary.all_capabilities())
    if partner is not None and request.method == "GET":
        form.kind.data = partner.kind.value
        form.capabilities.data = [c.slug for c in partner.capabilities]
    return form


def save_partner_from(form: PartnerForm, partner: Partner | None) -> Partner | None:
    """The saved partner, or None with the refusals shown on the form."""
    try:
        return services.save_partner(
            partner,
            name=form.name.data or "",
            kind=PartnerKind(form.kind.data),
            location=form.location.data or "",
            descriptions=form.descriptions(),
            website=form.website.data,
            contact_name=form.contact_name.data,
            contact_email=form.contact_email.data,
            capability_names=form.capabilities.data or [],
            is_published=form.is_published.data,
        )
    except Refusals as error:
        show_refusals(form, error)
        return None


def render_partner_form(form: PartnerForm, partner: Partner | None) -> ResponseReturnValue:
    status = 422 if form.errors else 200
    return render_template("partners/edit.html", form=form, partner=partner), status


@blueprint.route("/partners/new", methods=["GET", "POST"])
@role_required(Role.staff)
def create() -> ResponseReturnValue:
    form = partner_form()
    if form.validate_on_submit():
        partner = save_partner_from(form, None)
        if partner is not None:
            flash(_("Partner %(name)s added.", name=partner.name), "success")
            return redirect(url_for("partners.detail", slug=partner.slug))
    return render_partner_form(form, None)


@blueprint.route("/partners/<slug>/edit", methods=["GET", "POST"])
@role_required(Role.staff)
def edit(slug: str) -> ResponseReturnValue:
    partner = partner_or_404(slug)
    form = partner_form(partner)
    if form.validate_on_submit() and save_partner_from(form, partner) is not None:
        flash(_("Partner %(name)s saved.", name=partner.name), "success")
        return redirect(url_for("partners.detail", slug=partner.slug))
    return render_partner_form(form, partner)


def set_archived(slug: str, is_archived: bool) -> ResponseReturnValue:
    partner = services.set_partner_archived(partner_or_404(slug), is_archived)
    flash(
        _("%(name)s archived.", name=partner.name)
        if is_archived
        else _("%(name)s restored.", name=partner.name),
        "success",
    )
    return redirect(url_for("partners.detail", slug=partner.slug))


@blueprint.post("/partners/<slug>/archive")
@role_required(Role.staff)
def archive(slug: str) -> ResponseReturnValue:
    return set_archived(slug, True)


@blueprint.post("/partners/<slug>/restore")
@role_required(Role.staff)
def restore(slug: str) -> ResponseReturnValue:
    return set_archived(slug, False)


@blueprint.post("/partners/<slug>/delete")
@role_required(Role.admin)
def delete(slug: str) -> ResponseReturnValue:
    partner = partner_or_404(slug)
    try:
        services.delete_partner(partner)
    except Refused as error:
        flash_refusal(error)
        return redirect(url_for("partners.detail", slug=partner.slug))
    flash(_("Partner %(name)s deleted.", name=partner.name), "success")
    return redirect(url_for("partners.directory"))


# --- capability vocabulary -------------------------------------------------------------------


def offer_capabilities(merge_form: MergeCapabilitiesForm) -> list[Capability]:
    capabilities = vocabulary.all_capabilities()
    choices = [(c.id, f"{c.label} ({c.slug})") for c in capabilities]
    merge_form.merged.choices = choices
    merge_form.into.choices = choices
    return capabilities


def render_vocabulary(
    add_form: CapabilityForm, merge_form: MergeCapabilitiesForm
) -> ResponseReturnValue:
    status = 422 if add_form.errors or merge_form.errors else 200
    return render_template(
        "partners/capabilities.html",
        groups=by_group(offer_capabilities(merge_form)),
        add_form=add_form,
        merge_form=merge_form,
    ), status


@blueprint.route("/partners/capabilities", methods=["GET", "POST"])
@role_required(Role.admin)
def capabilities() -> ResponseReturnValue:
    form = CapabilityForm()
    if form.validate_on_submit():
        try:
            capability = vocabulary.add_capability(
                form.labels(), form.slug.data or "", CapabilityGroup(form.group.data)
            )
        except (Refused, Refusals) as error:
            show_refusals(form, error)
        else:
            flash(_("Tag %(label)s added.", label=capability.label), "success")
            return redirect(url_for("partners.capabilities"))
    return render_vocabulary(form, MergeCapabilitiesForm(formdata=None))


@blueprint.route("/partners/capabilities/<int:capability_id>", methods=["GET", "POST"])
@role_required(Role.admin)
def rename_capability(capability_id: int) -> ResponseReturnValue:
    capability = capability_or_404(capability_id)
    form = CapabilityForm(obj=capability)
    if form.validate_on_submit():
        try:
            vocabulary.rename_capability(
                capability,
                labels=form.labels(),
                slug=form.slug.data or "",
                group=CapabilityGroup(form.group.data),
            )
        except (Refused, Refusals) as error:
            show_refusals(form, error)
        else:
            flash(_("Tag renamed to %(label)s.", label=capability.label), "success")
            return redirect(url_for("partners.capabilities"))
    status = 422 if form.errors else 200
    return render_template(
        "partners/capability_edit.html", form=form, capability=capability
    ), status


@blueprint.post("/partners/capabilities/merge")
@role_required(Role.admin)
def merge_capabilities() -> ResponseReturnValue:
    form = MergeCapabilitiesForm()
    offer_capabilities(form)
    if form.validate_on_submit():
        merged = capability_or_404(form.merged.data)
        into = capability_or_404(form.into.data)
        merged_label = merged.label
        try:
            vocabulary.merge_capabilities(merged, into)
        except Refused as error:
            show_refusals(form, error)
        else:
            flash(
                _("Tag %(merged)s merged into %(into)s.", merged=merged_label, into=into.label),
                "success",
            )
            return redirect(url_for("partners.capabilities"))
    return render_vocabulary(CapabilityForm(formdata=None), form)


# --- a company's partners --------------------------------------------------------------------


def company_partner_section(
    company: Company, link_form: LinkForm | None = None, origin: str | None = None
) -> Markup:
    """The partner links and suggestions of one company; ``origin`` names the page it is on."""
    if link_form is None:
        link_form = LinkForm(formdata=None)
    link_form.partner.choices = [
        (partner.id, partner.name) for partner in services.linkable_partners(company)
    ]
    return Markup(
        render_template(
            "partners/_company_partners.html",
            company=company,
            links=services.links_of_company(company),
            ranking=services.suggestions_for(company),
            link_form=link_form,
            can_edit=current_user.has_role(Role.staff),
            origin=origin,
        )
    )


@blueprint.app_template_global()
def partners_of_company(company: Company) -> Markup:
    """The section as the lead page shows it: its buttons lead back to the lead page."""
    return company_partner_section(company, origin="lead")


blueprint.add_app_template_global(services.manual_statuses, "manual_statuses")
blueprint.add_app_template_global(services.can_introduce, "can_introduce")
blueprint.add_app_template_global(services.introduction_refusals, "introduction_refusals")


@blueprint.route("/companies/<int:company_id>/partners", methods=["GET", "POST"])
@role_required(Role.viewer)
def for_company(company_id: int) -> ResponseReturnValue:
    company = company_or_404(company_id)
    form = LinkForm()
    if request.method == "POST":
        if not current_user.has_role(Role.staff):
            abort(403)
        form.partner.choices = [
            (partner.id, partner.name) for partner in services.linkable_partners()
        ]
        if form.validate_on_submit():
            partner = db.get_or_404(Partner, form.partner.data)
            try:
                services.link_company_to_partner(
                    company,
                    partner,
                    reason=form.reason.data or "",
                    source=LinkSource.staff,
                    by=current_user,
                )
            except Refused as error:
                show_refusals(form, error)
            else:
                flash(
                    _(
                        "%(company)s linked to %(partner)s.",
                        company=company.name,
                        partner=partner.name,
                    ),
                    "success",
                )
                return back_to_company(company.id)
    status = 422 if form.errors else 200
    return render_template(
        "partners/company.html", company=company, section=company_partner_section(company, form)
    ), status


def suggestion_action(company_id: int, partner_id: int, accept: bool) -> ResponseReturnValue:
    company = company_or_404(company_id)
    partner = db.get_or_404(Partner, partner_id)
    try:
        if accept:
            services.accept_suggestion(company, partner, current_user)
        else:
            services.dismiss_suggestion(company, partner, current_user)
    except Refused as error:
        flash_refusal(error)
    else:
        names = {"partner": partner.name, "company": company.name}
        flash(
            _("%(partner)s linked to %(company)s.", **names)
            if accept
            else _("%(partner)s will no longer be suggested for %(company)s.", **names),
            "success",
        )
    return back_to_company(company.id)


@blueprint.post("/companies/<int:company_id>/partners/<int:partner_id>/accept")
@role_required(Role.staff)
def accept_suggestion(company_id: int, partner_id: int) -> ResponseReturnValue:
    return suggestion_action(company_id, partner_id, accept=True)


@blueprint.post("/companies/<int:company_id>/partners/<int:partner_id>/dismiss")
@role_required(Role.staff)
def dismiss_suggestion(company_id: int, partner_id: int) -> ResponseReturnValue:
    return suggestion_action(company_id, partner_id, accept=False)


# --- links -----------------------------------------------------------------------------------


@blueprint.post("/partners/links/<int:link_id>/status")
@role_required(Role.staff)
def change_link_status(link_id: int) -> ResponseReturnValue:
    link = link_or_404(link_id)
    form = LinkStatusForm()
    if not form.validate_on_submit():
        flash(_("New status: %(problem)s", problem=" ".join(form.status.errors)), "error")
        return back_to(link)
    try:
        services.change_link_status(link, LinkStatus(form.status.data), current_user)
    except Refused as error:
        flash_refusal(error)
    else:
        flash(
            _(
                "The link to %(partner)s is now: %(status)s.",
                partner=link.partner.name,
                status=link.status.label,
            ),
            "success",
        )
    return back_to(link)


@blueprint.post("/partners/links/<int:link_id>/introduce")
@role_required(Role.staff)
def introduce(link_id: int) -> ResponseReturnValue:
    link = link_or_404(link_id)
    try:
        message = services.introduce(link, current_user)
    except Refused as error:
        flash_refusal(error)
    else:
        flash(
            _(
                "Introduction to %(partner)s queued for %(email)s.",
                partner=link.partner.name,
                email=message.to_email,
            ),
            "success",
        )
    return back_to(link)
