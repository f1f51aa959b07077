"""The aftercare page: landed companies with their expansion plans, last contact and site."""

from flask import Blueprint, current_app, render_template
from flask.typing import ResponseReturnValue

from crm.auth.access import role_required
from crm.auth.models import Role
from crm.db import utcnow
from crm.leads.aftercare import landed_companies
from crm.sites.services import sites_taken_by

blueprint = Blueprint("aftercare", __name__, url_prefix="/leads/aftercare")


@blueprint.get("")
@role_required(Role.viewer)
def index() -> ResponseReturnValue:
    entries = landed_companies(utcnow())
    return render_template(
        "aftercare/index.html",
        entries=entries,
        sites=sites_taken_by([entry.company for entry in entries]),
        contact_days=current_app.config["AFTERCARE_CONTACT_DAYS"],
    )
