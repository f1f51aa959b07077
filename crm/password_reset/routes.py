from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from crm.extensions import limiter
from crm.forms import show_refusals
from crm.limits import password_reset_limit
from crm.password_reset.forms import ForgotPasswordForm, NewPasswordForm
from crm.password_reset.services import request_reset, reset_password, usable_token
from crm.refusals import Refusals, Refused

blueprint = Blueprint("password_reset", __name__, url_prefix="/password")


@blueprint.route("/forgot", methods=["GET", "POST"])
@limiter.limit(password_reset_limit, methods=["POST"])
def forgot() -> ResponseReturnValue:
    """Ask for a link by mail; every address gets the same answer."""
    if current_user.is_authenticated:
        return redirect(url_for("reports.dashboard"))
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        request_reset(form.email.data or "")
        flash(
            _(
                "If an account uses this address, a link to set a new password is on its way. "
                "It works once, within an hour."
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    status = 422 if form.errors else 200
    return render_template("password_reset/forgot.html", form=form), status


@blueprint.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(password_reset_limit, methods=["POST"])
def reset(token: str) -> ResponseReturnValue:
    """Set a new password through the mailed link; every session of the account ends."""
    if usable_token(token) is None:
        abort(404, _("This link has expired or was used already. Ask for a new one."))
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            reset_password(token, form.password.data or "")
        except (Refused, Refusals) as error:
            show_refusals(form, error)
        else:
            if current_user.is_authenticated:
                logout_user()
            flash(_("Your password is set; log in with it."), "success")
            return redirect(url_for("auth.login"))
    status = 422 if form.errors else 200
    return render_template("password_reset/reset.html", form=form), status
