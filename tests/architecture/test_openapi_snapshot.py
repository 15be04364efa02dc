"""The API's spec is committed (docs/openapi.json), so every change to it shows in review as a diff."""

from __future__ import annotations

import difflib
import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _tool():
    spec = importlib.util.spec_from_file_location("openapi_snapshot", ROOT / "tools" / "openapi_snapshot.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_spec_matches_the_committed_snapshot():
    tool = _tool()
    committed = tool.SNAPSHOT.read_text(encoding="utf-8")
    live = tool.current_spec()
    if live != committed:
        diff = "".join(list(difflib.unified_diff(committed.splitlines(True), live.splitlines(True),
                                                 "docs/openapi.json", "live spec"))[:80])
        raise AssertionError("The API's spec changed. If that is intended, run "
                             "`PYTHONPATH=$PWD .venv/bin/python tools/openapi_snapshot.py` and commit "
                             f"docs/openapi.json with the change.\n{diff}")


# Members that take any JSON value (a marshmallow `Raw` field), by schema: the spec rightly gives no type.
ANY_VALUE = {("Decision", "follow_up_data"), ("EuField", "value"), ("NotificationField", "value"),
             ("RulesetDetail", "files")}


def test_every_member_of_an_answer_says_its_type():
    """A computed member (`apikit.Shown`, `fields.Method`/`Function`) declares what it returns, so the
    spec tells a client its type like any column's."""
    schemas = json.loads((ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))["components"]["schemas"]
    untyped = sorted((name, member) for name, schema in schemas.items()
                     for member, prop in (schema.get("properties") or {}).items()
                     if not {"type", "$ref", "allOf", "oneOf", "anyOf"} & prop.keys())
    assert untyped == sorted(ANY_VALUE)
