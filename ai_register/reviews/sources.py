"""What the follow-up reads from the other areas (oversight, evidence, goals), in one place.

Only their public read functions and models are used; nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, select

from ai_register.extensions import db
from ai_register.solutions.models import Decision, Solution
from ai_register.users.models import User

FOLLOWED_PHASES = ("needs_analysis", "pilot", "rollout", "management", "decommissioning")


def oversight_user_ids(solution: Solution) -> list[int]:
    """The oversight owner and deputy who have accounts (active ones); empty when none has."""
    from ai_register.oversight.services import current_oversight

    assignment = current_oversight(solution.id)
    if assignment is None:
        return []
    ids = [i for i in (assignment.user_id, assignment.deputy_user_id) if i is not None]
    if not ids:
        return []
    return list(db.session.scalars(select(User.id).where(User.id.in_(ids), User.active.is_(True))))


@dataclass(frozen=True)
class OversightDue:
    solution: Solution
    assignment_id: int
    due_on: date
    user_id: int | None  # the owner's account; None when compliance records the confirmation
    name: str


def oversight_confirmations(scope: Select | None = None) -> list[OversightDue]:
    """Every current assignment with its re-confirmation due date (accepted ones only)."""
    from ai_register.oversight.models import OversightAssignment

    query = (select(OversightAssignment, Solution)
             .join(Solution, Solution.id == OversightAssignment.solution_id)
             .where(OversightAssignment.ended_at.is_(None), Solution.phase.in_(FOLLOWED_PHASES))
             .order_by(OversightAssignment.id))
    if scope is not None:
        query = query.where(Solution.id.in_(scope))
    due = []
    for assignment, solution in db.session.execute(query).all():
        due_on = assignment.confirmation_due_on
        if due_on is None:
            continue
        due.append(OversightDue(solution, assignment.id, due_on, assignment.user_id,
                                assignment.owner["name"]))
    return due


@dataclass(frozen=True)
class EvidenceExpiry:
    solution: Solution
    evidence_id: int
    type: str
    title: str
    expires_on: date


def expiring_evidence(until: date, scope: Select | None = None) -> list[EvidenceExpiry]:
    """Current (not superseded) evidence that expires on or before `until`, expired ones included."""
    from ai_register.evidence.models import Evidence

    query = (select(Evidence, Solution).join(Solution, Solution.id == Evidence.solution_id)
             .where(Evidence.superseded_by_id.is_(None), Evidence.expires_on.is_not(None),
                    Evidence.expires_on <= until, Solution.phase.in_(FOLLOWED_PHASES))
             .order_by(Evidence.expires_on, Evidence.id))
    if scope is not None:
        query = query.where(Solution.id.in_(scope))
    return [EvidenceExpiry(solution, e.id, e.type, e.title, e.expires_on)
            for e, solution in db.session.execute(query).all()]


@dataclass(frozen=True)
class PilotEnd:
    solution: Solution
    evidence_id: int
    issued_on: date


def pilot_evaluations(scope: Select | None = None) -> list[PilotEnd]:
    """Solutions in pilot with a pilot evaluation and no decision since: the pilot has ended and awaits a
    follow-up decision."""
    from ai_register.evidence.models import Evidence

    query = (select(Evidence, Solution).join(Solution, Solution.id == Evidence.solution_id)
             .where(Evidence.type == "pilot_evaluation", Evidence.superseded_by_id.is_(None),
                    Solution.phase == "pilot",
                    ~select(Decision.id).where(Decision.solution_id == Solution.id,
                                               Decision.decided_on >= Evidence.issued_on).exists())
             .order_by(Evidence.id))
    if scope is not None:
        query = query.where(Solution.id.in_(scope))
    return [PilotEnd(solution, e.id, e.issued_on) for e, solution in db.session.execute(query).all()]


def goals_with_measurements(solution_id: int) -> list[dict]:
    """The solution's goals as plain values for `benefit.realisation`."""
    from ai_register.goals.services import goals_for

    return [{
        "id": goal.id,
        "perspective": goal.perspective,
        "title": goal.title,
        "indicator": goal.indicator,
        "unit": goal.unit,
        "baseline": goal.baseline,
        "target": goal.target,
        "higher_is_better": goal.higher_is_better,
        "measurements": [(m.measured_on, m.value) for m in goal.measurements],
    } for goal in goals_for(solution_id)]
