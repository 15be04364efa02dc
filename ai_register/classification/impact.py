"""Rule-set impact: re-run every stored classification under a rule set, list the results that change,
and (applied) flag the solutions whose valid classification changes for re-review and tell their owners.

`flask rules impact` and `POST /api/v1/rulesets/impact` run it; `services` holds what it compares by
(`answers_change`, the decisive parts of a result) so a solution's validity and this run agree.
"""

from __future__ import annotations

import contextlib
import json
import queue
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import orjson
from sqlalchemy import Result, Row, Text, cast, func, select

from ai_register.audit import services as audit
from ai_register.audit.reasons import coded
from ai_register.classification import summaries
from ai_register.classification.models import DECIDED, Classification, RulesetImpactRun
from ai_register.classification.rulesets import active_ruleset, ruleset_of, ruleset_ref
from ai_register.classification.validity import DECISIVE_FIELDS, decide, decisive_values
from ai_register.extensions import db
from ai_register.notifications import services as notifications
from ai_register.rules.evaluator import normalised_answers, validate_answers
from ai_register.rules.questionnaire import relevant_questions
from ai_register.rules.ruleset import RuleSet, RuleSetError
from ai_register.solutions.access import READ_ONLY_PHASES
from ai_register.solutions.models import Solution
from ai_register.users.models import User, utcnow

IMPACT_BATCH = 2000
ID_BATCH = 1000
IMPACT_MEMO = 10_000  # distinct answer sets (and stored results) remembered by one run


def impact(ruleset: RuleSet | None = None, judged: set[int] | None = None) -> dict:
    """Re-run every stored classification under `ruleset` (default: the active one) and list the
    results that change. `flag` names the solutions whose latest decided classification changes.
    `judged`, when given, receives the id of every version re-run."""
    ruleset = ruleset or active_ruleset()
    decided_ids = set(db.session.scalars(
        select(func.max(Classification.id)).where(Classification.status.in_(DECIDED))
        .group_by(Classification.solution_id)
    ))
    # max(id) per solution equals the highest version: versions are numbered in insert order.
    checked = 0
    changed: list[dict] = []
    # Plain rows in batches (no ORM objects), the JSON as stored text, in the table's order (the changed
    # ones are sorted afterwards: sorting every row in the database costs more than sorting the few).
    table = Classification.__table__
    query = (select(table.c.id, table.c.solution_id, table.c.version, table.c.status, table.c.ruleset_version,
                    table.c.ruleset_sha256, cast(table.c.answers, Text), cast(table.c.result, Text))
             .execution_options(yield_per=IMPACT_BATCH))
    # How the rule set decides each distinct answer set (validated and classified once, however many
    # versions share it), and what each distinct stored result decided, keyed by the stored JSON text
    # (equal text, equal JSON); compared as tuples. Bounded: emptied when full, which costs only
    # re-running the engine when every set differs. The tuples are interned (a register has a few
    # hundred distinct decisions), so remembering 10,000 texts keeps no new objects alive for the
    # garbage collector to walk again and again.
    decided: dict[str, tuple | str] = {}
    stored: dict[str, tuple] = {}
    interned: dict[tuple, tuple] = {}
    for rows in _read_ahead(db.session.execute(query)):
        for cid, sid, version, status, ruleset_version, sha256, answers, result in rows:
            checked += 1
            if judged is not None:
                judged.add(cid)
            new = decided.get(answers)
            if new is None:
                if len(decided) >= IMPACT_MEMO:
                    decided.clear()
                new = decide(_loads(answers), ruleset)
                if new.__class__ is not str:
                    new = _intern(interned, new)
                decided[answers] = new
            old = stored.get(result)
            if old is None:
                if len(stored) >= IMPACT_MEMO:
                    stored.clear()
                old = stored[result] = _intern(interned, decisive_values(_loads(result)))
            if old is new:  # interned: equal decisions are the same tuple
                continue
            old_result = _decisive_dict(old)
            new_result = {"invalid_answers": new} if new.__class__ is str else _decisive_dict(new)
            changed.append({
                "solution_id": sid,
                "classification_id": cid,
                "version": version,
                "status": status,
                "counts_for_gates": cid in decided_ids,
                "ruleset": {"version": ruleset_version, "sha256": sha256},
                "old": old_result,
                "new": new_result,
                "what_changed": what_changed(old_result, new_result),
            })
    changed.sort(key=lambda item: (item["solution_id"], item["version"]))
    # The new questions need the version's own rule set: read for the changed versions only, in batches.
    for start in range(0, len(changed), ID_BATCH):
        batch = changed[start:start + ID_BATCH]
        versions = {c.id: c for c in db.session.scalars(select(Classification).where(
            Classification.id.in_([item["classification_id"] for item in batch])))}
        for item in batch:
            item["new_questions"] = new_questions(versions[item["classification_id"]], ruleset)
    # Retired solutions are read-only: their classification is history, not something to re-review.
    # The ids go to the database in bounded batches (a rule change may touch most of the register).
    candidates = sorted({c["solution_id"] for c in changed if c["counts_for_gates"]})
    flag, already = [], set()
    for start in range(0, len(candidates), ID_BATCH):
        chunk = candidates[start:start + ID_BATCH]
        flag += db.session.scalars(select(Solution.id).where(
            Solution.id.in_(chunk), Solution.phase.not_in(READ_ONLY_PHASES)).order_by(Solution.id))
        already |= set(db.session.scalars(select(Solution.id).where(
            Solution.id.in_(chunk), Solution.needs_rereview.is_(True))))
    already &= set(flag)
    return {
        "ruleset": ruleset_ref(ruleset),
        "checked": checked,
        "changed": changed,
        "flag": flag,
        "already_flagged": sorted(already),
    }


def _intern(interned: dict[tuple, tuple], values: tuple) -> tuple:
    """`decisive_values`' tuple as the one shared, hashable tuple of equal values (its lists as tuples)."""
    key = tuple(tuple(value) if value.__class__ is list else value for value in values)
    return interned.setdefault(key, key)


def _decisive_dict(values: tuple) -> dict:
    """An interned tuple as `decisive_result` gives it (lists as lists)."""
    return {field: list(value) if value.__class__ is tuple else value
            for field, value in zip(DECISIVE_FIELDS, values, strict=True)}


_END = object()


def _read_ahead(result: Result, depth: int = 2) -> Iterator[Sequence[Row]]:
    """`result`'s batches (`partitions()`), read on a second thread on PostgreSQL while the caller works
    on the previous batch, so the database's work and the wait for the next rows overlap the engine's
    (the driver lets go of the interpreter while it waits). At most `depth` batches wait. The caller must
    not use the session's connection before the iterator is exhausted or closed; an error of either side
    reaches the caller, and closing early stops the reader before the connection is used again.
    SQLite's driver refuses a connection used by two threads: there the batches are read in line."""
    if db.session.get_bind().dialect.name != "postgresql":
        try:
            yield from result.partitions()
        finally:
            result.close()
        return
    batches: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def read() -> None:
        try:
            for rows in result.partitions():
                if stop.is_set():
                    return
                batches.put(rows)
            batches.put(_END)
        except BaseException as exc:  # handed to the caller, which raises it
            batches.put(exc)

    reader = threading.Thread(target=read, name="impact-read-ahead", daemon=True)
    reader.start()
    try:
        while (rows := batches.get()) is not _END:
            if isinstance(rows, BaseException):
                raise rows
            yield rows
    finally:
        stop.set()
        while reader.is_alive():  # a reader blocked on a full queue: make room until it has stopped
            with contextlib.suppress(queue.Empty):
                batches.get(timeout=0.05)
        reader.join()
        result.close()


def _loads(text: str) -> Any:
    """The stored JSON text as Python values: orjson (two fifths of `json.loads`' time on these texts, the
    same values), `json.loads` for what orjson refuses and the standard library accepts (NaN, huge ints)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def what_changed(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[dict]:
    """The decisive fields that differ, in the order of `decisive_result`: {field, old, new}."""
    return [{"field": field, "old": old.get(field), "new": new.get(field)}
            for field in dict.fromkeys((*old, *new)) if old.get(field) != new.get(field)]


def new_questions(classification: Classification, ruleset: RuleSet) -> list[str]:
    """The questions `ruleset` asks of these answers that the classification's own rule set did not
    have and that are unanswered, in questionnaire order: what the owner must answer now."""
    try:
        old = ruleset_of(classification)
    except RuleSetError:
        known: set[str] = set()
    else:
        known = set(old.question_index)
    answers = {k: v for k, v in classification.answers.items() if k in ruleset.question_index}
    if validate_answers(answers, ruleset):
        return [q.id for q in ruleset.asked_questions if q.id not in known]
    answered = set(normalised_answers(answers, ruleset))
    return [question_id for question_id in relevant_questions(answers, ruleset)
            if question_id not in known and question_id not in answered]


def apply_impact(ruleset: RuleSet | None = None, *, by: User | None = None) -> dict:
    """Flag every solution whose valid classification the rule set changes, and tell its owners what
    changed and which new questions to answer. Idempotent: solutions already flagged stay as they
    are, and a run is recorded only when it flags something. `by`: who applied it (None from the CLI)."""
    judged: set[int] = set()
    report = impact(ruleset, judged)
    # The detail's kept verdicts (classification/summaries.py) for this rule set, so reads under it need
    # not load the decided versions again.
    summaries.record_verdicts(report["ruleset"]["sha256"], judged,
                              {c["classification_id"] for c in report["changed"]})
    newly = [sid for sid in report["flag"] if sid not in set(report["already_flagged"])]
    changes = {c["solution_id"]: c for c in report["changed"] if c["counts_for_gates"]}
    changed_ids = {solution_id: change["classification_id"] for solution_id, change in changes.items()}
    ruleset = report["ruleset"]
    for solution in _solutions(newly):
        before = audit.snapshot(solution)
        solution.needs_rereview = True
        audit.record_update(solution, "solution", before, solution_id=solution.id, action="flag_rereview",
                            reason=coded("ruleset_changes_result", ruleset=ruleset["version"],
                                         sha=ruleset["sha256"][:12], classification=changed_ids[solution.id]))
        _notify_owners_of_rereview(solution, changes[solution.id], ruleset)
    run = None
    if newly:
        now = utcnow()
        run = RulesetImpactRun(
            run_at=now, ruleset_sha256=ruleset["sha256"], ruleset_version=ruleset["version"],
            changed_classification_ids=[c["classification_id"] for c in report["changed"]],
            flagged_solution_ids=newly, applied_by_id=by.id if by else None, applied_at=now,
        )
        db.session.add(run)
        audit.record_create(run, "ruleset_impact_run", reason=coded("ruleset_flags_applied"))
    return {**report, "applied": True, "flagged": newly, "run_id": run.id if run else None}


def _notify_owners_of_rereview(solution: Solution, change: dict, ruleset: dict) -> None:
    """Each active owner and co-owner hears what changed and which new questions to answer."""
    owners = notifications.active_users(solution.owner_ids())
    notifications.notify_many(
        owners, "classification_rereview", subject_type="classification",
        subject_id=f"{change['classification_id']}@{ruleset['sha256'][:16]}", solution_id=solution.id,
        params={"solution": solution.name, "ruleset": ruleset["version"],
                "changes": change["what_changed"], "questions": change["new_questions"]},
        link=f"/solutions/{solution.id}/classify",
    )


def _solutions(ids: Iterable[int]) -> list[Solution]:
    ids = sorted(ids)
    found: list[Solution] = []
    for start in range(0, len(ids), ID_BATCH):
        found += db.session.scalars(select(Solution).where(Solution.id.in_(ids[start:start + ID_BATCH]))
                                    .order_by(Solution.id))
    return found
