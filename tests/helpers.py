"""Helpers for driving forms the way a browser does, CSRF token included."""

import re
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(html: str) -> str:
    found = CSRF_FIELD.search(html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def submit_form(
    client: FlaskClient, url: str, data: dict[str, Any], *, form_page: str | None = None
) -> TestResponse:
    """Open the page with the form (``url`` unless ``form_page``), then post ``data`` to ``url``."""
    page = client.get(form_page or url, follow_redirects=True)
    token = csrf_token(page.text)
    return client.post(url, data={"csrf_token": token, **data})
