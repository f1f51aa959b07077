"""Reading HTML as a browser would, for tests: the forms of a page with their fields, and the
markup in a page that would run script (an inline ``<script>``, an ``on…=`` handler, a
``javascript:`` link), which a page of this application never has (its CSP forbids inline
script), so any found came from what someone typed."""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

# Inputs a person types into; each takes any text a hostile client sends instead.
TYPED = {
    "text",
    "search",
    "email",
    "url",
    "tel",
    "password",
    "number",
    "date",
    "datetime-local",
    "time",
    "month",
    "week",
    "color",
    "hidden",
    "textarea",
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "srcdoc"}
RUNNING_SCHEMES = re.compile(r"^(javascript|vbscript|data:text/html)", re.IGNORECASE)
# What browsers drop from a URL before reading its scheme.
IGNORED_IN_URLS = re.compile(r"[\x00-\x20]")
EMBEDDING_TAGS = {"iframe", "object", "embed", "base", "frame", "applet"}


@dataclass
class Field:
    """One named control: ``kind`` is the input type (``textarea``, ``select``, ``checkbox``,
    ``submit``…), ``value`` what the page filled in, ``options`` the values a select or radio
    group offers and ``chosen`` those the page marked."""

    name: str
    kind: str
    value: str = ""
    options: list[str] = field(default_factory=list)
    chosen: list[str] = field(default_factory=list)
    is_multiple: bool = False

    @property
    def is_typed(self) -> bool:
        return self.kind in TYPED and self.name != "csrf_token"


@dataclass
class Form:
    page: str  # the URL of the page the form is on
    action: str  # path and query the form posts to
    method: str
    is_multipart: bool
    fields: list[Field] = field(default_factory=list)

    def named(self, name: str) -> Field | None:
        return next((found for found in self.fields if found.name == name), None)

    @property
    def path(self) -> str:
        return urlsplit(self.action).path

    @property
    def typed_fields(self) -> list[Field]:
        return [found for found in self.fields if found.is_typed or found.kind == "file"]

    @property
    def csrf_token(self) -> str:
        token = self.named("csrf_token")
        return token.value if token else ""


class _FormReader(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.text_of: Field | None = None  # the textarea or option whose text is being read
        self.option: tuple[Field, str | None, bool] | None = None
        self.option_text = ""
        self.select: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = {key: value or "" for key, value in attrs}
        if tag == "form":
            action = urljoin(self.page, named.get("action") or self.page)
            parts = urlsplit(action)
            self.form = Form(
                self.page,
                parts.path + (f"?{parts.query}" if parts.query else ""),
                (named.get("method") or "get").upper(),
                named.get("enctype") == "multipart/form-data",
            )
            self.forms.append(self.form)
            return
        if self.form is None or "disabled" in named:
            return
        if tag in {"input", "button"} and named.get("name"):
            self._control(tag, named)
        elif tag == "textarea" and named.get("name"):
            self.text_of = Field(named["name"], "textarea")
            self.form.fields.append(self.text_of)
        elif tag == "select" and named.get("name"):
            self.select = Field(named["name"], "select", is_multiple="multiple" in named)
            self.form.fields.append(self.select)
        elif tag == "option" and self.select is not None:
            self._end_option()
            self.option = (self.select, named.get("value"), "selected" in named)
            self.option_text = ""

    def _control(self, tag: str, named: dict[str, str]) -> None:
        assert self.form is not None
        kind = named.get("type", "text" if tag == "input" else "submit").lower()
        if kind in {"reset", "image"} or (tag == "button" and kind == "button"):
            return
        name, value = named["name"], named.get("value", "on" if kind == "checkbox" else "")
        grouped = self.form.named(name) if kind in {"radio", "checkbox"} else None
        if grouped is not None and grouped.kind == kind:
            grouped.options.append(value)
            grouped.is_multiple = grouped.is_multiple or kind == "checkbox"
            grouped.chosen += [value] if "checked" in named else []
            return
        chosen = [value] if "checked" in named else []
        options = [value] if kind in {"radio", "checkbox", "submit"} else []
        self.form.fields.append(Field(name, kind, value, options, chosen))

    def _end_option(self) -> None:
        if self.option is not None:
            select, value, selected = self.option
            value = self.option_text.strip() if value is None else value
            select.options.append(value)
            select.chosen += [value] if selected else []
            self.option = None

    def handle_data(self, data: str) -> None:
        if self.text_of is not None:
            self.text_of.value += data
        if self.option is not None:
            self.option_text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.form = None
        elif tag == "textarea" and self.text_of is not None:
            # The line break HTML drops after the opening tag (WTForms writes one).
            self.text_of.value = re.sub(r"^\r?\n", "", self.text_of.value)
            self.text_of = None
        elif tag == "option":
            self._end_option()
        elif tag == "select":
            self._end_option()
            self.select = None


def forms_of(page: str, html: str) -> list[Form]:
    """The forms of a page, read from its HTML (``page`` is its URL, for relative actions)."""
    reader = _FormReader(page)
    reader.feed(html)
    reader.close()
    return reader.forms


class _ScriptFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = {key: value or "" for key, value in attrs}
        if tag == "script" and not named.get("src", "").startswith("/static/"):
            self.found.append(f"a <script> not from /static/: {self.get_starttag_text()}")
        if tag in EMBEDDING_TAGS:
            self.found.append(f"an embedding tag: {self.get_starttag_text()}")
        for key, value in named.items():
            if key.startswith("on"):
                self.found.append(f"an event handler: {self.get_starttag_text()}")
            elif key in URL_ATTRIBUTES and RUNNING_SCHEMES.match(IGNORED_IN_URLS.sub("", value)):
                self.found.append(f"a link that runs script: {self.get_starttag_text()}")

    handle_startendtag = handle_starttag


def running_markup(html: str) -> list[str]:
    """Each piece of the page that would run script, described with the tag as written."""
    finder = _ScriptFinder()
    finder.feed(html)
    finder.close()
    return finder.found


# A whole opening tag that loads script or has an event handler, as typed.
RUNNING_TAG = re.compile(r"<(?:script\b|[a-z][^<>]*\bon\w+\s*=)[^<>]*>", re.IGNORECASE)


def running_tags_in(text: str) -> list[str]:
    """The tags typed into a text that would run script, were they in a page unescaped."""
    return RUNNING_TAG.findall(text)
