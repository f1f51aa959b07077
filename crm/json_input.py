"""JSON request bodies read with limits, so hostile JSON is a 400 and never a 500.

Python's parser recurses once per nesting level and turns any run of digits into an integer, so
a body nested a thousand deep or a number of thousands of digits would end in an error deep
inside it. Here both are refused as invalid JSON (``json.JSONDecodeError``, a ``ValueError``, which
Flask and webargs answer with 400).
"""

import json
import math
from typing import Any

from flask.json.provider import DefaultJSONProvider

MAX_DEPTH = 32
MAX_NUMBER_LENGTH = 30


def _refuse(why: str, document: str) -> json.JSONDecodeError:
    return json.JSONDecodeError(why, document, 0)


def _depth(value: Any) -> int:
    """How deeply arrays and objects nest in ``value``, counted without recursion."""
    deepest = 0
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            children = item.values() if isinstance(item, dict) else item
            pending.extend((child, depth + 1) for child in children)
    return deepest


def loads(document: str | bytes) -> Any:
    text = document.decode() if isinstance(document, bytes) else document

    def number(kind: type[int] | type[float]) -> Any:
        def parse(digits: str) -> int | float:
            if len(digits) > MAX_NUMBER_LENGTH:
                raise _refuse(f"Numbers have at most {MAX_NUMBER_LENGTH} characters", text)
            parsed = kind(digits)
            if not math.isfinite(parsed):
                raise _refuse(f"{digits} is beyond the numbers JSON carries here", text)
            return parsed

        return parse

    def constant(name: str) -> Any:
        raise _refuse(f"{name} is not a JSON number", text)

    try:
        value = json.loads(
            text, parse_int=number(int), parse_float=number(float), parse_constant=constant
        )
    except RecursionError as error:
        raise _refuse(f"Arrays and objects nest at most {MAX_DEPTH} deep", text) from error
    if _depth(value) > MAX_DEPTH:
        raise _refuse(f"Arrays and objects nest at most {MAX_DEPTH} deep", text)
    return value


class LimitedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, reading request bodies through ``loads`` above."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return loads(s)
