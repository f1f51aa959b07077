"""Admin pages to create and revoke API tokens."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from crm.api.forms import TokenForm
from crm.api.models import ApiScope, ApiToken
from crm.api.tokens import all_tokens, issue_token, revoke_token
from crm.auth.access import role_required
from crm.auth.models import Role, User
from crm.auth.services import enabled_accounts
from crm.extensions import db

blueprint = Blueprint("api_tokens", __name__, url_prefix="/admin/tokens")


@blueprint.route("/", methods=["GET", "POST"])
@role_required(Role.admin)
def index() -> ResponseReturnValue:
    user_choices = [SelectChoice(u.id, f"{u.name} ({u.role.name})") for u in enabled_accounts()]
    form = TokenForm()
    form.user_id.choices = user_choices
    plain = None
    if form.validate_on_submit():
        user = db.session.get(User, form.user_id.data)
        assert user is not None  # validate_choice guarantees it
        token, plain = issue_token(
            form.name.data or "", ApiScope(form.scope.data), user, by=current_user
        )
        flash(
            _("Token '%(name)s' created. Copy it now: it is not shown again.", name=token.name),
            "success",
        )
        # An empty form, so that a second click does not make a second token by accident.
        form = TokenForm(formdata=None)
        form.user_id.choices = user_choices
    tokens = all_tokens()
    status = 422 if form.errors else 200
    return render_template("api/tokens.html", form=form, tokens=tokens, plain=plain), status


@blueprint.post("/<int:token_id>/revoke")
@role_required(Role.admin)
def revoke(token_id: int) -> ResponseReturnValue:
    token = db.session.get(ApiToken, token_id) or abort(404)
    revoke_token(token)
    flash(_("Token '%(name)s' revoked.", name=token.name), "success")
    return redirect(url_for("api_tokens.index"))
