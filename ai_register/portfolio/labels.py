"""The portfolio's codes as words: an overdue item of a solution."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ai_register.solutions.labels import evidence_label


def overdue_label(code: str) -> str:
    """An overdue item of the portfolio ("review_overdue", "evidence_expired:dpia", "continuity:…")."""
    kind, _sep, rest = code.partition(":")
    if code == "review_overdue":
        return str(_l("Periodic review overdue"))
    if code == "trustworthy_assessment_refresh_due":
        return str(_l("Trustworthy-AI assessment to refresh"))
    if kind == "evidence_expired":
        return str(_l("Expired: %(kind)s", kind=evidence_label(rest)))
    if kind == "continuity":
        what = rest.partition(":")
        if what[0] == "evidence_missing":
            return str(_l("Missing: %(kind)s", kind=evidence_label(what[2])))
        if rest == "recovery_plan_test_missing":
            return str(_l("Recovery plan not tested"))
    return code.replace("_", " ")
