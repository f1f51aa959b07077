"""A confidential lead's real name, domain and people reach no one but its owner, its team and
admins: not through any page, export, API answer or mail.

Two walks prove it. Over the route table's world (one of everything) plus a confidential lead
with people, tasks, a partner link and a reservation, a staff member outside its team and a
viewer ask every GET row of the route table, every page of the lists and the API and the CSV
export, and get their digest by SMTP: the real name, the domain, the website, the people's names
and addresses appear in none of it, and the codename shows where the lead does. Over the demo
data, the crawl of ``tests/test_crawl.py`` follows every link as a staff member and a viewer and
meets the demo's confidential lead only as "Project Heron".
"""

import email
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from email.policy import default
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.test import TestResponse

from crm.auth.models import Role, User
from crm.extensions import db
from crm.leads import services as leads
from crm.leads.models import Company, Stage
from crm.partners import services as partners
from crm.partners.models import LinkSource, Partner
from crm.seed.services import seed
from crm.sites import services as sites
from crm.sites.models import Site
from crm.vocabulary import services as vocabulary
from tests.conftest import SMTPServer
from tests.test_crawl import STAFF_STARTS, Crawler, CrawlReport, log_in
from tests.test_route_table import (
    Ask,
    Caller,
    World,
    all_rows,
    ask,
    build_world,
    default_values,
    open_session,
    url_for_row,
)

CODENAME = "Project Kestrel"
LANDED_CODENAME = "Project Merlin"  # a landed, verified confidential lead
# What only the owner, the team and admins may read, in any case.
SECRETS = ("Osprey", "osprey-nm.example", "Xaver Hidden", "xaver.hidden@")
OUTSIDERS = ("outsider", "viewer")
INSIDERS = ("staff", "member", "admin")


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return app_config | {"LOGIN_RATE_LIMIT": "100 per minute"}


@dataclass
class Secret:
    world: World
    company_id: int
    partner_slug: str
    site_id: int
    callers: dict[str, Caller]
    users: dict[str, User]


@pytest.fixture
def secret(
    smtp_server: SMTPServer,
    app: Flask,
    create_user: Callable[..., User],
    clock: Callable[[str], None],
) -> Secret:
    users = {role.name: create_user(role) for role in (Role.staff, Role.admin, Role.viewer)}
    world = build_world(users, clock)
    users["outsider"] = create_user(Role.staff, name="Olga Outside")
    users["member"] = create_user(Role.staff, name="Mats Member")
    owner = users["staff"]
    company = leads.create_company(
        {
            "name": "Osprey Nuclear Medicine GmbH",
            "domain": "osprey-nm.example",
            "website": "https://osprey-nm.example",
            "country": "DE",
            "city": "Leipzig",
            "description": "Osprey wants a GMP site near Dresden.",
            "owner_id": owner.id,
            "site_area_m2": 800,
            "needs_lab": True,
        },
        needs=vocabulary.capabilities_named(["hot-cells"]),
        by=owner,
    )
    leads.save_contact(
        company,
        {"name": "Xaver Hidden", "email": "xaver.hidden@osprey-nm.example", "language": "de"},
        has_consent=False,
        consent_version=None,
    )
    for name in ("outsider", "member"):
        leads.create_task(company, "Prepare the offer", date(2026, 3, 1), owner_id=users[name].id)
    partner = db.session.scalar(select(Partner).where(Partner.slug == world.partner_slug))
    assert partner is not None
    partners.link_company_to_partner(
        company, partner, reason="Osprey needs hot cells", source=LinkSource.staff, by=owner
    )
    site = db.session.get(Site, world.spare_site_id)
    assert site is not None
    sites.reserve(site, company, starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 20), by=owner)
    leads.set_confidentiality(
        company,
        is_confidential=True,
        codename=CODENAME,
        team_ids=[users["member"].id],
        by=owner,
    )
    landed = leads.create_company(
        {
            "name": "Osprey Landed Isotopes AG",
            "domain": "osprey-landed.example",
            "owner_id": owner.id,
            "actual_landing_on": date(2026, 2, 2),
            "expansion_plans": "Osprey plans a second production line.",
        },
        stage=Stage.landed,
        by=owner,
    )
    leads.verify_landing(landed, "Osprey signed the lease", by=owner)
    leads.set_confidentiality(
        landed, is_confidential=True, codename=LANDED_CODENAME, team_ids=[], by=owner
    )
    db.session.commit()
    callers = {name: open_session(app, name, user) for name, user in users.items()}
    return Secret(world, company.id, partner.slug, site.id, callers, users)


def leaks(response: TestResponse | str) -> list[str]:
    text = response if isinstance(response, str) else response.get_data(as_text=True)
    return [found for found in SECRETS if found.lower() in text.lower()]


def get(caller: Caller, url: str, world: World) -> TestResponse:
    return ask(caller, "GET", url, Ask(), world)


def pages_of_the_lead(secret: Secret) -> dict[str, str]:
    """Where the lead shows, by name, for everyone who may open the page."""
    lead = secret.company_id
    return {
        "the lead page": f"/leads/{lead}",
        "the list": "/leads/?per_page=200",
        "the list, found by codename": "/leads/?q=kestrel",
        "the board": "/leads/board",
        "the CSV export": "/leads/export.csv",
        "the API": f"/api/v1/companies/{lead}",
        "the API list, found by codename": "/api/v1/companies?q=Kestrel",
        "the partner page": f"/partners/{secret.partner_slug}",
        "the site page": f"/sites/{secret.site_id}",
    }


def every_get_url(secret: Secret, caller: str) -> list[str]:
    """Every GET row of the route table, as the staff member asks it, and every page of the
    lists and the API."""
    urls = []
    for row in all_rows():
        if row.method != "GET":
            continue
        for listed in row.how.each() if row.how.each else [{}]:
            values = default_values(secret.world, row.rule, "staff") | listed
            if row.how.values:
                values |= row.how.values(secret.world, "staff")
            url = url_for_row(row.rule, values)
            query = "&".join(f"{key}={value}" for key, value in (row.how.query or {}).items())
            urls.append(f"{url}?{query}" if query else url)
    db.session.rollback()
    total = db.session.query(Company).count()
    urls += [f"/api/v1/companies?per_page=100&page={page}" for page in range(1, total // 100 + 2)]
    urls += [f"/leads/?per_page=200&page={page}" for page in range(1, total // 200 + 2)]
    urls += [f"/api/v1/companies/{secret.company_id}/{part}" for part in ("contacts", "tasks")]
    urls += ["/leads/tasks", "/dashboard", "/leads/aftercare", "/admin/outbox/"]
    urls += ["/reports/wins?year=2026", "/reports/wins.csv?year=2026"]
    return urls


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_an_outsider_meets_the_lead_only_by_its_codename(secret: Secret, outsider: str) -> None:
    caller = secret.callers[outsider]
    found = []
    for url in every_get_url(secret, outsider) + list(pages_of_the_lead(secret).values()):
        response = get(caller, url, secret.world)
        assert response.status_code < 500, url
        found += [f"{url}: {leak}" for leak in leaks(response)]
    assert not found, "\n".join(found)
    for where, url in pages_of_the_lead(secret).items():
        assert CODENAME in get(caller, url, secret.world).text, where
    assert CODENAME in get(caller, "/leads/tasks", secret.world).text or outsider == "viewer"
    for url in ("/reports/wins?year=2026", "/reports/wins.csv?year=2026", "/leads/aftercare"):
        assert LANDED_CODENAME in get(caller, url, secret.world).text, url


@pytest.mark.parametrize("outsider", OUTSIDERS)
@pytest.mark.parametrize(
    "query", ["osprey", "Osprey Nuclear", "osprey-nm.example", "Xaver", "xaver.hidden@", "Leipzig"]
)
def test_an_outsider_does_not_find_the_lead_by_what_it_hides(
    secret: Secret, outsider: str, query: str
) -> None:
    caller = secret.callers[outsider]
    page = get(caller, f"/leads/?q={query}", secret.world)
    listed = get(caller, f"/api/v1/companies?q={query}", secret.world)
    assert CODENAME not in page.text
    assert secret.company_id not in [item["id"] for item in listed.json["items"]]


@pytest.mark.parametrize("insider", INSIDERS)
def test_the_owner_the_team_and_admins_see_the_lead_as_it_is(secret: Secret, insider: str) -> None:
    caller = secret.callers[insider]
    lead = secret.company_id
    page = get(caller, f"/leads/{lead}", secret.world)
    assert "Osprey Nuclear Medicine GmbH" in page.text
    assert "xaver.hidden@osprey-nm.example" in page.text
    assert get(caller, f"/api/v1/companies/{lead}", secret.world).json["domain"] == (
        "osprey-nm.example"
    )
    assert "Osprey Nuclear Medicine GmbH" in get(caller, "/leads/export.csv", secret.world).text
    found = get(caller, "/leads/?q=xaver", secret.world)
    assert "Osprey Nuclear Medicine GmbH" in found.text


def test_outsiders_cannot_open_what_belongs_to_the_lead(secret: Secret) -> None:
    lead = secret.company_id
    for name in OUTSIDERS:
        caller = secret.callers[name]
        for url in (
            f"/companies/{lead}/partners",
            f"/api/v1/companies/{lead}/contacts",
            f"/api/v1/companies/{lead}/activities",
        ):
            assert get(caller, url, secret.world).status_code == 403, (name, url)
    outsider = secret.callers["outsider"]
    assert get(outsider, f"/leads/{lead}/edit", secret.world).status_code == 403
    assert get(outsider, f"/leads/{lead}/contacts/new", secret.world).status_code == 403


def test_the_digest_names_the_lead_by_codename_to_outsiders_only(
    secret: Secret, app: Flask, smtp_server: SMTPServer
) -> None:
    result = app.test_cli_runner().invoke(args=["worker", "--once"])

    assert result.exit_code == 0, result.output
    digests: dict[str, str] = {}
    for envelope in smtp_server.messages:
        arrived = email.message_from_bytes(envelope["data"], policy=default)
        assert isinstance(arrived, EmailMessage)
        if "follow-ups" not in str(arrived["Subject"]):
            continue
        parts = [arrived.get_body(preferencelist=(kind,)) for kind in ("plain", "html")]
        text = "\n".join(part.get_content() for part in parts if part is not None)
        for name, user in secret.users.items():
            if envelope["rcpt_tos"] == [user.email]:
                digests[name] = text
    assert {"outsider", "member"} <= digests.keys()
    assert CODENAME in digests["outsider"] and not leaks(digests["outsider"])
    assert "Osprey Nuclear Medicine GmbH" in digests["member"]


# --- the demo data, followed link by link -----------------------------------------------------

DEMO_SECRETS = ("Heron Radiopharma", "heron-radiopharma.example", "Camille Durand", "camille.")


class ReadingCrawler(Crawler):
    """The crawl of ``tests/test_crawl.py``, keeping what each page says."""

    texts: dict[str, str]

    def get(self, url: str, linked_from: str) -> tuple[str, TestResponse] | None:
        answer = super().get(url, linked_from)
        if answer is not None:
            self.texts[answer[0]] = answer[1].get_data(as_text=True)
        return answer


@pytest.mark.parametrize("role", [Role.staff, Role.viewer])
def test_following_every_link_of_the_demo_never_shows_the_confidential_lead(
    app: Flask, create_user: Callable[..., User], role: Role
) -> None:
    create_user(Role.admin)  # the first account owns the demo leads
    seed(with_demo=True)
    db.session.commit()
    reader = create_user(role)
    client = app.test_client()
    log_in(app, client, reader.email)
    crawler = ReadingCrawler(app, client, role.name, CrawlReport(), [])
    crawler.texts = {}

    crawler.crawl(list(STAFF_STARTS))

    assert len(crawler.texts) > 50
    found = [
        f"{url}: {secret}"
        for url, text in crawler.texts.items()
        for secret in DEMO_SECRETS
        if secret.lower() in text.lower()
    ]
    assert not found, "\n".join(found)
    assert any("Project Heron" in text for text in crawler.texts.values())
