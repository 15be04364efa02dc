"""Decisions of a portfolio meeting: one follow-up decision per solution, with the meeting reference.

Each decision goes through the solutions module's `record_decision` (the same rules, effects and
audit events as a single decision). The batch is all or nothing: every decision is tried, and if
any is refused the 409 lists each refusal and the request's transaction is rolled back whole.
"""

from __future__ import annotations

from typing import Any

from ai_register.apikit import N_, Message
from ai_register.exceptions import Conflict, GateNotMet, InvalidInput, Stale
from ai_register.solutions import transitions
from ai_register.solutions.access import get_solution, no_lost_update
from ai_register.solutions.models import Decision
from ai_register.users.models import User

DECISION_FIELDS = ("kind", "rationale", "follow_up_data")


def _check_texts(data: dict[str, Any]) -> None:
    """A meeting names its reference, and each decision its rationale: spaces alone are none."""
    errors: dict[str, Any] = {}
    if not str(data.get("meeting_reference") or "").strip():
        errors["meeting_reference"] = [Message(N_("Give the meeting reference."))]
    blank = {index: {"rationale": [Message(N_("Give the rationale."))]} for index, item in enumerate(data["decisions"])
             if not str(item.get("rationale") or "").strip()}
    if blank:
        errors["decisions"] = blank
    if errors:
        raise InvalidInput("Invalid input: " + ", ".join(errors), errors=errors)


def record_meeting_decisions(data: dict[str, Any], by: User) -> list[Decision]:
    _check_texts(data)
    items = data["decisions"]
    seen: set[int] = set()
    for index, item in enumerate(items):
        if item["solution_id"] in seen:
            raise InvalidInput("Invalid input: decisions", errors={"decisions": {str(index): {
                               "solution_id": ["One decision per solution in a meeting."]}}})
        seen.add(item["solution_id"])
    solutions = [get_solution(item["solution_id"], by, write=True) for item in items]
    stale = [{"solution_id": s.id, "current_version": s.version} for s, item in zip(solutions, items, strict=True)
             if item.get("version") is not None and item["version"] != s.version]
    if stale:
        raise Stale("Some solutions have changed since they were read; reload the portfolio.",
                    stale=stale)
    decisions: list[Decision] = []
    refused: list[dict[str, Any]] = []
    for solution, item in zip(solutions, items, strict=True):
        body = {name: item[name] for name in DECISION_FIELDS if name in item}
        body.update(meeting_reference=data["meeting_reference"], decided_on=data.get("decided_on"))
        try:
            with no_lost_update(solution):
                decisions.append(transitions.record_decision(solution, body, by))
        except GateNotMet as refusal:
            refused.append({"solution_id": solution.id, "kind": item["kind"],
                            "detail": refusal.detail, "unmet": refusal.extensions["unmet"]})
    if refused:
        raise Conflict(f"{len(refused)} of {len(items)} decision(s) are not possible; none was recorded.",
                       title="Decisions not possible", refused=refused)
    return decisions
