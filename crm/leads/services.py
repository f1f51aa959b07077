"""Domain operations on leads and the rules they keep, whatever the door: the staff pages, the
API, the CSV import and the command line all create, edit, move, merge and follow up through here.

Every refusal is a ``crm.refusals.Refused`` naming the field in the terms of ``EDITABLE_FIELDS``
(or of the operation's own arguments); several found at once are raised together as ``Refusals``.
"""

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, insert, select, text
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from crm.audit.recording import record_inserted
from crm.auth.models import Role, User
from crm.db import repoint_references, utcnow
from crm.extensions import db
from crm.leads.confidential import Reader, can_see, may_change_confidentiality, shown_name
from crm.leads.matching import companies_matching, domain_of_url, find_matching_companies
from crm.leads.models import (
    CODENAME_LENGTH,
    MAX_CAPEX_EUR,
    MAX_COUNT,
    OPEN_STAGES,
    SIDELINED_STAGES,
    Activity,
    ActivityKind,
    Company,
    Contact,
    FollowUpTask,
    Stage,
    StageChange,
    company_needs,
    has_site_requirement,
)
from crm.leads.names import normalise_company_name
from crm.leads.signals import stage_moved, stage_requested
from crm.leads.timeline import record_activity
from crm.refusals import Conflict, Refused, refuse_any
from crm.rules import bounded_text, number_within, required_text, storable_date, storable_moment
from crm.vocabulary.models import Capability
from crm.vocabulary.places import LANGUAGES, is_country

OFFICE_ZONE = ZoneInfo("Europe/Berlin")
MAX_ID = 2**31 - 1  # integer primary keys; larger numbers name no row
NORMALISED_NAME_LENGTH = Company.normalised_name.type.length

# Fields staff set through the company form, the API or an import; the stage moves only via
# move_stage.
EDITABLE_FIELDS = frozenset(
    {
        "name",
        "domain",
        "website",
        "country",
        "city",
        "sector",
        "description",
        "source",
        "owner_id",
        "investment_type",
        "new_jobs",
        "safeguarded_jobs",
        "capex_eur",
        "likelihood_percent",
        "estimated_landing_on",
        "actual_landing_on",
        "competing_locations",
        "expansion_plans",
        "site_area_m2",
        "needs_office",
        "needs_lab",
        "needs_production",
        "needs_cleanroom",
        "needs_gmp",
        "needs_controlled_area",
        "needs_radiation_licence",
        "needs_hot_cells",
    }
)
TEXT_LIMITS = {
    "name": 200,
    "website": 300,
    "domain": 253,
    "city": 120,
    "sector": 120,
    "description": 10_000,
    "competing_locations": 2000,
    "expansion_plans": 10_000,
}
NUMBER_LIMITS = {
    "new_jobs": MAX_COUNT,
    "safeguarded_jobs": MAX_COUNT,
    "capex_eur": MAX_CAPEX_EUR,
    "likelihood_percent": 100,
    "site_area_m2": MAX_COUNT,
}
WEB_ADDRESS = re.compile(r"^https?://[^\s/]+\.[^\s]+$")
DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9-]+\.)+[a-z]{2,}$")

ALLOWED_MOVES: dict[Stage, frozenset[Stage]] = {
    **{stage: (OPEN_STAGES | SIDELINED_STAGES | {Stage.landed}) - {stage} for stage in OPEN_STAGES},
    # A landing is final: the company moves on to aftercare.
    Stage.landed: frozenset(),
    **{stage: (OPEN_STAGES | SIDELINED_STAGES) - {stage} for stage in SIDELINED_STAGES},
}
STAFF_ACTIVITY_KINDS = (
    ActivityKind.note,
    ActivityKind.call,
    ActivityKind.meeting,
    ActivityKind.email,
    ActivityKind.site_visit,
)


class PossibleDuplicates(Conflict):
    def __init__(self, matches: list[Company], reader: Reader) -> None:
        super().__init__(
            "possible_duplicate",
            "name",
            "A company with the same domain or a near-same name exists already: {names}.",
            names=", ".join(f"{shown_name(match, reader)} (id {match.id})" for match in matches),
        )
        self.matches = matches
        self.facts["duplicate_ids"] = [match.id for match in matches]


class StaleEdit(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "stale_edit",
            None,
            "Someone else changed this company since you opened the form. "
            "Your changes were not saved; the page now shows the current data.",
        )


def office_today() -> date:
    """Today in Dresden, where due dates are meant."""
    return utcnow().astimezone(OFFICE_ZONE).date()


# --- the rules of a company's details -------------------------------------------------------


def staff_member(user_id: int | None, field: str) -> User | None:
    """The enabled staff member (or admin) ``user_id`` names: only they own leads and tasks."""
    if user_id is None:
        return None
    user = db.session.get(User, user_id) if 0 < user_id <= MAX_ID else None
    if user is None:
        raise Refused("unknown_account", field, _l("There is no account {id}."), id=user_id)
    if not user.is_enabled or not user.has_role(Role.staff):
        raise Refused(
            "not_staff",
            field,
            _l("{who} cannot own leads or tasks: only enabled staff members can."),
            who=user.email,
        )
    return user


def company_refusals(details: dict[str, Any]) -> Iterator[Refused]:
    """What is wrong with these company details (only the fields given are judged)."""
    unknown = set(details) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    checks: list[Refused | None] = []
    if "name" in details:
        checks.append(required_text("name", details["name"]))
    checks += [
        bounded_text(field, details[field], limit)
        for field, limit in TEXT_LIMITS.items()
        if field in details
    ]
    if details.get("website") and not WEB_ADDRESS.match(details["website"]):
        checks.append(
            Refused(
                "invalid_website", "website", _l("Give a full address like https://example.com.")
            )
        )
    if details.get("domain") and not DOMAIN.match(details["domain"].lower()):
        checks.append(Refused("invalid_domain", "domain", _l("Give a domain like example.com.")))
    if details.get("country") and not is_country(details["country"]):
        checks.append(
            Refused("unknown_country", "country", _l("Use the two-letter country code, e.g. DE."))
        )
    checks += [
        number_within(field, details[field], high)
        for field, high in NUMBER_LIMITS.items()
        if field in details
    ]
    checks += [
        storable_date(field, details[field])
        for field in ("estimated_landing_on", "actual_landing_on")
        if field in details
    ]
    yield from (refusal for refusal in checks if refusal is not None)
    if "owner_id" in details:
        try:
            staff_member(details["owner_id"], "owner_id")
        except Refused as refusal:
            yield refusal


def stored_forms(
    name: str, country: str | None, domain: str | None, website: str | None
) -> dict[str, Any]:
    """The columns a company's name, country, domain and website decide, in the forms the
    database keeps them: the country in capitals, the normalised name, the domain in lower case
    or taken from the website (a column left as it is is not named)."""
    # Spelled-out umlauts can make the normalised name longer than the name itself.
    forms: dict[str, Any] = {
        "normalised_name": normalise_company_name(name)[:NORMALISED_NAME_LENGTH]
    }
    if country:
        forms["country"] = country.upper()
    if domain:
        forms["domain"] = domain.lower()
    elif website:
        forms["domain"] = domain_of_url(website)
    return forms


def apply_details(company: Company, details: dict[str, Any]) -> None:
    """Set checked details, in the forms the database keeps them."""
    for field, value in details.items():
        setattr(company, field, value)
    forms = stored_forms(company.name, company.country, company.domain, company.website)
    for field, value in forms.items():
        setattr(company, field, value)


def duplicate_key(details: dict[str, Any]) -> tuple[str | None, str | None]:
    """What a possible duplicate is found by: the domain (given or taken from the website) and
    the name."""
    website = details.get("website")
    domain = details.get("domain") or (domain_of_url(website) if website else None)
    return domain, details.get("name")


def possible_duplicates(details: dict[str, Any]) -> list[Company]:
    """Live companies with the same domain (given or taken from the website) or the same name."""
    return find_matching_companies(*duplicate_key(details))


def possible_duplicates_of_each(many: Sequence[dict[str, Any]]) -> list[list[Company]]:
    """``possible_duplicates`` of each of ``many`` details, looked up together."""
    return companies_matching([duplicate_key(details) for details in many])


# --- creating and changing ------------------------------------------------------------------


def create_company(
    details: dict[str, Any],
    *,
    needs: Iterable[Capability] = (),
    stage: Stage = Stage.enquiry,
    by: User | None = None,
    is_demo: bool = False,
    allow_duplicates: bool = True,
) -> Company:
    """Create a lead, its first stage recorded; with ``allow_duplicates=False`` refuse one that
    looks like a known company."""
    refuse_any(company_refusals(details))
    if not allow_duplicates and (matches := possible_duplicates(details)):
        raise PossibleDuplicates(matches, by)
    company = Company(
        stage=stage, is_demo=is_demo, description="", competing_locations="", expansion_plans=""
    )
    apply_details(company, details)
    company.needs = list(needs)
    db.session.add(company)
    db.session.add(StageChange(company=company, from_stage=None, to_stage=stage, changed_by=by))
    db.session.flush()
    return company


@dataclass
class NewCompany:
    """A lead to create in bulk, as ``create_company`` and ``save_contact`` would."""

    details: dict[str, Any]
    needs: Sequence[Capability] = ()
    stage: Stage = Stage.enquiry
    contact: dict[str, Any] | None = None


def new_company_ids(count: int) -> list[int]:
    """On PostgreSQL ``count`` ids taken from the companies' sequence, so that their rows go in
    as one prepared statement executed many times (a many-row INSERT … RETURNING costs the
    driver more than the database); elsewhere none, and the insert returns them."""
    if db.session.get_bind().dialect.name != "postgresql":
        return []
    return list(
        db.session.scalars(
            text(
                "SELECT nextval(pg_get_serial_sequence('companies', 'id')) "
                "FROM generate_series(1, :count)"
            ),
            {"count": count},
        )
    )


def create_companies(new: Sequence[NewCompany], *, by: User | None = None) -> list[int]:
    """Create many leads at once, each as ``create_company`` (its first stage recorded) with the
    contact ``save_contact`` would add without consent, in a few statements per table instead
    of a flush per lead; their ids in the order given. Every row must have passed
    ``company_refusals`` (and ``contact_refusals``) already: nothing is judged again here.

    The statements are Core-level bulk inserts, which ORM flush and mapper events do not see:
    the audit log records the companies and contacts itself."""
    if not new:
        return []
    now = utcnow()
    defaults = {
        "is_demo": False,
        "is_archived": False,
        "description": "",
        "competing_locations": "",
        "expansion_plans": "",
        "version": 1,
        "created_at": now,
        "updated_at": now,
        "stage_entered_at": now,
    }
    rows = []
    for lead in new:
        details = lead.details
        row = defaults | details | {"stage": lead.stage}
        row |= stored_forms(
            details["name"], details.get("country"), details.get("domain"), details.get("website")
        )
        rows.append(row)
    ids = new_company_ids(len(rows))
    if ids:
        db.session.execute(
            insert(Company),
            [row | {"id": company_id} for row, company_id in zip(rows, ids, strict=True)],
        )
    else:
        ids = list(
            db.session.scalars(
                insert(Company).returning(Company.id, sort_by_parameter_order=True), rows
            )
        )
    record_inserted(
        "companies",
        [row | {"id": company_id} for row, company_id in zip(rows, ids, strict=True)],
        tags={"needs": [[capability.slug for capability in lead.needs] for lead in new]},
    )
    by_id = by.id if by else None
    db.session.execute(
        insert(StageChange),
        [
            {
                "company_id": company_id,
                "from_stage": None,
                "to_stage": lead.stage,
                "reason": "",
                "changed_by_id": by_id,
                "changed_at": now,
            }
            for company_id, lead in zip(ids, new, strict=True)
        ],
    )
    needs = [
        {"company_id": company_id, "capability_id": capability.id}
        for company_id, lead in zip(ids, new, strict=True)
        for capability in dict.fromkeys(lead.needs)
    ]
    if needs:
        db.session.execute(insert(company_needs), needs)
    contacts = [
        {"company_id": company_id, "created_at": now, **contact_columns(lead.contact)}
        | {"consent_at": None, "consent_version": None}
        for company_id, lead in zip(ids, new, strict=True)
        if lead.contact
    ]
    if contacts:
        contact_ids = db.session.scalars(
            insert(Contact).returning(Contact.id, sort_by_parameter_order=True), contacts
        )
        record_inserted(
            "contacts",
            [row | {"id": number} for row, number in zip(contacts, contact_ids, strict=True)],
        )
    return ids


def update_company(
    company: Company,
    details: dict[str, Any],
    *,
    needs: Iterable[Capability] | None = None,
    expected_version: int,
) -> Company:
    """Save an edit made at ``expected_version``; refuse it if that is stale. ``needs`` None
    leaves them as they are."""
    if company.version != expected_version:
        raise StaleEdit
    refuse_any(company_refusals(details))
    apply_details(company, details)
    if needs is not None:
        company.needs = list(needs)
    try:
        db.session.flush()
    except StaleDataError as error:
        raise StaleEdit from error
    return company


class NotTheOwner(Refused):
    """Refused to someone who may not do this at all (the API answers 403)."""


def codename_refusals(company: Company, codename: str) -> Iterator[Refused]:
    """A codename must hide the name: none of a company's names, none used already."""
    if (refusal := bounded_text("codename", codename, CODENAME_LENGTH)) is not None:
        yield refusal
        return
    others = select(Company.id).where(Company.id != company.id)
    is_a_name = db.session.scalar(
        select(Company.id)
        .where(
            (func.lower(Company.name) == codename.lower())
            | (Company.normalised_name == normalise_company_name(codename))
        )
        .limit(1)
    )
    if is_a_name is not None:
        yield Refused(
            "codename_is_a_name",
            "codename",
            _l("{codename} is the name of a company: choose a codename that names no company."),
            codename=codename,
        )
    elif db.session.scalar(others.where(func.lower(Company.codename) == codename.lower()).limit(1)):
        yield Refused(
            "codename_taken",
            "codename",
            _l("The codename {codename} is used for another lead already."),
            codename=codename,
        )


def team_member(user_id: int) -> User:
    user = db.session.get(User, user_id) if 0 < user_id <= MAX_ID else None
    if user is None or not user.is_enabled:
        raise Refused(
            "unknown_account", "team_ids", _l("There is no enabled account {id}."), id=user_id
        )
    return user


def set_confidentiality(
    company: Company,
    *,
    is_confidential: bool,
    codename: str | None,
    team_ids: Iterable[int],
    by: User,
) -> Company:
    """Mark a lead confidential under a codename with a team, change those, or unmark it
    (which forgets codename and team). Only the lead's owner and admins may."""
    if not may_change_confidentiality(company, by):
        raise NotTheOwner(
            "not_the_owner",
            "is_confidential",
            _l("Only the lead's owner and admins mark it confidential and choose its team."),
        )
    codename = (codename or "").strip()
    team: list[User] = []
    found: list[Refused] = []
    if is_confidential:
        if not codename:
            found.append(
                Refused(
                    "codename_required",
                    "codename",
                    _l("A confidential lead needs a codename, shown instead of its name."),
                )
            )
        else:
            found += codename_refusals(company, codename)
        for user_id in dict.fromkeys(team_ids):
            try:
                team.append(team_member(user_id))
            except Refused as refusal:
                found.append(refusal)
    refuse_any(found)
    was = (company.is_confidential, company.codename)
    company.is_confidential = is_confidential
    company.codename = codename if is_confidential else None
    company.team = team
    db.session.flush()
    if was != (company.is_confidential, company.codename):
        subject = (
            f"Marked confidential as {codename}" if is_confidential else "No longer confidential"
        )
        record_activity(company, ActivityKind.system, subject, author=by)
    return company


def set_archived(company: Company, is_archived: bool, *, by: User) -> None:
    company.is_archived = is_archived
    subject = "Archived" if is_archived else "Restored from the archive"
    record_activity(company, ActivityKind.system, subject, author=by)


def delete_company(company: Company) -> None:
    """Remove a company for good: its people, history, tasks and links go (ON DELETE CASCADE);
    registrations and mail stay, no longer pointing at it (ON DELETE SET NULL)."""
    db.session.delete(company)
    db.session.flush()


# --- the pipeline ---------------------------------------------------------------------------


# The fields the stage gates name when they refuse a move.
GATE_FIELDS = ("site_area_m2", "capex_eur", "new_jobs", "actual_landing_on", "site")


def gate_refusals(company: Company, to: Stage) -> Iterator[Refused]:
    """The facts a stage needs that the company lacks: the site requirement for a site visit;
    capex, jobs and a chosen site (asked of the receivers of ``stage_requested``) for the
    decision; the actual landing date for the landing."""
    if to is Stage.site_visit and not has_site_requirement(company):
        yield Refused(
            "site_requirement_needed",
            "site_area_m2",
            _l("A site visit needs the site requirement: the area or the kind of space."),
        )
    if to is Stage.decision:
        if company.capex_eur is None:
            yield Refused("capex_needed", "capex_eur", _l("A decision needs the capex."))
        if company.new_jobs is None and company.safeguarded_jobs is None:
            yield Refused(
                "jobs_needed", "new_jobs", _l("A decision needs the new or safeguarded jobs.")
            )
    if to is Stage.landed and company.actual_landing_on is None:
        yield Refused(
            "landing_date_needed",
            "actual_landing_on",
            _l("A landing needs the actual landing date."),
        )
    for _, found in stage_requested.send(company, to=to):
        yield from found or ()


def move_stage(
    company: Company,
    to: Stage,
    reason: str,
    by: User | None,
    *,
    lost_to_location: str | None = None,
) -> StageChange:
    """The one way a company changes stage: checks the move and what the stage needs
    (``gate_refusals``), and records who, when and why."""
    reason = reason.strip()
    if to not in ALLOWED_MOVES[company.stage]:
        if company.stage is to:
            raise Refused(
                "same_stage",
                "stage",
                _l("The company is in stage {stage} already."),
                stage=to.label,
            )
        raise Refused(
            "move_not_allowed",
            "stage",
            _l("A company in stage {current} cannot move to {to}."),
            current=company.stage.label,
            to=to.label,
        )
    refuse_any(
        refusal
        for refusal in (
            Refused("reason_required", "reason", _l("Moving to {to} needs a reason."), to=to.label)
            if to in SIDELINED_STAGES and not reason
            else None,
            bounded_text("reason", reason, 2000),
            bounded_text("lost_to_location", lost_to_location, 200),
            *gate_refusals(company, to),
        )
        if refusal is not None
    )
    now = utcnow()
    change = StageChange(
        company=company,
        from_stage=company.stage,
        to_stage=to,
        reason=reason,
        changed_by=by,
        changed_at=now,
    )
    db.session.add(change)
    company.stage = to
    company.stage_entered_at = now
    company.stage_reason = reason
    if to is Stage.lost:
        company.lost_to_location = (lost_to_location or "").strip() or None
    db.session.flush()
    stage_moved.send(company, to=to, by=by)
    return change


def allowed_moves(company: Company) -> list[Stage]:
    """The stages the company may move to, in the order of the pipeline."""
    return sorted(ALLOWED_MOVES[company.stage], key=list(Stage).index)


def time_in_stages(company: Company, now: datetime | None = None) -> dict[Stage, timedelta]:
    """How long the company has spent in each stage, from its creation and its stage history.

    A company imported or created without a recorded first stage has been in the stage its
    first recorded move left (or, with no moves at all, its current stage) since its creation.
    """
    now = now or utcnow()
    changes = sorted(company.stage_changes, key=lambda change: (change.changed_at, change.id))
    first_stage = changes[0].from_stage if changes else company.stage
    periods: list[tuple[Stage, datetime]] = []
    if first_stage is not None:
        periods.append((first_stage, company.created_at))
    periods.extend((change.to_stage, change.changed_at) for change in changes)
    spent: dict[Stage, timedelta] = {}
    for (stage, since), (_, until) in pairwise([*periods, (company.stage, now)]):
        spent[stage] = spent.get(stage, timedelta()) + max(until - since, timedelta())
    return spent


def verify_landing(company: Company, evidence: str, *, by: User) -> None:
    """A landing counts in figures only after a staff member confirmed it with evidence."""
    if company.stage is not Stage.landed:
        raise Refused(
            "not_landed", "evidence", _l("Only a landed company can have its landing verified.")
        )
    evidence = evidence.strip()
    if not evidence:
        raise Refused("required", "evidence", _l("Say what shows that the company landed."))
    company.landing_verified_at = utcnow()
    company.landing_verified_by = by
    company.landing_evidence = evidence
    company.actual_landing_on = company.actual_landing_on or office_today()
    record_activity(company, ActivityKind.system, "Landing verified", evidence, author=by)


def verified_landings_count() -> int:
    return (
        db.session.scalar(
            select(func.count(Company.id)).where(
                Company.stage == Stage.landed,
                Company.landing_verified_at.is_not(None),
                Company.is_archived.is_(False),
            )
        )
        or 0
    )


# --- contacts -------------------------------------------------------------------------------


def normalised_contact_email(email: str | None, field: str = "email") -> str | None:
    if not (email or "").strip():
        return None
    assert email is not None
    try:
        return normalised_address(email.strip())
    except EmailNotValidError as error:
        raise Refused("invalid_email", field, _l("Not a valid email address.")) from error


@lru_cache(maxsize=2**17)
def normalised_address(email: str) -> str:
    """The address as it is stored; remembered, as an import checks each address and then
    stores it (the validation costs more than the rest of a row's checks)."""
    return validate_email(email, check_deliverability=False).normalized.lower()


def contact_refusals(
    details: dict[str, Any], has_consent: bool, consent_version: str | None
) -> Iterator[Refused]:
    checks = [
        required_text("name", details.get("name")),
        bounded_text("name", details.get("name"), 200),
        bounded_text("email", details.get("email"), 254),
        bounded_text("phone", details.get("phone"), 50),
        bounded_text("position", details.get("position"), 200),
        bounded_text("consent_version", consent_version, 40),
        Refused("unknown_language", "language", _l("English (en) or German (de)."))
        if details.get("language", "en") not in LANGUAGES
        else None,
        Refused(
            "consent_version_required",
            "consent_version",
            _l("Say which consent text they agreed to."),
        )
        if has_consent and not (consent_version or "").strip()
        else None,
    ]
    yield from (refusal for refusal in checks if refusal is not None)
    try:
        normalised_contact_email(details.get("email"))
    except Refused as refusal:
        yield refusal


def contact_columns(details: dict[str, Any]) -> dict[str, Any]:
    """A contact's checked details in the forms the database keeps them (consent aside)."""
    return {
        "name": (details.get("name") or "").strip(),
        "phone": (details.get("phone") or "").strip() or None,
        "position": (details.get("position") or "").strip() or None,
        "email": normalised_contact_email(details.get("email")),
        "language": details.get("language") or "en",
    }


def save_contact(
    company: Company,
    details: dict[str, Any],
    *,
    has_consent: bool,
    consent_version: str | None,
    contact: Contact | None = None,
) -> Contact:
    """Add or change a person at the company; consent is stored with the text version agreed."""
    consent_version = (consent_version or "").strip() or None
    refuse_any(contact_refusals(details, has_consent, consent_version))
    contact = contact or Contact(company=company)
    for column, value in contact_columns(details).items():
        setattr(contact, column, value)
    if has_consent and contact.consent_at is None:
        contact.consent_at = utcnow()
    if not has_consent:
        contact.consent_at = None
    contact.consent_version = consent_version if has_consent else None
    db.session.add(contact)
    db.session.flush()
    return contact


def contact_of(company: Company, contact_id: int) -> Contact | None:
    contact = db.session.get(Contact, contact_id) if 0 < contact_id <= MAX_ID else None
    return contact if contact is not None and contact.company_id == company.id else None


def contacts_of(company: Company) -> Select[Contact]:
    return (
        select(Contact).where(Contact.company_id == company.id).order_by(Contact.name, Contact.id)
    )


# --- timeline and follow-up tasks -----------------------------------------------------------


def log_activity(
    company: Company,
    kind: ActivityKind,
    subject: str,
    body: str,
    *,
    occurred_at: datetime | None,
    by: User,
) -> Activity:
    """A note, call, meeting, email or site visit staff write on the timeline."""
    subject = subject.strip()
    refuse_any(
        refusal
        for refusal in (
            Refused(
                "not_staff_kind", "kind", _l("Staff cannot write {kind} entries."), kind=kind.label
            )
            if kind not in STAFF_ACTIVITY_KINDS
            else None,
            required_text("subject", subject),
            bounded_text("subject", subject, 300),
            bounded_text("body", body, 20_000),
            storable_moment("occurred_at", occurred_at),
        )
        if refusal is not None
    )
    return record_activity(company, kind, subject, body, author=by, occurred_at=occurred_at)


def timeline_of(company: Company) -> Select[Activity]:
    """The company's timeline, the latest first; registrations and mail show here too."""
    return (
        select(Activity)
        .where(Activity.company_id == company.id)
        .options(selectinload(Activity.author))
        .order_by(Activity.occurred_at.desc(), Activity.id.desc())
    )


def create_task(
    company: Company, title: str, due_on: date | None, *, owner_id: int | None
) -> FollowUpTask:
    title = title.strip()
    refuse_any(
        refusal
        for refusal in (
            required_text("title", title),
            bounded_text("title", title, 300),
            Refused("required", "due_on", _l("Give a due date.")) if due_on is None else None,
            storable_date("due_on", due_on),
        )
        if refusal is not None
    )
    task = FollowUpTask(
        company=company, title=title, due_on=due_on, owner=staff_member(owner_id, "owner_id")
    )
    db.session.add(task)
    db.session.flush()
    return task


def complete_task(task: FollowUpTask) -> None:
    if not task.is_done:
        task.is_done = True
        task.done_at = utcnow()
        db.session.flush()


def tasks_of(company: Company) -> Select[FollowUpTask]:
    """The company's tasks: open ones first, the earliest due first."""
    return (
        select(FollowUpTask)
        .where(FollowUpTask.company_id == company.id)
        .options(selectinload(FollowUpTask.owner))
        .order_by(FollowUpTask.is_done, FollowUpTask.due_on, FollowUpTask.id)
    )


def open_tasks_of(owner: User) -> list[FollowUpTask]:
    """The owner's open tasks, the most overdue first."""
    return list(
        db.session.scalars(
            select(FollowUpTask)
            .where(FollowUpTask.owner_id == owner.id, FollowUpTask.is_done.is_(False))
            .options(selectinload(FollowUpTask.company))
            .order_by(FollowUpTask.due_on, FollowUpTask.id)
        )
    )


def team_candidates() -> list[User]:
    """Who may join a confidential lead's team: enabled accounts other than admins (who see
    every lead), by name."""
    return list(
        db.session.scalars(
            select(User).where(User.role != Role.admin, User.is_enabled).order_by(User.name)
        )
    )


def staff_members() -> list[User]:
    """Who may own leads and tasks, by name."""
    return list(
        db.session.scalars(
            select(User).where(User.role != Role.viewer, User.is_enabled).order_by(User.name)
        )
    )


# --- duplicates -----------------------------------------------------------------------------


def merge_companies(survivor: Company, duplicate: Company, *, by: User) -> Company:
    """Fold ``duplicate`` into ``survivor``: everything that points at it points at the survivor
    (found from the schema), its empty details are filled in, and it is deleted."""
    if survivor.id == duplicate.id:
        raise Refused(
            "merge_into_itself", "duplicate_id", _l("A company cannot be merged into itself.")
        )
    if not can_see(duplicate, by):
        raise Refused("no_such_company", "duplicate_id", _l("There is no company with this id."))
    if duplicate.is_confidential and not survivor.is_confidential:
        raise Refused(
            "merge_confidential_into_open",
            "duplicate_id",
            _l("A confidential lead is merged only into a confidential one: mark this one first."),
        )
    for field in ("domain", "website", "country", "city", "sector", "owner_id"):
        if getattr(survivor, field) is None:
            setattr(survivor, field, getattr(duplicate, field))
    merged_name, duplicate_id = duplicate.name, duplicate.id
    db.session.flush()
    repoint_references(db.session, Company.__table__, duplicate_id, survivor.id)
    db.session.expire_all()  # the bulk updates bypassed the loaded objects
    db.session.delete(db.session.get(Company, duplicate_id))
    db.session.flush()
    record_activity(
        survivor,
        ActivityKind.system,
        f"Merged with {merged_name}",
        f"The duplicate record {merged_name!r} was merged into this one.",
        author=by,
    )
    return survivor


def company_by_id(company_id: int) -> Company | None:
    return db.session.get(Company, company_id) if 0 < company_id <= MAX_ID else None
