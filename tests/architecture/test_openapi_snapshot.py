"""The API's spec is committed (docs/openapi.json), so every change to it shows in review as a diff."""

from __future__ import annotations

import difflib
import importlib.util
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
