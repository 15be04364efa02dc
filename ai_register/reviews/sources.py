"""What the follow-up reads from the other areas (oversight, evidence, goals), in one place.

Only their public read functions and models are used; nothing here writes.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Select, case, select

from ai_register.evidence.models import Evidence
from ai_register.extensions import db
from ai_register.goals.services import goals_for
from ai_register.oversight.models import OversightAssignment as assignment
from ai_register.oversight.models import Person
from ai_register.oversight.rules import CONFIRMATION_MONTHS, add_months
from ai_register.oversight.services import current_oversight
from ai_register.solutions.models import Decision, Solution
from ai_register.users.models import User

FOLLOWED_PHASES = ("needs_analysis", "pilot", "rollout", "management", "decommissioning")


def oversight_user_ids(solution: Solution) -> list[int]:
    """The oversight owner and deputy who have accounts (active ones); empty when none has."""

    assignment = current_oversight(solution.id)
    if assignment is None:
        return []
    ids = [i for i in (assignment.user_id, assignment.deputy_user_id) if i is not None]
    if not ids:
        return []
    return list(db.session.scalars(select(User.id).where(User.id.in_(ids), User.active.is_(True))))


def oversight_confirmations_query(scope: Select | None = None):
    """Current assignments of followed solutions that have been accepted, (assignment, solution) rows,
    and the SQL of their last acceptance or confirmation (the due date is 12 months after it)."""

    last = case((assignment.confirmed_on.is_(None), assignment.accepted_on),
                (assignment.accepted_on.is_(None), assignment.confirmed_on),
                (assignment.confirmed_on > assignment.accepted_on, assignment.confirmed_on),
                else_=assignment.accepted_on)
    query = (select(assignment, Solution).join(Solution, Solution.id == assignment.solution_id)
             .where(assignment.ended_at.is_(None), Solution.phase.in_(FOLLOWED_PHASES), last.is_not(None))
             .order_by(last, assignment.id))
    if scope is not None:
        query = query.where(Solution.id.in_(scope))
    return query, last


def load_oversight_people(assignments: list) -> list:
    """Read the accounts and person records the assignments name as owner, a thousand at a time, so
    that `assignment.owner` finds them in the session instead of reading each on its own. The caller
    keeps the answer while it reads them (the session holds loaded objects only weakly)."""
    users = sorted({a.user_id for a in assignments if a.user_id is not None})
    persons = sorted({a.person_id for a in assignments if a.person_id is not None})
    loaded: list = []
    for model, ids in ((User, users), (Person, persons)):
        for start in range(0, len(ids), 1000):
            loaded += db.session.scalars(select(model).where(model.id.in_(ids[start:start + 1000]))).all()
    return loaded


def latest_confirmed_for(day: date) -> date:
    """The latest last confirmation whose re-confirmation is due on or before `day`."""

    latest = add_months(day, -CONFIRMATION_MONTHS)
    while add_months(latest + timedelta(days=1), CONFIRMATION_MONTHS) <= day:
        latest += timedelta(days=1)
    return latest


def expiring_evidence_query(until: date, scope: Select | None = None):
    """(evidence, solution) rows of current evidence expiring on or before `until`, by expiry date; and
    the expiry date's column."""

    query = (select(Evidence, Solution).join(Solution, Solution.id == Evidence.solution_id)
             .where(Evidence.superseded_by_id.is_(None), Evidence.expires_on.is_not(None),
                    Evidence.expires_on <= until, Solution.phase.in_(FOLLOWED_PHASES))
             .order_by(Evidence.expires_on, Evidence.id))
    if scope is not None:
        query = query.where(Solution.id.in_(scope))
    return query, Evidence.expires_on


def pilot_evaluations_query(scope: Select | None = None):
    """(evidence, solution) rows of pilots evaluated with no decision since, by evaluation date."""

    query = (select(Evidence, Solution).join(Solution, Solution.id == Evidence.solution_id)
             .where(Evidence.type == "pilot_evaluation", Evidence.superseded_by_id.is_(None),
                    Solution.phase == "pilot",
                    ~select(Decision.id).where(Decision.solution_id == Solution.id,
                                               Decision.decided_on >= Evidence.issued_on).exists())
             .order_by(Evidence.issued_on, Evidence.id))
    if scope is not None:
        query = query.where(Solution.id.in_(scope))
    return query


def goals_with_measurements(solution_id: int) -> list[dict]:
    """The solution's goals as plain values for `benefit.realisation`."""

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
