"""Fixtures of the rules-engine tests: pure, no app and no database."""

from __future__ import annotations

import pytest

from ai_register.rules.loader import load_ruleset
from ai_register.rules.ruleset import RuleSet


@pytest.fixture(scope="session")
def ruleset() -> RuleSet:
    return load_ruleset()
