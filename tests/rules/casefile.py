"""Reading classification case files and comparing results with their expectations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
GOLDEN_COPY = HERE / "golden" / "classification-cases-v1.1.json"
EXTRA_CASES = HERE / "cases" / "extra-cases.json"
# The shared original beside the checkout (../shared); the suite tests the copy above.
SHARED_GOLDEN = Path(__file__).resolve().parents[3] / "shared" / "golden" / "classification-cases-v1.1.json"

# The fields the scorer (shared/tools/check_classification.py) compares; lists order-free.
SCORED = [
    ("ai_act", "category"),
    ("ai_act", "routes"),
    ("ai_act", "art6_3_exemption"),
    ("ai_act", "transparency"),
    ("medical_device", "regulation"),
    ("medical_device", "class"),
]
# Compared as well whenever a case gives them.
OPTIONAL = [
    ("ai_act", "gpai"),
    ("medical_device", "rule"),
    ("medical_device", "notified_body"),
    ("needs_review",),
    ("missing",),
]
_ABSENT = object()


def load_cases(path: Path) -> list[dict[str, Any]]:
    return json.loads(path.read_text(encoding="utf-8"))


def _dig(value: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return _ABSENT
        value = value[key]
    return value


def _normalised(value: Any) -> Any:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return sorted(value)
    return value


def mismatches(case: dict[str, Any], result: dict[str, Any]) -> list[str]:
    problems = []
    for path in SCORED + OPTIONAL:
        expected = _dig(case["expected"], path)
        if expected is _ABSENT:
            if path in SCORED:
                problems.append(f"{'.'.join(path)}: the case gives no expectation")
            continue
        got = _dig(result, path)
        # `type` keeps False apart from 0 and None, as the scorer does
        if _normalised(expected) != _normalised(got) or type(expected) is not type(got):
            problems.append(f"{'.'.join(path)}: expected {json.dumps(expected)}, got {json.dumps(got)}")
    return problems
