"""Pure rules of obligation records: due dates, what counts as closed, overdue, and what a status
needs. No Flask, no database."""

from __future__ import annotations

from datetime import date, timedelta

OPEN, IN_PROGRESS, MET, NOT_APPLICABLE = "open", "in_progress", "met", "not_applicable"
STATUSES = (OPEN, IN_PROGRESS, MET, NOT_APPLICABLE)

# An obligation that already applies when it opens (a rule-set change adds Art 4, say) gets this many
# days from the day it opened; the region sets the period (AI_REGISTER_OBLIGATION_DUE_DAYS).
DEFAULT_DUE_DAYS = 90


def due_on(applies_from: date | None, opened_on: date, due_days: int, condition: str | None = None) -> date | None:
    """The date it applies from, or, when it already applies on the day it opened, `due_days` later.
    An obligation that applies only once a condition holds (Art 111(2): a significant change) has no
    due date until then."""
    if applies_from is None:
        return None if condition else opened_on + timedelta(days=due_days)
    if applies_from > opened_on:
        return applies_from
    return opened_on + timedelta(days=due_days)


def is_closed(status: str, confirmed: bool) -> bool:
    """Met, or not applicable with the reason confirmed by compliance."""
    return status == MET or (status == NOT_APPLICABLE and confirmed)


def is_overdue(*, status: str, confirmed: bool, current: bool, due: date | None, today: date) -> bool:
    return current and not is_closed(status, confirmed) and due is not None and due < today


def status_errors(status: str, *, evidence: bool, record: bool, reason: str | None) -> dict[str, list[str]]:
    """What a status asks for: met names the evidence or record meeting it; not applicable gives why."""
    errors: dict[str, list[str]] = {}
    if status not in STATUSES:
        errors["status"] = [f"Must be one of: {', '.join(STATUSES)}."]
    elif status == MET and not (evidence or record):
        errors["evidence_id"] = ["Name the evidence or the record that meets the obligation."]
    elif status == NOT_APPLICABLE and not (reason or "").strip():
        errors["not_applicable_reason"] = ["Say why the obligation does not apply; compliance confirms it."]
    return errors
