"""What the API reads and writes; the OpenAPI document is generated from these."""

from functools import cache

from marshmallow import Schema, ValidationError, fields, validate

from crm.events.forms import country_choices
from crm.events.models import EventStatus, RegistrationStatus
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


@cache
def country_codes() -> frozenset[str]:
    return frozenset(choice.value for choice in country_choices("en"))


def known_country(code: str) -> None:
    if code not in country_codes():
        raise ValidationError("Not an ISO 3166 country code such as DE.")


class RegistrationRequestSchema(Schema):
    """A registration as the public form takes it; needs and partners are given by slug."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    email = fields.Email(required=True, validate=validate.Length(max=254))
    company = fields.String(required=True, validate=validate.Length(min=1, max=200))
    position = fields.String(load_default=None, validate=validate.Length(max=200))
    country = fields.String(
        load_default=None,
        validate=known_country,
        metadata={"description": "ISO 3166-1 alpha-2 code, e.g. DE"},
    )
    language = fields.String(load_default="en", validate=validate.OneOf(["en", "de"]))
    needs = fields.List(fields.String(validate=validate.Length(max=80)), load_default=list)
    partners_to_meet = fields.List(
        fields.String(validate=validate.Length(max=80)), load_default=list
    )
    answers = fields.Dict(
        keys=fields.String(validate=validate.Length(max=80)),
        values=fields.String(validate=validate.Length(max=500)),
        load_default=dict,
    )
    consent = fields.Boolean(
        required=True,
        validate=validate.Equal(True, error="Consent to data processing is required."),
        metadata={"description": "consent to data processing; must be true"},
    )


class RegistrationReceiptSchema(Schema):
    event = fields.String(required=True)
    status = fields.Enum(RegistrationStatus, required=True)
    is_new = fields.Boolean(required=True)
    detail = fields.String(required=True)


class RegistrationSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    email = fields.String(required=True)
    company_name = fields.String(required=True)
    company_id = fields.Integer(allow_none=True)
    position = fields.String(allow_none=True)
    country = fields.String(allow_none=True)
    language = fields.String(required=True)
    status = fields.Enum(RegistrationStatus, required=True)
    answers = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    created_at = fields.AwareDateTime(required=True)
    confirmed_at = fields.AwareDateTime(allow_none=True)
    checked_in_at = fields.AwareDateTime(allow_none=True)


class RegistrationFilterArgs(Schema):
    status = fields.Enum(RegistrationStatus)
