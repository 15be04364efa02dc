"""The database side of `flask rules impact`: the command itself lives in the rules CLI group."""

from __future__ import annotations

from ai_register.classification import services
from ai_register.extensions import db


def run_impact(*, apply: bool) -> dict:
    """The impact report of the active rule set; with `apply`, flag the solutions and commit."""
    if not apply:
        report = {**services.impact(), "applied": False, "flagged": [], "run_id": None}
        db.session.rollback()
        return report
    report = services.apply_impact()
    db.session.commit()
    return report
