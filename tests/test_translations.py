"""The German catalogue holds every word of the code and templates, each translated, none fuzzy;
English is the source language, so its words are the message ids."""

import re
import subprocess
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from tests.conftest import CATALOGUES

PROJECT = CATALOGUES.parent.parent
LANGUAGES = ("de",)
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|\{\w+(?:![rs])?(?::[^}]*)?\}")


def catalogue(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file)


def ids(found: Catalog) -> set[tuple[str | None, str]]:
    """Each message as (context, singular id)."""
    return {
        (message.context, message.id if isinstance(message.id, str) else message.id[0])
        for message in found
        if message.id
    }


def extracted(tmp_path: Path) -> Catalog:
    template = tmp_path / "messages.pot"
    subprocess.run(
        ["bash", "scripts/translations", "extract", str(template)], cwd=PROJECT, check=True
    )
    return catalogue(template)


def translations(language: str) -> Catalog:
    return catalogue(CATALOGUES / language / "LC_MESSAGES" / "messages.po")


def test_every_word_of_the_code_is_in_each_catalogue_and_no_other(tmp_path: Path) -> None:
    in_code = ids(extracted(tmp_path))
    for language in LANGUAGES:
        in_catalogue = ids(translations(language))
        missing = sorted(in_code - in_catalogue, key=str)
        stale = sorted(in_catalogue - in_code, key=str)
        assert not missing and not stale, (
            f"{language}: the catalogue is out of date with the code; run "
            f"'bash scripts/translations update' and translate.\n"
            f"missing: {missing}\nno longer in the code: {stale}"
        )


def test_every_message_is_translated_and_none_is_fuzzy() -> None:
    for language in LANGUAGES:
        found = translations(language)
        untranslated = [
            message.id
            for message in found
            if message.id
            and not all(message.string if isinstance(message.string, tuple) else (message.string,))
        ]
        fuzzy = [message.id for message in found if message.id and message.fuzzy]
        assert not untranslated, f"{language}: not translated: {untranslated}"
        assert not fuzzy, f"{language}: fuzzy, check and confirm: {fuzzy}"


def placeholders(text: str) -> set[str]:
    """``%(name)s`` of gettext and ``{name}`` of the refusals' templates."""
    return set(PLACEHOLDER.findall(text))


def test_every_translation_keeps_the_placeholders_of_its_message() -> None:
    for language in LANGUAGES:
        problems = []
        for message in translations(language):
            if not message.id:
                continue
            sources = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            wanted = set().union(*(placeholders(source) for source in sources))
            for string in strings:
                # A singular may leave the count out ("Noch ein Platz frei").
                if placeholders(string) - wanted or wanted - placeholders(string) - {"%(num)d"}:
                    problems.append(f"{message.id!r} -> {string!r}")
        assert not problems, f"{language}: placeholders differ:\n" + "\n".join(problems)
