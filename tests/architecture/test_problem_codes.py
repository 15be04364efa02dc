"""Every `code` a problem can carry is declared in the spec (the Problem schema's `code` member), so a
client learns each reason from the spec, not from reading the code: the refusals' own codes
(`ai_register/exceptions.py`), a code given where one is raised (`code="…"`), and the codes of problems
no refusal names (`errors.STATUS_CODES`)."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

from ai_register import exceptions
from ai_register.errors import STATUS_CODES
from ai_register.openapi import ProblemSchema

PACKAGE = Path(__file__).resolve().parents[2] / "ai_register"
CODE_ARGUMENT = re.compile(r"\bcode=\"([a-z_]+)\"")  # a code given where a refusal is raised


def _raised_codes() -> set[str]:
    codes = {kind.code for _, kind in inspect.getmembers(exceptions, inspect.isclass)
             if issubclass(kind, exceptions.DomainError) and kind is not exceptions.DomainError}
    codes |= set(STATUS_CODES.values())
    for path in PACKAGE.rglob("*.py"):
        codes |= set(CODE_ARGUMENT.findall(path.read_text(encoding="utf-8")))
    return codes


def test_every_problem_code_is_declared_in_the_spec():
    declared = set(re.findall(r"`([a-z_]+)`", ProblemSchema().fields["code"].metadata["description"]))
    missing = sorted(_raised_codes() - declared)
    assert not missing, f"codes raised but not listed in ProblemSchema.code's description: {missing}"


FOUR_EYES_BARS = {"answered", "submitted", "requested", "owner", "cooling_off"}


def test_every_four_eyes_refusal_says_which_bar():
    """A four-eyes refusal names its bar in `because` (exceptions.FourEyes), so a page or a client tells "you
    wrote it" from "you own it" without reading `detail`: every `FourEyes(...)` raised gives one of them."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "FourEyes":
                because = next((k.value for k in node.keywords if k.arg == "because"), None)
                # a literal, or an expression choosing between literals (`"answered" if … else "submitted"`)
                values = {n.value for n in ast.walk(because) if isinstance(n, ast.Constant)} if because else set()
                found[f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"] = values
    assert found and all(values and values <= FOUR_EYES_BARS for values in found.values()), found
