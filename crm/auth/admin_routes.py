"""Admin pages for staff accounts."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from crm.auth.access import role_required
from crm.auth.forms import UserForm
from crm.auth.models import Role, User
from crm.auth.services import accounts, create_user, unlock_logins
from crm.extensions import db
from crm.forms import show_refusals
from crm.refusals import Refusals

blueprint = Blueprint("users", __name__, url_prefix="/admin/users")


@blueprint.route("/", methods=["GET", "POST"])
@role_required(Role.admin)
def index() -> ResponseReturnValue:
    form = UserForm()
    if form.validate_on_submit():
        try:
            user = create_user(
                form.email.data or "",
                form.name.data or "",
                Role[form.role.data],
                form.password.data or "",
            )
        except Refusals as error:
            show_refusals(form, error)
        else:
            flash(_("Account for %(email)s created.", email=user.email), "success")
            return redirect(url_for("users.index"))
    users = accounts()
    status = 422 if form.errors else 200
    return render_template("auth/users.html", form=form, users=users), status


@blueprint.post("/<int:user_id>/unlock")
@role_required(Role.admin)
def unlock(user_id: int) -> ResponseReturnValue:
    """Let a throttled account log in again at once, from every address."""
    user = db.session.get(User, user_id) or abort(404)
    unlock_logins(user)
    flash(_("%(email)s can log in again from every address.", email=user.email), "success")
    return redirect(url_for("users.index"))
