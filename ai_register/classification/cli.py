"""The database side of `flask rules impact`: the command itself lives in the rules CLI group."""

from __future__ import annotations

from ai_register.classification import impact
from ai_register.classification.rulesets import active_ruleset, ruleset_ref
from ai_register.extensions import db
from ai_register.rules.ruleset import RuleSet


def run_impact(*, apply: bool, ruleset: RuleSet | None = None) -> dict:
    """The impact report of `ruleset` (default: the active one); with `apply`, flag the solutions,
    notify their owners and commit. A candidate rule set is only previewed."""
    active = active_ruleset()
    candidate = ruleset is not None and ruleset.sha256 != active.sha256
    if not apply or candidate:
        report = {**impact.impact(ruleset), "applied": False, "flagged": [], "run_id": None}
        db.session.rollback()
    else:
        report = impact.apply_impact()
        db.session.commit()
    return {**report, "candidate": candidate, "active_ruleset": ruleset_ref(active)}
