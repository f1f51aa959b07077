"""How gunicorn serves the application (``gunicorn.conf.py`` uses this): no product name in the
``Server`` header, and no private registration link in the access log."""

import re
from typing import Any

import gunicorn.http.wsgi
from gunicorn.glogging import Logger

SERVER_HEADER = "web"
# /r/<token>: the private manage link of a registration, as mailed (a signed token).
PRIVATE_LINK = re.compile(r"/r/[^/?#\s\"]{8,}")
HIDDEN = "/r/[hidden]"


def hide_product_name() -> None:
    """gunicorn names itself (and so its version's flaws) in every answer's ``Server`` header."""
    gunicorn.http.wsgi.SERVER = SERVER_HEADER


def without_private_links(text: str) -> str:
    return PRIVATE_LINK.sub(HIDDEN, text)


class AccessLog(Logger):
    """gunicorn's logger, writing the request line, path and Referer without private links."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        return {
            key: without_private_links(value) if isinstance(value, str) else value
            for key, value in atoms.items()
        }
