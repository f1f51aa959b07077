"""Staff pages of the site inventory: list, detail with matching leads and reservations, new and
edit forms, archive, reserve and release; and the sites section of the lead page."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from crm.auth.access import role_required
from crm.auth.models import Role
from crm.extensions import db
from crm.forms import flash_refusal, show_refusals
from crm.leads.models import Company
from crm.leads.services import company_by_id
from crm.refusals import Refusals, Refused
from crm.sites import services
from crm.sites.forms import ReservationForm, SiteForm, default_dates, filter_values
from crm.sites.matching import why_empty
from crm.sites.models import (
    CleanroomClass,
    Reservation,
    Site,
    SiteKind,
    SiteLocation,
    SiteStatus,
)

blueprint = Blueprint("sites", __name__, url_prefix="/sites")
MATCHES_ON_LEAD_PAGE = 5


def site_or_404(site_id: int) -> Site:
    return services.site_by_id(site_id) or abort(404)


@blueprint.get("/")
@role_required(Role.viewer)
def index() -> ResponseReturnValue:
    filters = filter_values(request.args)
    sites = db.session.scalars(services.filtered_sites(services.SiteFilters(**filters))).all()
    return render_template(
        "sites/index.html",
        sites=sites,
        filters=filters,
        locations=list(SiteLocation),
        kinds=list(SiteKind),
        statuses=list(SiteStatus),
    )


def render_site(
    site: Site,
    status: int = 200,
    form: ReservationForm | None = None,
    messages: list[str] | None = None,
) -> ResponseReturnValue:
    """The site page; ``messages`` are refusals of the reservation that belong to no field."""
    form = default_dates(form or ReservationForm(formdata=None), services.reservation_window())
    return render_template(
        "sites/show.html",
        site=site,
        reservations=db.session.scalars(services.reservations_of_site(site)).all(),
        matches=services.leads_for(site),
        reservation_form=form,
        messages=messages or [],
        window=services.reservation_window(),
    ), status


@blueprint.get("/<int:site_id>")
@role_required(Role.viewer)
def show(site_id: int) -> ResponseReturnValue:
    return render_site(site_or_404(site_id))


def save_from(form: SiteForm, site: Site | None) -> ResponseReturnValue | None:
    """The redirect to the saved site, or None with the refusals shown on the form."""
    try:
        saved = services.save_site(site, form.details(), by=current_user)
    except Refusals as error:
        show_refusals(form, error)
        return None
    flash(_("Saved %(name)s.", name=saved.name), "success")
    return redirect(url_for("sites.show", site_id=saved.id))


def render_form(form: SiteForm, site: Site | None) -> ResponseReturnValue:
    status = 422 if form.errors else 200
    return render_template(
        "sites/form.html", form=form, site=site, grades=list(CleanroomClass)
    ), status


@blueprint.route("/new", methods=["GET", "POST"])
@role_required(Role.staff)
def create() -> ResponseReturnValue:
    form = SiteForm()
    if form.validate_on_submit() and (done := save_from(form, None)) is not None:
        return done
    return render_form(form, None)


@blueprint.route("/<int:site_id>/edit", methods=["GET", "POST"])
@role_required(Role.staff)
def edit(site_id: int) -> ResponseReturnValue:
    site = site_or_404(site_id)
    form = SiteForm(obj=site)
    if request.method == "GET":
        form.fill_from(site)
    if form.validate_on_submit() and (done := save_from(form, site)) is not None:
        return done
    return render_form(form, site)


@blueprint.post("/<int:site_id>/archive")
@role_required(Role.admin)
def archive(site_id: int) -> ResponseReturnValue:
    site = site_or_404(site_id)
    try:
        services.set_archived(site, not site.is_archived)
    except Refused as error:
        flash_refusal(error)
    else:
        flash(_("Archived.") if site.is_archived else _("Restored."), "success")
    return redirect(url_for("sites.show", site_id=site_id))


def reserve_from(form: ReservationForm, site: Site) -> Reservation:
    company = company_by_id(form.company_id.data) if form.company_id.data else None
    if company is None:
        raise Refused("unknown_lead", "company_id", _l("Give the id of a lead."))
    return services.reserve(
        site,
        company,
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        note=form.note.data or "",
        by=current_user,
    )


@blueprint.post("/<int:site_id>/reservations")
@role_required(Role.staff)
def reserve(site_id: int) -> ResponseReturnValue:
    """Reserve from the site page (refusals shown on its form) or from the lead page
    (``from=lead``: refusals flashed there)."""
    site = site_or_404(site_id)
    form = ReservationForm()
    from_lead = request.args.get("from") == "lead" and bool(form.company_id.data)
    if not form.validate_on_submit():
        if not from_lead:
            return render_site(site, 422, form)
        flash_refusal(Refused("invalid", None, _l("Give both dates of the reservation.")))
    else:
        try:
            reservation = reserve_from(form, site)
        except (Refused, Refusals) as error:
            if not from_lead:
                return render_site(site, 422, form, show_refusals(form, error))
            flash_refusal(error)
        else:
            flash(
                _(
                    "%(site)s reserved for %(lead)s.",
                    site=site.name,
                    lead=reservation.company.name,
                ),
                "success",
            )
    if from_lead:
        target = url_for("leads.show", company_id=form.company_id.data, _anchor="company-sites")
        return redirect(target)
    return redirect(url_for("sites.show", site_id=site_id))


@blueprint.post("/reservations/<int:reservation_id>/release")
@role_required(Role.staff)
def release(reservation_id: int) -> ResponseReturnValue:
    reservation = db.get_or_404(Reservation, reservation_id)
    try:
        services.release(reservation, by=current_user)
    except Refused as error:
        flash_refusal(error)
    else:
        flash(_("Reservation of %(site)s released.", site=reservation.site.name), "success")
    if request.args.get("from") == "lead":
        return redirect(
            url_for("leads.show", company_id=reservation.company_id, _anchor="company-sites")
        )
    return redirect(url_for("sites.show", site_id=reservation.site_id))


@blueprint.app_template_global()
def sites_of_company(company: Company) -> Markup:
    """The lead page's section: the lead's reservations and the sites that fit it best."""
    matches = services.site_matches_for(company)
    return Markup(
        render_template(
            "sites/_company_sites.html",
            company=company,
            reservations=services.reservations_of_company(company),
            matches=matches[:MATCHES_ON_LEAD_PAGE],
            more=max(len(matches) - MATCHES_ON_LEAD_PAGE, 0),
            why_empty=why_empty(company, matches),
            window=services.reservation_window(),
            can_edit=current_user.has_role(Role.staff),
        )
    )
