"""What the API reads and writes; the OpenAPI document is generated from these."""

from marshmallow import Schema, fields, validate

from crm.events.models import EventStatus
from crm.leads.models import LeadSource, Stage
from crm.partners.models import PartnerKind


class CapabilitySchema(Schema):
    slug = fields.String(required=True)
    label = fields.String(required=True)


class EventSchema(Schema):
    slug = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    is_all_day = fields.Boolean(required=True)
    starts_on = fields.Date(allow_none=True, metadata={"description": "first day (all-day)"})
    ends_on = fields.Date(allow_none=True, metadata={"description": "last day, inclusive"})
    starts_at = fields.AwareDateTime(allow_none=True, metadata={"description": "UTC (timed)"})
    ends_at = fields.AwareDateTime(allow_none=True)
    timezone = fields.String(required=True)
    venue = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    city = fields.String(required=True)
    country = fields.String(required=True)
    capacity = fields.Integer(allow_none=True)
    status = fields.Enum(EventStatus, required=True)
    is_demo = fields.Boolean(required=True)
    url = fields.Method("public_url", required=True)

    def public_url(self, event: object) -> str:
        from flask import current_app

        return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/events/{event.slug}"


class PartnerSchema(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.Enum(PartnerKind, required=True)
    location = fields.String(required=True)
    description = fields.String(required=True)
    website = fields.String(allow_none=True)
    capabilities = fields.List(fields.Nested(CapabilitySchema), required=True)


class CompanySchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    domain = fields.String(allow_none=True)
    website = fields.String(allow_none=True)
    country = fields.String(allow_none=True)
    city = fields.String(allow_none=True)
    sector = fields.String(allow_none=True)
    description = fields.String(required=True)
    stage = fields.Enum(Stage, required=True)
    source = fields.Enum(LeadSource, required=True)
    owner_id = fields.Integer(allow_none=True)
    needs = fields.Pluck(CapabilitySchema, "slug", many=True, required=True)
    is_demo = fields.Boolean(required=True)
    is_archived = fields.Boolean(required=True)
    version = fields.Integer(required=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)


class CompanyFilterArgs(Schema):
    q = fields.String(validate=validate.Length(max=200))
    stage = fields.Enum(Stage)
    source = fields.Enum(LeadSource)
    country = fields.String(validate=validate.Regexp(r"^[A-Za-z]{2}$"))
    owner_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    need = fields.String(validate=validate.Length(max=80))
