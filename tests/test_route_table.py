"""Every URL of the application, asked by every kind of caller, answers as the route table says.

The callers are a visitor without an account, a viewer, a staff member and an admin; the
registrant's private pages (``/r/<token>``) are also asked by the registrant with their own link
and by another registrant with theirs, which must neither show nor change the first
registration. The world they ask about holds one of everything, made through the services the
way staff and registrants make it; only a lead without any history is a raw row, as imported,
demo and registered leads are.

A rule the application gains without a row here fails ``test_the_route_table_names_every_rule``;
a wrong status or any 5xx anywhere fails ``test_every_caller_gets_the_status_the_route_table_names``
with one list of every mismatch; so does an answer without the security headers
(``crm.security_headers``).
"""

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeSerializer
from sqlalchemy import select
from werkzeug.test import TestResponse

from crm.api.models import ApiScope
from crm.api.tokens import issue_token, revoke_token
from crm.auth.models import Role, User
from crm.events import planning
from crm.events import services as events
from crm.events.models import Event, EventStatus, Registration, RegistrationStatus
from crm.events.planning import EventDetails, save_event
from crm.events.services import RegistrationDetails
from crm.events.tokens import SALT, manage_token, revoke_manage_links
from crm.extensions import db
from crm.leads import roadmap
from crm.leads import services as leads
from crm.leads.models import ActivityKind, Company, Stage
from crm.leads.names import normalise_company_name
from crm.mail import services as outbox
from crm.mail.models import OutboxMessage, OutboxStatus
from crm.partners import services as partners
from crm.partners.models import LinkSource, LinkStatus, Partner, PartnerKind, PartnerLink
from crm.security_headers import HEADERS
from crm.seed.services import seed
from crm.sites import services as sites
from crm.sites.models import Site, SiteKind, SiteLocation
from crm.vocabulary import services as vocabulary
from tests.conftest import TEST_PASSWORD
from tests.helpers import csrf_token

NOW = "2026-03-02T09:00:00+00:00"
BERLIN = ZoneInfo("Europe/Berlin")
MISSING_ID = 999_999
CALLERS = ("anonymous", "viewer", "staff", "admin")
# The other registrant asks first, so that the registrant's own rows see what they left.
LINK_HOLDERS = ("other_registrant", "registrant")
LOGGED_IN = {"viewer", "staff", "admin"}
DIETARY_QUESTION = {
    "key": "dietary",
    "en": "Dietary needs",
    "de": "Ernährung",
    "choices": [
        {"value": "none", "en": "None", "de": "Keine"},
        {"value": "vegetarian", "en": "Vegetarian", "de": "Vegetarisch"},
    ],
}


class Expected(NamedTuple):
    """The status each caller gets; None: not asked (only in MORE_ROWS). The link holders ask
    only for the ``/r/<token>`` pages."""

    anonymous: int | None
    viewer: int | None
    staff: int | None
    admin: int | None
    registrant: int | None = None
    other_registrant: int | None = None


EVERYONE_200 = Expected(200, 200, 200, 200)
EVERYONE_303 = Expected(303, 303, 303, 303)

# (rule, method) → the status per caller: anonymous, viewer, staff, admin. How each row is asked
# (which objects fill the URL, which form or JSON body goes with it) is in HOW_TO_ASK below.
ROUTE_TABLE: dict[tuple[str, str], Expected] = {
    # --- signing in, the start page, one's own account
    ("/", "GET"): Expected(302, 302, 302, 302),
    ("/login", "GET"): Expected(200, 302, 302, 302),
    ("/login", "POST"): Expected(401, 302, 302, 302),
    ("/logout", "POST"): Expected(302, 302, 302, 302),
    ("/dashboard", "GET"): Expected(302, 200, 200, 200),
    ("/reports/events/<int:event_id>", "GET"): Expected(302, 200, 200, 200),
    ("/reports/events/<int:event_id>/companies", "GET"): Expected(302, 200, 200, 200),
    ("/reports/wins", "GET"): Expected(302, 200, 200, 200),
    ("/reports/wins.csv", "GET"): Expected(302, 200, 200, 200),
    ("/account", "GET"): Expected(302, 200, 200, 200),
    ("/account", "POST"): Expected(302, 302, 302, 302),
    ("/account/password", "POST"): Expected(302, 422, 422, 422),
    ("/password/forgot", "GET"): Expected(200, 302, 302, 302),
    ("/password/forgot", "POST"): Expected(422, 302, 302, 302),
    # The default token is the registrant's link, no reset link: unknown here.
    ("/password/reset/<token>", "GET"): Expected(404, 404, 404, 404),
    ("/password/reset/<token>", "POST"): Expected(404, 404, 404, 404),
    ("/healthz", "GET"): EVERYONE_200,
    ("/readyz", "GET"): EVERYONE_200,
    # --- administration
    ("/admin/users/", "GET"): Expected(302, 403, 403, 200),
    ("/admin/users/", "POST"): Expected(302, 403, 403, 422),
    ("/admin/users/<int:user_id>/unlock", "POST"): Expected(302, 403, 403, 302),
    ("/admin/tokens/", "GET"): Expected(302, 403, 403, 200),
    ("/admin/tokens/", "POST"): Expected(302, 403, 403, 200),
    ("/admin/tokens/<int:token_id>/revoke", "POST"): Expected(302, 403, 403, 302),
    ("/admin/privacy/", "GET"): Expected(302, 403, 403, 200),
    ("/admin/privacy/", "POST"): Expected(302, 403, 403, 200),
    ("/admin/audit/", "GET"): Expected(302, 403, 403, 200),
    ("/admin/outbox/", "GET"): Expected(302, 403, 200, 200),
    ("/admin/outbox/<int:message_id>/retry", "POST"): Expected(302, 403, 302, 302),
    ("/admin/outbox/<int:message_id>/cancel", "POST"): Expected(302, 403, 302, 302),
    # --- leads
    ("/leads/", "GET"): Expected(302, 200, 200, 200),
    ("/leads/board", "GET"): Expected(302, 200, 200, 200),
    ("/leads/aftercare", "GET"): Expected(302, 200, 200, 200),
    ("/leads/export.csv", "GET"): Expected(302, 200, 200, 200),
    ("/leads/new", "GET"): Expected(302, 403, 200, 200),
    ("/leads/new", "POST"): Expected(302, 403, 422, 422),
    ("/leads/import", "GET"): Expected(302, 403, 200, 200),
    ("/leads/import", "POST"): Expected(302, 403, 200, 200),
    ("/leads/tasks", "GET"): Expected(302, 403, 200, 200),
    ("/leads/tasks/<int:task_id>/done", "POST"): Expected(302, 403, 302, 302),
    ("/leads/<int:company_id>/roadmap", "POST"): Expected(302, 403, 302, 302),
    ("/leads/roadmap-steps/<int:step_id>", "POST"): Expected(302, 403, 302, 302),
    ("/leads/roadmap-template", "GET"): Expected(302, 403, 403, 200),
    ("/leads/roadmap-template", "POST"): Expected(302, 403, 403, 302),
    ("/leads/roadmap-template/<int:step_id>", "POST"): Expected(302, 403, 403, 302),
    ("/leads/roadmap-template/<int:step_id>/delete", "POST"): Expected(302, 403, 403, 302),
    ("/leads/<int:company_id>", "GET"): Expected(302, 200, 200, 200),
    ("/leads/<int:company_id>/edit", "GET"): Expected(302, 403, 200, 200),
    ("/leads/<int:company_id>/edit", "POST"): Expected(302, 403, 302, 302),
    ("/leads/<int:company_id>/archive", "POST"): Expected(302, 403, 302, 302),
    ("/leads/<int:company_id>/delete", "POST"): Expected(302, 403, 403, 302),
    ("/leads/<int:company_id>/stage", "POST"): Expected(302, 403, 302, 302),
    ("/leads/<int:company_id>/landing", "POST"): Expected(302, 403, 422, 422),
    ("/leads/<int:company_id>/activities", "POST"): Expected(302, 403, 302, 302),
    ("/leads/<int:company_id>/tasks", "POST"): Expected(302, 403, 302, 302),
    ("/leads/<int:company_id>/merge", "POST"): Expected(302, 403, 302, 302),
    ("/leads/<int:company_id>/confidentiality", "POST"): Expected(302, 403, 422, 422),
    ("/leads/<int:company_id>/contacts/new", "GET"): Expected(302, 403, 200, 200),
    ("/leads/<int:company_id>/contacts/new", "POST"): Expected(302, 403, 422, 422),
    ("/leads/<int:company_id>/contacts/<int:contact_id>", "GET"): Expected(302, 403, 200, 200),
    ("/leads/<int:company_id>/contacts/<int:contact_id>", "POST"): Expected(302, 403, 302, 302),
    # --- partners and matchmaking
    ("/partners/", "GET"): EVERYONE_200,
    ("/partners/new", "GET"): Expected(302, 403, 200, 200),
    ("/partners/new", "POST"): Expected(302, 403, 422, 422),
    ("/partners/<slug>", "GET"): EVERYONE_200,
    ("/partners/<slug>/edit", "GET"): Expected(302, 403, 200, 200),
    ("/partners/<slug>/edit", "POST"): Expected(302, 403, 422, 422),
    ("/partners/<slug>/archive", "POST"): Expected(302, 403, 302, 302),
    ("/partners/<slug>/restore", "POST"): Expected(302, 403, 302, 302),
    ("/partners/<slug>/delete", "POST"): Expected(302, 403, 403, 302),
    ("/partners/capabilities", "GET"): Expected(302, 403, 403, 200),
    ("/partners/capabilities", "POST"): Expected(302, 403, 403, 422),
    ("/partners/capabilities/<int:capability_id>", "GET"): Expected(302, 403, 403, 200),
    ("/partners/capabilities/<int:capability_id>", "POST"): Expected(302, 403, 403, 422),
    ("/partners/capabilities/merge", "POST"): Expected(302, 403, 403, 422),
    ("/partners/links/<int:link_id>/status", "POST"): Expected(302, 403, 302, 302),
    ("/partners/links/<int:link_id>/introduce", "POST"): Expected(302, 403, 302, 302),
    ("/companies/<int:company_id>/partners", "GET"): Expected(302, 200, 200, 200),
    ("/companies/<int:company_id>/partners", "POST"): Expected(302, 403, 302, 302),
    ("/companies/<int:company_id>/partners/<int:partner_id>/accept", "POST"): Expected(
        302, 403, 302, 302
    ),
    ("/companies/<int:company_id>/partners/<int:partner_id>/dismiss", "POST"): Expected(
        302, 403, 302, 302
    ),
    # --- sites and reservations
    ("/sites/", "GET"): Expected(302, 200, 200, 200),
    ("/sites/new", "GET"): Expected(302, 403, 200, 200),
    ("/sites/new", "POST"): Expected(302, 403, 422, 422),
    ("/sites/<int:site_id>", "GET"): Expected(302, 200, 200, 200),
    ("/sites/<int:site_id>/edit", "GET"): Expected(302, 403, 200, 200),
    ("/sites/<int:site_id>/edit", "POST"): Expected(302, 403, 422, 422),
    ("/sites/<int:site_id>/archive", "POST"): Expected(302, 403, 403, 302),
    ("/sites/<int:site_id>/reservations", "POST"): Expected(302, 403, 302, 302),
    ("/sites/reservations/<int:reservation_id>/release", "POST"): Expected(302, 403, 302, 302),
    # --- public event pages, calendars and the registrant's private link
    ("/events/", "GET"): EVERYONE_200,
    ("/events/<slug>", "GET"): EVERYONE_200,
    ("/events/<slug>.ics", "GET"): EVERYONE_200,
    ("/calendar.ics", "GET"): EVERYONE_200,
    ("/events/<slug>/register", "GET"): EVERYONE_200,
    ("/events/<slug>/register", "POST"): EVERYONE_200,
    ("/r/<token>", "GET"): Expected(404, 404, 404, 404, registrant=303, other_registrant=303),
    # The page of the link a browser opened last (each link holder opened theirs).
    ("/r/", "GET"): Expected(404, 404, 404, 404, registrant=200, other_registrant=200),
    ("/r/", "POST"): Expected(404, 404, 404, 404, registrant=200, other_registrant=200),
    ("/r/cancel", "POST"): Expected(404, 404, 404, 404, registrant=200, other_registrant=200),
    ("/r/consents", "POST"): Expected(404, 404, 404, 404, registrant=200, other_registrant=200),
    ("/r/<token>/consents", "POST"): Expected(
        404, 404, 404, 404, registrant=200, other_registrant=200
    ),
    ("/r/<token>", "POST"): Expected(404, 404, 404, 404, registrant=200, other_registrant=200),
    ("/r/<token>/cancel", "POST"): Expected(
        404, 404, 404, 404, registrant=200, other_registrant=200
    ),
    # --- running events
    ("/staff/events/", "GET"): Expected(302, 200, 200, 200),
    ("/staff/events/new", "GET"): Expected(302, 403, 200, 200),
    ("/staff/events/new", "POST"): Expected(302, 403, 422, 422),
    ("/staff/events/<int:event_id>", "GET"): Expected(302, 200, 200, 200),
    ("/staff/events/<int:event_id>/attendees.csv", "GET"): Expected(302, 200, 200, 200),
    ("/staff/events/<int:event_id>/edit", "GET"): Expected(302, 403, 200, 200),
    ("/staff/events/<int:event_id>/edit", "POST"): Expected(302, 403, 422, 422),
    ("/staff/events/<int:event_id>/publish", "POST"): Expected(302, 403, 302, 302),
    ("/staff/events/<int:event_id>/cancel", "POST"): Expected(302, 403, 302, 302),
    ("/staff/events/<int:event_id>/capacity", "POST"): Expected(302, 403, 302, 302),
    ("/staff/events/<int:event_id>/add", "GET"): Expected(302, 403, 200, 200),
    ("/staff/events/<int:event_id>/add", "POST"): Expected(302, 403, 302, 302),
    ("/staff/events/<int:event_id>/check-in", "GET"): Expected(302, 403, 200, 200),
    ("/staff/events/<int:event_id>/no-shows", "POST"): Expected(302, 403, 302, 302),
    ("/staff/events/<int:event_id>/registrations/<int:registration_id>/cancel", "POST"): Expected(
        302, 403, 302, 302
    ),
    (
        "/staff/events/<int:event_id>/registrations/<int:registration_id>/check-in",
        "POST",
    ): Expected(302, 403, 302, 302),
    (
        "/staff/events/<int:event_id>/registrations/<int:registration_id>/confirm",
        "POST",
    ): Expected(302, 403, 302, 302),
    (
        "/staff/events/<int:event_id>/registrations/<int:registration_id>/revoke-link",
        "POST",
    ): Expected(302, 403, 302, 302),
    # --- the JSON API (cookie sessions send X-CSRFToken on writes)
    ("/api/v1/openapi.json", "GET"): EVERYONE_200,
    ("/api/v1/docs", "GET"): EVERYONE_200,
    ("/api/v1/events", "GET"): EVERYONE_200,
    ("/api/v1/events", "POST"): Expected(401, 403, 201, 201),
    ("/api/v1/events/<slug>", "GET"): EVERYONE_200,
    ("/api/v1/events/<slug>", "PATCH"): Expected(401, 403, 200, 200),
    ("/api/v1/events/<slug>/registrations", "GET"): Expected(401, 200, 200, 200),
    ("/api/v1/events/<slug>/registrations", "POST"): Expected(202, 202, 202, 202),
    ("/api/v1/partners", "GET"): EVERYONE_200,
    ("/api/v1/partner-links/<int:link_id>", "PATCH"): Expected(401, 403, 200, 200),
    ("/api/v1/companies", "GET"): Expected(401, 200, 200, 200),
    ("/api/v1/companies", "POST"): Expected(401, 403, 201, 201),
    ("/api/v1/companies/<int:company_id>", "GET"): Expected(401, 200, 200, 200),
    ("/api/v1/companies/<int:company_id>", "PATCH"): Expected(401, 403, 200, 200),
    ("/api/v1/companies/<int:company_id>", "DELETE"): Expected(401, 403, 403, 204),
    ("/api/v1/companies/<int:company_id>/stage", "POST"): Expected(401, 403, 200, 200),
    ("/api/v1/companies/<int:company_id>/contacts", "GET"): Expected(401, 200, 200, 200),
    ("/api/v1/companies/<int:company_id>/contacts", "POST"): Expected(401, 403, 201, 201),
    ("/api/v1/companies/<int:company_id>/activities", "GET"): Expected(401, 200, 200, 200),
    ("/api/v1/companies/<int:company_id>/activities", "POST"): Expected(401, 403, 201, 201),
    ("/api/v1/companies/<int:company_id>/tasks", "GET"): Expected(401, 200, 200, 200),
    ("/api/v1/companies/<int:company_id>/tasks", "POST"): Expected(401, 403, 201, 201),
    ("/api/v1/companies/<int:company_id>/partner-links", "GET"): Expected(401, 200, 200, 200),
    ("/api/v1/companies/<int:company_id>/partner-links", "POST"): Expected(401, 403, 201, 201),
    ("/api/v1/companies/<int:company_id>/site-matches", "GET"): Expected(401, 200, 200, 200),
    ("/api/v1/companies/<int:company_id>/roadmap", "GET"): Expected(401, 200, 200, 200),
    # The lead's roadmap is started already: refused.
    ("/api/v1/companies/<int:company_id>/roadmap", "POST"): Expected(401, 403, 422, 422),
    ("/api/v1/roadmap-steps/<int:step_id>", "PATCH"): Expected(401, 403, 200, 200),
    ("/api/v1/sites", "GET"): Expected(401, 200, 200, 200),
    ("/api/v1/sites", "POST"): Expected(401, 403, 201, 201),
    ("/api/v1/sites/<int:site_id>", "GET"): Expected(401, 200, 200, 200),
    ("/api/v1/sites/<int:site_id>", "PATCH"): Expected(401, 403, 200, 200),
    ("/api/v1/sites/<int:site_id>/reservations", "GET"): Expected(401, 200, 200, 200),
    ("/api/v1/sites/<int:site_id>/reservations", "POST"): Expected(401, 403, 201, 201),
}


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """Every caller signs in and posts to the login form; throttling is tested on its own."""
    return app_config | {
        "LOGIN_RATE_LIMIT": "100 per minute",
        "PASSWORD_RESET_RATE_LIMIT": "100 per minute",
        "REGISTRATION_RATE_LIMIT": "1000 per minute",
        "REGISTRATION_DOMAIN_RATE_LIMIT": "1000 per hour",
        "MANAGE_LINK_RATE_LIMIT": "1000 per minute",
    }


# --- the world -------------------------------------------------------------------------------


@dataclass
class World:
    """Ids, slugs and links of one of everything; rows that change or end something get their
    own objects, so that no row spoils another."""

    company_id: int  # a lead with everything
    bare_company_id: int  # a raw lead without any history
    unmoved_company_id: int  # another raw lead, moved for the first time by a row
    merged_company_id: int  # merged into company_id: gone
    contact_id: int
    stranger_contact_id: int  # a contact of another company
    task_id: int
    roadmap_step_id: int  # a step of company_id's roadmap
    roadmap_lead_ids: dict[str, int]  # a lead without a roadmap for each caller to start one
    template_step_id: int  # edited by the admin
    doomed_template_step_id: int  # removed by the admin
    duplicate_ids: dict[str, int]  # per caller, a duplicate that caller merges
    doomed_company_id: int  # deleted by the admin, through a page
    api_doomed_company_id: int  # deleted by the admin, through the API
    partner_slug: str
    spare_partner_slug: str  # archived and restored
    doomed_partner_slug: str  # deleted
    hidden_partner_slug: str  # not published
    accept_partner_id: int
    dismiss_partner_id: int
    free_partner_id: int  # not linked to the company yet
    capability_id: int
    status_link_id: int
    api_link_id: int
    introduction_link_id: int
    event_slug: str  # timed, full, with a waiting list
    event_id: int
    all_day_slug: str
    all_day_id: int
    draft_slug: str
    draft_id: int
    publishable_id: int
    cancelled_slug: str
    cancelled_id: int
    past_slug: str
    past_id: int
    doomed_event_id: int
    registration_id: int  # the registrant's, confirmed
    waitlisted_id: int
    check_in_id: int
    staff_cancel_id: int  # on the all-day event
    revoke_id: int  # on the all-day event
    registrant_token: str
    other_token: str
    forged_token: str  # the registrant's registration, signed without the secret key
    revoked_token: str
    past_token: str
    cancelled_token: str
    answering_token: str  # a live registration whose answers a row gets wrong
    message_to_cancel_id: int  # pending
    message_to_retry_id: int  # failed
    doomed_token_id: int
    write_token: str
    read_token: str
    revoked_api_token: str
    staff_user_id: int
    viewer_user_id: int
    merged_capability_id: int  # merged by the admin into into_capability_id
    into_capability_id: int
    moved_event_id: int  # gets a new schedule
    waitlisted_token: str
    erased_email: str  # a registrant the admin erases
    registrant_email: str
    site_id: int  # reserved for company_id this month
    spare_site_id: int  # archived and restored by the admin
    release_reservation_id: int  # of another site, released by a row

    def token_of(self, caller: str) -> str:
        """The link a caller holds: their own, or (without one) a forged one."""
        return {"registrant": self.registrant_token, "other_registrant": self.other_token}.get(
            caller, self.forged_token
        )

    def shown(self, url: str) -> str:
        """The URL with its private link named rather than spelled out."""
        names = {
            self.registrant_token: "<the registrant's link>",
            self.other_token: "<the other registrant's link>",
            self.forged_token: "<a forged link>",
            self.revoked_token: "<a revoked link>",
            self.past_token: "<a link to a past event>",
            self.cancelled_token: "<a cancelled registration's link>",
            self.answering_token: "<a registrant's link>",
            self.waitlisted_token: "<a waiting registrant's link>",
        }
        for token, name in names.items():
            url = url.replace(token, name)
        return url


def register(event: Event, name: str, **overrides: Any) -> Registration:
    """A registration through the public form's service, by a person of a company of their own."""
    first = name.split()[0].lower()
    fields: dict[str, Any] = {
        "name": name,
        "email": f"{first}@isotopes-{first}.example",
        "company_name": f"Isotopes {name.split()[-1]} SAS",
        "consent": True,
        "country": "FR",
        "language": "en",
    } | overrides
    return events.register(event, RegistrationDetails(**fields)).registration


def new_event(slug: str, *, all_day: bool = False, **overrides: Any) -> Event:
    fields: dict[str, Any] = {
        "title_en": f"Route table {slug}",
        "slug": slug,
        "is_all_day": all_day,
        "timezone": "Europe/Berlin",
        "city": "Dresden",
        "country": "DE",
        "organiser_name": "WFS",
        "organiser_email": "events@wfs.example",
        "questions": [DIETARY_QUESTION],
    } | overrides
    return save_event(None, EventDetails(**fields))


def local(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=BERLIN)


def assert_one_of_everything() -> None:
    """The world holds what the route table means to ask about."""
    mail = set(db.session.scalars(select(OutboxMessage.status)))
    assert mail == set(OutboxStatus), mail
    registrations = db.session.scalars(select(Registration)).all()
    assert {registration.status for registration in registrations} == set(RegistrationStatus)
    assert any(registration.checked_in_at for registration in registrations)
    assert any(registration.is_no_show for registration in registrations)
    kinds = {(event.status, event.is_all_day) for event in db.session.scalars(select(Event))}
    assert {(status, False) for status in EventStatus} <= kinds
    assert (EventStatus.published, True) in kinds
    links = set(db.session.scalars(select(PartnerLink.status)))
    assert links == set(LinkStatus), links
    assert db.session.scalar(select(Company).where(~Company.stage_changes.any())) is not None


def build_world(users: dict[str, User], clock: Callable[[str], None]) -> World:
    staff, admin = users["staff"], users["admin"]

    # A past event, lived through: registrations before it, a check-in during it, no-shows after.
    clock("2026-01-12T09:00:00+00:00")
    seed()
    past = new_event(
        "past-forum", starts_at=local(date(2026, 2, 10), 9), ends_at=local(date(2026, 2, 10), 17)
    )
    planning.publish_event(past)
    checked_in = register(past, "Paula Past")
    no_show = register(past, "Nils Absent")
    db.session.commit()
    clock("2026-02-10T10:30:00+00:00")
    events.check_in(checked_in)
    db.session.commit()
    clock(NOW)
    events.mark_no_shows(past)
    seed(with_demo=True)

    # Partners and the vocabulary.
    capability = vocabulary.add_capability({"en": "Route table tracers"})
    merged_capability = vocabulary.add_capability({"en": "Tracer synthesis"})
    into_capability = vocabulary.add_capability({"en": "Radiotracer synthesis"})
    partner = partners.save_partner(
        None,
        name="Route Table Radiochemie GmbH",
        kind=PartnerKind.company,
        location="Dresden-Rossendorf",
        descriptions={"en": "Tracers on demand.", "de": "Tracer auf Bestellung."},
        website="https://radiochemie.example",
        contact_name="Rita Chem",
        contact_email="rita@radiochemie.example",
        capability_names=["hot-cells", capability.slug],
        is_published=True,
    )

    def plain_partner(name: str, *, is_published: bool = True) -> Partner:
        return partners.save_partner(
            None,
            name=name,
            kind=PartnerKind.company,
            location="Dresden",
            descriptions={},
            website=None,
            contact_name=None,
            contact_email=None,
            capability_names=[],
            is_published=is_published,
        )

    spare_partner = plain_partner("Spare Isotopes GmbH")
    doomed_partner = plain_partner("Doomed Isotopes GmbH")
    hidden_partner = plain_partner("Hidden Isotopes GmbH", is_published=False)
    seeded = {p.slug: p for p in db.session.scalars(select(Partner))}

    # A lead with everything: needs, owner, stage history, people, timeline, tasks, links, a
    # merged duplicate.
    needs = vocabulary.capabilities_named(
        ["hot-cells", "gmp-production", "sterility-testing", "clinical-trials", "theranostics"]
    )
    company = leads.create_company(
        {
            "name": "Full History Pharma GmbH",
            "domain": "full-history.example",
            "country": "DE",
            "city": "Dresden",
            "owner_id": staff.id,
            "site_area_m2": 900,
            "needs_lab": True,
        },
        needs=needs,
        by=staff,
    )
    leads.move_stage(company, Stage.qualified, "", staff)
    leads.move_stage(company, Stage.active, "", staff)
    contact = leads.save_contact(
        company,
        {"name": "Hanna Voss", "email": "hanna@full-history.example", "language": "de"},
        has_consent=True,
        consent_version="2025-09",
    )
    leads.save_contact(
        company, {"name": "Jo Lind", "language": "en"}, has_consent=False, consent_version=None
    )
    leads.log_activity(company, ActivityKind.call, "First call", "", occurred_at=None, by=staff)
    leads.log_activity(
        company, ActivityKind.site_visit, "Site visit", "Plot B", occurred_at=None, by=staff
    )
    leads.create_task(company, "Send the site plan", date(2026, 3, 9), owner_id=staff.id)
    done = leads.create_task(company, "Book the tour", date(2026, 2, 20), owner_id=staff.id)
    leads.complete_task(done)
    task = leads.create_task(company, "Call back", date(2026, 3, 3), owner_id=staff.id)

    def link(to: Partner) -> PartnerLink:
        return partners.link_company_to_partner(
            company, to, reason="Fits the needs", source=LinkSource.staff, by=staff
        )

    partners.introduce(link(partner), staff)
    link(seeded["abx"])  # suggested

    def introduced(to: Partner) -> PartnerLink:
        to.contact_email = f"partnering@{to.slug}.example"
        made = link(to)
        partners.introduce(made, staff)
        return made

    in_contact = introduced(seeded["hzdr"])
    partners.change_link_status(in_contact, LinkStatus.in_contact, staff)
    collaborating = introduced(seeded["rotop"])
    for status in (LinkStatus.in_contact, LinkStatus.collaborating):
        partners.change_link_status(collaborating, status, staff)
    partners.change_link_status(link(seeded["cup-laboratorien"]), LinkStatus.declined, staff)
    status_link = link(seeded["itd"])
    api_link = link(seeded["mdg"])

    duplicate = leads.create_company({"name": "Full History Pharma"}, by=staff)
    leads.save_contact(
        duplicate, {"name": "Ole Dup", "language": "en"}, has_consent=False, consent_version=None
    )
    merged_company_id = duplicate.id

    linked = {found.partner_id for found in partners.links_of_company(company)}
    suggested = [
        suggestion.partner
        for suggestion in partners.suggestions_for(company).suggestions
        if suggestion.partner.id not in linked
    ]
    assert len(suggested) >= 2, "the lead needs two partner suggestions to accept and dismiss"
    free_partner = next(p for p in seeded.values() if p.id not in linked and p not in suggested[:2])

    # Leads without history, as imports, demo data and registrations leave them.
    def raw_lead(name: str) -> Company:
        row = Company(name=name, normalised_name=normalise_company_name(name))
        db.session.add(row)
        db.session.flush()
        return row

    bare = raw_lead("Bare Import Ltd")
    unmoved = raw_lead("Unmoved Import Ltd")
    stranger = leads.create_company({"name": "Stranger Isotopes AB"}, by=staff)
    stranger_contact = leads.save_contact(
        stranger, {"name": "Sven Stranger"}, has_consent=False, consent_version=None
    )
    introduction_lead = leads.create_company({"name": "Introduction Lead SA"}, by=staff)
    introduction_link = partners.link_company_to_partner(
        introduction_lead, partner, reason="Hot cells", source=LinkSource.staff, by=staff
    )
    duplicates = {
        caller: leads.create_company({"name": f"Merge Me {caller.title()} KG"}, by=staff).id
        for caller in CALLERS
    }
    doomed_company = leads.create_company({"name": "Doomed Page Lead"}, by=staff)
    api_doomed_company = leads.create_company({"name": "Doomed API Lead"}, by=staff)
    # Merged only now: SQLite gives the id of a deleted newest row to the next row.
    leads.merge_companies(company, duplicate, by=staff)
    roadmap_step = roadmap.start_roadmap(company, by=staff)[0]
    roadmap_leads = {caller: raw_lead(f"Roadmap Lead of the {caller}").id for caller in CALLERS}
    template_step = roadmap.template_steps()[0]
    doomed_template_step = roadmap.save_template_step(None, "Doomed permit", "", 900)

    # Events: timed and full with a waiting list, all-day, drafts, cancelled, past, doomed.
    timed = new_event(
        "timed-forum",
        capacity=2,
        starts_at=local(date(2026, 4, 1), 10),
        ends_at=local(date(2026, 4, 1), 16),
    )
    planning.publish_event(timed)
    mine = register(timed, "Rosa Registrant", answers={"dietary": "none"})
    theirs = register(timed, "Otto Other", answers={"dietary": "none"})
    waitlisted = register(timed, "Wanda Waiting")
    all_day = new_event(
        "all-day-forum", all_day=True, starts_on=date(2026, 4, 14), ends_on=date(2026, 4, 15)
    )
    planning.publish_event(all_day)
    check_in = register(all_day, "Carl Checkin")
    staff_cancel = register(all_day, "Cleo Cancelled")
    revoke = register(all_day, "Rene Revoked")
    revoked = register(all_day, "Vera Forwarded")
    revoked_token = manage_token(revoked)
    revoke_manage_links(revoked)
    answering = register(all_day, "Anja Answers", answers={"dietary": "none"})
    gone = register(all_day, "Gus Gone")
    events.cancel_registration(gone)
    draft = new_event(
        "draft-forum", starts_at=local(date(2026, 6, 1), 10), ends_at=local(date(2026, 6, 1), 12)
    )
    publishable = new_event(
        "publishable-forum",
        starts_at=local(date(2026, 6, 2), 10),
        ends_at=local(date(2026, 6, 2), 12),
    )
    cancelled = new_event(
        "cancelled-forum",
        starts_at=local(date(2026, 5, 5), 10),
        ends_at=local(date(2026, 5, 5), 12),
    )
    planning.publish_event(cancelled)
    register(cancelled, "Cilly Told")
    planning.cancel_event(cancelled)
    doomed_event = new_event(
        "doomed-forum", starts_at=local(date(2026, 5, 6), 10), ends_at=local(date(2026, 5, 6), 12)
    )
    planning.publish_event(doomed_event)
    register(doomed_event, "Dora Doomed")
    moved_event = new_event(
        "moved-forum",
        starts_at=local(date(2026, 5, 7), 10),
        ends_at=local(date(2026, 5, 7), 12),
    )
    planning.publish_event(moved_event)
    register(moved_event, "Mia Moved")
    erased = register(all_day, "Erika Erase")

    # The outbox in every state, and one message each for staff to retry and to cancel.
    queued = list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.pending)
            .order_by(OutboxMessage.id)
        )
    )
    sending, sent, failed, to_retry, cancelled_mail, to_cancel = queued[-6:]
    for message in (sending, sent, failed, to_retry):
        outbox.change_status(message, OutboxStatus.sending)  # claimed by the worker
        message.attempts = 1
    outbox.mark_sent(sent)
    for message in (failed, to_retry):
        outbox.mark_failed_attempt(
            message,
            "550 5.1.1 mailbox unavailable",
            is_permanent=True,
            max_attempts=8,
            retry_base_seconds=60,
        )
    outbox.cancel(cancelled_mail)

    # Sites: one reserved for the lead this month, one to archive, one whose reservation ends.
    def new_site(name: str, **details: Any) -> Any:
        fields = {"name": name, "location": SiteLocation.rossendorf, "area_m2": 1200}
        return sites.save_site(None, fields | {"kind": SiteKind.lab} | details, by=staff)

    site = new_site("Route Table Lab Wing", is_gmp_ready=True, is_hot_cell_capable=True)
    sites.reserve(site, company, starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 31), by=staff)
    spare_site = new_site("Route Table Spare Hall", kind=SiteKind.production)
    released_site = new_site("Route Table Plot", kind=SiteKind.plot, area_m2=8000)
    to_release = sites.reserve(
        released_site, stranger, starts_on=date(2026, 3, 2), ends_on=date(2026, 4, 30), by=staff
    )

    # API tokens: one to use, one that may only read, one revoked, one for the admin to revoke.
    _, write_token = issue_token("Route table CRM sync", ApiScope.write, staff, by=admin)
    _, read_token = issue_token("Route table dashboard", ApiScope.read, staff, by=admin)
    revoked_api, revoked_api_token = issue_token("Old sync", ApiScope.write, staff, by=admin)
    revoke_token(revoked_api)
    doomed_token, _ = issue_token("Doomed sync", ApiScope.write, staff, by=admin)
    db.session.commit()
    assert_one_of_everything()

    registrant_token = manage_token(mine)
    forger = URLSafeSerializer("not the secret key", salt=SALT)
    return World(
        company_id=company.id,
        bare_company_id=bare.id,
        unmoved_company_id=unmoved.id,
        merged_company_id=merged_company_id,
        contact_id=contact.id,
        stranger_contact_id=stranger_contact.id,
        task_id=task.id,
        roadmap_step_id=roadmap_step.id,
        roadmap_lead_ids=roadmap_leads,
        template_step_id=template_step.id,
        doomed_template_step_id=doomed_template_step.id,
        duplicate_ids=duplicates,
        doomed_company_id=doomed_company.id,
        api_doomed_company_id=api_doomed_company.id,
        partner_slug=partner.slug,
        spare_partner_slug=spare_partner.slug,
        doomed_partner_slug=doomed_partner.slug,
        hidden_partner_slug=hidden_partner.slug,
        accept_partner_id=suggested[0].id,
        dismiss_partner_id=suggested[1].id,
        free_partner_id=free_partner.id,
        capability_id=capability.id,
        status_link_id=status_link.id,
        api_link_id=api_link.id,
        introduction_link_id=introduction_link.id,
        event_slug=timed.slug,
        event_id=timed.id,
        all_day_slug=all_day.slug,
        all_day_id=all_day.id,
        draft_slug=draft.slug,
        draft_id=draft.id,
        publishable_id=publishable.id,
        cancelled_slug=cancelled.slug,
        cancelled_id=cancelled.id,
        past_slug=past.slug,
        past_id=past.id,
        doomed_event_id=doomed_event.id,
        registration_id=mine.id,
        waitlisted_id=waitlisted.id,
        check_in_id=check_in.id,
        staff_cancel_id=staff_cancel.id,
        revoke_id=revoke.id,
        registrant_token=registrant_token,
        other_token=manage_token(theirs),
        forged_token=forger.dumps({"registration": mine.id, "nonce": mine.manage_nonce}),
        revoked_token=revoked_token,
        past_token=manage_token(no_show),
        cancelled_token=manage_token(gone),
        answering_token=manage_token(answering),
        message_to_cancel_id=to_cancel.id,
        message_to_retry_id=to_retry.id,
        doomed_token_id=doomed_token.id,
        write_token=write_token,
        read_token=read_token,
        revoked_api_token=revoked_api_token,
        staff_user_id=staff.id,
        viewer_user_id=users["viewer"].id,
        merged_capability_id=merged_capability.id,
        into_capability_id=into_capability.id,
        moved_event_id=moved_event.id,
        waitlisted_token=manage_token(waitlisted),
        erased_email=erased.email,
        registrant_email=mine.email,
        site_id=site.id,
        spare_site_id=spare_site.id,
        release_reservation_id=to_release.id,
    )


# --- how each row is asked -------------------------------------------------------------------

Builder = Callable[[World, str], dict[str, Any]]


@dataclass(frozen=True)
class Ask:
    """How a row is asked, beyond a plain request with the default objects in the URL.

    ``values`` replaces URL values, ``form`` and ``json`` are the body (forms get the session's
    CSRF token, API writes its ``X-CSRFToken`` header, unless ``has_csrf`` is false), ``headers``
    are sent as they are (a bearer token replaces the CSRF header). ``each`` asks the row once
    for every set of URL values it lists when the row runs. ``is_last`` rows end something other
    rows need (the session, the registrant's registration) and run at the end.
    """

    values: Builder | None = None
    query: dict[str, str] | None = None
    form: Builder | None = None
    json: Builder | None = None
    headers: Builder | None = None
    has_csrf: bool = True
    each: Callable[[], list[dict[str, Any]]] | None = None
    is_last: bool = False


def default_values(world: World, rule: str, caller: str) -> dict[str, Any]:
    return {
        "company_id": world.company_id,
        "contact_id": world.contact_id,
        "task_id": world.task_id,
        "step_id": world.roadmap_step_id,
        "partner_id": world.accept_partner_id,
        "link_id": world.status_link_id,
        "capability_id": world.capability_id,
        "message_id": world.message_to_cancel_id,
        "token_id": world.doomed_token_id,
        "event_id": world.event_id,
        "registration_id": world.registration_id,
        "site_id": world.site_id,
        "reservation_id": world.release_reservation_id,
        "slug": world.partner_slug if rule.startswith("/partners/") else world.event_slug,
        "token": world.token_of(caller),
    }


def current_version(company_id: int) -> int:
    db.session.rollback()  # read what the requests committed
    company = db.session.get(Company, company_id)
    assert company is not None
    return company.version


def per_caller(staff: str, admin: str) -> Callable[[str], str]:
    """A value that differs between the staff member and the admin (others never get so far)."""
    return lambda caller: admin if caller == "admin" else staff


reserved_from = per_caller("2026-04-01", "2026-04-15")
reserved_until = per_caller("2026-04-14", "2026-04-30")


def reservation_form(world: "World", caller: str) -> dict[str, Any]:
    """A reservation of the world's site for the lead, in April (the staff member first)."""
    return {
        "company_id": str(world.company_id),
        "starts_on": reserved_from(caller),
        "ends_on": reserved_until(caller),
        "note": f"Held by {caller}",
    }


stage_on_page = per_caller("on_hold", "active")
stage_by_api = per_caller("site_visit", "active")
first_stage = per_caller("qualified", "active")
link_step = per_caller("declined", "suggested")


def registration_form(world: World, caller: str) -> dict[str, Any]:
    return {
        "name": f"Route {caller.title()}",
        "email": f"{caller}@route-registrants.example",
        "company": "Route Registrants SARL",
        "country": "FR",
        "language": "en",
        "consent": "y",
        "question_dietary": "none",
    }


def registration_request(world: World, caller: str) -> dict[str, Any]:
    return {
        "name": f"Api {caller.title()}",
        "email": f"{caller}@api-registrants.example",
        "company": "Api Registrants BV",
        "country": "NL",
        "consent": True,
        "answers": {"dietary": "vegetarian"},
    }


def event_request(world: World, caller: str) -> dict[str, Any]:
    return {
        "title": f"Tracer day by {caller}",
        "slug": f"tracer-day-{caller}",
        "is_all_day": True,
        "starts_on": "2026-09-01",
        "ends_on": "2026-09-01",
        "timezone": "Europe/Berlin",
        "city": "Dresden",
        "country": "DE",
        "organiser_name": "WFS",
        "organiser_email": "events@wfs.example",
    }


def event_form(name: str, **overrides: str) -> Builder:
    """The staff event form as a browser sends it, at a web address of the row's and caller's."""

    def form(world: World, caller: str) -> dict[str, Any]:
        return {
            "title_en": "Isotope Day",
            "slug": f"{name}-{caller}",
            "timezone": "Europe/Berlin",
            "starts_local": "2026-09-08T09:30",
            "ends_local": "2026-09-08T17:00",
            "city": "Dresden",
            "country": "DE",
            "capacity": "25",
            "organiser_name": "WFS",
            "organiser_email": "events@wfs.example",
            "reminder_offsets": "7, 1",
        } | overrides

    return form


def in_german(world: World, caller: str) -> dict[str, str]:
    return {"Accept-Language": "de-DE,de;q=0.9"}


def bearer(token: Callable[[World], str]) -> Builder:
    return lambda world, caller: {"Authorization": f"Bearer {token(world)}"}


HOW_TO_ASK: dict[tuple[str, str], Ask] = {
    ("/leads/<int:company_id>/roadmap", "POST"): Ask(
        values=lambda w, c: {"company_id": w.roadmap_lead_ids[c]}
    ),
    ("/leads/roadmap-steps/<int:step_id>", "POST"): Ask(
        form=lambda w, c: {
            f"step-{w.roadmap_step_id}-status": "in_progress",
            f"step-{w.roadmap_step_id}-planned_on": "2026-04-01",
        }
    ),
    ("/leads/roadmap-template", "POST"): Ask(
        form=lambda w, c: {"new-title": f"Permit asked for by the {c}", "new-position": "500"}
    ),
    ("/leads/roadmap-template/<int:step_id>", "POST"): Ask(
        values=lambda w, c: {"step_id": w.template_step_id},
        form=lambda w, c: {
            f"template-{w.template_step_id}-title": "Building permit",
            f"template-{w.template_step_id}-position": "10",
        },
    ),
    ("/leads/roadmap-template/<int:step_id>/delete", "POST"): Ask(
        values=lambda w, c: {"step_id": w.doomed_template_step_id}
    ),
    ("/login", "POST"): Ask(form=lambda w, c: {"email": "nobody@wfs.example", "password": "x"}),
    ("/admin/users/<int:user_id>/unlock", "POST"): Ask(
        values=lambda w, c: {
            "user_id": db.session.scalar(select(User.id).where(User.role == Role.viewer))
        }
    ),
    ("/logout", "POST"): Ask(is_last=True),
    ("/account", "POST"): Ask(form=lambda w, c: {"timezone": "Europe/Berlin"}),
    ("/account/password", "POST"): Ask(
        form=lambda w, c: {"current_password": "not the password", "new_password": "x" * 12}
    ),
    ("/admin/tokens/", "POST"): Ask(
        form=lambda w, c: {"name": "Reporting", "scope": "read", "user_id": str(w.staff_user_id)}
    ),
    ("/admin/privacy/", "POST"): Ask(
        form=lambda w, c: {"email": w.registrant_email, "export": "Export their data"}
    ),
    ("/admin/outbox/<int:message_id>/retry", "POST"): Ask(
        values=lambda w, c: {"message_id": w.message_to_retry_id}
    ),
    ("/leads/import", "POST"): Ask(
        form=lambda w, c: {
            "file": (io.BytesIO(b"name,country\nImported Isotopes SRL,IT\n"), "leads.csv"),
            "dry_run": "y",
        }
    ),
    ("/leads/<int:company_id>/edit", "POST"): Ask(
        form=lambda w, c: {
            "name": "Full History Pharma GmbH",
            "country": "DE",
            "source": "event",
            "investment_type": "expansion",
            "owner_id": str(w.staff_user_id),
            "version": str(current_version(w.company_id)),
            "site_area_m2": "900",
            "needs_lab": "y",
        }
    ),
    ("/leads/<int:company_id>/delete", "POST"): Ask(
        values=lambda w, c: {"company_id": w.doomed_company_id}
    ),
    ("/leads/<int:company_id>/stage", "POST"): Ask(
        form=lambda w, c: {"stage": stage_on_page(c), "reason": "The board meets in May"}
    ),
    ("/leads/<int:company_id>/landing", "POST"): Ask(form=lambda w, c: {"evidence": "Lease"}),
    ("/leads/<int:company_id>/activities", "POST"): Ask(
        form=lambda w, c: {"kind": "call", "subject": f"Call by {c}"}
    ),
    ("/leads/<int:company_id>/tasks", "POST"): Ask(
        form=lambda w, c: {"title": "Send the offer", "due_on": "2026-03-10", "owner_id": ""}
    ),
    ("/leads/<int:company_id>/merge", "POST"): Ask(
        form=lambda w, c: {"duplicate_id": str(w.duplicate_ids[c])}
    ),
    # Confidential without a codename: refused, the lead stays open to every caller.
    ("/leads/<int:company_id>/confidentiality", "POST"): Ask(
        form=lambda w, c: {"is_confidential": "y", "codename": ""}
    ),
    ("/leads/<int:company_id>/contacts/<int:contact_id>", "POST"): Ask(
        form=lambda w, c: {
            "name": "Hanna Voss",
            "email": "hanna@full-history.example",
            "language": "de",
            "has_consent": "y",
            "consent_version": "2025-09",
        }
    ),
    ("/partners/<slug>/archive", "POST"): Ask(values=lambda w, c: {"slug": w.spare_partner_slug}),
    ("/partners/<slug>/restore", "POST"): Ask(values=lambda w, c: {"slug": w.spare_partner_slug}),
    ("/partners/<slug>/delete", "POST"): Ask(values=lambda w, c: {"slug": w.doomed_partner_slug}),
    ("/partners/<slug>/edit", "POST"): Ask(
        form=lambda w, c: {"name": "", "kind": "company", "location": ""}
    ),
    ("/partners/capabilities/<int:capability_id>", "POST"): Ask(
        form=lambda w, c: {"label_en": "", "label_de": "", "slug": ""}
    ),
    ("/leads/new", "POST"): Ask(form=lambda w, c: {"name": "", "source": "direct"}),
    ("/staff/events/<int:event_id>/edit", "POST"): Ask(
        form=lambda w, c: {"title_en": "", "title_de": "", "slug": "", "city": ""}
    ),
    ("/partners/links/<int:link_id>/status", "POST"): Ask(
        form=lambda w, c: {"status": link_step(c)}
    ),
    ("/partners/links/<int:link_id>/introduce", "POST"): Ask(
        values=lambda w, c: {"link_id": w.introduction_link_id}
    ),
    ("/companies/<int:company_id>/partners", "POST"): Ask(
        form=lambda w, c: {"partner": str(w.free_partner_id), "reason": "Shares a tracer line"}
    ),
    ("/companies/<int:company_id>/partners/<int:partner_id>/dismiss", "POST"): Ask(
        values=lambda w, c: {"partner_id": w.dismiss_partner_id}
    ),
    ("/events/<slug>/register", "POST"): Ask(form=registration_form),
    ("/sites/<int:site_id>/edit", "POST"): Ask(
        form=lambda w, c: {"name": "Lab wing", "location": "rossendorf", "area_m2": "0"}
    ),
    ("/sites/<int:site_id>/archive", "POST"): Ask(values=lambda w, c: {"site_id": w.spare_site_id}),
    ("/sites/<int:site_id>/reservations", "POST"): Ask(form=reservation_form),
    ("/r/<token>", "POST"): Ask(form=lambda w, c: {"question_dietary": "vegetarian"}),
    ("/r/<token>/cancel", "POST"): Ask(is_last=True),
    ("/r/", "POST"): Ask(form=lambda w, c: {"question_dietary": "vegetarian"}),
    ("/r/consents", "POST"): Ask(form=lambda w, c: {"purpose": "follow_up", "action": "withdraw"}),
    ("/r/<token>/consents", "POST"): Ask(
        form=lambda w, c: {"purpose": "partner_sharing", "action": "withdraw"}
    ),
    ("/staff/events/<int:event_id>/publish", "POST"): Ask(
        values=lambda w, c: {"event_id": w.publishable_id}
    ),
    ("/staff/events/<int:event_id>/cancel", "POST"): Ask(
        values=lambda w, c: {"event_id": w.doomed_event_id}
    ),
    ("/staff/events/<int:event_id>/capacity", "POST"): Ask(form=lambda w, c: {"capacity": "2"}),
    ("/staff/events/<int:event_id>/add", "POST"): Ask(
        values=lambda w, c: {"event_id": w.all_day_id}, form=registration_form
    ),
    ("/staff/events/<int:event_id>/no-shows", "POST"): Ask(
        values=lambda w, c: {"event_id": w.past_id}
    ),
    ("/staff/events/<int:event_id>/registrations/<int:registration_id>/cancel", "POST"): Ask(
        values=lambda w, c: {"event_id": w.all_day_id, "registration_id": w.staff_cancel_id}
    ),
    ("/staff/events/<int:event_id>/registrations/<int:registration_id>/check-in", "POST"): Ask(
        values=lambda w, c: {"event_id": w.all_day_id, "registration_id": w.check_in_id}
    ),
    ("/staff/events/<int:event_id>/registrations/<int:registration_id>/confirm", "POST"): Ask(
        values=lambda w, c: {"registration_id": w.waitlisted_id}
    ),
    ("/staff/events/<int:event_id>/registrations/<int:registration_id>/revoke-link", "POST"): Ask(
        values=lambda w, c: {"event_id": w.all_day_id, "registration_id": w.revoke_id}
    ),
    ("/api/v1/events", "POST"): Ask(json=event_request),
    ("/api/v1/events/<slug>", "PATCH"): Ask(json=lambda w, c: {"description": f"Seen by {c}"}),
    ("/api/v1/events/<slug>/registrations", "POST"): Ask(json=registration_request),
    ("/api/v1/partner-links/<int:link_id>", "PATCH"): Ask(
        values=lambda w, c: {"link_id": w.api_link_id}, json=lambda w, c: {"status": link_step(c)}
    ),
    ("/api/v1/companies", "POST"): Ask(json=lambda w, c: {"name": f"Api Isotopes {c} GmbH"}),
    ("/api/v1/companies/<int:company_id>", "PATCH"): Ask(
        json=lambda w, c: {"version": current_version(w.company_id), "city": "Dresden"}
    ),
    ("/api/v1/companies/<int:company_id>", "DELETE"): Ask(
        values=lambda w, c: {"company_id": w.api_doomed_company_id}
    ),
    ("/api/v1/companies/<int:company_id>/stage", "POST"): Ask(
        json=lambda w, c: {"stage": stage_by_api(c), "reason": "Waiting for the permit"}
    ),
    ("/api/v1/companies/<int:company_id>/contacts", "POST"): Ask(
        json=lambda w, c: {"name": f"Api Contact {c}", "email": f"{c}@full-history.example"}
    ),
    ("/api/v1/companies/<int:company_id>/activities", "POST"): Ask(
        json=lambda w, c: {"kind": "meeting", "subject": f"Meeting with {c}"}
    ),
    ("/api/v1/companies/<int:company_id>/tasks", "POST"): Ask(
        json=lambda w, c: {"title": "Follow up", "due_on": "2026-03-12"}
    ),
    ("/api/v1/companies/<int:company_id>/partner-links", "POST"): Ask(
        json=lambda w, c: {"partner": w.partner_slug, "reason": "Hot cells"}
    ),
    ("/api/v1/roadmap-steps/<int:step_id>", "PATCH"): Ask(
        json=lambda w, c: {"status": "in_progress", "planned_on": "2026-04-01"}
    ),
    ("/api/v1/sites", "POST"): Ask(
        json=lambda w, c: {
            "name": f"Api hall of {c}",
            "location": "radeberg",
            "kind": "production",
            "area_m2": 2400,
        }
    ),
    ("/api/v1/sites/<int:site_id>", "PATCH"): Ask(json=lambda w, c: {"power_kva": 630}),
    ("/api/v1/sites/<int:site_id>/reservations", "POST"): Ask(
        json=lambda w, c: {
            "company_id": w.company_id,
            "starts_on": per_caller("2026-05-01", "2026-05-15")(c),
            "ends_on": per_caller("2026-05-14", "2026-05-31")(c),
        }
    ),
}

BARE = Ask(values=lambda w, c: {"company_id": w.bare_company_id})
MERGED = Ask(values=lambda w, c: {"company_id": w.merged_company_id})
CANCELLED_LINK = Ask(values=lambda w, c: {"token": w.cancelled_token})


def event_slug(slug: Callable[[World], str]) -> Ask:
    return Ask(values=lambda w, c: {"slug": slug(w)})


def staff_event(event_id: Callable[[World], int]) -> Ask:
    return Ask(values=lambda w, c: {"event_id": event_id(w)})


def every(name: str, column: Any, *where: Any) -> Ask:
    """Ask for every row the database holds now: ``every("company_id", Company.id)``."""

    def listed() -> list[dict[str, Any]]:
        db.session.rollback()  # read what the requests committed
        return [{name: value} for value in db.session.scalars(select(column).where(*where))]

    return Ask(each=listed)


def missing(name: str) -> Ask:
    return Ask(values=lambda w, c: {name: MISSING_ID})


# (rule, method, what is asked about) → statuses and how: other objects than the defaults, ones
# that do not exist, and callers who bring something else than their session.
MORE_ROWS: dict[tuple[str, str, str], tuple[Expected, Ask]] = {
    # Every lead, event and partner of the world and the demo data, as the callers who see
    # different pages of them.
    ("/leads/<int:company_id>", "GET", "every lead"): (
        Expected(None, 200, 200, None),
        every("company_id", Company.id),
    ),
    ("/companies/<int:company_id>/partners", "GET", "every lead"): (
        Expected(None, 200, 200, None),
        every("company_id", Company.id, Company.is_confidential.is_(False)),
    ),
    # The demo's confidential lead belongs to the staff member; the viewer is no member.
    ("/companies/<int:company_id>/partners", "GET", "every confidential lead"): (
        Expected(None, 403, 200, 200),
        every("company_id", Company.id, Company.is_confidential.is_(True)),
    ),
    ("/leads/<int:company_id>/edit", "GET", "every confidential lead"): (
        Expected(None, 403, 200, 200),
        every("company_id", Company.id, Company.is_confidential.is_(True)),
    ),
    ("/api/v1/companies/<int:company_id>", "GET", "every lead"): (
        Expected(None, 200, None, None),
        every("company_id", Company.id),
    ),
    ("/staff/events/<int:event_id>", "GET", "every event"): (
        Expected(None, 200, 200, None),
        every("event_id", Event.id),
    ),
    ("/reports/events/<int:event_id>", "GET", "every event"): (
        Expected(None, 200, None, None),
        every("event_id", Event.id),
    ),
    ("/reports/events/<int:event_id>", "GET", "no such event"): (
        Expected(302, 404, 404, 404),
        missing("event_id"),
    ),
    ("/reports/events/<int:event_id>/companies", "GET", "no such event"): (
        Expected(302, 404, 404, 404),
        missing("event_id"),
    ),
    ("/staff/events/<int:event_id>/edit", "GET", "every event"): (
        Expected(None, None, 200, None),
        every("event_id", Event.id),
    ),
    ("/events/<slug>", "GET", "every public event"): (
        Expected(200, None, 200, None),
        every("slug", Event.slug, Event.status != EventStatus.draft),
    ),
    ("/events/<slug>/register", "GET", "every public event"): (
        Expected(200, None, 200, None),
        every("slug", Event.slug, Event.status != EventStatus.draft),
    ),
    ("/api/v1/events/<slug>", "GET", "every public event"): (
        Expected(200, None, None, None),
        every("slug", Event.slug, Event.status != EventStatus.draft),
    ),
    ("/partners/<slug>", "GET", "every published partner"): (
        Expected(200, None, 200, None),
        every("slug", Partner.slug, Partner.is_published, ~Partner.is_archived),
    ),
    # Pages in German, as a browser asking for it gets them.
    ("/events/", "GET", "in German"): (EVERYONE_200, Ask(headers=in_german)),
    ("/events/<slug>", "GET", "in German"): (EVERYONE_200, Ask(headers=in_german)),
    ("/events/<slug>/register", "GET", "in German"): (EVERYONE_200, Ask(headers=in_german)),
    ("/events/<slug>/register", "POST", "in German, without consent"): (
        Expected(422, 422, 422, 422),
        Ask(headers=in_german, form=lambda w, c: registration_form(w, c) | {"consent": ""}),
    ),
    ("/r/<token>", "GET", "the registrant's link, in German"): (
        EVERYONE_303,
        Ask(headers=in_german, values=lambda w, c: {"token": w.registrant_token}),
    ),
    ("/leads/<int:company_id>", "GET", "a lead without history"): (
        Expected(302, 200, 200, 200),
        BARE,
    ),
    ("/leads/<int:company_id>/edit", "GET", "a lead without history"): (
        Expected(302, 403, 200, 200),
        BARE,
    ),
    ("/companies/<int:company_id>/partners", "GET", "a lead without history"): (
        Expected(302, 200, 200, 200),
        BARE,
    ),
    ("/api/v1/companies/<int:company_id>", "GET", "a lead without history"): (
        Expected(401, 200, 200, 200),
        BARE,
    ),
    ("/api/v1/companies/<int:company_id>/activities", "GET", "a lead without history"): (
        Expected(401, 200, 200, 200),
        BARE,
    ),
    ("/api/v1/companies/<int:company_id>/contacts", "GET", "a lead without history"): (
        Expected(401, 200, 200, 200),
        BARE,
    ),
    ("/api/v1/companies/<int:company_id>/tasks", "GET", "a lead without history"): (
        Expected(401, 200, 200, 200),
        BARE,
    ),
    ("/api/v1/companies/<int:company_id>/partner-links", "GET", "a lead without history"): (
        Expected(401, 200, 200, 200),
        BARE,
    ),
    ("/leads/<int:company_id>/stage", "POST", "a lead without history, first move"): (
        Expected(302, 403, 302, 302),
        Ask(
            values=lambda w, c: {"company_id": w.unmoved_company_id},
            form=lambda w, c: {"stage": first_stage(c), "reason": ""},
        ),
    ),
    ("/leads/<int:company_id>", "GET", "a merged duplicate"): (
        Expected(302, 404, 404, 404),
        MERGED,
    ),
    ("/api/v1/companies/<int:company_id>", "GET", "a merged duplicate"): (
        Expected(401, 404, 404, 404),
        MERGED,
    ),
    ("/leads/<int:company_id>/contacts/<int:contact_id>", "GET", "another company's contact"): (
        Expected(302, 403, 404, 404),
        Ask(values=lambda w, c: {"contact_id": w.stranger_contact_id}),
    ),
    ("/leads/<int:company_id>/edit", "GET", "no such lead"): (
        Expected(302, 403, 404, 404),
        missing("company_id"),
    ),
    ("/leads/tasks/<int:task_id>/done", "POST", "no such task"): (
        Expected(302, 403, 404, 404),
        missing("task_id"),
    ),
    ("/leads/<int:company_id>/roadmap", "POST", "a lead with a roadmap"): (
        Expected(302, 403, 303, 303),
        Ask(),
    ),
    ("/leads/roadmap-steps/<int:step_id>", "POST", "no such step"): (
        Expected(302, 403, 404, 404),
        missing("step_id"),
    ),
    ("/leads/roadmap-steps/<int:step_id>", "POST", "a done date on an open step"): (
        Expected(302, 403, 422, 422),
        Ask(
            form=lambda w, c: {
                f"step-{w.roadmap_step_id}-status": "open",
                f"step-{w.roadmap_step_id}-done_on": "2026-02-01",
            }
        ),
    ),
    ("/leads/roadmap-template", "POST", "a step without a title"): (
        Expected(302, 403, 403, 422),
        Ask(form=lambda w, c: {"new-title": ""}),
    ),
    ("/leads/roadmap-template/<int:step_id>/delete", "POST", "no such step"): (
        Expected(302, 403, 403, 404),
        missing("step_id"),
    ),
    ("/companies/<int:company_id>/partners/<int:partner_id>/accept", "POST", "no such partner"): (
        Expected(302, 403, 404, 404),
        missing("partner_id"),
    ),
    ("/partners/links/<int:link_id>/status", "POST", "no such link"): (
        Expected(302, 403, 404, 404),
        missing("link_id"),
    ),
    ("/partners/<slug>", "GET", "no such partner"): (
        Expected(404, 404, 404, 404),
        Ask(values=lambda w, c: {"slug": "no-such-partner"}),
    ),
    ("/partners/<slug>", "GET", "an unpublished partner"): (
        Expected(404, 200, 200, 200),
        Ask(values=lambda w, c: {"slug": w.hidden_partner_slug}),
    ),
    ("/partners/capabilities/<int:capability_id>", "GET", "no such tag"): (
        Expected(302, 403, 403, 404),
        missing("capability_id"),
    ),
    ("/admin/outbox/<int:message_id>/retry", "POST", "no such message"): (
        Expected(302, 403, 404, 404),
        missing("message_id"),
    ),
    ("/admin/tokens/<int:token_id>/revoke", "POST", "no such token"): (
        Expected(302, 403, 403, 404),
        missing("token_id"),
    ),
    **{
        ("/admin/outbox/", "GET", f"{status.value} mail"): (
            Expected(302, 403, 200, 200),
            Ask(query={"status": status.value}),
        )
        for status in OutboxStatus
    },
    ("/events/<slug>", "GET", "the all-day event"): (
        EVERYONE_200,
        event_slug(lambda w: w.all_day_slug),
    ),
    ("/events/<slug>", "GET", "the cancelled event"): (
        EVERYONE_200,
        event_slug(lambda w: w.cancelled_slug),
    ),
    ("/events/<slug>", "GET", "the past event"): (EVERYONE_200, event_slug(lambda w: w.past_slug)),
    ("/events/<slug>", "GET", "a draft"): (
        Expected(404, 404, 404, 404),
        event_slug(lambda w: w.draft_slug),
    ),
    ("/events/<slug>", "GET", "no such event"): (
        Expected(404, 404, 404, 404),
        event_slug(lambda w: "no-such-event"),
    ),
    ("/events/<slug>/register", "GET", "the cancelled event"): (
        EVERYONE_200,
        event_slug(lambda w: w.cancelled_slug),
    ),
    ("/events/<slug>/register", "GET", "the past event"): (
        EVERYONE_200,
        event_slug(lambda w: w.past_slug),
    ),
    ("/events/<slug>/register", "POST", "the cancelled event"): (
        Expected(422, 422, 422, 422),
        Ask(values=lambda w, c: {"slug": w.cancelled_slug}, form=registration_form),
    ),
    ("/events/<slug>/register", "POST", "the all-day event"): (
        EVERYONE_200,
        Ask(values=lambda w, c: {"slug": w.all_day_slug}, form=registration_form),
    ),
    ("/events/<slug>.ics", "GET", "the all-day event"): (
        EVERYONE_200,
        event_slug(lambda w: w.all_day_slug),
    ),
    ("/events/<slug>.ics", "GET", "a draft"): (
        Expected(404, 404, 404, 404),
        event_slug(lambda w: w.draft_slug),
    ),
    ("/api/v1/events/<slug>", "GET", "a draft"): (
        Expected(404, 404, 404, 404),
        event_slug(lambda w: w.draft_slug),
    ),
    ("/api/v1/events/<slug>", "GET", "the cancelled event"): (
        EVERYONE_200,
        event_slug(lambda w: w.cancelled_slug),
    ),
    ("/api/v1/events/<slug>/registrations", "POST", "the cancelled event"): (
        Expected(409, 409, 409, 409),
        Ask(values=lambda w, c: {"slug": w.cancelled_slug}, json=registration_request),
    ),
    ("/api/v1/events/<slug>/registrations", "GET", "a draft"): (
        Expected(401, 200, 200, 200),
        event_slug(lambda w: w.draft_slug),
    ),
    ("/staff/events/<int:event_id>", "GET", "the all-day event"): (
        Expected(302, 200, 200, 200),
        staff_event(lambda w: w.all_day_id),
    ),
    ("/staff/events/<int:event_id>", "GET", "a draft"): (
        Expected(302, 200, 200, 200),
        staff_event(lambda w: w.draft_id),
    ),
    ("/staff/events/<int:event_id>", "GET", "the cancelled event"): (
        Expected(302, 200, 200, 200),
        staff_event(lambda w: w.cancelled_id),
    ),
    ("/staff/events/<int:event_id>", "GET", "the past event"): (
        Expected(302, 200, 200, 200),
        staff_event(lambda w: w.past_id),
    ),
    ("/staff/events/<int:event_id>", "GET", "no such event"): (
        Expected(302, 404, 404, 404),
        missing("event_id"),
    ),
    ("/staff/events/<int:event_id>/edit", "GET", "the all-day event"): (
        Expected(302, 403, 200, 200),
        staff_event(lambda w: w.all_day_id),
    ),
    ("/staff/events/<int:event_id>/check-in", "GET", "the past event"): (
        Expected(302, 403, 200, 200),
        staff_event(lambda w: w.past_id),
    ),
    ("/staff/events/<int:event_id>/attendees.csv", "GET", "the past event"): (
        Expected(302, 200, 200, 200),
        staff_event(lambda w: w.past_id),
    ),
    (
        "/staff/events/<int:event_id>/registrations/<int:registration_id>/cancel",
        "POST",
        "a registration of another event",
    ): (
        Expected(302, 403, 404, 404),
        Ask(values=lambda w, c: {"registration_id": w.staff_cancel_id}),
    ),
    ("/r/<token>", "GET", "a revoked link"): (
        Expected(404, 404, 404, 404),
        Ask(values=lambda w, c: {"token": w.revoked_token}),
    ),
    ("/r/<token>", "GET", "a link to a past event"): (
        Expected(410, 410, 410, 410),
        Ask(values=lambda w, c: {"token": w.past_token}),
    ),
    ("/r/<token>", "GET", "a cancelled registration"): (EVERYONE_303, CANCELLED_LINK),
    ("/r/<token>", "POST", "a cancelled registration"): (
        EVERYONE_200,
        Ask(
            values=lambda w, c: {"token": w.cancelled_token},
            form=lambda w, c: {"question_dietary": "vegetarian"},
        ),
    ),
    ("/r/<token>/cancel", "POST", "a cancelled registration"): (EVERYONE_200, CANCELLED_LINK),
    ("/api/v1/companies", "GET", "a bearer token"): (
        EVERYONE_200,
        Ask(headers=bearer(lambda w: w.write_token)),
    ),
    ("/api/v1/companies/<int:company_id>/tasks", "POST", "a bearer token"): (
        Expected(201, 201, 201, 201),
        Ask(
            headers=bearer(lambda w: w.write_token),
            json=lambda w, c: {"title": f"Sync {c}", "due_on": "2026-03-20"},
        ),
    ),
    ("/api/v1/companies", "POST", "a read-only bearer token"): (
        Expected(403, 403, 403, 403),
        Ask(headers=bearer(lambda w: w.read_token), json=lambda w, c: {"name": "Read Only AG"}),
    ),
    ("/api/v1/companies", "GET", "a revoked bearer token"): (
        Expected(401, 401, 401, 401),
        Ask(headers=bearer(lambda w: w.revoked_api_token)),
    ),
    ("/api/v1/companies/<int:company_id>", "PATCH", "a session without the CSRF header"): (
        Expected(401, 403, 400, 400),
        Ask(
            has_csrf=False,
            json=lambda w, c: {"version": current_version(w.company_id), "city": "Pirna"},
        ),
    ),
    ("/login", "POST", "an empty form"): (Expected(422, 302, 302, 302), Ask()),
    ("/admin/users/<int:user_id>/unlock", "POST", "a missing account"): (
        Expected(302, 403, 403, 404),
        missing("user_id"),
    ),
    ("/password/forgot", "POST", "an unknown address"): (
        Expected(302, 302, 302, 302),
        Ask(form=lambda w, c: {"email": "nobody@wfs.example"}),
    ),
    ("/staff/events/<int:event_id>/add", "POST", "an empty form"): (
        Expected(302, 403, 422, 422),
        Ask(values=lambda w, c: {"event_id": w.all_day_id}),
    ),
    ("/r/<token>", "POST", "an answer the event does not offer"): (
        Expected(422, 422, 422, 422),
        Ask(
            values=lambda w, c: {"token": w.answering_token},
            form=lambda w, c: {"question_dietary": "caviar"},
        ),
    ),
    # Refusals and real outcomes beyond the empty forms of the route table.
    ("/api/v1/sites/<int:site_id>/reservations", "POST", "an overlapping period"): (
        Expected(401, 403, 409, 409),
        Ask(
            json=lambda w, c: {
                "company_id": w.company_id,
                "starts_on": "2026-03-15",
                "ends_on": "2026-04-02",
            }
        ),
    ),
    ("/api/v1/sites/<int:site_id>/reservations", "POST", "an end before the start"): (
        Expected(401, 403, 422, 422),
        Ask(
            json=lambda w, c: {
                "company_id": w.company_id,
                "starts_on": "2026-07-15",
                "ends_on": "2026-07-02",
            }
        ),
    ),
    ("/api/v1/sites", "POST", "an absurd area"): (
        Expected(401, 403, 422, 422),
        Ask(
            json=lambda w, c: {
                "name": "Continent",
                "location": "other",
                "kind": "plot",
                "area_m2": 10**15,
            }
        ),
    ),
    ("/api/v1/sites/<int:site_id>", "GET", "no such site"): (
        Expected(401, 404, 404, 404),
        missing("site_id"),
    ),
    ("/api/v1/companies/<int:company_id>/site-matches", "GET", "every lead"): (
        Expected(None, 200, None, None),
        every("company_id", Company.id),
    ),
    ("/leads/<int:company_id>", "GET", "every lead, with its sites"): (
        Expected(None, None, None, 200),
        every("company_id", Company.id),
    ),
    ("/sites/<int:site_id>", "GET", "every site"): (
        Expected(None, 200, 200, None),
        every("site_id", Site.id),
    ),
    ("/sites/<int:site_id>", "GET", "no such site"): (
        Expected(302, 404, 404, 404),
        missing("site_id"),
    ),
    ("/sites/<int:site_id>", "GET", "the spare site"): (
        Expected(302, 200, 200, 200),
        Ask(values=lambda w, c: {"site_id": w.spare_site_id}),
    ),
    ("/sites/", "GET", "filtered"): (
        Expected(302, 200, 200, 200),
        Ask(query={"location": "rossendorf", "kind": "lab", "min_area_m2": "100", "gmp": "yes"}),
    ),
    ("/sites/new", "POST", "a new site"): (
        Expected(302, 403, 302, 302),
        Ask(
            form=lambda w, c: {
                "name": f"Hall of {c}",
                "location": "radeberg",
                "kind": "office",
                "area_m2": "450",
                "price_basis": "rent_per_m2_month",
            }
        ),
    ),
    ("/sites/<int:site_id>/reservations", "POST", "an overlapping period"): (
        Expected(302, 403, 422, 422),
        Ask(
            form=lambda w, c: (
                reservation_form(w, c) | {"starts_on": "2026-03-10", "ends_on": "2026-03-20"}
            )
        ),
    ),
    ("/sites/<int:site_id>/reservations", "POST", "an end before the start"): (
        Expected(302, 403, 422, 422),
        Ask(
            form=lambda w, c: (
                reservation_form(w, c) | {"starts_on": "2026-06-10", "ends_on": "2026-06-01"}
            )
        ),
    ),
    ("/sites/<int:site_id>/reservations", "POST", "from the lead page, overlapping"): (
        Expected(302, 403, 302, 302),
        Ask(
            query={"from": "lead"},
            form=lambda w, c: (
                reservation_form(w, c) | {"starts_on": "2026-03-10", "ends_on": "2026-03-20"}
            ),
        ),
    ),
    ("/sites/reservations/<int:reservation_id>/release", "POST", "from the lead page"): (
        Expected(302, 403, 302, 302),
        Ask(query={"from": "lead"}),
    ),
    ("/leads/new", "POST", "a new lead"): (
        Expected(302, 403, 302, 302),
        Ask(form=lambda w, c: {"name": f"New Isotopes {c.title()} GmbH", "source": "web"}),
    ),
    ("/leads/new", "POST", "a name like a known lead's"): (
        Expected(302, 403, 422, 422),
        Ask(form=lambda w, c: {"name": "Full History Pharma GmbH", "source": "direct"}),
    ),
    ("/leads/<int:company_id>/edit", "POST", "a form opened before someone else's change"): (
        Expected(302, 403, 303, 303),
        Ask(
            form=lambda w, c: {
                "name": "Full History Pharma GmbH",
                "source": "event",
                "investment_type": "expansion",
                "owner_id": str(w.staff_user_id),
                "version": "1",
            }
        ),
    ),
    ("/leads/<int:company_id>/merge", "POST", "the lead itself"): (
        Expected(302, 403, 422, 422),
        Ask(form=lambda w, c: {"duplicate_id": str(w.company_id)}),
    ),
    ("/leads/<int:company_id>/merge", "POST", "no such lead"): (
        Expected(302, 403, 422, 422),
        Ask(form=lambda w, c: {"duplicate_id": str(MISSING_ID)}),
    ),
    ("/leads/<int:company_id>/stage", "POST", "lost without a reason"): (
        Expected(302, 403, 422, 422),
        Ask(form=lambda w, c: {"stage": "lost", "reason": ""}),
    ),
    ("/leads/<int:company_id>/stage", "POST", "the stage the lead is in"): (
        Expected(302, 403, 422, 422),
        Ask(form=lambda w, c: {"stage": "active", "reason": ""}),
    ),
    ("/leads/<int:company_id>/tasks", "POST", "an owner who is not staff"): (
        Expected(302, 403, 422, 422),
        Ask(
            form=lambda w, c: {
                "title": "Call",
                "due_on": "2026-03-10",
                "owner_id": str(w.viewer_user_id),
            }
        ),
    ),
    ("/leads/import", "POST", "rows with errors"): (
        Expected(302, 403, 422, 422),
        Ask(
            form=lambda w, c: {
                "file": (io.BytesIO(b"name,country,stage\n,XX,sleeping\n"), "leads.csv"),
                "dry_run": "y",
            }
        ),
    ),
    ("/leads/import", "POST", "a file that is not text"): (
        Expected(302, 403, 422, 422),
        Ask(form=lambda w, c: {"file": (io.BytesIO(b"\xff\xfe\x00\x9c" * 64), "leads.csv")}),
    ),
    ("/admin/users/", "POST", "a new account"): (
        Expected(302, 403, 403, 302),
        Ask(
            form=lambda w, c: {
                "email": f"new-{c}@wfs.example",
                "name": "Nina New",
                "role": "viewer",
                "password": "a long enough password",
            }
        ),
    ),
    ("/admin/users/", "POST", "an address that has an account"): (
        Expected(302, 403, 403, 422),
        Ask(
            form=lambda w, c: {
                "email": "staff1@wfs.example",
                "name": "Twin",
                "role": "staff",
                "password": "a long enough password",
            }
        ),
    ),
    ("/admin/tokens/", "POST", "an empty form"): (Expected(302, 403, 403, 422), Ask()),
    ("/admin/privacy/", "POST", "an erasure without the confirmation"): (
        Expected(302, 403, 403, 422),
        Ask(form=lambda w, c: {"email": w.erased_email, "erase": "Erase their data"}),
    ),
    ("/admin/privacy/", "POST", "an erasure"): (
        Expected(302, 403, 403, 302),
        Ask(
            form=lambda w, c: {
                "email": w.erased_email,
                "erase": "Erase their data",
                "confirm_erasure": "y",
            }
        ),
    ),
    ("/partners/new", "POST", "a new partner"): (
        Expected(302, 403, 302, 302),
        Ask(
            form=lambda w, c: {
                "name": f"New Cyclotron {c.title()} GmbH",
                "kind": "company",
                "location": "Dresden",
                "capabilities": ["hot-cells", "gmp-production"],
                "is_published": "y",
            }
        ),
    ),
    ("/partners/new", "POST", "an unknown capability tag"): (
        Expected(302, 403, 422, 422),
        Ask(
            form=lambda w, c: {
                "name": "Unknown Tags GmbH",
                "kind": "company",
                "location": "Dresden",
                "capabilities": ["time travel"],
            }
        ),
    ),
    ("/partners/capabilities", "POST", "a new tag"): (
        Expected(302, 403, 403, 302),
        Ask(form=lambda w, c: {"label_en": f"Isotope logistics {c}", "slug": ""}),
    ),
    ("/partners/capabilities", "POST", "a tag that exists"): (
        Expected(302, 403, 403, 422),
        Ask(form=lambda w, c: {"label_en": "Custom hot cells", "slug": "hot-cells"}),
    ),
    ("/partners/capabilities/merge", "POST", "two tags"): (
        Expected(302, 403, 403, 302),
        Ask(
            form=lambda w, c: {
                "merged": str(w.merged_capability_id),
                "into": str(w.into_capability_id),
            }
        ),
    ),
    ("/partners/capabilities/merge", "POST", "a tag into itself"): (
        Expected(302, 403, 403, 422),
        Ask(form=lambda w, c: {"merged": str(w.capability_id), "into": str(w.capability_id)}),
    ),
    ("/companies/<int:company_id>/partners", "POST", "a partner that is not offered"): (
        Expected(302, 403, 422, 422),
        Ask(form=lambda w, c: {"partner": str(MISSING_ID), "reason": "Because"}),
    ),
    ("/staff/events/new", "POST", "a new event"): (
        Expected(302, 403, 302, 302),
        Ask(form=event_form("new-event")),
    ),
    ("/staff/events/new", "POST", "a web address in use"): (
        Expected(302, 403, 422, 422),
        Ask(form=event_form("taken", slug="timed-forum")),
    ),
    ("/staff/events/<int:event_id>/edit", "POST", "a capacity below the confirmed seats"): (
        Expected(302, 403, 422, 422),
        Ask(
            form=event_form(
                "timed-forum",
                slug="timed-forum",
                starts_local="2026-04-01T10:00",
                ends_local="2026-04-01T16:00",
                capacity="1",
            )
        ),
    ),
    ("/staff/events/<int:event_id>/edit", "POST", "a new schedule"): (
        Expected(302, 403, 302, 302),
        Ask(
            values=lambda w, c: {"event_id": w.moved_event_id},
            form=event_form(
                "moved-forum",
                slug="moved-forum",
                starts_local="2026-05-08T10:00",
                ends_local="2026-05-08T12:00",
            ),
        ),
    ),
    ("/staff/events/<int:event_id>/capacity", "POST", "below the confirmed seats"): (
        Expected(302, 403, 302, 302),
        Ask(form=lambda w, c: {"capacity": "1"}),
    ),
    ("/staff/events/<int:event_id>/capacity", "POST", "not a number"): (
        Expected(302, 403, 302, 302),
        Ask(form=lambda w, c: {"capacity": "many"}),
    ),
    ("/events/<slug>/register", "POST", "needs and partners to meet"): (
        EVERYONE_200,
        Ask(
            values=lambda w, c: {"slug": w.all_day_slug},
            form=lambda w, c: (
                registration_form(w, c)
                | {
                    "email": f"{c}-meets@route-registrants.example",
                    "needs": "hot-cells",
                    "partners": w.partner_slug,
                }
            ),
        ),
    ),
    ("/events/<slug>/register", "POST", "a partner who is not in the directory"): (
        Expected(422, 422, 422, 422),
        Ask(form=lambda w, c: registration_form(w, c) | {"partners": w.hidden_partner_slug}),
    ),
    ("/r/<token>", "GET", "a place on the waiting list"): (
        EVERYONE_303,
        Ask(values=lambda w, c: {"token": w.waitlisted_token}),
    ),
    ("/api/v1/companies", "POST", "a name like a known lead's"): (
        Expected(401, 403, 409, 409),
        Ask(json=lambda w, c: {"name": "Full History Pharma GmbH"}),
    ),
    ("/api/v1/companies", "GET", "filters and a sort"): (
        Expected(401, 200, 200, 200),
        Ask(query={"stage": "active", "sort": "-name", "open_task": "true", "need": "hot-cells"}),
    ),
    ("/api/v1/companies", "GET", "a sort the API does not know"): (
        Expected(422, 422, 422, 422),
        Ask(query={"sort": "-nonsense"}),
    ),
    ("/api/v1/companies/<int:company_id>", "PATCH", "a version read before a change"): (
        Expected(401, 403, 409, 409),
        Ask(json=lambda w, c: {"version": 1, "city": "Pirna"}),
    ),
    ("/api/v1/companies/<int:company_id>", "DELETE", "no such lead"): (
        Expected(401, 403, 403, 404),
        missing("company_id"),
    ),
    ("/api/v1/companies/<int:company_id>/stage", "POST", "lost without a reason"): (
        Expected(401, 403, 422, 422),
        Ask(json=lambda w, c: {"stage": "lost"}),
    ),
    ("/api/v1/companies/<int:company_id>/tasks", "POST", "an owner who is not staff"): (
        Expected(401, 403, 422, 422),
        Ask(
            json=lambda w, c: {
                "title": "Call",
                "due_on": "2026-03-10",
                "owner_id": w.viewer_user_id,
            }
        ),
    ),
    ("/api/v1/companies/<int:company_id>/partner-links", "POST", "no such partner"): (
        Expected(401, 403, 422, 422),
        Ask(json=lambda w, c: {"partner": "no-such-partner"}),
    ),
    ("/api/v1/partner-links/<int:link_id>", "PATCH", "a step the link cannot take"): (
        Expected(401, 403, 422, 422),
        Ask(
            values=lambda w, c: {"link_id": w.api_link_id},
            json=lambda w, c: {"status": "suggested"},
        ),
    ),
    ("/api/v1/events/<slug>", "PATCH", "a published event back to a draft"): (
        Expected(401, 403, 409, 409),
        Ask(json=lambda w, c: {"status": "draft"}),
    ),
    ("/api/v1/events/<slug>/registrations", "GET", "the waiting list"): (
        Expected(401, 200, 200, 200),
        Ask(query={"status": "waitlisted"}),
    ),
    ("/api/v1/events/<slug>/registrations", "POST", "an answer the event does not offer"): (
        Expected(422, 422, 422, 422),
        Ask(json=lambda w, c: registration_request(w, c) | {"answers": {"dietary": "caviar"}}),
    ),
    ("/api/v1/events/<slug>/registrations", "POST", "a partner who is not in the directory"): (
        Expected(422, 422, 422, 422),
        Ask(
            json=lambda w, c: (
                registration_request(w, c) | {"partners_to_meet": [w.hidden_partner_slug]}
            )
        ),
    ),
    # Values at the edges of what the calendar and the databases hold.
    ("/leads/<int:company_id>/activities", "POST", "a moment before year 1 in UTC"): (
        Expected(302, 403, 422, 422),
        Ask(
            form=lambda w, c: {"kind": "note", "subject": "Old", "occurred_at": "0001-01-01T00:00"}
        ),
    ),
    ("/leads/<int:company_id>/activities", "POST", "a moment after year 9999 in UTC"): (
        Expected(302, 403, 422, 422),
        Ask(
            form=lambda w, c: {"kind": "note", "subject": "Late", "occurred_at": "9999-12-31T23:59"}
        ),
    ),
    ("/leads/<int:company_id>/activities", "POST", "the last minute of year 2999"): (
        Expected(302, 403, 302, 302),
        Ask(
            form=lambda w, c: {"kind": "note", "subject": "Late", "occurred_at": "2999-12-31T23:59"}
        ),
    ),
    ("/leads/<int:company_id>/tasks", "POST", "a task due in year 1"): (
        Expected(302, 403, 422, 422),
        Ask(form=lambda w, c: {"title": "Ancient", "due_on": "0001-01-01", "owner_id": ""}),
    ),
    ("/staff/events/new", "POST", "a start before year 1 in UTC"): (
        Expected(302, 403, 422, 422),
        Ask(
            form=event_form(
                "year-one", starts_local="0001-01-01T00:00", ends_local="0001-01-01T10:00"
            )
        ),
    ),
    ("/staff/events/new", "POST", "an end after year 9999 in UTC"): (
        Expected(302, 403, 422, 422),
        Ask(
            form=event_form(
                "year-ten-thousand", timezone="America/New_York", ends_local="9999-12-31T23:00"
            )
        ),
    ),
    ("/staff/events/new", "POST", "an all-day event on the last day of year 9999"): (
        Expected(302, 403, 422, 422),
        Ask(
            form=event_form(
                "last-day", is_all_day="y", starts_on="9999-12-31", ends_on="9999-12-31"
            )
        ),
    ),
    ("/staff/events/new", "POST", "an all-day event on the first day of year 1"): (
        Expected(302, 403, 422, 422),
        Ask(
            form=event_form(
                "first-day", is_all_day="y", starts_on="0001-01-01", ends_on="0001-01-01"
            )
        ),
    ),
    ("/staff/events/new", "POST", "registration opening before year 1 in UTC"): (
        Expected(302, 403, 422, 422),
        Ask(form=event_form("opens-in-year-one", opens_local="0001-01-01T00:00")),
    ),
    ("/api/v1/events", "POST", "an all-day event on the last day of year 9999"): (
        Expected(401, 403, 422, 422),
        Ask(
            json=lambda w, c: (
                event_request(w, c)
                | {"slug": f"last-day-{c}", "starts_on": "9999-12-31", "ends_on": "9999-12-31"}
            )
        ),
    ),
    ("/api/v1/events", "POST", "an all-day event on the first day of year 1"): (
        Expected(401, 403, 422, 422),
        Ask(
            json=lambda w, c: (
                event_request(w, c)
                | {"slug": f"first-day-{c}", "starts_on": "0001-01-01", "ends_on": "0001-01-01"}
            )
        ),
    ),
    ("/leads/", "GET", "filters and a sort the list does not know"): (
        Expected(302, 200, 200, 200),
        Ask(
            query={
                "q": "%_\\",
                "stage": "sleeping",
                "owner": "nobody",
                "need": "x" * 300,
                "sort": "-nonsense",
                "page": "99999999999999999999",
                "per_page": "-1",
            }
        ),
    ),
    ("/leads/export.csv", "GET", "filters the list does not know"): (
        Expected(302, 200, 200, 200),
        Ask(query={"stage": "sleeping", "owner": "-1", "sort": "bogus"}),
    ),
    ("/admin/outbox/", "GET", "a status the outbox does not know"): (
        Expected(302, 403, 400, 400),
        Ask(query={"status": "lost"}),
    ),
    ("/staff/events/<int:event_id>/check-in", "GET", "a search for wildcards"): (
        Expected(302, 403, 200, 200),
        Ask(query={"q": "%_"}),
    ),
    ("/leads/<int:company_id>/archive", "POST", "a form without its CSRF token"): (
        Expected(400, 400, 400, 400),
        Ask(has_csrf=False),
    ),
    ("/api/v1/companies/<int:company_id>/roadmap", "POST", "a lead without a roadmap"): (
        Expected(401, 403, 201, 422),
        BARE,
    ),
    # The lead without an owner is marked by the admin alone, then stays confidential.
    ("/leads/<int:company_id>/confidentiality", "POST", "a lead without an owner, marked"): (
        Expected(302, 403, 403, 302),
        Ask(
            values=lambda w, c: {"company_id": w.bare_company_id},
            form=lambda w, c: {"is_confidential": "y", "codename": "Project Bare Heron"},
        ),
    ),
}


# --- asking ----------------------------------------------------------------------------------


@dataclass
class Caller:
    name: str
    client: FlaskClient
    csrf_token: str


def request_alone(client: FlaskClient, url: str, **options: Any) -> TestResponse:
    """One request in an application context of its own.

    The test holds an application context, and a request inside it would share its ``g`` with
    every other request: the logged-in user and the CSRF token that Flask-Login and Flask-WTF
    keep there would leak from one caller to the next.
    """
    with client.application.app_context():
        return client.open(url, buffered=True, **options)


def open_session(app: Flask, name: str, user: User | None) -> Caller:
    client = app.test_client()
    login_page = request_alone(client, "/login")
    if user is not None:
        signed_in = request_alone(
            client,
            "/login",
            method="POST",
            data={
                "csrf_token": csrf_token(login_page.text),
                "email": user.email,
                "password": TEST_PASSWORD,
            },
        )
        assert signed_in.status_code == 302, signed_in.text
    page = request_alone(client, "/account") if user is not None else login_page
    assert page.status_code == 200, page.text
    return Caller(name, client, csrf_token(page.text))


def url_for_row(rule: str, values: dict[str, Any]) -> str:
    return re.sub(
        r"<(?:\w+:)?(\w+)>", lambda found: quote(str(values[found.group(1)]), safe=""), rule
    )


def ask(caller: Caller, method: str, url: str, how: Ask, world: World) -> TestResponse:
    headers = how.headers(world, caller.name) if how.headers else {}
    options: dict[str, Any] = {"method": method, "query_string": how.query}
    if method != "GET":
        if url.startswith("/api/"):
            if how.has_csrf and "Authorization" not in headers:
                headers["X-CSRFToken"] = caller.csrf_token
            if how.json:
                options["json"] = how.json(world, caller.name)
        else:
            form = how.form(world, caller.name) if how.form else {}
            options["data"] = ({"csrf_token": caller.csrf_token} if how.has_csrf else {}) | form
    elif how.json:
        options["json"] = how.json(world, caller.name)
    return request_alone(caller.client, url, headers=headers, **options)


def registration_seen(registration_id: int) -> tuple[Any, ...]:
    db.session.rollback()  # read what the requests committed
    registration = db.session.get(Registration, registration_id)
    assert registration is not None
    return (
        registration.status,
        dict(registration.answers),
        registration.sequence,
        registration.manage_nonce,
    )


def surprises(response: TestResponse, expected: int, caller: str, rule: str) -> list[str]:
    """What is wrong with an answer: its status, a 5xx, or a redirect to the wrong place."""
    got = response.status_code
    if got != expected or got >= 500:
        return [f"expected {expected}, got {got}"]
    if got != 302:
        return []
    to_login = urlsplit(response.location).path == "/login"
    if caller not in LOGGED_IN and not to_login:
        return [f"expected a redirect to /login, got one to {response.location}"]
    if caller in LOGGED_IN and to_login and rule != "/logout":
        return [f"was sent to {response.location}: the session is gone"]
    return []


def missing_security_headers(response: TestResponse) -> list[str]:
    """Every answer, page, redirect, file or refusal, carries the same security headers."""
    return [
        f"answered {name}: {response.headers.get(name)!r}, not {value!r}"
        for name, value in HEADERS.items()
        if response.headers.get(name) != value
    ]


def answer(caller: Caller, method: str, url: str, how: Ask, world: World) -> TestResponse | str:
    """The response, or what was raised: the testing application re-raises what would be a 500."""
    try:
        return ask(caller, method, url, how, world)
    except Exception as error:
        db.session.rollback()
        return f"got 500 ({error!r})"


def problems_asking(caller: Caller, row: "Row", url: str, world: World) -> list[str]:
    """Ask one row as one caller; what differs from the table, and what a browser would meet
    next: the page a write redirects to must not fail either."""
    is_other = caller.name == "other_registrant"
    before = registration_seen(world.registration_id) if is_other else None
    response = answer(caller, row.method, url, row.how, world)
    if isinstance(response, str):
        return [f"expected {getattr(row.expected, caller.name)}, {response}"]
    found = surprises(response, getattr(row.expected, caller.name), caller.name, row.rule)
    found += missing_security_headers(response)
    if is_other:
        if registration_seen(world.registration_id) != before:
            found.append("changed the registrant's registration")
        if world.registrant_email in response.text:
            found.append("showed the registrant's registration")
    if row.method != "GET" and response.status_code in (302, 303) and not found:
        target = urlsplit(response.location)
        location = target.path + (f"?{target.query}" if target.query else "")
        followed = answer(caller, "GET", location, Ask(), world)
        status = followed if isinstance(followed, str) else f"got {followed.status_code}"
        if isinstance(followed, str) or followed.status_code >= 500:
            found.append(f"then GET {location} {status}")
    return found


@dataclass(frozen=True)
class Row:
    rule: str
    method: str
    what: str
    expected: Expected
    how: Ask


def all_rows() -> list[Row]:
    rows = [
        Row(rule, method, "", expected, HOW_TO_ASK.get((rule, method), Ask()))
        for (rule, method), expected in ROUTE_TABLE.items()
    ]
    rows += [
        Row(rule, method, what, expected, how)
        for (rule, method, what), (expected, how) in MORE_ROWS.items()
    ]
    return sorted(rows, key=lambda row: row.how.is_last)


def routes_of(app: Flask) -> set[tuple[str, str]]:
    return {
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }


# --- the tests -------------------------------------------------------------------------------


def test_the_route_table_names_every_rule(app: Flask) -> None:
    routes = routes_of(app)
    problems = [
        f"{method} {rule} is not in the route table: add it to the route table"
        for rule, method in sorted(routes - ROUTE_TABLE.keys())
    ]
    problems += [
        f"{method} {rule} is in the route table, but the application has no such rule"
        for rule, method in sorted(ROUTE_TABLE.keys() - routes)
    ]
    problems += [
        f"{method} {rule} ({what}) is in MORE_ROWS, but the application has no such rule"
        for rule, method, what in MORE_ROWS
        if (rule, method) not in routes
    ]
    problems += [
        f"{method} {rule} does not name the status of every caller"
        for (rule, method), expected in ROUTE_TABLE.items()
        if None in expected[: len(CALLERS)]
    ]
    problems += [
        f"{method} {rule} is in HOW_TO_ASK, but not in the route table"
        for rule, method in HOW_TO_ASK.keys() - ROUTE_TABLE.keys()
    ]
    assert not problems, "\n".join(problems)


@pytest.fixture
def world(
    app: Flask, create_user: Callable[..., User], clock: Callable[[str], None]
) -> tuple[World, dict[str, Caller]]:
    users = {role.name: create_user(role) for role in (Role.staff, Role.admin, Role.viewer)}
    built = build_world(users, clock)
    callers = {name: open_session(app, name, users.get(name)) for name in (*CALLERS, *LINK_HOLDERS)}
    return built, callers


def test_every_caller_gets_the_status_the_route_table_names(
    world: tuple[World, dict[str, Caller]],
) -> None:
    built, callers = world
    mismatches: list[str] = []
    for row in all_rows():
        for name in (*CALLERS, *LINK_HOLDERS):
            if getattr(row.expected, name) is None:
                continue
            for listed in row.how.each() if row.how.each else [{}]:
                values = default_values(built, row.rule, name) | listed
                if row.how.values:
                    values |= row.how.values(built, name)
                url = url_for_row(row.rule, values)
                about = f" ({row.what})" if row.what else ""
                mismatches += [
                    f"{name:<16} {row.method:<6} {built.shown(url)}{about}: {problem}"
                    for problem in problems_asking(callers[name], row, url, built)
                ]
    assert not mismatches, f"{len(mismatches)} answers differ from the route table:\n" + "\n".join(
        mismatches
    )
