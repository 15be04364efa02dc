"""The wizard's working copy of the answers (`AnswerDraft`): saved at every step, resumed on return,
closed when a classification version is stored from it. Versions themselves are never overwritten
(classification/services.py); this is the only record of answers that changes in place, and every
change to it is audited like any other."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select

from ai_register.audit import services as audit
from ai_register.classification.models import AnswerDraft, Classification
from ai_register.classification.rulesets import active_ruleset
from ai_register.classification.services import check_answers
from ai_register.extensions import db
from ai_register.solutions.models import Solution
from ai_register.users.models import User, utcnow

ENTITY = "classification_draft"
_NOT_AUDITED = frozenset({"updated_at"})


def _row(solution: Solution) -> AnswerDraft | None:
    return db.session.scalar(select(AnswerDraft).where(AnswerDraft.solution_id == solution.id))


def open_draft(solution: Solution) -> AnswerDraft | None:
    """The solution's working copy if one is in progress."""
    row = _row(solution)
    return row if row is not None and row.open else None


def save_draft(solution: Solution, answers: Mapping[str, Any], seen: Iterable[str], by: User) -> AnswerDraft:
    """Keep the answers so far (checked against the active rule set like a stored version's) and the
    questions shown so far. Starts a working copy when none is open; records nothing when nothing changed."""
    ruleset = active_ruleset()
    check_answers(answers, ruleset)
    answers = dict(answers)
    row = _row(solution)
    now = utcnow()
    if row is None:
        row = AnswerDraft(solution_id=solution.id, answers=answers, seen=sorted(set(seen)),
                          ruleset_version=ruleset.version, started_at=now, updated_by_id=by.id, updated_at=now)
        db.session.add(row)
        audit.record_create(row, ENTITY, solution_id=solution.id, exclude=_NOT_AUDITED)
        return row
    before = audit.snapshot(row, exclude=_NOT_AUDITED)
    seen_now = sorted(set(seen) | (set(row.seen or ()) if row.open else set()))
    if row.open and row.answers == answers and row.seen == seen_now:
        return row
    if not row.open:  # a new working copy after a stored version
        row.started_at, row.closed_at, row.stored_version = now, None, None
    row.answers, row.seen = answers, seen_now
    row.ruleset_version = ruleset.version
    row.updated_by_id, row.updated_at = by.id, now
    audit.record_update(row, ENTITY, before, solution_id=solution.id, action="save_draft", exclude=_NOT_AUDITED)
    return row


def close_draft(solution: Solution, stored: Classification) -> None:
    """The working copy became version `stored`: closed, kept (nothing is erased)."""
    row = open_draft(solution)
    if row is None:
        return
    before = audit.snapshot(row, exclude=_NOT_AUDITED)
    row.closed_at, row.stored_version = utcnow(), stored.version
    audit.record_update(row, ENTITY, before, solution_id=solution.id, action="close_draft", exclude=_NOT_AUDITED)


def discard_draft(solution: Solution, by: User) -> None:
    """Start over from the latest version: the working copy is closed without becoming a version."""
    row = open_draft(solution)
    if row is None:
        return
    before = audit.snapshot(row, exclude=_NOT_AUDITED)
    row.closed_at, row.updated_by_id = utcnow(), by.id
    audit.record_update(row, ENTITY, before, solution_id=solution.id, action="discard_draft",
                        exclude=_NOT_AUDITED)
