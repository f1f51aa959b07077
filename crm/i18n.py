"""Which language a page speaks: ``?lang=``, then the visitor's choice, then the browser."""

from flask import current_app, request, session


def select_locale() -> str | None:
    languages = current_app.config["LANGUAGES"]
    asked = request.args.get("lang")
    if asked in languages:
        session["lang"] = asked
        return asked
    if session.get("lang") in languages:
        return session["lang"]
    return request.accept_languages.best_match(languages)
