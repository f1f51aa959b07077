from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from crm.auth.forms import AccountForm, LoginForm
from crm.auth.services import authenticate, change_settings
from crm.extensions import limiter
from crm.forms import show_refusals
from crm.limits import login_limit
from crm.refusals import Refusals, Refused
from crm.unit_of_work import keep_changes

blueprint = Blueprint("auth", __name__)

LOGIN_FAILED = _l("Wrong email or password, or the account is locked. Try again later.")


def safe_next(target: str | None) -> str:
    """Only redirect to paths on this site after login."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("auth.dashboard")


@blueprint.get("/")
def index() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("auth.dashboard"))
    return redirect(url_for("auth.login"))


@blueprint.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("auth.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data or "", form.password.data or "")
        keep_changes()  # a failed attempt counts towards the lockout
        if user is not None:
            login_user(user)
            return redirect(safe_next(request.args.get("next")))
        form.password.errors.append(str(LOGIN_FAILED))
        return render_template("auth/login.html", form=form), 401
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@blueprint.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@blueprint.route("/account", methods=["GET", "POST"])
@login_required
def account() -> ResponseReturnValue:
    form = AccountForm(obj=current_user)
    if form.validate_on_submit():
        try:
            change_settings(current_user, form.timezone.data, form.language.data)
        except (Refused, Refusals) as error:
            show_refusals(form, error)
        else:
            flash(_("Your settings are saved."), "success")
            return redirect(url_for("auth.account"))
    status = 422 if form.errors else 200
    return render_template("auth/account.html", form=form), status


@blueprint.get("/dashboard")
@login_required
def dashboard() -> ResponseReturnValue:
    return render_template("auth/dashboard.html")
