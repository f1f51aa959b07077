"""Every HTML form of the application takes hostile text without a 500 and without storing
script that runs.

The forms are not listed here: every page of the route table's world (tests/test_route_table.py)
is opened as the most privileged caller who may see it, and every ``<form>`` on it is read with
an HTML parser, so that a form a page gains is fuzzed without a line here, and a rule that takes
POST without any form posting to it fails ``test_every_post_rule_has_a_form`` unless
``WITHOUT_A_FORM`` says why.

Hypothesis then fills each form's typed fields (text, text areas, hidden, e-mail, number and date
inputs, uploads) with hostile text (tests/hostile_text.py), keeping the page's own choices in
selects, checkboxes and radio buttons. Each answer must be below 500; a refusal (a 4xx) stores
nothing (every table has as many rows as before); no answer, no page a write redirects to, no page
of the world afterwards, no mail in the outbox contains running markup (tests/html_forms.py), nor
a tag that was typed unescaped; and no cell of a CSV export begins a formula.
"""

import csv
import io
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from flask import Flask
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect
from werkzeug.test import TestResponse, encode_multipart

from crm.auth.models import Role, User
from crm.extensions import db
from crm.leads import services as leads
from crm.leads.csv_import import HEADER_ALIASES
from crm.leads.models import Stage
from crm.mail.models import OutboxMessage
from crm.partners import services as partners
from crm.partners.models import PartnerKind
from crm.password_reset.services import request_reset
from tests.hostile_text import csv_file, hostile_text, storable
from tests.html_forms import Field, Form, forms_of, running_markup, running_tags_in
from tests.test_route_table import (
    HOW_TO_ASK,
    Caller,
    Row,
    World,
    all_rows,
    build_world,
    current_version,
    default_values,
    open_session,
    request_alone,
    url_for_row,
)

# Examples hypothesis draws per form, besides the explicit ones. PostgreSQL stores text
# differently from SQLite (no NUL, VARCHAR limits), which the explicit examples aim at; what the
# drawn ones find mostly fails on both, so they are fewer there.
EXAMPLES_PER_FORM = {"sqlite": 20, "postgresql": 5}
API_EXAMPLES = {"sqlite": 15, "postgresql": 5}
# Of rows asked for every lead, event or partner, this many are read (spread over them all).
LISTED_PAGES = 8
# Who opens the pages, most privileged first: each page is read by the first who may see it.
READERS = ("admin", "staff", "registrant", "anonymous")
# Rules that take POST although no page has a form for them, and why.
WITHOUT_A_FORM: dict[str, str] = {
    "/r/<token>": "the registrant's page posts to /r/ (the link kept in the session); pages "
    "opened before the link moved into the session post here, to the same view",
    "/r/<token>/cancel": "as /r/<token>: the page posts to /r/cancel, the same view",
    "/r/<token>/consents": "as /r/<token>: the page posts to /r/consents, the same view",
}


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """Hundreds of posts to the login, registration and password forms: no rate limits here;
    throttling is tested on its own."""
    return app_config | {"RATELIMIT_ENABLED": False}


# --- finding the forms -----------------------------------------------------------------------


@dataclass
class FoundForm:
    form: Form
    rule: str
    reader: str

    @property
    def key(self) -> tuple[Any, ...]:
        """Forms alike but for the ids in their action and field names are fuzzed once."""
        names = sorted((re.sub(r"\d+", "#", f.name), f.kind) for f in self.form.fields)
        return (self.form.method, self.rule, tuple(names))

    def __str__(self) -> str:
        return f"{self.form.method} {self.form.action} (on {self.form.page} as the {self.reader})"


@dataclass
class Site:
    """The world, its callers and what the crawl found."""

    app: Flask
    world: World
    callers: dict[str, Caller]
    pages: list[tuple[str, str]] = field(default_factory=list)  # (caller, URL) of every page
    forms: list[FoundForm] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)  # forms posting where no rule is
    unsafe: list[str] = field(default_factory=list)  # running markup before any fuzzing
    typed_tags: set[str] = field(default_factory=set)  # running tags sent so far
    answers: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))

    def get(self, caller: str, url: str) -> TestResponse:
        return request_alone(self.callers[caller].client, url)


def page_rows() -> list[Row]:
    return [
        row
        for row in all_rows()
        if row.method == "GET"
        and not row.rule.startswith("/api/")
        and not row.rule.endswith((".ics", ".csv"))
        and row.how.headers is None
    ]


def urls_of(row: Row, world: World, caller: str) -> Iterator[str]:
    every = row.how.each() if row.how.each else [{}]
    for listed in every[:: max(1, len(every) // LISTED_PAGES)]:
        values = default_values(world, row.rule, caller) | listed
        if row.how.values:
            values |= row.how.values(world, caller)
        url = url_for_row(row.rule, values)
        yield f"{url}?{urlencode(row.how.query)}" if row.how.query else url


def rule_of(app: Flask, form: Form) -> str | None:
    adapter = app.url_map.bind("localhost")
    try:
        rule, _ = adapter.match(form.path, method=form.method, return_rule=True)
    except (NotFound, MethodNotAllowed, RequestRedirect):
        return None
    return rule.rule


def pages_beyond_the_world(world: World) -> list[tuple[str, str]]:
    """Pages with forms only a state the world lacks shows: a landed lead whose landing is not
    verified yet, an archived partner, a password reset link."""
    staff = db.session.get(User, world.staff_user_id)
    assert staff is not None
    landed = leads.create_company(
        {"name": "Landed Unverified GmbH", "actual_landing_on": date(2026, 2, 27)}, by=staff
    )
    leads.move_stage(landed, Stage.landed, "", staff)
    archived = partners.save_partner(
        None,
        name="Archived Isotopes GmbH",
        kind=PartnerKind.company,
        location="Dresden",
        descriptions={},
        website=None,
        contact_name=None,
        contact_email=None,
        capability_names=[],
        is_published=True,
    )
    partners.set_partner_archived(archived, True)
    request_reset(staff.email)
    db.session.commit()
    mail = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert mail is not None
    reset_link = re.search(r"/password/reset/\S+", mail.text_body)
    assert reset_link is not None, mail.text_body
    return [
        ("admin", f"/leads/{landed.id}"),
        ("admin", f"/partners/{archived.slug}"),
        ("anonymous", reset_link.group()),
    ]


def pages_to_read(site: Site) -> Iterator[tuple[str, str]]:
    for row in page_rows():
        reader = next((name for name in READERS if getattr(row.expected, name) == 200), None)
        if reader is not None:
            yield from ((reader, url) for url in urls_of(row, site.world, reader))
    yield from pages_beyond_the_world(site.world)


def crawl(site: Site) -> None:
    """Open every page of the route table once, each as the first reader allowed to see it,
    and keep its URL and its forms."""
    request_alone(site.callers["registrant"].client, f"/r/{site.world.registrant_token}")
    seen_pages: set[str] = set()
    seen_forms: set[tuple[Any, ...]] = set()
    for reader, url in pages_to_read(site):
        if url in seen_pages:
            continue
        seen_pages.add(url)
        response = site.get(reader, url)
        assert response.status_code == 200, f"GET {url} as the {reader}"
        site.pages.append((reader, url))
        site.unsafe += [f"{url}: {found}" for found in unsafe_parts(site, response)]
        for form in forms_of(url, response.text):
            rule = rule_of(site.app, form)
            if rule is None:
                site.unmatched.append(f"{form.method} {form.action} on {url}")
                continue
            found = FoundForm(form, rule, reader)
            if found.key not in seen_forms:
                seen_forms.add(found.key)
                site.forms.append(found)


@pytest.fixture
def site(app: Flask, create_user: Callable[..., User], clock: Callable[[str], None]) -> Site:
    users = {role.name: create_user(role) for role in (Role.staff, Role.admin, Role.viewer)}
    world = build_world(users, clock)
    callers = {name: open_session(app, name, users.get(name)) for name in (*READERS, "staff")}
    found = Site(app, world, callers)
    crawl(found)
    return found


def post_rules(app: Flask) -> set[str]:
    return {
        rule.rule
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or set()) and not rule.rule.startswith("/api/")
    }


# --- filling a form --------------------------------------------------------------------------


@dataclass(frozen=True)
class Appended:
    """Hostile text typed after what the field held (so that required fields stay filled)."""

    text: str


Typed = str | Appended | None  # None: what the page filled in
HEADERS = sorted(HEADER_ALIASES)


def typed(field: Field) -> st.SearchStrategy[Any]:
    if field.kind == "file":
        return csv_file(HEADERS)
    text = hostile_text()
    return st.one_of(text.map(Appended), text)


def chosen(field: Field) -> st.SearchStrategy[Any] | None:
    """A valid choice for a select, checkbox or radio group; None for fields no one chooses."""
    if field.kind in {"select", "radio"} and field.options and not field.is_multiple:
        return st.sampled_from(field.options).map(lambda value: [value])
    if field.kind in {"select", "checkbox"} and field.options:
        return st.lists(st.sampled_from(field.options), unique=True)
    return None


def fillings(form: Form) -> st.SearchStrategy[dict[Any, Any]]:
    """What hypothesis sends: hostile text in one to three typed fields (the others as the page
    filled them, so that a form may well be stored), a valid choice in each select, checkbox
    and radio group, and which named submit button was pressed (under ``None``)."""

    @st.composite
    def filling(draw: st.DrawFn) -> dict[Any, Any]:
        chosen_values: dict[Any, Any] = draw(
            st.fixed_dictionaries(
                {
                    found.name: strategy
                    for found in form.fields
                    if (strategy := chosen(found)) is not None
                }
            )
        )
        typed_fields = form.typed_fields
        if typed_fields:
            targets = draw(st.lists(st.sampled_from(typed_fields), min_size=1, max_size=3))
            chosen_values |= {found.name: draw(typed(found)) for found in targets}
        buttons = [found.name for found in form.fields if found.kind == "submit"]
        if len(buttons) > 1:
            chosen_values[None] = draw(st.sampled_from(buttons))
        return chosen_values

    return filling()


def value_of(found: Field, filling: Any) -> list[str]:
    if found.kind == "submit":
        return [found.value]
    if found.is_typed:
        if filling is None:
            return [found.value]
        if isinstance(filling, Appended):
            return [found.value + filling.text]
        return [filling]
    if found.kind in {"select", "radio", "checkbox"}:
        if filling is not None:
            return list(filling)
        if found.kind == "select" and not found.chosen and not found.is_multiple:
            return found.options[:1]
        return found.chosen
    return [found.value]


def filled(form: Form, filling: dict[Any, Any]) -> tuple[list[tuple[str, str]], dict[str, bytes]]:
    """The pairs a browser would send for ``filling``, and the uploaded files."""
    buttons = [found for found in form.fields if found.kind == "submit"]
    pressed = filling.get(None, buttons[0].name if buttons else None)
    pairs, files = [], {}
    for found in form.fields:
        if found.kind == "file":
            files[found.name] = filling.get(found.name) or b""
        elif found.kind != "submit" or found.name == pressed:
            pairs += [(found.name, value) for value in value_of(found, filling.get(found.name))]
    return pairs, files


def request_options(form: Form, pairs: list[tuple[str, str]], files: dict[str, bytes]) -> Any:
    """The body (or query) as a browser encodes it; lone surrogates as the bytes UTF-8 would
    give them, where the encoding allows."""
    encoded = urlencode([(name, value.encode("utf-8", "surrogatepass")) for name, value in pairs])
    if form.method == "GET":
        return {"query_string": encoded}
    if form.is_multipart:
        # Encoded in memory: the test client would spool a large body to a file it never closes.
        data: MultiDict[str, Any] = MultiDict((name, storable(value)) for name, value in pairs)
        for name, content in files.items():
            data.add(name, FileStorage(io.BytesIO(content), "leads.csv", content_type="text/csv"))
        boundary, body = encode_multipart(data)
        return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}
    return {"data": encoded, "content_type": "application/x-www-form-urlencoded"}


# --- what every answer must be ---------------------------------------------------------------


def row_counts() -> dict[str, int]:
    """How many rows each table holds (one query), as the requests committed them."""
    db.session.rollback()
    tables = db.metadata.sorted_tables
    counted = db.session.execute(
        select(*(select(func.count()).select_from(table).scalar_subquery() for table in tables))
    ).one()
    return {table.name: count for table, count in zip(tables, counted, strict=True)}


def is_html(response: TestResponse) -> bool:
    return response.mimetype == "text/html"


def unsafe_parts(site: Site, response: TestResponse) -> list[str]:
    if not is_html(response):
        return []
    text = response.get_data(as_text=True)
    return running_markup(text) + [
        f"the typed tag {tag!r} unescaped" for tag in site.typed_tags if tag in text
    ]


def sent_tags(pairs: list[tuple[str, str]], files: dict[str, bytes]) -> set[str]:
    texts = [value for _, value in pairs] + [
        content.decode("utf-8", "replace") for content in files.values()
    ]
    return {tag for text in texts for tag in running_tags_in(text)}


def fill_in(site: Site, found: FoundForm, filling: dict[Any, Any]) -> bool:
    """Send the form filled so; check the answer; True when something may have been stored."""
    form = found.form
    pairs, files = filled(form, filling)
    site.typed_tags |= sent_tags(pairs, files)
    before = row_counts()
    caller = site.callers[found.reader]
    url = form.action
    response = request_alone(
        caller.client, url, method=form.method, **request_options(form, pairs, files)
    )
    site.answers[str(found)][response.status_code] += 1
    assert response.status_code < 500, f"{form.method} {url} answered {response.status_code}"
    problems = unsafe_parts(site, response)
    assert not problems, f"{form.method} {url} answered with {problems}"
    if 400 <= response.status_code < 500:
        assert row_counts() == before, (
            f"{form.method} {url} refused ({response.status_code}) but stored rows"
        )
        return False
    if response.status_code in (301, 302, 303) and form.method == "POST":
        target = urlsplit(response.location)
        location = target.path + (f"?{target.query}" if target.query else "")
        shown = site.get(found.reader, location)
        assert shown.status_code < 500, f"then GET {location} answered {shown.status_code}"
        problems = unsafe_parts(site, shown)
        assert not problems, f"then GET {location} showed {problems}"
    return form.method == "POST"


def refreshed(site: Site, found: FoundForm) -> FoundForm:
    """The form as its page shows it now (a stored edit changes the values and versions)."""
    response = site.get(found.reader, found.form.page)
    if response.status_code != 200:
        return found
    for form in forms_of(found.form.page, response.text):
        again = FoundForm(form, found.rule, found.reader)
        if again.key == found.key and form.action == found.form.action:
            return again
    return found


# Typed into every field a person types into at once, whatever hypothesis draws: each has
# found a 500 before, or stands for what the rules must hold against.
EVERY_FIELD = [
    Appended("\x00"),
    Appended("\u202e\u200b\U0001f600\ud800\x1b[31m\r"),
    Appended("x" * 10_001),
    "'; DROP TABLE companies; --",
    "=1+1",
]
# Typed into each such field alone (so that the others keep the form valid and it is stored).
SCRIPT = Appended('<script>alert(1)</script>"><img src=x onerror=alert(1)>')
SCRIPT_URL = "javascript:alert(1)"
FILES = [
    b"name,website,description\n<script>alert(1)</script> GmbH,javascript:alert(1),=1+1\n",
    b"name,city\nNul\x00 Isotopes,Dresden\n",
    b"name\n" + "\ufeff\u202e\U0001f600 Isotopes".encode() + b"\n",
    b'name\n"' + b"x" * 140_000 + b'"\n',  # beyond the cell size Python's csv module reads
]


def explicit_fillings(form: Form) -> list[dict[Any, Any]]:
    visible = [found for found in form.typed_fields if found.kind not in {"file", "hidden"}]
    files = [found.name for found in form.typed_fields if found.kind == "file"]
    explicit = [dict.fromkeys([found.name for found in visible], value) for value in EVERY_FIELD]
    explicit += [
        {found.name: SCRIPT_URL if found.kind == "url" else SCRIPT}
        for found in visible
        if found.kind in {"text", "textarea", "search", "url"}
    ]
    explicit += [dict.fromkeys(files, content) for content in FILES] if files else []
    return [filling for filling in explicit if filling]


def shown(filling: dict[Any, Any]) -> str:
    """The filling with long values cut, for a failure's message."""

    def cut(value: Any) -> str:
        text = repr(value)
        return text if len(text) < 200 else f"{text[:150]}… ({len(text)} characters)"

    return ", ".join(f"{name}={cut(value)}" for name, value in filling.items())


def fuzz(site: Site, found: FoundForm) -> None:
    current = [found]

    def takes_hostile_text(filling: dict[Any, Any]) -> None:
        try:
            is_stored = fill_in(site, current[0], filling)
        except Exception as error:
            error.add_note(f"Sent: {shown(filling)}")
            raise
        if is_stored:
            current[0] = refreshed(site, current[0])

    for filling in explicit_fillings(found.form):
        takes_hostile_text = example(filling)(takes_hostile_text)
    settings(
        max_examples=EXAMPLES_PER_FORM[db.engine.dialect.name],
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )(given(fillings(found.form))(takes_hostile_text))()


# --- the tests -------------------------------------------------------------------------------


def test_every_post_rule_has_a_form(site: Site) -> None:
    found = {form.rule for form in site.forms if form.form.method == "POST"}
    rules = post_rules(site.app)
    problems = [
        f"POST {rule}: no page has a form for it; add one, or say why in WITHOUT_A_FORM"
        for rule in sorted(rules - found - WITHOUT_A_FORM.keys())
    ]
    problems += [
        f"POST {rule} is in WITHOUT_A_FORM, but a page has a form for it"
        for rule in sorted(found & WITHOUT_A_FORM.keys())
    ]
    problems += [
        f"{rule} is in WITHOUT_A_FORM, but the application has no such rule"
        for rule in sorted(WITHOUT_A_FORM.keys() - rules)
    ]
    problems += [f"a form posts where no rule is: {form}" for form in site.unmatched]
    # The scan finds nothing on untouched pages: what the fuzzing finds came from the input.
    problems += [f"running markup before any fuzzing: {found}" for found in site.unsafe]
    assert not problems, "\n".join(problems)


FORMULA = re.compile(r"(^|[;|\t])[ \t\r\n]*[=+\-@]")


def exports(site: Site) -> Iterator[tuple[str, str]]:
    for row in all_rows():
        if row.method == "GET" and row.rule.endswith(".csv") and row.expected.admin == 200:
            yield from (("admin", url) for url in urls_of(row, site.world, "admin"))


def test_every_form_takes_hostile_text(site: Site) -> None:
    fuzzed = [found for found in site.forms if found.form.typed_fields]
    assert len(fuzzed) >= 30, [str(found) for found in fuzzed]
    failures = []
    for found in fuzzed:
        try:
            fuzz(site, found)
        except Exception as error:  # every form's failure is reported, not only the first
            notes = "\n".join(getattr(error, "__notes__", []))
            failures.append(f"{found}:\n{type(error).__name__}: {error}\n{notes}")
    assert not failures, f"{len(failures)} forms failed:\n\n" + "\n\n".join(failures)
    # Each form was driven as a browser does: not every answer was the refusal of a request
    # without its CSRF token (400), and many forms stored something.
    only_400 = [form for form, statuses in site.answers.items() if set(statuses) == {400}]
    assert not only_400, only_400
    stored = [form for form, statuses in site.answers.items() if any(s < 400 for s in statuses)]
    assert len(stored) >= 25, site.answers

    assert_shown_safely(site)


def assert_shown_safely(site: Site) -> None:
    """Whatever was stored is shown escaped on every page and in every mail, and exported as
    text."""
    problems = [
        f"{url}: {found}"
        for caller, url in site.pages
        for found in unsafe_parts(site, site.get(caller, url))
    ]
    for caller, url in exports(site):
        response = site.get(caller, url)
        assert response.status_code == 200, url
        for cells in csv.reader(io.StringIO(response.get_data(as_text=True))):
            problems += [
                f"{url}: the cell {cell[:60]!r} is a formula"
                for cell in cells
                if FORMULA.search(cell)
            ]
    db.session.rollback()
    for message in db.session.scalars(select(OutboxMessage)):
        problems += [
            f"mail {message.id} ({message.subject!r}): {found}"
            for found in running_markup(message.html_body or "")
        ]
    assert not problems, "\n".join(problems)


# --- the JSON API ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiWrite:
    rule: str
    method: str
    body: dict[str, Any]  # a valid body, from the route table
    texts: list[str]  # the free-text properties its OpenAPI request schema names


def api_writes(site: Site) -> list[ApiWrite]:
    """Every JSON write of the route table with a body, and its schema's text properties."""
    document = site.get("anonymous", "/api/v1/openapi.json").json
    assert document is not None
    schemas = document["components"]["schemas"]
    writes = []
    for (rule, method), how in HOW_TO_ASK.items():
        if not rule.startswith("/api/") or method not in {"POST", "PATCH"} or how.json is None:
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)
        body = document["paths"][path][method.lower()]["requestBody"]["content"]
        reference = body["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        properties = schemas[reference]["properties"]
        texts = [
            name
            for name, described in properties.items()
            if described.get("type") == "string" and "enum" not in described
        ]
        writes.append(ApiWrite(rule, method, how.json(site.world, "staff"), texts))
    return writes


def api_url(site: Site, write: ApiWrite) -> str:
    values = default_values(site.world, write.rule, "staff")
    how = HOW_TO_ASK[(write.rule, write.method)]
    if how.values:
        values |= how.values(site.world, "staff")
    return url_for_row(write.rule, values)


def send_json(site: Site, write: ApiWrite, body: dict[str, Any]) -> None:
    site.typed_tags |= {
        tag for value in body.values() if isinstance(value, str) for tag in running_tags_in(value)
    }
    before = row_counts()
    url = api_url(site, write)
    if "version" in write.body:  # the current version, as a client that just read the company
        body = body | {"version": current_version(site.world.company_id)}
    response = request_alone(
        site.callers["anonymous"].client,
        url,
        method=write.method,
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {site.world.write_token}"},
    )
    assert response.status_code < 500, f"{write.method} {url} answered {response.status_code}"
    if 400 <= response.status_code < 500:
        assert response.content_type == "application/problem+json", response.content_type
        assert row_counts() == before, f"{write.method} {url} refused but stored rows"


def api_bodies(write: ApiWrite) -> st.SearchStrategy[dict[str, Any]]:
    @st.composite
    def body(draw: st.DrawFn) -> dict[str, Any]:
        targets = draw(st.lists(st.sampled_from(write.texts), min_size=1, max_size=3))
        return write.body | {name: draw(hostile_text()) for name in targets}

    return body()


def fuzz_api(site: Site, write: ApiWrite) -> None:
    def takes_hostile_text(body: dict[str, Any]) -> None:
        try:
            send_json(site, write, body)
        except Exception as error:
            error.add_note(f"Sent: {shown(body)}")
            raise

    def typed_in(names: list[str], value: Typed) -> dict[str, Any]:
        if isinstance(value, Appended):
            return write.body | {name: str(write.body.get(name, "")) + value.text for name in names}
        return write.body | dict.fromkeys(names, value)

    explicit = [typed_in(write.texts, value) for value in EVERY_FIELD]
    explicit += [typed_in([name], SCRIPT) for name in write.texts]
    for body in explicit:
        takes_hostile_text = example(body)(takes_hostile_text)
    settings(
        max_examples=API_EXAMPLES[db.engine.dialect.name],
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )(given(api_bodies(write))(takes_hostile_text))()


def test_every_api_write_takes_hostile_text(site: Site) -> None:
    writes = [write for write in api_writes(site) if write.texts]
    assert len(writes) >= 10, writes
    failures = []
    for write in writes:
        try:
            fuzz_api(site, write)
        except Exception as error:  # every write's failure is reported, not only the first
            notes = "\n".join(getattr(error, "__notes__", []))
            failures.append(
                f"{write.method} {write.rule}:\n{type(error).__name__}: {error}\n{notes}"
            )
    assert not failures, f"{len(failures)} API writes failed:\n\n" + "\n\n".join(failures)
    assert_shown_safely(site)
