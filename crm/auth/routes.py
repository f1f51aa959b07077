from urllib.parse import urlsplit

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from crm.auth.forms import AccountForm, LoginForm, PasswordChangeForm
from crm.auth.services import authenticate, change_password, change_settings
from crm.auth.sessions import end_other_sessions, end_session, start_session
from crm.extensions import limiter
from crm.forms import show_refusals
from crm.limits import login_limit
from crm.refusals import Refusals, Refused

blueprint = Blueprint("auth", __name__)


def login_failed() -> str:
    return str(_("Wrong email or password, or too many attempts. Try again later."))


def safe_next(target: str | None) -> str:
    """Only redirect to paths on this site after login; anything odd goes to the dashboard.

    Control characters and backslashes are refused too: browsers read ``/\\host`` as another
    host, and a line break would end up in the Location header.
    """
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and target.isprintable()
        and "\\" not in target
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("reports.dashboard")


@blueprint.get("/")
def index() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("reports.dashboard"))
    return redirect(url_for("auth.login"))


@blueprint.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("reports.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data or "", form.password.data or "", get_remote_address())
        if user is not None:
            start_session(user)
            login_user(user)
            return redirect(safe_next(request.args.get("next")))
        form.password.errors.append(login_failed())
        return render_template("auth/login.html", form=form), 401
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@blueprint.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    logout_user()
    end_session()
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
    return account_page(form, PasswordChangeForm(), status)


@blueprint.post("/account/password")
@login_required
def change_own_password() -> ResponseReturnValue:
    """A new password (the current one needed); every other session of the account ends."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            change_password(
                current_user, form.current_password.data or "", form.new_password.data or ""
            )
        except (Refused, Refusals) as error:
            show_refusals(form, error)
        else:
            end_other_sessions(current_user)
            flash(_("Your password is changed; your other sessions are logged out."), "success")
            return redirect(url_for("auth.account"))
    return account_page(AccountForm(obj=current_user), form, 422)


def account_page(form: AccountForm, password_form: PasswordChangeForm, status: int) -> Response:
    page = render_template("auth/account.html", form=form, password_form=password_form)
    return Response(page, status)
