"""Every page a person reaches by links answers, as each role, on the demo data.

The crawl starts where a person starts (the start page, the public events and partners, the
dashboard, a registrant's private links from their mail) and follows breadth-first every
same-origin ``<a href>`` and the action of every GET form sent with its default values, GET only,
redirects included. A link the app shows must work for the person it is shown to: no server
error, no 404, no 403 and no detour to the login page, no write to the database. Stylesheets,
scripts and images come only from this site and answer. Links reach every page a person uses;
the few reached otherwise are listed, with how.
"""

import re
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urldefrag, urlencode, urljoin, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import MapAdapter, RequestRedirect
from werkzeug.test import TestResponse

from crm.auth.models import Role, User
from crm.db import utcnow
from crm.events.models import Registration, RegistrationStatus
from crm.events.tokens import manage_url
from crm.extensions import db
from crm.seed.services import seed
from tests.conftest import TEST_PASSWORD
from tests.helpers import submit_form

ORIGIN = "localhost"
# The registrant is anonymous too, and comes from the private links in their mail.
ROLES = ("anonymous", "registrant", "viewer", "staff", "admin")
PUBLIC_STARTS = ("/", "/events/", "/partners/")
STAFF_STARTS = ("/", "/dashboard", "/events/", "/partners/")
START = "(start)"
# Sorted, filtered and translated pages differ only in their query: a few variants of a path do.
VARIANTS_PER_PATH = 4
PAGES_PER_ROLE = 400
MAX_REDIRECTS = 5
# Never fetched, whatever a link says: a GET must not log anyone out or destroy anything.
DESTRUCTIVE_STEPS = {"logout", "log-out", "delete", "erase", "revoke", "revoke-link", "cancel"}
# <link rel> values that make a browser load the address; others ("alternate") are links.
LOADED_LINK_RELS = {"stylesheet", "icon", "preload", "modulepreload", "prefetch", "manifest"}
LOADED_SRC_TAGS = {"script", "img", "iframe", "source", "audio", "video", "embed", "track"}
WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
OFF_SITE_IN_CSS = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"]?)(?:https?:)?//""")

# GET endpoints that a person does not reach by following links, and how they are reached.
NOT_REACHED_BY_LINKS = {
    # Probed by the load balancer and by monitoring.
    "health.healthz",
    "health.readyz",
    # The API reference (which is linked) loads the description with a script.
    "api-docs.openapi_json",
    # Called by other systems, with a token.
    "api_companies.Companies",
    "api_companies.CompanyDetail",
    "api_events.EventDetail",
    "api_events.Events",
    "api_partner_links.CompanyPartnerLinks",
    "api_partners.Partners",
    "api_roadmap.Roadmap",
    "api_registrations.Registrations",
    "api_sites.CompanySiteMatches",
    "api_sites.SiteDetail",
    "api_sites.SiteReservations",
    "api_sites.Sites",
    "api_timeline.Activities",
    "api_timeline.Contacts",
    "api_timeline.Tasks",
    # A registrant's private link travels only by mail (the registrant's crawl starts there);
    # it redirects to the page of the registration, at an address without the token.
    "manage.open_link",
    # Linked from an attribution number with more than 50 companies behind it, which the demo
    # events do not have (tests/reports/test_event_attribution.py follows the link).
    "reports.event_companies",
    # A password reset link travels only by mail, too (tests/password_reset/).
    "password_reset.reset",
    # Calendar programs subscribe to these by their address (README, "Calendars").
    "calendar.feed",
    "calendar.event_file",
}


@dataclass
class Form:
    method: str
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Choice:
    """A ``<select>`` while it is read: its options and which of them are selected."""

    name: str
    is_multiple: bool
    options: list[str] = field(default_factory=list)
    selected: list[str] = field(default_factory=list)


class PageParser(HTMLParser):
    """The links, forms (with what a browser sends unchanged) and loaded assets of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[Form] = []
        self.assets: list[str] = []
        self.styles: list[str] = []
        self.choice: Choice | None = None
        self.option: dict[str, str | None] | None = None
        self.option_text = ""
        self.textarea: str | None = None
        self.textarea_text = ""
        self.is_in_style = False

    @property
    def form(self) -> Form | None:
        return self.forms[-1] if self.forms else None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and found.get("href"):
            self.links.append(found["href"] or "")
        elif tag == "link" and found.get("href"):
            rels = set((found.get("rel") or "").lower().split())
            (self.assets if rels & LOADED_LINK_RELS else self.links).append(found["href"] or "")
        elif tag in LOADED_SRC_TAGS and found.get("src"):
            self.assets.append(found["src"] or "")
        elif tag == "style":
            self.is_in_style = True
        elif tag == "form":
            method = (found.get("method") or "get").lower()
            self.forms.append(Form(method, found.get("action") or ""))
        elif tag == "option" and self.choice is not None:
            self.end_option()
            self.option, self.option_text = found, ""
        elif self.form is None or "disabled" in found or not found.get("name"):
            return
        elif tag == "input":
            self.read_input(found)
        elif tag == "select":
            self.choice = Choice(found["name"] or "", "multiple" in found)
        elif tag == "textarea":
            self.textarea, self.textarea_text = found["name"], ""

    def read_input(self, found: dict[str, str | None]) -> None:
        assert self.form is not None
        kind = (found.get("type") or "text").lower()
        if kind in ("submit", "button", "image", "reset", "file"):
            return
        if kind in ("checkbox", "radio") and "checked" not in found:
            return
        default = "on" if kind in ("checkbox", "radio") else ""
        value = found.get("value")
        self.form.fields.append((found["name"] or "", default if value is None else value))

    def end_option(self) -> None:
        if self.choice is None or self.option is None:
            return
        value = self.option.get("value")
        value = " ".join(self.option_text.split()) if value is None else value
        self.choice.options.append(value)
        if "selected" in self.option:
            self.choice.selected.append(value)
        self.option = None

    def handle_data(self, data: str) -> None:
        if self.option is not None:
            self.option_text += data
        if self.textarea is not None:
            self.textarea_text += data
        if self.is_in_style:
            self.styles.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("option", "select"):
            self.end_option()
        if tag == "select" and self.choice is not None and self.form is not None:
            values = self.choice.selected
            if not values and not self.choice.is_multiple and self.choice.options:
                values = self.choice.options[:1]
            self.form.fields += [(self.choice.name, value) for value in values]
            self.choice = None
        elif tag == "textarea" and self.textarea is not None and self.form is not None:
            self.form.fields.append((self.textarea, self.textarea_text))
            self.textarea = None
        elif tag == "style":
            self.is_in_style = False


@dataclass
class Problem:
    role: str
    url: str
    what: str
    linked_from: str
    other_pages: int = 0

    def __str__(self) -> str:
        more = f" and {self.other_pages} more" if self.other_pages else ""
        return f"{self.role:9} {self.url}  {self.what}  (linked from {self.linked_from}{more})"


@dataclass
class CrawlReport:
    pages: dict[str, int] = field(default_factory=dict)
    reached: set[str] = field(default_factory=set)
    problems: dict[tuple[str, str, str], Problem] = field(default_factory=dict)
    assets: dict[str, int] = field(default_factory=dict)
    # The HTML pages each role opened, in the order opened (after redirects).
    html_pages: dict[str, list[str]] = field(default_factory=dict)

    def add(self, problem: Problem) -> None:
        """One line per role, address and defect, however many pages show it."""
        key = (problem.role, problem.url, problem.what)
        if key in self.problems:
            self.problems[key].other_pages += 1
        else:
            self.problems[key] = problem


def same_origin(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and parts.netloc == ORIGIN


def is_off_site(url: str) -> bool:
    """Loading ``url`` would reach another host (``data:`` and the like reach none)."""
    return bool(urlsplit(url).netloc) and not same_origin(url)


def local(url: str) -> str:
    """The path and query a test client asks for."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def variant_key(url: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    parts = urlsplit(url)
    return parts.path, tuple(sorted(parse_qsl(parts.query, keep_blank_values=True)))


def form_url(page_url: str, form: Form) -> str:
    """Where a browser goes when the form is sent as it stands: its fields replace the query."""
    target = urlsplit(urljoin(page_url, form.action or page_url))
    return target._replace(query=urlencode(form.fields), fragment="").geturl()


def fetch(app: Flask, client: FlaskClient, url: str) -> TestResponse:
    """GET in an application context of its own, as a server does: its own ``g`` and session."""
    with app.app_context():
        return client.get(local(url))


class Crawler:
    """One person's session, following links breadth-first from the start pages."""

    def __init__(
        self, app: Flask, client: FlaskClient, role: str, report: CrawlReport, writes: list[str]
    ) -> None:
        self.app = app
        self.client = client
        self.role = role
        self.report = report
        self.writes = writes
        self.adapter: MapAdapter = app.url_map.bind(ORIGIN)
        self.seen: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
        self.variants: dict[str, int] = {}
        self.pages = 0

    def problem(self, url: str, what: str, linked_from: str) -> None:
        address = local(url) if same_origin(url) else url
        self.report.add(Problem(self.role, address, what, linked_from))

    def endpoint(self, url: str, method: str = "GET") -> str | None:
        """The endpoint that answers; ``None`` for no route, ``"<method>"`` if it refuses one."""
        parts = urlsplit(url)
        try:
            endpoint, _ = self.adapter.match(parts.path, method=method, query_args=parts.query)
        except RequestRedirect as redirect:
            return self.endpoint(redirect.new_url, method)
        except MethodNotAllowed:
            return "<method>"
        except NotFound:
            return None
        return str(endpoint)

    def crawl(self, starts: list[str]) -> None:
        queue: deque[tuple[str, str]] = deque((f"http://{ORIGIN}{s}", START) for s in starts)
        while queue:
            url, linked_from = queue.popleft()
            key = variant_key(url)
            if key in self.seen or (key[1] and self.variants.get(key[0], 0) >= VARIANTS_PER_PATH):
                if linked_from != START and (endpoint := self.endpoint(url)):
                    self.report.reached.add(endpoint)  # opened already, from a start page
                continue
            if self.pages == PAGES_PER_ROLE:
                self.problem(url, f"not opened: more than {PAGES_PER_ROLE} pages", linked_from)
                break
            self.seen.add(key)
            self.variants[key[0]] = self.variants.get(key[0], 0) + 1
            queue += self.visit(url, linked_from)
        self.report.pages[self.role] = self.pages

    def get(self, url: str, linked_from: str) -> tuple[str, TestResponse] | None:
        """GET ``url`` the way a browser does, following redirects on this site."""
        for _ in range(MAX_REDIRECTS):
            self.writes.clear()
            try:
                response = fetch(self.app, self.client, url)
            except Exception as error:  # the test client raises what a server answers with 500
                self.problem(url, f"500 {type(error).__name__}: {error}", linked_from)
                return None
            if self.writes:
                self.problem(url, f"GET wrote to the database: {self.writes[0]}", linked_from)
            if linked_from != START and (endpoint := self.endpoint(url)):
                self.report.reached.add(endpoint)
            if response.status_code not in (301, 302, 303, 307, 308):
                return url, response
            response.close()
            target = urljoin(url, response.headers["Location"])
            if not same_origin(target):
                self.problem(url, f"redirects to another site: {target}", linked_from)
                return None
            url = target
        self.problem(url, f"redirects more than {MAX_REDIRECTS} times", linked_from)
        return None

    def visit(self, url: str, linked_from: str) -> Iterator[tuple[str, str]]:
        """Open one page, check it, and yield the same-origin URLs it leads to, and from where."""
        if DESTRUCTIVE_STEPS & set(urlsplit(url).path.lower().split("/")):
            self.problem(url, "a link to log out or destroy (only a POST may)", linked_from)
            return
        wanted = self.endpoint(url)
        if wanted == "<method>":
            self.problem(url, "a link to an address that takes no GET", linked_from)
            return
        self.pages += 1
        answer = self.get(url, linked_from)
        if answer is None:
            return
        final, response = answer
        self.seen.add(variant_key(final))
        with response:
            if response.status_code != 200:
                self.problem(url, str(response.status_code), linked_from)
                return
            if (
                linked_from != START
                and self.endpoint(final) == "auth.login"
                and wanted not in ("auth.login", "auth.index")
            ):
                self.problem(url, "sends to the login page: a 403 in effect", linked_from)
                return
            if response.mimetype != "text/html":
                return
            self.report.html_pages.setdefault(self.role, []).append(final)
            page = PageParser()
            page.feed(response.get_data(as_text=True))
            page.close()
        yield from self.follow(final, page)

    def follow(self, page_url: str, page: PageParser) -> Iterator[tuple[str, str]]:
        here = local(page_url)
        for asset in page.assets:
            self.check_asset(urljoin(page_url, asset), here)
        if any(OFF_SITE_IN_CSS.search(style) for style in page.styles):
            self.problem(page_url, "a style in the page loads from another host", here)
        for form in page.forms:
            target = urljoin(page_url, form.action or page_url)
            if not same_origin(target):
                self.problem(target, "a form sends to another host", here)
            elif form.method == "get":
                yield form_url(page_url, form), here
            elif self.endpoint(target, "POST") in (None, "<method>"):
                self.problem(target, "a form posts where no route takes a POST", here)
        for link in page.links:
            target = urldefrag(urljoin(page_url, link))[0]
            if same_origin(target):
                yield target, here

    def check_asset(self, url: str, page: str) -> None:
        if is_off_site(url):
            self.problem(url, "an asset from another host", page)
            return
        if not same_origin(url) or url in self.report.assets:
            return
        with fetch(self.app, self.client, url) as response:
            self.report.assets[url] = response.status_code
            if endpoint := self.endpoint(url):
                self.report.reached.add(endpoint)
            if response.status_code != 200:
                self.problem(url, f"an asset that answers {response.status_code}", page)
            elif response.mimetype == "text/css" and OFF_SITE_IN_CSS.search(response.text):
                self.problem(url, "a stylesheet that loads from another host", page)


def log_in(app: Flask, client: FlaskClient, email: str) -> None:
    """Through the login form, as the ``login`` fixture does, for a client of its own."""
    with app.app_context():
        response = submit_form(client, "/login", {"email": email, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.text


def mailed_manage_links() -> list[str]:
    """The private links in demo registrants' mail: one per event to come and status."""
    links: dict[tuple[int, RegistrationStatus], str] = {}
    for registration in db.session.scalars(select(Registration).order_by(Registration.id)):
        if registration.event.finishes_at > utcnow():
            key = (registration.event_id, registration.status)
            links.setdefault(key, local(manage_url(registration)))
    return list(links.values())


@pytest.fixture
def demo_site(app: Flask, create_user: Callable[..., User]) -> dict[str, User | None]:
    """The demo data as a newcomer gets it: the first admin, then ``flask seed --demo``."""
    admin = create_user(Role.admin)
    seed(with_demo=True)
    db.session.commit()
    return {
        "anonymous": None,
        "registrant": None,
        "viewer": create_user(Role.viewer),
        "staff": create_user(Role.staff),
        "admin": admin,
    }


@pytest.fixture
def crawl_report(app: Flask, demo_site: dict[str, User | None]) -> CrawlReport:
    """Each role logged in through the login form, then the crawl of each in turn."""
    clients = {role: app.test_client() for role in ROLES}
    for role, user in demo_site.items():
        if user is not None:
            log_in(app, clients[role], user.email)
    starts = {
        "anonymous": list(PUBLIC_STARTS),
        "registrant": mailed_manage_links(),
        "viewer": list(STAFF_STARTS),
        "staff": list(STAFF_STARTS),
        "admin": list(STAFF_STARTS),
    }
    report = CrawlReport()
    writes: list[str] = []

    def record_write(*args: Any) -> None:
        if WRITES.match(args[2]):
            writes.append(" ".join(args[2].split())[:120])

    event.listen(db.engine, "before_cursor_execute", record_write)
    try:
        for role in ROLES:
            Crawler(app, clients[role], role, report, writes).crawl(starts[role])
    finally:
        event.remove(db.engine, "before_cursor_execute", record_write)
    return report


def get_endpoints(app: Flask) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in (rule.methods or ())}


def test_following_links_as_each_role_meets_no_defect_and_reaches_every_page(
    app: Flask, crawl_report: CrawlReport
) -> None:
    endpoints = get_endpoints(app)
    defects = [str(problem) for problem in crawl_report.problems.values()]
    unreached = endpoints - NOT_REACHED_BY_LINKS - crawl_report.reached
    defects += [f"never reached by a link: {endpoint}" for endpoint in sorted(unreached)]
    # The exceptions stay true: GET endpoints of the app that no link reaches.
    stale = (NOT_REACHED_BY_LINKS - endpoints) | (NOT_REACHED_BY_LINKS & crawl_report.reached)
    defects += [f"listed as not reached by links: {endpoint}" for endpoint in sorted(stale)]
    assert not defects, f"{len(defects)} defect(s):\n" + "\n".join(defects)
    assert all(crawl_report.pages[role] > len(STAFF_STARTS) for role in ROLES), crawl_report.pages
    assert crawl_report.assets, "no page loaded a stylesheet or script"
