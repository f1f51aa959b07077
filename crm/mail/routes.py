"""The staff view of the outbox: what went out, what waits, what failed, and why."""

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from crm.auth.access import role_required
from crm.auth.models import Role
from crm.extensions import db
from crm.forms import flash_refusal
from crm.mail import services
from crm.mail.forms import OutboxFilterForm
from crm.mail.models import OutboxMessage, OutboxStatus
from crm.refusals import Refused

blueprint = Blueprint("outbox", __name__, url_prefix="/admin/outbox")


@blueprint.get("/")
@role_required(Role.staff)
def index() -> str | tuple[str, int]:
    form = OutboxFilterForm(request.args)
    if not form.validate():
        return render_template("mail/outbox.html", form=form, messages=[]), 400
    status = OutboxStatus(form.status.data) if form.status.data else None
    return render_template("mail/outbox.html", form=form, messages=services.latest(status))


def act_on(message_id: int, change: Callable[[OutboxMessage], None]) -> Response:
    # Locked first: a message a dispatcher is sending (under its row lock) is seen as it ends.
    message = db.session.get(OutboxMessage, message_id, with_for_update=True) or abort(404)
    try:
        change(message)
    except Refused as error:
        flash_refusal(error)
        return redirect(url_for("outbox.index"))
    flash(_("%(key)s: %(status)s.", key=message.key, status=message.status.label), "success")
    return redirect(url_for("outbox.index"))


@blueprint.post("/<int:message_id>/retry")
@role_required(Role.staff)
def retry(message_id: int) -> Response:
    return act_on(message_id, services.retry)


@blueprint.post("/<int:message_id>/cancel")
@role_required(Role.staff)
def cancel(message_id: int) -> Response:
    return act_on(message_id, services.cancel)
