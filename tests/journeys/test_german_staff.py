"""A staff member who works in German chooses it on their account page and then meets no English
on any staff page of the demo data: no visible text, label or button reads as an English message
whose German differs."""

import re
from collections.abc import Callable
from urllib.parse import urldefrag, urlsplit

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import Page, expect

from crm.auth.models import Role, User
from tests.conftest import CATALOGUES, TEST_PASSWORD

# Downloads, machine-readable answers and pages that are not the staff desk.
NOT_STAFF_PAGES = re.compile(r"\.(csv|ics|json)$|^/api/|^/logout|^/events/|^/r/|^/static/")
# What a person reads on a page: its visible text, and the words of its controls; text marked as
# written in another language (a mail's subject in its recipient's) is not the page's.
SHOWN_WORDS = """() => {
  const words = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    const language = parent && parent.closest("[lang]").getAttribute("lang");
    if (parent && language === "de" && parent.checkVisibility() && node.textContent.trim()) {
      words.push(node.textContent.trim());
    }
  }
  for (const element of document.querySelectorAll("[aria-label], [placeholder], [title]")) {
    for (const name of ["aria-label", "placeholder", "title"]) {
      if (element.getAttribute(name)) words.push(element.getAttribute(name).trim());
    }
  }
  for (const element of document.querySelectorAll("option, input[type=submit]")) {
    words.push((element.textContent || element.value).trim());
  }
  words.push(document.title);
  return words.filter((word) => word);
}"""
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|\{\w+(?:![rs])?\}")
# A message with placeholders counts when its own words are this long: "Check in %(name)s" would
# match any task a person titled "Check in after the board meeting".
SHORTEST_WORDS_AROUND_VALUES = 12


def english_messages() -> list[tuple[str, re.Pattern[str]]]:
    """Each English message whose German differs, as a pattern a whole text matches."""
    with (CATALOGUES / "de" / "LC_MESSAGES" / "messages.po").open("rb") as file:
        catalogue = read_po(file)
    found = []
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for english in ids:
            if english in strings:
                continue
            parts = PLACEHOLDER.split(english.replace("%%", "%"))
            if len(parts) > 1 and len("".join(parts)) < SHORTEST_WORDS_AROUND_VALUES:
                continue
            pattern = ".+".join(re.escape(part) for part in parts)
            found.append((english, re.compile(rf"{pattern}", re.DOTALL)))
    return found


def english_on(page: Page, messages: list[tuple[str, re.Pattern[str]]]) -> list[str]:
    words = page.evaluate(SHOWN_WORDS)
    return sorted(
        {
            f"{word!r} (English {english!r})"
            for word in words
            for english, pattern in messages
            if pattern.fullmatch(word)
        }
    )


def staff_links(page: Page, origin: str) -> set[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map((link) => link.href)")
    found = set()
    for href in hrefs:
        url, _ = urldefrag(href)
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != origin or NOT_STAFF_PAGES.search(parts.path):
            continue
        found.add(url)
    return found


@pytest.fixture
def german_admin(create_user: Callable[..., User]) -> User:
    """Created before the demo data, so the demo leads, tasks and links are theirs."""
    return create_user(Role.admin, name="Jana Richter", email="jana.richter@wfs.example")


@pytest.fixture
def demo(german_admin: User, demo: None) -> None:
    """The staff member's account exists before the demo data."""


def test_a_staff_member_who_chose_german_meets_no_english_on_any_staff_page(
    demo: None, german_admin: User, live_server: str, page: Page
) -> None:
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(german_admin.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name=german_admin.name).click()
    page.get_by_label("Your language").select_option("de")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("Ihre Einstellungen sind gespeichert.")
    expect(page.locator("html")).to_have_attribute("lang", "de")

    messages = english_messages()
    seen: set[str] = set()
    to_visit = [f"{live_server}/dashboard"]
    untranslated: dict[str, list[str]] = {}
    while to_visit:
        url = to_visit.pop()
        # One visit per page, whatever its filters or page number.
        address = urlsplit(url).path
        if address in seen:
            continue
        seen.add(address)
        response = page.goto(url)
        assert response is not None and response.ok, f"{url}: {response and response.status}"
        if found := english_on(page, messages):
            untranslated[address] = found
        to_visit.extend(staff_links(page, live_server))
    assert len(seen) > 20, f"only {len(seen)} staff pages were reached: {sorted(seen)}"
    assert not untranslated, "English on the pages of a staff member who works in German:\n" + (
        "\n".join(f"{address}: {', '.join(words)}" for address, words in untranslated.items())
    )
