"""What the API reads and writes; the OpenAPI document is generated from these."""

from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from marshmallow import Schema, ValidationError, fields, post_load, validate

from crm.db import OUT_OF_RANGE, is_storable
from crm.events.forms import country_choices
from crm.events.models import EventStatus, RegistrationStatus
from crm.leads.models import ActivityKind, Contact, InvestmentType, LeadSource, Stage
from crm.leads.services import MAX_CAPEX_EUR, MAX_COUNT, MAX_ID, STAFF_ACTIVITY_KINDS
from crm.partners.models import LinkSource, LinkStatus, PartnerKind


class Text(fields.String):
    """A string both databases can store: no NUL character and no lone surrogate."""

    default_error_messages = {
        "unstorable": "Contains a character that cannot be stored (NUL or a lone surrogate)."
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as error:
            raise self.make_error("unstorable") from error
        if "\x00" in text:
            raise self.make_error("unstorable")
        return text


class WebAddress(Text, fields.Url):
    pass


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
    q = Text(validate=validate.Length(max=200))
    stage = fields.Enum(Stage)
    source = fields.Enum(LeadSource)
    country = Text(validate=validate.Regexp(r"^[A-Za-z]{2}$"))
    owner_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    need = Text(validate=validate.Length(max=80))


def not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("Must not be blank.")


def storable_moment(value: datetime) -> None:
    """Refuse moments the databases cannot hold (the UTC conversion may overflow near year 9999)."""
    if not is_storable(value):
        raise ValidationError(OUT_OF_RANGE)


COUNTRY_CODE = validate.Regexp(r"^[A-Za-z]{2}$", error="Use the two-letter country code, e.g. DE.")
DOMAIN = validate.Regexp(
    r"^(?=.{1,253}$)([A-Za-z0-9-]+\.)+[A-Za-z]{2,}$", error="Give a domain like example.com."
)
A_COUNT = validate.Range(min=0, max=MAX_COUNT)
AN_ID = validate.Range(min=1, max=MAX_ID)
LANGUAGES = ("en", "de")


class CompanyDetailsSchema(Schema):
    """The company fields an integration may set; the stage moves only through /stage."""

    name = Text(required=True, validate=[validate.Length(max=200), not_blank])
    website = WebAddress(allow_none=True, validate=validate.Length(max=300))
    domain = Text(allow_none=True, validate=DOMAIN)
    country = Text(allow_none=True, validate=COUNTRY_CODE)
    city = Text(allow_none=True, validate=validate.Length(max=120))
    sector = Text(allow_none=True, validate=validate.Length(max=120))
    description = Text(validate=validate.Length(max=10_000))
    source = fields.Enum(LeadSource)
    owner_id = fields.Integer(allow_none=True, validate=AN_ID, metadata={"description": "staff"})
    needs = fields.List(
        Text(validate=validate.Length(max=80)),
        validate=validate.Length(max=100),
        metadata={"description": "capability slugs or labels"},
    )
    investment_type = fields.Enum(InvestmentType, allow_none=True)
    new_jobs = fields.Integer(allow_none=True, validate=A_COUNT)
    safeguarded_jobs = fields.Integer(allow_none=True, validate=A_COUNT)
    capex_eur = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=MAX_CAPEX_EUR))
    likelihood_percent = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=100))
    estimated_landing_on = fields.Date(allow_none=True)
    actual_landing_on = fields.Date(allow_none=True)
    competing_locations = Text(validate=validate.Length(max=2000))
    site_area_m2 = fields.Integer(allow_none=True, validate=A_COUNT)
    needs_office = fields.Boolean()
    needs_lab = fields.Boolean()
    needs_production = fields.Boolean()
    needs_cleanroom = fields.Boolean()
    needs_gmp = fields.Boolean()
    needs_controlled_area = fields.Boolean()
    needs_radiation_licence = fields.Boolean()
    needs_hot_cells = fields.Boolean()

    @post_load
    def tidy(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        for name in ("website", "domain", "city", "sector"):
            if name in data:
                data[name] = (data[name] or "").strip() or None
        if data.get("country"):
            data["country"] = data["country"].upper()
        return data


class CompanyCreateSchema(CompanyDetailsSchema):
    ignore_duplicates = fields.Boolean(
        load_default=False,
        metadata={"description": "create even if a company with the same domain or name exists"},
    )


class CompanyUpdateSchema(CompanyDetailsSchema):
    version = fields.Integer(
        required=True,
        validate=validate.Range(min=1, max=MAX_ID),
        metadata={"description": "the version of the company as last read"},
    )


COMPANY_DETAILS = tuple(CompanyDetailsSchema().fields)


class StageMoveSchema(Schema):
    stage = fields.Enum(Stage, required=True)
    reason = Text(load_default="", validate=validate.Length(max=2000))
    lost_to_location = Text(allow_none=True, validate=validate.Length(max=200))


class ContactInputSchema(Schema):
    name = Text(required=True, validate=[validate.Length(max=200), not_blank])
    email = fields.Email(allow_none=True, validate=validate.Length(max=254))
    phone = Text(allow_none=True, validate=validate.Length(max=50))
    position = Text(allow_none=True, validate=validate.Length(max=200))
    language = Text(load_default="en", validate=validate.OneOf(LANGUAGES))
    has_consent = fields.Boolean(load_default=False)
    consent_version = Text(allow_none=True, validate=validate.Length(max=40))


class ContactSchema(ContactInputSchema):
    id = fields.Integer(required=True)
    company_id = fields.Integer(required=True)
    email = fields.String(allow_none=True)
    has_consent = fields.Method("consent_given", required=True, metadata={"type": "boolean"})
    consent_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime(required=True)

    def consent_given(self, contact: Contact) -> bool:
        return contact.consent_at is not None


class ActivitySchema(Schema):
    id = fields.Integer(dump_only=True)
    company_id = fields.Integer(dump_only=True)
    kind = fields.Enum(
        ActivityKind,
        required=True,
        metadata={"description": "staff write: " + ", ".join(k.name for k in STAFF_ACTIVITY_KINDS)},
    )
    subject = Text(required=True, validate=[validate.Length(max=300), not_blank])
    body = Text(load_default="", validate=validate.Length(max=20_000))
    occurred_at = fields.AwareDateTime(
        load_default=None, validate=storable_moment, metadata={"description": "default: now"}
    )
    author_id = fields.Integer(dump_only=True, allow_none=True)
    created_at = fields.AwareDateTime(dump_only=True)


class TaskSchema(Schema):
    id = fields.Integer(dump_only=True)
    company_id = fields.Integer(dump_only=True)
    title = Text(required=True, validate=[validate.Length(max=300), not_blank])
    due_on = fields.Date(required=True)
    owner_id = fields.Integer(load_default=None, allow_none=True, validate=AN_ID)
    is_done = fields.Boolean(dump_only=True)
    done_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    created_at = fields.AwareDateTime(dump_only=True)


class PartnerLinkInputSchema(Schema):
    partner = Text(
        required=True, validate=validate.Length(max=80), metadata={"description": "partner slug"}
    )
    reason = Text(load_default="", validate=validate.Length(max=2000))


class PartnerLinkSchema(Schema):
    id = fields.Integer(required=True)
    company_id = fields.Integer(required=True)
    partner = fields.Pluck(PartnerSchema, "slug", required=True)
    reason = fields.String(required=True)
    status = fields.Enum(LinkStatus, required=True)
    source = fields.Enum(LinkSource, required=True)
    created_by_id = fields.Integer(allow_none=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)


class LinkStatusSchema(Schema):
    status = fields.Enum(LinkStatus, required=True)


@cache
def country_codes() -> frozenset[str]:
    return frozenset(choice.value for choice in country_choices("en"))


def known_country(code: str) -> None:
    if code not in country_codes():
        raise ValidationError("Not an ISO 3166 country code such as DE.")


class RegistrationRequestSchema(Schema):
    """A registration as the public form takes it; needs and partners are given by slug."""

    name = Text(required=True, validate=validate.Length(min=1, max=200))
    email = fields.Email(required=True, validate=validate.Length(max=254))
    company = Text(required=True, validate=validate.Length(min=1, max=200))
    position = Text(load_default=None, validate=validate.Length(max=200))
    country = Text(
        load_default=None,
        validate=known_country,
        metadata={"description": "ISO 3166-1 alpha-2 code, e.g. DE"},
    )
    language = Text(load_default="en", validate=validate.OneOf(["en", "de"]))
    needs = fields.List(Text(validate=validate.Length(max=80)), load_default=list)
    partners_to_meet = fields.List(Text(validate=validate.Length(max=80)), load_default=list)
    answers = fields.Dict(
        keys=Text(validate=validate.Length(max=80)),
        values=Text(validate=validate.Length(max=500)),
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


def known_time_zone(name: str) -> None:
    if name not in available_timezones():
        raise ValidationError("Not an IANA time zone such as Europe/Berlin.")


class EventInputSchema(Schema):
    """An event as staff create it: all-day (``starts_on``/``ends_on``) or timed (``starts_at``/
    ``ends_at``, any offset; stored in UTC and shown in ``timezone``)."""

    title = Text(required=True, validate=[validate.Length(max=200), not_blank])
    slug = Text(required=True, validate=validate.Regexp(r"^[a-z0-9][a-z0-9-]{0,119}$"))
    is_all_day = fields.Boolean(required=True)
    timezone = Text(required=True, validate=known_time_zone)
    city = Text(required=True, validate=[validate.Length(max=120), not_blank])
    country = Text(required=True, validate=known_country)
    organiser_name = Text(required=True, validate=[validate.Length(max=200), not_blank])
    organiser_email = fields.Email(required=True, validate=validate.Length(max=254))
    description = Text(validate=validate.Length(max=20_000))
    starts_on = fields.Date(allow_none=True)
    ends_on = fields.Date(allow_none=True, metadata={"description": "last day, inclusive"})
    starts_at = fields.AwareDateTime(allow_none=True, validate=storable_moment)
    ends_at = fields.AwareDateTime(allow_none=True, validate=storable_moment)
    venue = Text(allow_none=True, validate=validate.Length(max=200))
    address = Text(allow_none=True, validate=validate.Length(max=300))
    capacity = fields.Integer(allow_none=True, validate=A_COUNT)
    registration_opens_at = fields.AwareDateTime(allow_none=True, validate=storable_moment)
    registration_closes_at = fields.AwareDateTime(allow_none=True, validate=storable_moment)
    reminder_offsets_days = fields.List(
        fields.Integer(validate=validate.Range(min=1, max=365)), validate=validate.Length(max=10)
    )
    questions = fields.List(
        fields.Dict(keys=Text(), values=fields.Raw()),
        validate=validate.Length(max=50),
        metadata={"description": '[{"key", "en", "de", "required", "choices": [{"value", ...}]}]'},
    )


class EventUpdateSchema(EventInputSchema):
    status = fields.Enum(
        EventStatus,
        metadata={"description": "published publishes a draft; cancelled cancels and tells all"},
    )


EVENT_FIELDS = tuple(EventUpdateSchema().fields)
