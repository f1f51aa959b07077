"""What the sites API reads and writes; the rules (ranges, a grade for cleanrooms only, dates in
order) are crm.sites.services' and answer 422 naming the field."""

from marshmallow import Schema, fields, validate

from crm.api.schemas import Text
from crm.leads.services import MAX_ID
from crm.sites.models import (
    MAX_SITE_AREA_M2,
    CleanroomClass,
    PriceBasis,
    ReservationStatus,
    SiteKind,
    SiteLocation,
    SiteStatus,
)


class SiteInputSchema(Schema):
    name = Text(required=True)
    location = fields.Enum(SiteLocation, required=True)
    address = Text()
    latitude = fields.Float(allow_none=True, metadata={"description": "map position, WGS 84"})
    longitude = fields.Float(allow_none=True)
    area_m2 = fields.Integer(required=True, metadata={"description": "1 to 10,000,000"})
    kind = fields.Enum(SiteKind, required=True)
    cleanroom_class = fields.Enum(
        CleanroomClass, allow_none=True, metadata={"description": "GMP grade, cleanrooms only"}
    )
    is_gmp_ready = fields.Boolean()
    is_hot_cell_capable = fields.Boolean()
    is_radiation_licence_possible = fields.Boolean()
    power_kva = fields.Integer(allow_none=True)
    floor_load_kn_m2 = fields.Integer(allow_none=True)
    available_from = fields.Date(allow_none=True, metadata={"description": "empty: now"})
    price_basis = fields.Enum(PriceBasis)
    price_min_eur = fields.Integer(allow_none=True)
    price_max_eur = fields.Integer(allow_none=True)
    description = Text()


class SiteUpdateSchema(SiteInputSchema):
    """Any of the fields of a new site; those not sent stay as they are."""


class SiteSchema(SiteInputSchema):
    id = fields.Integer(required=True)
    status = fields.Enum(SiteStatus, required=True)
    taken_by_id = fields.Integer(allow_none=True, metadata={"description": "the landed lead"})
    is_demo = fields.Boolean(required=True)
    is_archived = fields.Boolean(required=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)


class SiteFilterArgs(Schema):
    location = fields.Enum(SiteLocation)
    kind = fields.Enum(SiteKind)
    status = fields.Enum(SiteStatus)
    min_area_m2 = fields.Integer(validate=validate.Range(min=0, max=MAX_SITE_AREA_M2))
    max_area_m2 = fields.Integer(validate=validate.Range(min=0, max=MAX_SITE_AREA_M2))
    is_gmp_ready = fields.Boolean()
    is_hot_cell_capable = fields.Boolean()
    is_radiation_licence_possible = fields.Boolean()
    archived = fields.Boolean(load_default=False, metadata={"description": "the archive instead"})


class ReservationInputSchema(Schema):
    company_id = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_ID))
    starts_on = fields.Date(required=True, metadata={"description": "first day"})
    ends_on = fields.Date(required=True, metadata={"description": "last day, included"})
    note = Text(load_default="")


class ReservationSchema(ReservationInputSchema):
    id = fields.Integer(required=True)
    site_id = fields.Integer(required=True)
    status = fields.Enum(ReservationStatus, required=True)
    created_by_id = fields.Integer(allow_none=True)
    created_at = fields.AwareDateTime(required=True)
    ended_at = fields.AwareDateTime(allow_none=True)


class SiteMatchSchema(Schema):
    site = fields.Nested(SiteSchema, required=True)
    score = fields.Float(required=True, metadata={"description": "0 to 1; 1 meets everything"})
    reasons = fields.List(fields.String(), required=True)
    shortfalls = fields.List(fields.String(), required=True)
    is_full_fit = fields.Boolean(required=True)


class SiteMatchesSchema(Schema):
    items = fields.List(fields.Nested(SiteMatchSchema), required=True)
    why_empty = fields.String(allow_none=True, required=True)
