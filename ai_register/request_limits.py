"""Limits on request bodies that the JSON parsers do not enforce themselves.

Python's json module recurses once per nesting level, so a small body of many `[` reaches the
interpreter's recursion limit (RecursionError, a 500) inside Flask or webargs. The request hook in
`create_app` refuses such bodies first, with 400.

It also refuses, with 400, JSON that parses in Python but cannot be used: a string with a lone UTF-16
surrogate (`"\\ud800"`, valid JSON syntax, but no Unicode text: encoding it for the database or a
log fails) and an integer literal longer than Python's int conversion limit (4,300 digits, a
ValueError inside the parser).
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

MAX_JSON_DEPTH = 64  # far beyond any body of this API (answers objects nest three levels)
_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")


def json_nesting_exceeds(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when arrays and objects in `body` nest deeper than `limit` (brackets in strings ignored)."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False  # too few brackets to nest that deep: the common case costs two scans in C
    depth = 0
    for bracket in _BRACKETS.findall(_STRINGS.sub(b"", body)):
        depth += 1 if bracket in (b"[", b"{") else -1
        if depth > limit:
            return True
    return False


def _has_lone_surrogate(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def unusable_json(body: bytes) -> str | None:
    """Why a JSON body cannot be used as text and numbers (None when it can, or when it is not JSON at
    all: the parsers report malformed JSON themselves)."""
    if not body:
        return None
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "The JSON body is not valid UTF-8."
    try:
        value = json.loads(text)
    except ValueError as exc:
        if "digits" in str(exc):
            return (f"The JSON body holds an integer longer than {sys.get_int_max_str_digits()} digits, "
                    "which no field accepts.")
        return None
    if _has_lone_surrogate(value):
        return "The JSON body holds a string with a lone surrogate (\\ud800-\\udfff), which is not text."
    return None
