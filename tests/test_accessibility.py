"""Every kind of page passes axe-core in Chromium, as each person sees it, in English and German.

The pages are those the crawl of ``tests/test_crawl.py`` opens by following links on the demo
data; the browser opens one address per route (``/leads/<id>`` once, not for every company), as
the first role that reaches it, in the order below: visitors first, then an admin, whose pages
hold everything a staff member's or viewer's do. A registrant opens each private link of their
mail. axe-core's serious and critical findings fail the test, with the page, the rule and the
elements. Beyond what axe sees on a page as it loads: a refused form names each error beside
its field, and the keyboard skips to the content and always shows where it is. The markup does
not depend on the database, so SQLite alone serves these pages."""

from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, expect

from crm.auth.models import User
from tests.conftest import TEST_PASSWORD
from tests.test_crawl import (  # the crawl of the demo data, as each role
    ORIGIN,
    PUBLIC_STARTS,
    Crawler,
    CrawlReport,
    crawl_report,  # noqa: F401
    demo_site,  # noqa: F401
    local,
    mailed_manage_links,
)

# Who opens the pages, in turn; a page already checked for someone before is not checked again.
BROWSER_ROLES = ("anonymous", "registrant", "admin", "staff", "viewer")
FAILING_IMPACTS = {"serious", "critical"}
AXE = Axe()
MISSING_PAGE = "/no-such-page"  # the error page is a page too


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.sqlite3'}"


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """A page in a browser context of its own (cookies, language, colours) for each person."""
    contexts: list[BrowserContext] = []

    def open_page(locale: str = "en-GB", color_scheme: str = "light") -> Page:
        context = browser.new_context(locale=locale, color_scheme=color_scheme)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def route_of(app: Flask, url: str) -> str:
    rule, _ = app.url_map.bind(ORIGIN).match(urlsplit(url).path, return_rule=True)
    return str(rule.rule)


def one_page_per_route(app: Flask, report: CrawlReport) -> dict[str, list[str]]:
    """The addresses each role opens in the browser: the first of each route it reaches."""
    routes: set[str] = set()
    sample: dict[str, list[str]] = {}
    for role in BROWSER_ROLES:
        if role == "registrant":
            sample[role] = mailed_manage_links()
            routes.add(route_of(app, "/r/"))
            continue
        pages = sample.setdefault(role, [MISSING_PAGE] if role == "anonymous" else [])
        for url in report.html_pages.get(role, []):
            if (route := route_of(app, url)) not in routes:
                routes.add(route)
                pages.append(local(url))
    return sample


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the page: rule, impact and elements."""
    results = AXE.run(page)
    return [
        f"{urlsplit(page.url).path}  {violation['id']} ({violation['impact']}): "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        + (f" and {len(violation['nodes']) - 5} more" if len(violation["nodes"]) > 5 else "")
        for violation in results.response["violations"]
        if violation["impact"] in FAILING_IMPACTS
    ]


def log_in(page: Page, live_server: str, user: User) -> None:
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {user.name}")


def check_pages(page: Page, live_server: str, urls: list[str], language: str) -> list[str]:
    problems = []
    for url in urls:
        page.goto(live_server + url)
        if page.locator("script[src]").count():  # a page drawn by its scripts (the API reference)
            page.wait_for_load_state("networkidle")
        lang = page.evaluate("document.documentElement.lang")
        if lang != language:
            problems.append(f"{url}  <html lang={lang!r}>, not {language!r}")
        problems += serious_violations(page)
    return problems


def test_every_kind_of_page_passes_axe_for_each_role(
    app: Flask,
    crawl_report: CrawlReport,  # noqa: F811
    demo_site: dict[str, User | None],  # noqa: F811
    live_server: str,
    new_page: Callable[..., Page],
) -> None:
    sample = one_page_per_route(app, crawl_report)
    problems = []
    for role, urls in sample.items():
        if not urls:
            continue  # what this role sees, someone before has seen
        page = new_page()
        user = demo_site[role]
        if user is not None:
            log_in(page, live_server, user)
        problems += [f"{role:10} {line}" for line in check_pages(page, live_server, urls, "en")]
    assert not problems, f"{len(problems)} accessibility problem(s):\n" + "\n".join(problems)
    assert len(sample["anonymous"]) > 5 and len(sample["admin"]) > 30, sample


def test_public_pages_pass_axe_in_german_and_in_the_dark(
    app: Flask,
    demo_site: dict[str, User | None],  # noqa: F811
    live_server: str,
    new_page: Callable[..., Page],
) -> None:
    """German visitors whose system is set to dark colours (Pico follows it)."""
    report = CrawlReport()
    Crawler(app, app.test_client(), "anonymous", report, writes=[]).crawl(list(PUBLIC_STARTS))
    urls = one_page_per_route(app, report)["anonymous"]
    assert len(urls) > 5, urls
    page = new_page("de-DE", "dark")
    problems = check_pages(page, live_server, urls, "de")
    assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    assert not problems, f"{len(problems)} accessibility problem(s):\n" + "\n".join(problems)


REFUSED_FIELDS = """() => [...document.querySelectorAll("[aria-invalid=true]")].map((field) => {
  const notes = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
  const errors = notes.map((id) => document.getElementById(id)).filter(Boolean);
  return {
    name: field.getAttribute("name") || field.tagName,
    error: errors.filter((note) => note.classList.contains("field-error"))
      .map((note) => note.textContent.trim()).join(" "),
    isBeside: errors.some((note) => field.closest(".field, fieldset")?.contains(note)),
  };
})"""


@pytest.mark.parametrize(
    ("role", "form_page", "locale", "refused"),
    [
        ("anonymous", "/events/demo-site-tour/register", "de-DE", {"name", "email", "consent"}),
        ("admin", "/leads/new", "en-GB", {"name"}),
    ],
)
def test_a_refused_form_names_each_error_beside_its_field(
    demo_site: dict[str, User | None],  # noqa: F811
    live_server: str,
    new_page: Callable[..., Page],
    role: str,
    form_page: str,
    locale: str,
    refused: set[str],
) -> None:
    page = new_page(locale)
    if (user := demo_site[role]) is not None:
        log_in(page, live_server, user)
    page.goto(live_server + form_page)
    page.locator("main form[method=post] [type=submit]").last.click()
    expect(page.locator("[aria-invalid=true]").first).to_be_visible()
    fields = {field["name"]: field for field in page.evaluate(REFUSED_FIELDS)}
    assert refused <= fields.keys(), fields
    assert all(field["error"] and field["isBeside"] for field in fields.values()), fields
    assert not serious_violations(page)


def test_the_message_after_a_change_passes_axe(
    demo_site: dict[str, User | None],  # noqa: F811
    live_server: str,
    new_page: Callable[..., Page],
) -> None:
    """Pages after a POST are no crawl's: the one after saving a new lead shows a message."""
    page = new_page()
    admin = demo_site["admin"]
    assert admin is not None
    log_in(page, live_server, admin)
    page.goto(f"{live_server}/leads/new")
    page.get_by_label("Name").first.fill("Demo: Accessible Isotopes GmbH")
    page.locator("main form[method=post] [type=submit]").last.click()
    expect(page.get_by_role("status")).to_be_visible()
    assert not serious_violations(page)


FOCUSED = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  return {
    element: element.outerHTML.slice(0, 80),
    isInMain: Boolean(element.closest("main")),
    ring: style.outlineStyle === "none" ? 0 : parseFloat(style.outlineWidth),
  };
}"""
KEYS_PRESSED = 16  # past the navigation, through the form's fields


def test_the_keyboard_skips_to_the_content_and_always_shows_where_it_is(
    demo_site: dict[str, User | None],  # noqa: F811
    live_server: str,
    new_page: Callable[..., Page],
) -> None:
    page = new_page()
    page.goto(f"{live_server}/events/demo-site-tour/register")
    seen = []
    for _ in range(KEYS_PRESSED):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(FOCUSED))
    assert "skip-link" in seen[0]["element"]
    assert all(focused["ring"] >= 2 for focused in seen), seen
    assert any(focused["isInMain"] for focused in seen)

    page.reload()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["isInMain"], "the skip link leads past the navigation"
