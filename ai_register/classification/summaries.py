"""The classification summary of a solution's detail, kept per solution (`classification_summaries`), so
reading a solution is one statement instead of two, without loading every version with its answers and
result as objects (that statement was the biggest share of GET /solutions/{id}; docs/performance.md).

What is kept is what the versions alone decide (`stored_columns`, computed as
`validity.current_classification_summary` computes it): the version shown, its category, device class and
whether it needs review, the latest decided version's role, public authority and obligations, and the
prohibited-practice block. What depends on the moment is added at read (`classification_summary`): whether
the solution is flagged for re-review (its own column), whether the active rule set decides the decided
version's answers alike (the row holds the answer for the rule set active when it was written, another rule
set is asked at read, as before), and which obligations are in force today.

Kept in step in the transaction that writes a classification: after every flush that adds or changes one
(a new version, a submission, a review), `_keep_in_step` rewrites those solutions' rows from their versions.
An applied rule-set impact run keeps its verdicts under the new rule set (`record_verdicts`). A solution
without a row (no version yet, or versions written around the ORM) is read from its versions as before;
`backfill` writes the missing rows (the migration, and the scale loader after its COPY).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from itertools import chain

from sqlalchemy import delete, insert, inspect, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ai_register.audit import services as audit
from ai_register.classification.models import DECIDED, Classification, ClassificationSummary
from ai_register.classification.rulesets import active_ruleset
from ai_register.classification.validity import (
    current_classification_summary,
    obligations_due,
    result_changes,
    says_prohibited_now,
)
from ai_register.exceptions import Unavailable
from ai_register.extensions import db
from ai_register.rules.ruleset import RuleSet
from ai_register.solutions.lifecycle.facts import InvalidClassification
from ai_register.solutions.models import Solution
from ai_register.solutions.services import region_today

BATCH = 1000  # solutions per round of the backfill
_VERSION_COLUMNS = [column for column in Classification.__table__.columns]


def stored_columns(solution_id: int, versions: Sequence[Classification], ruleset: RuleSet | None) -> dict | None:
    """The row of a solution with these versions (in version order); None without any. `ruleset`: the
    rule set whose verdict on the decided version's result is kept (None: none kept, asked at read)."""
    if not versions:
        return None
    decided = next((v for v in reversed(versions) if v.status in DECIDED), None)
    shown = decided or versions[-1]
    row = {
        "solution_id": solution_id, "shown_id": shown.id, "version": shown.version, "status": shown.status,
        "category": shown.effective_category, "engine_category": shown.engine_category,
        "device_class": shown.effective_device_class, "needs_review": shown.effective_needs_review,
        "ruleset_version": shown.ruleset_version, "ruleset_sha256": shown.ruleset_sha256,
        "prohibited_block": says_prohibited_now(versions),
        "decided_id": None, "ai_act_role": None, "public_authority": None, "obligations": [],
        "checked_sha256": None, "result_changed": None,
    }
    if decided is not None:
        # As validity.effective_role, public_authority and obligations_checklist read the decided version.
        authority = decided.answers.get("public_authority")
        row.update(decided_id=decided.id, ai_act_role=decided.answers.get("role"),
                   public_authority=None if authority is None else authority == "yes",
                   obligations=list(decided.result.get("obligations") or ()))
        if ruleset is not None:
            row.update(checked_sha256=ruleset.sha256, result_changed=result_changes(decided, ruleset) is not None)
    return row


def _versions(connection: Connection, solution_ids: Sequence[int]) -> dict[int, list[Classification]]:
    """The versions of these solutions in version order, as objects outside the session (their properties
    say what counts: an override's category, what it leaves open)."""
    found: dict[int, list[Classification]] = {sid: [] for sid in solution_ids}
    rows = connection.execute(select(*_VERSION_COLUMNS).where(Classification.solution_id.in_(solution_ids))
                              .order_by(Classification.solution_id, Classification.version)).mappings()
    for row in rows:
        found[row["solution_id"]].append(Classification(**row))
    return found


def _ruleset_or_none() -> RuleSet | None:
    """The active rule set for the kept verdict; a rule set that does not load keeps none (asked at read),
    rather than refusing the write."""
    try:
        return active_ruleset()
    except Unavailable:
        return None


def refresh(connection: Connection, solution_ids: Iterable[int], ruleset: RuleSet | None = None) -> None:
    """Rewrite the rows of `solution_ids` from their versions (in batches of BATCH)."""
    ids = sorted(set(solution_ids))
    if not ids:
        return
    ruleset = ruleset or _ruleset_or_none()
    table = ClassificationSummary.__table__
    for start in range(0, len(ids), BATCH):
        batch = ids[start:start + BATCH]
        rows = [row for sid, versions in _versions(connection, batch).items()
                if (row := stored_columns(sid, versions, ruleset)) is not None]
        connection.execute(delete(table).where(table.c.solution_id.in_(batch)))
        if rows:
            connection.execute(insert(table), rows)


def backfill(connection: Connection) -> int:
    """Write the row of every solution with versions and none yet; returns how many."""
    summaries = ClassificationSummary.__table__
    missing = select(Classification.solution_id).distinct().where(
        ~select(summaries.c.solution_id).where(summaries.c.solution_id == Classification.solution_id).exists())
    ids = list(connection.scalars(missing.order_by(Classification.solution_id)))
    refresh(connection, ids)
    return len(ids)


def record_verdicts(sha256: str, judged: Iterable[int], changed: set[int]) -> None:
    """What an applied impact run found, kept: for each solution whose decided version the run re-ran
    (`judged`), whether the rule set `sha256` decides it differently (in `changed`). A decided version's
    answers and result never change, so the verdict stands whatever was written meanwhile; a version the
    run did not see keeps the row it has."""
    table = ClassificationSummary.__table__
    ids = sorted(judged)
    for start in range(0, len(ids), BATCH):
        batch = ids[start:start + BATCH]
        db.session.execute(update(table).where(table.c.decided_id.in_(batch)).values(
            checked_sha256=sha256, result_changed=table.c.decided_id.in_([i for i in batch if i in changed])))


_TOUCHED = "classification_summaries_touched"


def _touched(session: Session) -> set[int]:
    """The solutions whose classifications this flush added, changed or removed."""
    return {obj.solution_id for obj in chain(session.new, session.dirty, session.deleted)
            if isinstance(obj, Classification) and obj.solution_id is not None}


def _chain_first(session: Session, flush_context, instances) -> None:  # noqa: ARG001
    """A flush that rewrites summary rows takes the audit chain's lock first (`audit.services.lock_chain`):
    two writers of one solution's classifications then write its row one after the other, each from the
    versions the other committed, and in the register's one lock order."""
    if any(isinstance(obj, Classification) for obj in chain(session.new, session.dirty, session.deleted)):
        audit.lock_chain(session.connection())


def _keep_in_step(session: Session, flush_context) -> None:  # noqa: ARG001
    touched = _touched(session)
    if touched:
        refresh(session.connection(), touched)
        session.info.setdefault(_TOUCHED, set()).update(touched)


def _forget_stale(session: Session, flush_context) -> None:  # noqa: ARG001
    """Rows rewritten by `_keep_in_step` are read again when next used: the summary objects this session
    holds, and the solutions' link to them (a solution that had none may have one now)."""
    for sid in session.info.pop(_TOUCHED, ()):
        for model in (ClassificationSummary, Solution):
            held = session.identity_map.get(inspect(model).identity_key_from_primary_key((sid,)))
            if held is not None:
                session.expire(held, None if model is ClassificationSummary else ["classification_summary"])


db.event.listen(Session, "before_flush", _chain_first)
db.event.listen(Session, "after_flush", _keep_in_step)
db.event.listen(Session, "after_flush_postexec", _forget_stale)


def invalid_reason(solution: Solution, row: ClassificationSummary) -> InvalidClassification | None:
    """Why the decided version does not count, as `validity.classification_validity` says, from the row."""
    if row.decided_id is None:
        return InvalidClassification.NONE_APPROVED
    if solution.needs_rereview:
        return InvalidClassification.FLAGGED_FOR_REVIEW
    ruleset = active_ruleset()
    if row.checked_sha256 == ruleset.sha256:
        changed = row.result_changed
    else:
        changed = result_changes(db.session.get(Classification, row.decided_id), ruleset) is not None
    return InvalidClassification.RESULT_CHANGED if changed else None


def classification_summary(solution: Solution, today: date | None = None, versions: list | None = None) -> dict | None:
    """The solution's current classification for its detail view, with whether it counts (the same
    answer as `validity.current_classification_summary`, from the kept row when there is one; without one,
    from `versions`, every version in order, when the caller has read them)."""
    row = solution.classification_summary
    if row is None:
        return current_classification_summary(solution, versions)
    reason = invalid_reason(solution, row)
    return {
        "id": row.shown_id,
        "version": row.version,
        "status": row.status,
        "category": row.category,
        "engine_category": row.engine_category,
        "device_class": row.device_class,
        "needs_review": row.needs_review,
        "ruleset": {"version": row.ruleset_version, "sha256": row.ruleset_sha256},
        "valid": reason is None,
        "invalid_reason": reason.value if reason else None,
        "prohibited_block": row.prohibited_block,
        "ai_act_role": row.ai_act_role,
        "public_authority": row.public_authority,
        "obligations": [] if row.decided_id is None
        else obligations_due(row.obligations, row.decided_id, today or region_today()),
    }
