"""Page-numbered lists with links to the neighbouring pages."""

from typing import Any

from flask import request
from marshmallow import Schema, fields, validate
from sqlalchemy import Select, func, select

from crm.extensions import db
from crm.routing import url_with_query

MAX_PER_PAGE = 100


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=25, validate=validate.Range(min=1, max=MAX_PER_PAGE))


class PageLinks(Schema):
    self = fields.String(required=True)
    next = fields.String(allow_none=True)
    prev = fields.String(allow_none=True)


def page_schema(item: type[Schema]) -> type[Schema]:
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item), required=True),
            "page": fields.Integer(required=True),
            "per_page": fields.Integer(required=True),
            "total": fields.Integer(required=True),
            "links": fields.Nested(PageLinks, required=True),
        },
        name=f"{item.__name__.removesuffix('Schema')}Page",
    )


def paginate(query: Select[Any], page: int, per_page: int) -> dict[str, Any]:
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).all()

    def link(number: int) -> str:
        args: dict[str, Any] = {**request.args.to_dict(), "page": number, "per_page": per_page}
        return url_with_query(request.endpoint or "", args, **(request.view_args or {}))

    has_next = page * per_page < (total or 0)
    return {
        "items": items,
        "page": page,
        "per_page": per_page,
        "total": total or 0,
        "links": {
            "self": link(page),
            "next": link(page + 1) if has_next else None,
            "prev": link(page - 1) if page > 1 else None,
        },
    }
