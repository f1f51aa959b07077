"""Which language a page speaks: ``?lang=``, then the visitor's choice, then the browser."""

from flask import current_app, request, session
from flask_babel import refresh


def forget_cached_locale() -> None:
    """Flask-Babel caches the locale per application context; decide afresh for each request."""
    refresh()


def select_locale() -> str | None:
    languages = current_app.config["LANGUAGES"]
    asked = request.args.get("lang")
    if asked in languages:
        session["lang"] = asked
        return asked
    if session.get("lang") in languages:
        return session["lang"]
    return request.accept_languages.best_match(languages)
