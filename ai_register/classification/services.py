"""Storing classifications: the answers checked against the active rule set, a preview, a new version
stored as a draft and submitted for review by an owner; looking stored versions up.

The rules engine (`ai_register.rules`) is pure; this is where its results meet the database. The
review under four eyes is `review.py`, whether a classification counts for the gates `validity.py`,
the rule sets and their snapshots `rulesets.py`, a new rule set's impact `impact.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select

from ai_register.audit import services as audit
from ai_register.classification.models import DRAFT, SUBMITTED, Classification
from ai_register.classification.rulesets import active_ruleset, snapshot_ruleset
from ai_register.exceptions import Conflict, InvalidInput, NotAllowed
from ai_register.extensions import db
from ai_register.rules.evaluator import classify_validated, validate_answers
from ai_register.rules.ruleset import RuleSet
from ai_register.solutions.access import get_child
from ai_register.solutions.models import Solution
from ai_register.users.models import User, utcnow

ENTITY = "classification"


# --------------------------------------------------------------------------- the engine


def check_answers(answers: Mapping[str, Any], ruleset: RuleSet) -> None:
    """422 problem naming every question whose id or value the contract does not know."""
    problems = validate_answers(answers, ruleset)
    if not problems:
        return
    errors: dict[str, list[str]] = {}
    for problem in problems:
        field = f"answers.{problem.question}" if problem.question else "answers"
        errors.setdefault(field, []).append(problem.message)
    questions = [p.question for p in problems if p.question]
    raise InvalidInput("; ".join(p.message for p in problems), errors=errors, questions=questions)


def preview(answers: Mapping[str, Any]) -> dict:
    """The contract's result object under the active rule set; nothing is stored."""
    ruleset = active_ruleset()
    check_answers(answers, ruleset)
    return classify_validated(answers, ruleset)


# --------------------------------------------------------------------------- storing


def store_classification(solution: Solution, answers: Mapping[str, Any], *, by: User) -> Classification:
    """A new version with the engine's result under the active rule set, as a draft."""
    ruleset = active_ruleset()
    check_answers(answers, ruleset)
    result = classify_validated(answers, ruleset)
    snapshot = snapshot_ruleset(ruleset)
    _lock_solution(solution)
    latest = db.session.scalar(
        select(func.max(Classification.version)).where(Classification.solution_id == solution.id)
    )
    classification = Classification(
        solution_id=solution.id, version=(latest or 0) + 1, answers=dict(answers), result=result,
        ruleset_sha256=snapshot.sha256, ruleset_version=ruleset.version, answered_by_id=by.id,
        created_at=utcnow(), status=DRAFT,
    )
    db.session.add(classification)
    audit.record_create(classification, ENTITY, solution_id=solution.id)
    return classification


def _lock_solution(solution: Solution) -> None:
    """Serialise version numbering per solution (a row lock on PostgreSQL; SQLite locks the file)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(Solution.id).where(Solution.id == solution.id).with_for_update())


def classifications_of(solution: Solution) -> list[Classification]:
    """Every version, newest first."""
    return list(db.session.scalars(
        select(Classification).where(Classification.solution_id == solution.id)
        .order_by(Classification.version.desc())
    ))


def latest_version(solution_id: int) -> int:
    return db.session.scalar(
        select(func.max(Classification.version)).where(Classification.solution_id == solution_id)
    ) or 0


# --------------------------------------------------------------------------- submitting


def may_submit(solution: Solution, user) -> bool:
    """An owner or co-owner submits the classification for review, whatever their role (a compliance
    officer may own or co-own a solution; another officer then reviews it)."""
    return user.id in solution.owner_ids()


def submit_classification(classification: Classification, *, by: User) -> Classification:
    """Send a draft for review: an owner or co-owner of the solution does."""
    if not may_submit(db.session.get(Solution, classification.solution_id), by):
        raise NotAllowed("Only an owner or co-owner of the solution submits its classification for review.")
    require_status(classification, DRAFT, "submitted")
    require_latest(classification)
    before = audit.snapshot(classification)
    classification.status = SUBMITTED
    classification.submitted_by_id = by.id
    classification.submitted_at = utcnow()
    audit.record_update(classification, ENTITY, before, solution_id=classification.solution_id,
                        action="submit")
    return classification


def require_status(classification: Classification, wanted: str, action: str) -> None:
    if classification.status != wanted:
        raise Conflict(f"Only a {wanted} classification can be {action}; "
                       f"this one is {classification.status}.", status_now=classification.status)


def require_latest(classification: Classification) -> None:
    newest = latest_version(classification.solution_id)
    if classification.version != newest:
        raise Conflict(f"Version {classification.version} has been superseded by version {newest}; "
                       "review the latest answers.", latest_version=newest)


# --------------------------------------------------------------------------- lookups


def get_classification(classification_id: int, user: User, *, write: bool = False) -> Classification:
    """The classification if `user` may see its solution (404 otherwise; 403/409 for writes)."""
    return get_child(Classification, classification_id, user, for_write=write)
