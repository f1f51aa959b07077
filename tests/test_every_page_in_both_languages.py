"""Every page of the route table renders in English and in German: each caller, with the
language of their browser and (staff) of their account, gets the status the table names and a
page in that language."""

from typing import Any

import pytest
from sqlalchemy import update

from crm.auth.models import User
from crm.extensions import db
from tests.test_route_table import (  # the route table's world and its callers
    Ask,
    Caller,
    World,
    all_rows,
    app_config,  # noqa: F401
    default_values,
    request_alone,
    url_for_row,
    world,  # noqa: F401
)


def each_get(built: World, callers: dict[str, Caller]) -> list[tuple[Caller, str, Ask, int]]:
    """Every GET of the table as every caller it names: (caller, URL, how, expected status)."""
    asked = []
    for row in all_rows():
        if row.method != "GET":
            continue
        for name, caller in callers.items():
            expected = getattr(row.expected, name)
            if expected is None:
                continue
            for listed in row.how.each() if row.how.each else [{}]:
                values = default_values(built, row.rule, name) | listed
                if row.how.values:
                    values |= row.how.values(built, name)
                asked.append((caller, url_for_row(row.rule, values), row.how, expected))
    return asked


@pytest.mark.parametrize("language", ["en", "de"])
def test_every_page_renders_in_each_language(
    world: tuple[World, dict[str, Caller]],  # noqa: F811
    language: str,
) -> None:
    built, callers = world
    db.session.execute(update(User).values(language=language))
    db.session.commit()
    problems: list[str] = []
    for caller, url, how, expected in each_get(built, callers):
        headers = how.headers(built, caller.name) if how.headers else {}
        options: dict[str, Any] = {
            "headers": headers | {"Accept-Language": language},
            "query_string": how.query,
        }
        if how.json:
            options["json"] = how.json(built, caller.name)
        try:
            response = request_alone(caller.client, url, **options)
        except Exception as error:
            db.session.rollback()
            problems.append(f"{caller.name} {built.shown(url)}: raised {error!r}")
            continue
        if response.status_code != expected:
            problems.append(
                f"{caller.name} {built.shown(url)}: expected {expected}, got {response.status_code}"
            )
        elif (
            not 300 <= response.status_code < 400
            and not url.startswith("/api/")  # the API reference is Swagger UI's own page
            and response.mimetype == "text/html"
            and f'<html lang="{language}">' not in response.text
        ):
            problems.append(f"{caller.name} {built.shown(url)}: not a page in {language}")
    assert not problems, f"{len(problems)} pages failed in {language}:\n" + "\n".join(problems)
