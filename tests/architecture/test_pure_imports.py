"""The pure core (rule engine, lifecycle, audit hash chain, incident duties) needs neither the web
framework nor the database: it imports, and does its work, with Flask, werkzeug, SQLAlchemy and
marshmallow made unimportable. Each check runs in a fresh interpreter, so nothing the suite has already
imported can hide a dependency."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

BLOCKED = ("flask", "flask_babel", "flask_login", "flask_migrate", "flask_smorest", "flask_sqlalchemy",
           "flask_wtf", "flask_limiter", "werkzeug", "sqlalchemy", "marshmallow", "wtforms")

PURE_MODULES = (
    "ai_register.rules.builder",
    "ai_register.rules.citations",
    "ai_register.rules.conditions",
    "ai_register.rules.contract",
    "ai_register.rules.evaluator",
    "ai_register.rules.loader",
    "ai_register.rules.questionnaire",
    "ai_register.rules.ruleset",
    "ai_register.rules.shapes",
    "ai_register.solutions.lifecycle",
    "ai_register.solutions.lifecycle.labels",
    "ai_register.solutions.lifecycle.unmet",
    "ai_register.solutions.lifecycle.phases",
    "ai_register.solutions.lifecycle.decisions",
    "ai_register.solutions.lifecycle.facts",
    "ai_register.solutions.lifecycle.evidence_table",
    "ai_register.solutions.lifecycle.gates",
    "ai_register.literacy.rules",
    "ai_register.fria.rules",
    "ai_register.obligations.rules",
    "ai_register.monitoring.rules",
    "ai_register.suppliers.rules",
    "ai_register.audit.chain",
    "ai_register.incidents.duties",
)

_GUARD = textwrap.dedent(f"""
    import sys

    BLOCKED = {BLOCKED!r}

    class _Unimportable:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ModuleNotFoundError(f"{{name}} is made unimportable for this test", name=name)
            return None

    sys.meta_path.insert(0, _Unimportable())
""")


def _run(body: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", _GUARD + textwrap.dedent(body)], cwd=ROOT,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=120)


def test_the_guard_really_blocks():
    result = _run("import flask")
    assert result.returncode != 0
    assert "made unimportable" in result.stderr


@pytest.mark.parametrize("module", PURE_MODULES)
def test_pure_module_imports_without_web_or_database(module):
    result = _run(f"""
        import importlib
        importlib.import_module({module!r})
        leaked = sorted(name for name in sys.modules if name.split(".")[0] in BLOCKED)
        assert not leaked, leaked
    """)
    assert result.returncode == 0, result.stderr


# A module whose docstring calls it pure ("…, pure: no Flask", "Pure: numbers in, …", "Pure (no Flask)").
SAYS_PURE = re.compile(r"(?:^|, |\. |\n)pure\b(?=[:.,;]| \()", re.IGNORECASE)


def _modules_that_say_they_are_pure() -> list[str]:
    found = []
    for path in sorted((ROOT / "ai_register").rglob("*.py")):
        docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        if SAYS_PURE.search(docstring):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return found


def test_the_docstring_check_finds_what_says_pure():
    assert SAYS_PURE.search("Benefit realisation, pure: measured values")
    assert SAYS_PURE.search("Geometry for charts. Pure: numbers in, coordinates out.")
    assert SAYS_PURE.search("Pure (no Flask): the web layer opens it")
    assert not SAYS_PURE.search("The pure lifecycle decides; this module collects values.")
    assert {"ai_register.exceptions", "ai_register.audit.chain"} <= set(_modules_that_say_they_are_pure())


def test_every_module_that_says_it_is_pure_is():
    """A module's docstring that calls it pure is a promise a reader relies on (and a pure module may import
    it): each one imports with the web framework and the database made unimportable. One interpreter for
    all of them (a blocked import fails wherever it happens, so sharing one hides nothing)."""
    modules = _modules_that_say_they_are_pure()
    result = _run(f"""
        import importlib

        failed = {{}}
        for module in {modules!r}:
            try:
                importlib.import_module(module)
            except ImportError as exc:
                failed[module] = str(exc)
        leaked = sorted(name for name in sys.modules if name.split(".")[0] in BLOCKED)
        assert not failed and not leaked, (failed, leaked)
    """)
    assert result.returncode == 0, result.stderr


def test_package_import_is_light():
    """`import ai_register` pulls in no Flask; the factory is reached only on first use."""
    result = _run("""
        import ai_register
        assert "ai_register.app" not in sys.modules
    """)
    assert result.returncode == 0, result.stderr


def test_pure_core_works_without_web_or_database():
    """Not only importable: the rule set loads and evaluates, the lifecycle answers, a chain verifies and
    incident duties are assessed, all without Flask or the database."""
    result = _run("""
        from datetime import date, datetime, timezone

        from ai_register.audit.chain import GENESIS_HASH, link_hash, verify_chain
        from ai_register.rules.loader import load_ruleset
        from ai_register.solutions.lifecycle.decisions import DecisionKind, plan_decision
        from ai_register.solutions.lifecycle.facts import GateFacts
        from ai_register.solutions.lifecycle.gates import evaluate_transition
        from ai_register.solutions.lifecycle.phases import Phase, Status, allowed_targets

        ruleset = load_ruleset()
        assert ruleset.rules

        from ai_register.audit.chain import HASHED_FIELDS

        event = dict.fromkeys(HASHED_FIELDS)
        event.update(id=1, position=1, occurred_at=datetime(2026, 1, 1, tzinfo=timezone.utc),
                     action="solution.created", data={"name": "Triage"}, prev_hash=GENESIS_HASH)
        event["hash"] = link_hash(GENESIS_HASH, event)
        assert verify_chain([event]).intact
        tampered = {**event, "data": {"name": "Other"}}
        assert not verify_chain([tampered]).intact

        assert allowed_targets(Phase.NEEDS_ANALYSIS, Status.ACTIVE)
        unmet = evaluate_transition(Phase.NEEDS_ANALYSIS, Status.ACTIVE, Phase.PILOT, GateFacts(), date(2026, 1, 1))
        assert "need_statement_missing" in {u.code for u in unmet}
        assert plan_decision(DecisionKind.PAUSE, Phase.PILOT, Status.ACTIVE).new_status is Status.PAUSED

        from ai_register.incidents import duties

        facts = duties.IncidentFacts(became_aware_at=datetime(2026, 3, 2, 9, tzinfo=timezone.utc),
                                     patient_harm=duties.PatientHarm.DEATH)
        assert duties.duties(facts)
    """)
    assert result.returncode == 0, result.stderr
