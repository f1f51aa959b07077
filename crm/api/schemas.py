"""What the API reads and writes; the OpenAPI document is generated from these."""

from typing import Any

from flask import current_app, g
from marshmallow import Schema, ValidationError, fields, post_load, pre_dump, validate

from crm.consents.models import ConsentPurpose
from crm.consents.texts import CURRENT_VERSIONS
from crm.events.models import Event, EventStatus, RegistrationStatus
from crm.events.planning import TRANSLATED_TEXTS
from crm.leads.confidential import seen_by
from crm.leads.models import ActivityKind, Company, Contact, InvestmentType, LeadSource, Stage
from crm.leads.services import MAX_ID, STAFF_ACTIVITY_KINDS
from crm.partners.models import LinkSource, LinkStatus, PartnerKind
from crm.vocabulary.groups import group_label
from crm.vocabulary.models import CapabilityGroup
from crm.vocabulary.translated import reader_language


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


IN_REQUEST_LANGUAGE = "in the request's language (?lang=, else Accept-Language), else the other"


class CapabilitySchema(Schema):
    slug = fields.String(required=True)
    label = fields.String(required=True, metadata={"description": IN_REQUEST_LANGUAGE})
    label_en = fields.String(required=True)
    label_de = fields.String(required=True)
    group = fields.Enum(CapabilityGroup, required=True)
    group_label = fields.Function(
        lambda capability: group_label(capability.group),
        required=True,
        metadata={"description": IN_REQUEST_LANGUAGE},
    )


class EventSchema(Schema):
    slug = fields.String(required=True)
    title = fields.String(required=True, metadata={"description": IN_REQUEST_LANGUAGE})
    title_en = fields.String(required=True)
    title_de = fields.String(required=True)
    description = fields.String(required=True, metadata={"description": IN_REQUEST_LANGUAGE})
    description_en = fields.String(required=True)
    description_de = fields.String(required=True)
    is_all_day = fields.Boolean(required=True)
    starts_on = fields.Date(allow_none=True, metadata={"description": "first day (all-day)"})
    ends_on = fields.Date(allow_none=True, metadata={"description": "last day, inclusive"})
    starts_at = fields.AwareDateTime(allow_none=True, metadata={"description": "UTC (timed)"})
    ends_at = fields.AwareDateTime(allow_none=True)
    timezone = fields.String(required=True)
    venue = fields.Function(
        lambda event: event.venue or None,
        allow_none=True,
        metadata={"description": IN_REQUEST_LANGUAGE},
    )
    venue_en = fields.String(required=True)
    venue_de = fields.String(required=True)
    address = fields.String(allow_none=True)
    city = fields.String(required=True)
    country = fields.String(required=True)
    capacity = fields.Integer(allow_none=True)
    status = fields.Enum(EventStatus, required=True)
    is_demo = fields.Boolean(required=True)
    url = fields.Method("public_url", required=True)

    def public_url(self, event: Event) -> str:
        return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/events/{event.slug}"


class PartnerSchema(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.Enum(PartnerKind, required=True)
    location = fields.String(required=True)
    description = fields.String(required=True, metadata={"description": IN_REQUEST_LANGUAGE})
    description_en = fields.String(required=True)
    description_de = fields.String(required=True)
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
    expansion_plans = fields.String(
        required=True, metadata={"description": "aftercare: what a landed company plans next"}
    )
    is_demo = fields.Boolean(required=True)
    is_archived = fields.Boolean(required=True)
    is_confidential = fields.Boolean(required=True)
    codename = fields.String(allow_none=True)
    team_ids = fields.Method("team_of", required=True, metadata={"type": "array"})
    version = fields.Integer(required=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)

    @pre_dump
    def as_seen(self, company: Company, **kwargs: Any) -> Company:
        """A confidential lead as the caller may read it: outsiders get the codename as its
        name and nothing of its addresses and texts (crm/leads/confidential.py)."""
        return seen_by(company, g.api_caller.user)

    def team_of(self, company: Company) -> list[int]:
        return [member.id for member in company.team]


class CompanyFilterArgs(Schema):
    q = Text(validate=validate.Length(max=200))
    stage = fields.Enum(Stage)
    source = fields.Enum(LeadSource)
    country = Text(validate=validate.Regexp(r"^[A-Za-z]{2}$"))
    owner_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    need = Text(validate=validate.Length(max=80))


class CompanyDetailsSchema(Schema):
    """The company fields an integration may set; the stage moves only through /stage. The
    rules (lengths, ranges, the owner) are leads.services' and answer 422 naming the field."""

    name = Text(required=True)
    website = Text(allow_none=True, metadata={"format": "uri"})
    domain = Text(allow_none=True)
    country = Text(allow_none=True, metadata={"description": "ISO 3166-1 alpha-2, e.g. DE"})
    city = Text(allow_none=True)
    sector = Text(allow_none=True)
    description = Text()
    source = fields.Enum(LeadSource)
    owner_id = fields.Integer(allow_none=True, metadata={"description": "an enabled staff member"})
    needs = fields.List(Text(), metadata={"description": "capability slugs or labels"})
    investment_type = fields.Enum(InvestmentType, allow_none=True)
    new_jobs = fields.Integer(allow_none=True)
    safeguarded_jobs = fields.Integer(allow_none=True)
    capex_eur = fields.Integer(allow_none=True)
    likelihood_percent = fields.Integer(allow_none=True, metadata={"description": "0 to 100"})
    estimated_landing_on = fields.Date(allow_none=True)
    actual_landing_on = fields.Date(allow_none=True)
    competing_locations = Text()
    expansion_plans = Text(metadata={"description": "aftercare: what it plans next at its site"})
    site_area_m2 = fields.Integer(allow_none=True)
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
    is_confidential = fields.Boolean(
        metadata={"description": "only the owner and admins; others then read the codename"}
    )
    codename = Text(allow_none=True, metadata={"description": "needed when confidential"})
    team_ids = fields.List(
        fields.Integer(validate=validate.Range(min=1, max=MAX_ID)),
        metadata={"description": "accounts besides the owner and admins who see the lead"},
    )


CONFIDENTIALITY_FIELDS = ("is_confidential", "codename", "team_ids")


COMPANY_DETAILS = tuple(CompanyDetailsSchema().fields)


class StageMoveSchema(Schema):
    stage = fields.Enum(Stage, required=True)
    reason = Text(load_default="")
    lost_to_location = Text(allow_none=True)


class ContactInputSchema(Schema):
    name = Text(required=True)
    email = Text(allow_none=True, metadata={"format": "email"})
    phone = Text(allow_none=True)
    position = Text(allow_none=True)
    language = Text(load_default="en", metadata={"description": "en or de"})
    has_consent = fields.Boolean(load_default=False)
    consent_version = Text(allow_none=True)


class ContactSchema(ContactInputSchema):
    id = fields.Integer(required=True)
    company_id = fields.Integer(required=True)
    email = fields.String(allow_none=True)  # type: ignore[assignment]  # written as stored
    has_consent = fields.Method(  # type: ignore[assignment]  # read back from consent_at
        "consent_given", required=True, metadata={"type": "boolean"}
    )
    consent_at = fields.AwareDateTime(allow_none=True)
    declines_follow_up = fields.Boolean(
        required=True,
        dump_only=True,
        attribute="has_declined_follow_up",
        metadata={
            "description": "a registrant who has not agreed to WFS following up, or withdrew "
            "it: do not contact them about settling"
        },
    )
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
    subject = Text(required=True)
    body = Text(load_default="")
    occurred_at = fields.AwareDateTime(load_default=None, metadata={"description": "default: now"})
    author_id = fields.Integer(dump_only=True, allow_none=True)
    created_at = fields.AwareDateTime(dump_only=True)


class TaskSchema(Schema):
    id = fields.Integer(dump_only=True)
    company_id = fields.Integer(dump_only=True)
    title = Text(required=True)
    due_on = fields.Date(required=True)
    owner_id = fields.Integer(load_default=None, allow_none=True)
    is_done = fields.Boolean(dump_only=True)
    done_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    created_at = fields.AwareDateTime(dump_only=True)


class PartnerLinkInputSchema(Schema):
    partner = Text(required=True, metadata={"description": "partner slug"})
    reason = Text(load_default="")


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


class RegistrationRequestSchema(Schema):
    """A registration as the public form takes it; needs and partners are given by slug. The
    rules are the form's (events.services.register) and answer 422 naming the field."""

    name = Text(required=True)
    email = Text(required=True, metadata={"format": "email"})
    company = Text(required=True)
    position = Text(load_default=None)
    country = Text(required=True, metadata={"description": "ISO 3166-1 alpha-2 code, e.g. DE"})
    language = Text(load_default="en", metadata={"description": "en or de"})
    needs = fields.List(Text(), load_default=list)
    partners_to_meet = fields.List(Text(), load_default=list)
    answers = fields.Dict(keys=Text(), values=Text(), load_default=dict)
    consent = fields.Boolean(
        required=True,
        metadata={
            "description": "consent to handling the registration (the text "
            f"{CURRENT_VERSIONS[ConsentPurpose.registration]}); must be true"
        },
    )
    follow_up_consent = fields.Boolean(
        load_default=False,
        metadata={
            "description": "optional consent to WFS following up about settling in Saxony "
            f"(the text {CURRENT_VERSIONS[ConsentPurpose.follow_up]})"
        },
    )
    partner_sharing_consent = fields.Boolean(
        load_default=False,
        metadata={
            "description": "optional consent to sharing the contact with the partners to meet "
            f"(the text {CURRENT_VERSIONS[ConsentPurpose.partner_sharing]})"
        },
    )
    consent_language = Text(
        load_default=None,
        metadata={
            "description": "en or de: the language the consent texts were shown in; "
            "default: language"
        },
    )


class RegistrationReceiptSchema(Schema):
    """The same for a new and a repeated registration (the mail says which)."""

    event = fields.String(required=True)
    detail = fields.String(required=True)


class ConsentSchema(Schema):
    purpose = fields.Enum(ConsentPurpose, required=True)
    text_version = fields.String(required=True)
    language = fields.String(required=True)
    given_at = fields.AwareDateTime(required=True)
    withdrawn_at = fields.AwareDateTime(allow_none=True)


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
    consents = fields.List(fields.Nested(ConsentSchema), required=True)


class RegistrationFilterArgs(Schema):
    status = fields.Enum(RegistrationStatus)


class EventInputSchema(Schema):
    """An event as staff create it: all-day (``starts_on``/``ends_on``) or timed (``starts_at``/
    ``ends_at``, any offset; stored in UTC and shown in ``timezone``). The rules are
    events.planning's and answer 422 naming the field.

    Title, description and venue are written per language (``title_en``, ``title_de``, …; a
    title in at least one). ``title``, ``description`` and ``venue`` write the request's language,
    as the API reads them."""

    title = Text(metadata={"description": "the title_* of the request's language"})
    title_en = Text()
    title_de = Text()
    slug = Text(required=True, metadata={"description": "lower-case letters, digits, hyphens"})
    is_all_day = fields.Boolean(required=True)
    timezone = Text(required=True, metadata={"description": "IANA, e.g. Europe/Berlin"})
    city = Text(required=True)
    country = Text(required=True, metadata={"description": "ISO 3166-1 alpha-2, e.g. DE"})
    organiser_name = Text(required=True)
    organiser_email = Text(required=True, metadata={"format": "email"})
    description = Text(metadata={"description": "the description_* of the request's language"})
    description_en = Text()
    description_de = Text()
    starts_on = fields.Date(allow_none=True)
    ends_on = fields.Date(allow_none=True, metadata={"description": "last day, inclusive"})
    starts_at = fields.AwareDateTime(allow_none=True)
    ends_at = fields.AwareDateTime(allow_none=True)
    venue = Text(allow_none=True, metadata={"description": "the venue_* of the request's language"})
    venue_en = Text(allow_none=True)
    venue_de = Text(allow_none=True)
    address = Text(allow_none=True)
    capacity = fields.Integer(allow_none=True)
    registration_opens_at = fields.AwareDateTime(allow_none=True)
    registration_closes_at = fields.AwareDateTime(allow_none=True)
    reminder_offsets_days = fields.List(
        fields.Integer(), metadata={"description": "days before the event, 1 to 365"}
    )
    questions = fields.List(
        fields.Raw(),
        metadata={"description": '[{"key", "en", "de", "required", "choices": [{"value", ...}]}]'},
    )

    @post_load
    def per_language(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """``title`` and the like as the request language's ``title_*``; venues never None."""
        language = reader_language()
        for name in TRANSLATED_TEXTS:
            if name in data:
                if f"{name}_{language}" in data:
                    raise ValidationError(
                        f"Give either {name} or {name}_{language}, not both.", name
                    )
                data[f"{name}_{language}"] = data.pop(name)
        for name in ("venue_en", "venue_de"):
            if name in data:
                data[name] = data[name] or ""
        return data


class EventUpdateSchema(EventInputSchema):
    status = fields.Enum(
        EventStatus,
        metadata={"description": "published publishes a draft; cancelled cancels and tells all"},
    )


EVENT_FIELDS = tuple(EventUpdateSchema().fields)
