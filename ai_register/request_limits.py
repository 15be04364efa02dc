"""Limits on request bodies that the JSON parsers do not enforce themselves.

Python's json module recurses once per nesting level, so a small body of many `[` reaches the
interpreter's recursion limit (RecursionError, a 500) inside Flask or webargs. The request hook in
`create_app` refuses such bodies first, with 400.
"""

from __future__ import annotations

import re

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
