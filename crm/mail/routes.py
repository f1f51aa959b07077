"""The staff view of the outbox: what went out, what waits, what failed, and why."""

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from crm.auth.access import role_required
from crm.auth.models import Role
from crm.extensions import db
from crm.mail import services
from crm.mail.forms import OutboxFilterForm
from crm.mail.models import OutboxMessage, OutboxStatus

blueprint = Blueprint("outbox", __name__, url_prefix="/admin/outbox")

PAGE_SIZE = 200


@blueprint.get("/")
@role_required(Role.staff)
def index() -> str | tuple[str, int]:
    form = OutboxFilterForm(request.args)
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(PAGE_SIZE)
    if not form.validate():
        return render_template("mail/outbox.html", form=form, messages=[]), 400
    if form.status.data:
        query = query.where(OutboxMessage.status == OutboxStatus(form.status.data))
    messages = db.session.scalars(query).all()
    return render_template("mail/outbox.html", form=form, messages=messages)


def act_on(message_id: int, change: Callable[[OutboxMessage], None]) -> Response:
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    try:
        change(message)
    except services.InvalidTransition as error:
        flash(str(error), "error")
        return redirect(url_for("outbox.index"))
    db.session.commit()
    flash(f"{message.key}: {message.status.value}.", "success")
    return redirect(url_for("outbox.index"))


@blueprint.post("/<int:message_id>/retry")
@role_required(Role.staff)
def retry(message_id: int) -> Response:
    return act_on(message_id, services.retry)


@blueprint.post("/<int:message_id>/cancel")
@role_required(Role.staff)
def cancel(message_id: int) -> Response:
    return act_on(message_id, services.cancel)
