from typing import Any

from flask.views import MethodView
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.api.blueprint import Blueprint
from crm.api.pagination import PageArgs, page_schema, paginate
from crm.api.schemas import PartnerSchema
from crm.extensions import limiter
from crm.limits import public_api_limit
from crm.partners.models import Partner

blueprint = Blueprint(
    "api_partners", __name__, url_prefix="/api/v1/partners", description="Cluster partners"
)


@blueprint.route("")
class Partners(MethodView):
    decorators = [limiter.limit(public_api_limit)]

    @blueprint.arguments(PageArgs, location="query")
    @blueprint.response(200, page_schema(PartnerSchema))
    def get(self, args: dict[str, int]) -> dict[str, Any]:
        """Published cluster partners with their capabilities."""
        query = (
            select(Partner)
            .where(Partner.is_published, Partner.is_archived.is_(False))
            .options(selectinload(Partner.capabilities))
            .order_by(Partner.name)
        )
        return paginate(query, args["page"], args["per_page"])
