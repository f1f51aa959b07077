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
import re
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
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect
from werkzeug.test import TestResponse

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
    Caller,
    Row,
    World,
    all_rows,
    build_world,
    default_values,
    open_session,
    request_alone,
    url_for_row,
)

EXAMPLES_PER_FORM = 20
# Who opens the pages, most privileged first: each page is read by the first who may see it.
READERS = ("admin", "staff", "registrant", "anonymous")
# Rules that take POST although no page has a form for them, and why.
WITHOUT_A_FORM: dict[str, str] = {
    "/r/<token>": "the registrant's page posts to /r/ (the link kept in the session); pages "
    "opened before the link moved into the session post here, to the same view",
    "/r/<token>/cancel": "as /r/<token>: the page posts to /r/cancel, the same view",
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
    typed_tags: set[str] = field(default_factory=set)  # running tags sent so far

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
    for listed in row.how.each() if row.how.each else [{}]:
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
    return st.one_of(st.none(), text, text.map(Appended))


def chosen(field: Field) -> st.SearchStrategy[Any] | None:
    """A valid choice for a select, checkbox or radio group; None for fields no one chooses."""
    if field.kind in {"select", "radio"} and field.options and not field.is_multiple:
        return st.sampled_from(field.options).map(lambda value: [value])
    if field.kind in {"select", "checkbox"} and field.options:
        return st.lists(st.sampled_from(field.options), unique=True)
    return None


def fillings(form: Form) -> st.SearchStrategy[dict[str, Any]]:
    """What hypothesis sends: per field name, hostile text or a valid choice; which named
    submit button was pressed (under ``None``)."""
    strategies: dict[Any, st.SearchStrategy[Any]] = {}
    for found in form.fields:
        strategy = typed(found) if found in form.typed_fields else chosen(found)
        if strategy is not None:
            strategies[found.name] = strategy
    buttons = [found.name for found in form.fields if found.kind == "submit"]
    if len(buttons) > 1:
        strategies[None] = st.sampled_from(buttons)
    return st.fixed_dictionaries(strategies)


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
    return []


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
        data: MultiDict[str, Any] = MultiDict((name, storable(value)) for name, value in pairs)
        for name, content in files.items():
            data.add(name, (io.BytesIO(content), "leads.csv"))
        return {"data": data, "content_type": "multipart/form-data"}
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


# Typed into every typed field at once, whatever hypothesis draws: each has found a 500 or a
# stored script somewhere before, or stands for what the rules must hold against.
EVERY_FIELD = [
    "<script>alert(1)</script>",
    Appended('"><img src=x onerror=alert(1)>'),
    "javascript:alert(1)",
    Appended("\x00"),
    Appended("\u202e\u200b\U0001f600\ud800"),
    "=1+1",
    Appended("x" * 10_001),
]
FILES = [
    b"name,website,description\n<script>alert(1)</script> GmbH,javascript:alert(1),=1+1\n",
    b"name,city\nNul\x00 Isotopes,Dresden\n",
    b"name\n" + "\ufeff\u202e\U0001f600 Isotopes".encode() + b"\n",
]


def explicit_fillings(form: Form) -> list[dict[Any, Any]]:
    typed_names = [found.name for found in form.typed_fields if found.kind != "file"]
    files = [found.name for found in form.typed_fields if found.kind == "file"]
    fillings_ = [dict.fromkeys(typed_names, value) for value in EVERY_FIELD]
    if files:
        fillings_ += [dict.fromkeys(files, content) for content in FILES]
    return [filling for filling in fillings_ if filling]


def fuzz(site: Site, found: FoundForm) -> None:
    current = [found]

    def takes_hostile_text(filling: dict[Any, Any]) -> None:
        if fill_in(site, current[0], filling):
            current[0] = refreshed(site, current[0])

    for filling in explicit_fillings(found.form):
        takes_hostile_text = example(filling)(takes_hostile_text)
    settings(
        max_examples=EXAMPLES_PER_FORM,
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
    assert not problems, "\n".join(problems)


def test_the_pages_start_without_running_markup(site: Site) -> None:
    """The scan finds nothing on untouched pages: what the fuzzing finds came from the input."""
    problems = [
        f"{url}: {found}"
        for caller, url in site.pages
        for found in unsafe_parts(site, site.get(caller, url))
    ]
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

    # Whatever was stored is shown escaped everywhere, and exported as text.
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
