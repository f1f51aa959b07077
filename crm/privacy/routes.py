"""Admin page for data-protection requests: export as JSON, or erase."""

import json

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from crm.auth.access import role_required
from crm.auth.models import Role
from crm.privacy.forms import PrivacyRequestForm
from crm.privacy.services import erase_person, personal_data

blueprint = Blueprint("privacy", __name__, url_prefix="/admin/privacy")


@blueprint.route("/", methods=["GET", "POST"])
@role_required(Role.admin)
def index() -> ResponseReturnValue:
    form = PrivacyRequestForm()
    if form.validate_on_submit():
        email = form.email.data or ""
        if form.erase.data:
            if not form.confirm_erasure.data:
                form.confirm_erasure.errors.append(_("Tick the box to confirm the erasure."))
                return render_template("privacy/index.html", form=form), 422
            report = erase_person(email)
            flash(
                _(
                    "Erased: %(contacts)d contacts deleted, %(registrations)d registrations "
                    "anonymised, %(consents)d consents deleted, %(mails)d mails scrubbed, "
                    "%(entries)d timeline entries scrubbed.",
                    contacts=report.contacts_deleted,
                    registrations=report.registrations_anonymised,
                    consents=report.consents_deleted,
                    mails=report.messages_scrubbed,
                    entries=report.activities_scrubbed,
                ),
                "success" if report.found_anything else "info",
            )
            return redirect(url_for("privacy.index"))
        document = json.dumps(personal_data(email), indent=2, ensure_ascii=False)
        return Response(
            document,
            mimetype="application/json",
            headers={"Content-Disposition": 'attachment; filename="personal-data.json"'},
        )
    status = 422 if form.errors else 200
    return render_template("privacy/index.html", form=form), status
