"""A lead's regulatory roadmap: its steps, starting it from the template, and changing a step.

The rules are ``crm.leads.roadmap``'s (``start_roadmap``, ``update_step``) and answer 422 naming
the field.
"""

from datetime import date
from typing import Any

from flask import g
from flask.views import MethodView
from flask_babel import gettext
from marshmallow import Schema, fields, validate

from crm.api.access import BEARER_SECURITY, abort, api_access
from crm.api.blueprint import Blueprint
from crm.api.companies import company_or_404
from crm.auth.models import Role
from crm.extensions import db
from crm.leads import roadmap
from crm.leads.roadmap import RoadmapStep, StepStatus
from crm.leads.services import MAX_ID, office_today

blueprint = Blueprint(
    "api_roadmap",
    __name__,
    url_prefix="/api/v1",
    description="The regulatory roadmap of a lead: permits and their steps (staff)",
)


class RoadmapStepSchema(Schema):
    id = fields.Integer(required=True)
    company_id = fields.Integer(required=True)
    position = fields.Integer(required=True)
    title = fields.String(required=True)
    authority = fields.String(required=True)
    status = fields.Enum(StepStatus, required=True)
    owner_id = fields.Integer(allow_none=True)
    planned_on = fields.Date(allow_none=True)
    done_on = fields.Date(allow_none=True)
    is_overdue = fields.Method(
        "overdue", required=True, metadata={"type": "boolean", "description": "in Dresden"}
    )

    def overdue(self, step: RoadmapStep) -> bool:
        return step.is_overdue(office_today())


class RoadmapSchema(Schema):
    items = fields.List(fields.Nested(RoadmapStepSchema), required=True)


class RoadmapStepUpdateSchema(Schema):
    """Only the fields sent change; a done date belongs to a granted, refused or unneeded step
    (today unless given)."""

    status = fields.Enum(StepStatus)
    owner_id = fields.Integer(
        allow_none=True,
        validate=validate.Range(min=1, max=MAX_ID),
        metadata={"description": "an enabled staff member"},
    )
    planned_on = fields.Date(allow_none=True)
    done_on = fields.Date(allow_none=True)


@blueprint.route("/companies/<int:company_id>/roadmap")
class Roadmap(MethodView):
    @api_access(Role.viewer)
    @blueprint.doc(security=BEARER_SECURITY)
    @blueprint.response(200, RoadmapSchema)
    def get(self, company_id: int) -> dict[str, Any]:
        """The lead's roadmap steps in their order; empty before it is started."""
        return {"items": roadmap.roadmap_of(company_or_404(company_id))}

    @api_access(Role.staff)
    @blueprint.doc(security=BEARER_SECURITY)
    @blueprint.response(201, RoadmapSchema)
    def post(self, company_id: int) -> dict[str, Any]:
        """Start the roadmap: the template's steps, each owned by the lead's owner. A lead with
        a roadmap, or an empty template, answers 422."""
        company = company_or_404(company_id)
        roadmap.start_roadmap(company, by=g.api_caller.user)
        db.session.flush()
        return {"items": roadmap.roadmap_of(company)}


def step_or_404(step_id: int) -> RoadmapStep:
    step = db.session.get(RoadmapStep, step_id) if 0 < step_id <= MAX_ID else None
    if step is None:
        abort(404, message=gettext("No roadmap step %(id)d.", id=step_id))
    company_or_404(step.company_id)
    return step


@blueprint.route("/roadmap-steps/<int:step_id>")
class RoadmapStepDetail(MethodView):
    @api_access(Role.staff)
    @blueprint.doc(security=BEARER_SECURITY)
    @blueprint.arguments(RoadmapStepUpdateSchema)
    @blueprint.response(200, RoadmapStepSchema)
    def patch(self, data: dict[str, Any], step_id: int) -> RoadmapStep:
        """Change a step's status, owner or dates; a change of status goes on the timeline."""
        step = step_or_404(step_id)
        done_on: date | None = data.get("done_on", step.done_on)
        status = data.get("status", step.status)
        if "done_on" not in data and status is not step.status:
            done_on = None  # a new outcome is done today, an unsettled step not at all
        return roadmap.update_step(
            step,
            status,
            owner_id=data.get("owner_id", step.owner_id),
            planned_on=data.get("planned_on", step.planned_on),
            done_on=done_on,
            today=office_today(),
            by=g.api_caller.user,
        )
