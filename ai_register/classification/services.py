"""Storing classifications, their review (four eyes) and validity for the gates.

The rules engine (`ai_register.rules`) is pure; this module is where its results meet the
database: every stored result names the rule set that produced it, and that rule set is
snapshotted so the result can be reproduced after the files on disk change.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ai_register.audit import services as audit
from ai_register.audit.reasons import coded
from ai_register.classification.models import (
    APPROVED,
    DECIDED,
    DEVICE_CLASSES,
    DRAFT,
    OVERRIDDEN,
    OVERRIDE_CATEGORIES,
    REJECTED,
    SUBMITTED,
    Classification,
    RuleSetSnapshot,
)
from ai_register.exceptions import Conflict, FourEyes, InvalidInput, NotAllowed, NotFound, Unavailable
from ai_register.extensions import db
from ai_register.rules.evaluator import classify_validated, decision, validate_answers
from ai_register.rules.loader import (
    RuleSet,
    RuleSetError,
    get_active_ruleset,
    load_ruleset,
    load_ruleset_from_snapshot,
)
from ai_register.solutions.access import get_child
from ai_register.solutions.lifecycle.facts import ClassificationFact, InvalidClassification
from ai_register.solutions.models import Solution
from ai_register.solutions.services import cooling_off_owner_ids, owner_ids_since, region_today
from ai_register.users.models import User, utcnow

ENTITY = "classification"

REVIEW_ACTIONS = {APPROVED: "approve", REJECTED: "reject", OVERRIDDEN: "override"}


# --------------------------------------------------------------------------- rule sets


def active_ruleset() -> RuleSet:
    """The rule set on disk (the active one); the loader reloads it when a rule file changes.

    A rule file that does not validate classifies nothing: 503 with the loader's message (it names
    the file and rule), rather than results from a half-read rule set.
    """
    try:
        return get_active_ruleset(current_app.config["RISK_RULES_DIR"])
    except RuleSetError as exc:
        current_app.logger.error("rule set not loadable: %s", exc)
        raise Unavailable(f"The active rule set cannot be loaded: {exc}",
                          title="Rule set unavailable") from exc


def ruleset_ref(ruleset: RuleSet) -> dict:
    return {"version": ruleset.version, "sha256": ruleset.sha256}


def snapshot_ruleset(ruleset: RuleSet) -> RuleSetSnapshot:
    """The stored snapshot of `ruleset`, created on first use."""
    existing = db.session.scalar(select(RuleSetSnapshot).where(RuleSetSnapshot.sha256 == ruleset.sha256))
    if existing is not None:
        return existing
    snapshot = RuleSetSnapshot(sha256=ruleset.sha256, version=ruleset.version, files=ruleset.snapshot(),
                               created_at=utcnow())
    try:
        # Two requests may meet the new rule set at once; the loser reads the winner's row.
        with db.session.begin_nested():
            db.session.add(snapshot)
    except IntegrityError:
        return db.session.scalar(select(RuleSetSnapshot).where(RuleSetSnapshot.sha256 == ruleset.sha256))
    # The files are identified by the hash; the trail need not repeat the whole rule text.
    audit.record_create(snapshot, "ruleset_snapshot", exclude=frozenset({"files"}),
                        reason=coded("first_result_under_ruleset"))
    return snapshot


def ruleset_of(classification: Classification) -> RuleSet:
    """The rule set that produced the stored result, rebuilt from its snapshot (once per hash)."""
    ruleset = _SNAPSHOT_RULESETS.get(classification.ruleset_sha256)
    if ruleset is None:
        ruleset = load_ruleset_from_snapshot(classification.snapshot.files)
        if len(_SNAPSHOT_RULESETS) >= 32:
            _SNAPSHOT_RULESETS.clear()
        _SNAPSHOT_RULESETS[ruleset.sha256] = ruleset
    return ruleset


# SHA-256 → rule set rebuilt from a snapshot: a snapshot never changes, and its hash names it.
_SNAPSHOT_RULESETS: dict[str, RuleSet] = {}


CANDIDATE_NAME = r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}"


def candidate_ruleset(name: str) -> RuleSet:
    """A candidate rule set installed on the server under RISK_RULES_CANDIDATES_DIR/<name>, to preview
    its impact before it becomes active. Only installed directories: never a path or uploaded files."""

    if not re.fullmatch(CANDIDATE_NAME, name or "") or ".." in name:
        raise InvalidInput(f"{name!r} is not the name of an installed rule set.",
                           errors={"candidate": ["A directory name under the installed candidate rule sets."]})
    base = Path(current_app.config["RISK_RULES_CANDIDATES_DIR"]).resolve()
    directory = (base / name).resolve()
    if directory.parent != base or not directory.is_dir():
        raise NotFound(f"No candidate rule set {name!r} is installed on the server.")
    try:
        return load_ruleset(directory)
    except RuleSetError as exc:
        raise InvalidInput(f"The candidate rule set {name!r} does not load: {exc}",
                           errors={"candidate": [str(exc)]}) from exc


def find_ruleset(ref: str) -> dict:
    """A rule set by SHA-256 or version label: the active one, or a snapshot. 404 when unknown.

    A label can name several snapshots when a rule file was edited without bumping `version`;
    then the active one wins, else the latest snapshot (the SHA-256 is the unambiguous name).
    """
    active = active_ruleset()
    if ref in (active.sha256, active.version):
        stored = db.session.scalar(select(RuleSetSnapshot).where(RuleSetSnapshot.sha256 == active.sha256))
        return _ruleset_entry(active.version, active.sha256, active=True, snapshot=stored,
                              files=active.snapshot())
    snapshot = db.session.scalar(
        select(RuleSetSnapshot)
        .where((RuleSetSnapshot.sha256 == ref) | (RuleSetSnapshot.version == ref))
        .order_by(RuleSetSnapshot.created_at.desc(), RuleSetSnapshot.id.desc())
        .limit(1)
    )
    if snapshot is None:
        raise NotFound(f"No rule set with version or SHA-256 {ref!r}.")
    return _ruleset_entry(snapshot.version, snapshot.sha256, active=False, snapshot=snapshot,
                          files=snapshot.files)


def list_rulesets() -> list[dict]:
    """The active rule set first, then every snapshot, newest first."""
    active = active_ruleset()
    counts = dict(db.session.execute(
        select(Classification.ruleset_sha256, func.count(Classification.id))
        .group_by(Classification.ruleset_sha256)
    ).all())
    snapshots = db.session.scalars(
        select(RuleSetSnapshot).order_by(RuleSetSnapshot.created_at.desc(), RuleSetSnapshot.id.desc())
    ).all()
    by_sha = {s.sha256: s for s in snapshots}
    entries = [_ruleset_entry(active.version, active.sha256, active=True, snapshot=by_sha.get(active.sha256),
                              classifications=counts.get(active.sha256, 0))]
    entries += [_ruleset_entry(s.version, s.sha256, active=False, snapshot=s,
                               classifications=counts.get(s.sha256, 0))
                for s in snapshots if s.sha256 != active.sha256]
    return entries


def _ruleset_entry(version: str, sha256: str, *, active: bool, snapshot: RuleSetSnapshot | None,
                   files: Any = None, classifications: int | None = None) -> dict:
    entry = {"version": version, "sha256": sha256, "active": active, "snapshotted": snapshot is not None,
             "snapshotted_at": snapshot.created_at if snapshot is not None else None}
    if files is not None:
        entry["files"] = files
    if classifications is not None:
        entry["classifications"] = classifications
    return entry


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


# --------------------------------------------------------------------------- review


def may_submit(solution: Solution, user) -> bool:
    """An owner or co-owner submits the classification for review, whatever their role (a compliance
    officer may own or co-own a solution; another officer then reviews it)."""
    return user.id in solution.owner_ids()


def submit_classification(classification: Classification, *, by: User) -> Classification:
    """Send a draft for review: an owner or co-owner of the solution does."""
    if not may_submit(db.session.get(Solution, classification.solution_id), by):
        raise NotAllowed("Only an owner or co-owner of the solution submits its classification for review.")
    _require_status(classification, DRAFT, "submitted")
    _require_latest(classification)
    before = audit.snapshot(classification)
    classification.status = SUBMITTED
    classification.submitted_by_id = by.id
    classification.submitted_at = utcnow()
    audit.record_update(classification, ENTITY, before, solution_id=classification.solution_id,
                        action="submit")
    return classification


def approve_classification(classification: Classification, justification: str | None = None, *,
                           by: User) -> Classification:
    """Approve the engine's result as it stands (four eyes)."""
    return _review(classification, APPROVED, justification, by=by)


def reject_classification(classification: Classification, justification: str | None, *,
                          by: User) -> Classification:
    """Send it back: the owner answers again as a new version. A justification is required."""
    _require_justification(justification, "reject")
    return _review(classification, REJECTED, justification, by=by)


def override_classification(classification: Classification, justification: str | None, *, by: User,
                            category: str | None = None, device_class: str | None = None) -> Classification:
    """Decide differently from the engine: the officer's category and/or device class stand beside
    the engine's result and count for the gates. A justification is required."""
    errors: dict[str, list[str]] = {}
    if not (justification or "").strip():
        errors["justification"] = ["A justification is required to override a classification."]
    if category is None and device_class is None:
        errors["category"] = ["Give the category, the device class, or both."]
    if category is not None and category not in OVERRIDE_CATEGORIES:
        errors["category"] = [f"Must be one of: {', '.join(OVERRIDE_CATEGORIES)}."]
    if device_class is not None and device_class not in DEVICE_CLASSES:
        errors["device_class"] = [f"Must be one of: {', '.join(DEVICE_CLASSES)}."]
    if errors:
        raise InvalidInput("The override is incomplete.", errors=errors)
    return _review(classification, OVERRIDDEN, justification, by=by, category=category,
                   device_class=device_class)


def _review(classification: Classification, outcome: str, justification: str | None, *, by: User,
            category: str | None = None, device_class: str | None = None) -> Classification:
    _require_status(classification, SUBMITTED, outcome)
    _require_latest(classification)
    solution = db.session.get(Solution, classification.solution_id)
    reviewer = by
    require_four_eyes(classification, solution, reviewer)
    before = audit.snapshot(classification)
    classification.status = outcome
    classification.reviewed_by_id = reviewer.id
    classification.reviewed_at = utcnow()
    classification.review_justification = (justification or "").strip() or None
    classification.override_category = category
    classification.override_device_class = device_class
    audit.record_update(classification, ENTITY, before, solution_id=solution.id,
                        action=REVIEW_ACTIONS[outcome], reason=classification.review_justification)
    if outcome in DECIDED:
        _adopt_on_solution(solution, classification)
        # cycle: obligations.services → classification.services → obligations.services
        from ai_register.obligations.services import sync_obligations  # builds on this module

        sync_obligations(solution)
    return classification


def _adopt_on_solution(solution: Solution, classification: Classification) -> None:
    """The decided classification becomes the solution's current one; a pending re-review is done."""
    before = audit.snapshot(solution)
    solution.current_ai_act_category = classification.effective_category
    solution.current_device_class = classification.effective_device_class
    solution.needs_rereview = False
    audit.record_update(solution, "solution", before, solution_id=solution.id,
                        reason=coded("classification_reviewed", classification=classification.id,
                                     version=classification.version, status=classification.status))


def _require_status(classification: Classification, wanted: str, action: str) -> None:
    if classification.status != wanted:
        raise Conflict(f"Only a {wanted} classification can be {action}; "
                       f"this one is {classification.status}.", status_now=classification.status)


def _require_latest(classification: Classification) -> None:
    newest = latest_version(classification.solution_id)
    if classification.version != newest:
        raise Conflict(f"Version {classification.version} has been superseded by version {newest}; "
                       "review the latest answers.", latest_version=newest)


def require_four_eyes(classification: Classification, solution: Solution, reviewer) -> None:
    """DOMAIN.md: the approver differs from who answered or submitted it and from every owner."""
    if reviewer.id == classification.answered_by_id:
        raise FourEyes("Four eyes: you answered this classification, so someone else must review it.",
                       because="answered")
    if reviewer.id == classification.submitted_by_id:
        raise FourEyes("Four eyes: you submitted this classification, so someone else must review it.",
                       because="submitted")
    if reviewer.id in owner_ids_since(solution, classification.created_at):
        raise FourEyes("Four eyes: you are, or were since this version was answered, an owner or co-owner "
                       "of this solution, so someone else must review its classification.", because="owner")
    if reviewer.id in cooling_off_owner_ids(solution, classification.created_at):
        raise FourEyes("Four eyes: you were an owner or co-owner of this solution within the cooling-off period "
                       "before this version was answered, so someone else must review its classification.",
                       because="cooling_off")


def _require_justification(justification: str | None, action: str) -> None:
    if not (justification or "").strip():
        raise InvalidInput(f"A justification is required to {action} a classification.",
                           errors={"justification": [f"Required to {action}."]})


# --------------------------------------------------------------------------- validity (gates)


DECISIVE_FIELDS = ("category", "routes", "art6_3_exemption", "transparency", "gpai", "regulation",
                   "device_class", "notified_body", "needs_review")


def decisive_result(result: Mapping[str, Any]) -> dict:
    """The parts of a result that decide duties and gates; texts and citations may be edited freely.

    "Unchanged under the current rule set" (DOMAIN.md) compares these: the category, routes and
    Art 6(3) exemption, the Art 50 duties, GPAI, the device regulation, class and notified body,
    and whether anything needs review.
    """
    return dict(zip(DECISIVE_FIELDS, decisive_values(result), strict=True))


def decisive_values(result: Mapping[str, Any]) -> tuple:
    """`decisive_result`'s values in `DECISIVE_FIELDS` order: two results decide alike exactly when
    these tuples are equal (the impact run compares them without building the dictionaries)."""
    ai_act = result.get("ai_act") or {}
    device = result.get("medical_device") or {}
    return (
        ai_act.get("category"),
        sorted(ai_act.get("routes") or ()),
        bool(ai_act.get("art6_3_exemption")),
        sorted(ai_act.get("transparency") or ()),
        ai_act.get("gpai"),
        device.get("regulation"),
        device.get("class"),
        bool(device.get("notified_body")),
        bool(result.get("needs_review")),
    )


# (classification id, rule-set hash, answers, stored result) → result_changes. A decided version's answers
# and result never change, and the rule set is named by its hash, so re-running the engine on every read of
# a solution is wasted work; the key still holds the answers and result, so an edited draft is never stale.
_CHANGES_CACHE: dict[tuple, tuple[dict, dict] | None] = {}
_CHANGES_CACHE_SIZE = 20_000


def result_changes(classification: Classification, ruleset: RuleSet) -> tuple[dict, dict] | None:
    """(old, new) decisive results when `ruleset` decides the stored answers differently, else None.

    Answers the new rule set no longer accepts count as a change: they must be answered again.
    """
    key = (classification.id, ruleset.sha256, json.dumps(classification.answers, sort_keys=True),
           json.dumps(classification.result, sort_keys=True, default=str))
    if key not in _CHANGES_CACHE:
        if len(_CHANGES_CACHE) >= _CHANGES_CACHE_SIZE:
            _CHANGES_CACHE.clear()
        _CHANGES_CACHE[key] = _result_changes(classification, ruleset)
    return _CHANGES_CACHE[key]


def _result_changes(classification: Classification, ruleset: RuleSet) -> tuple[dict, dict] | None:
    return answers_change(classification.answers, classification.result, ruleset)


def answers_change(answers: Mapping[str, Any], result: Mapping[str, Any],
                   ruleset: RuleSet) -> tuple[dict, dict] | None:
    """result_changes for an answer set and its stored result, apart from their record."""
    old, new = decisive_values(result), decide(answers, ruleset)
    if new.__class__ is str:
        return dict(zip(DECISIVE_FIELDS, old, strict=True)), {"invalid_answers": new}
    return (dict(zip(DECISIVE_FIELDS, old, strict=True)), dict(zip(DECISIVE_FIELDS, new, strict=True))) \
        if old != new else None


def decide(answers: Mapping[str, Any], ruleset: RuleSet) -> tuple | str:
    """How `ruleset` decides these answers: the decisive values of its result (`decisive_values`), or,
    when it does not accept them, what is wrong with them (a text). Validates once."""
    problems = validate_answers(answers, ruleset)
    if problems:
        return "; ".join(p.message for p in problems)
    return decisive_values(decision(answers, ruleset))


_UNREAD: Any = object()  # "not read yet": callers that hold the latest decided version pass it on


def latest_decided(solution_id: int) -> Classification | None:
    """The latest approved or overridden version, whatever the rule set says now."""
    return db.session.scalar(
        select(Classification)
        .where(Classification.solution_id == solution_id, Classification.status.in_(DECIDED))
        .order_by(Classification.version.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class Validity:
    """The latest decided classification and, when it does not count, why."""

    classification: Classification | None
    reason: InvalidClassification | None

    @property
    def valid(self) -> Classification | None:
        return self.classification if self.reason is None else None


def classification_validity(solution: Solution, ruleset: RuleSet | None = None,
                            latest: Classification | None = _UNREAD) -> Validity:
    latest = latest_decided(solution.id) if latest is _UNREAD else latest
    if latest is None:
        return Validity(None, InvalidClassification.NONE_APPROVED)
    if solution.needs_rereview:
        return Validity(latest, InvalidClassification.FLAGGED_FOR_REVIEW)
    if result_changes(latest, ruleset or active_ruleset()) is not None:
        return Validity(latest, InvalidClassification.RESULT_CHANGED)
    return Validity(latest, None)


def valid_classification(solution: Solution, ruleset: RuleSet | None = None) -> Classification | None:
    """DOMAIN.md's valid classification: the latest approved or overridden one whose result is
    unchanged under the current rule set, on a solution not flagged for re-review; else None."""
    return classification_validity(solution, ruleset).valid


def classification_fact(classification: Classification) -> ClassificationFact:
    """The lifecycle's view of a decided classification (the officer's values for an override)."""
    overridden = classification.overridden
    return ClassificationFact.from_result(
        classification.result, classification.answers,
        override_category=classification.override_category if overridden else None,
        override_device_class=classification.override_device_class if overridden else None,
    )


def valid_classification_facts(solution: Solution,
                               ruleset: RuleSet | None = None) -> ClassificationFact | None:
    """`GateFacts.classification`: the valid classification as the gates see it, or None."""
    valid = valid_classification(solution, ruleset)
    return classification_fact(valid) if valid is not None else None


def classification_gate_facts(solution: Solution, ruleset: RuleSet | None = None) -> dict:
    """The classification fields of `GateFacts`, ready for `GateFacts(**..., **this)`."""
    validity = classification_validity(solution, ruleset)
    return {
        "classification": classification_fact(validity.valid) if validity.valid is not None else None,
        "classification_invalid_reason": validity.reason,
        "prohibited_block": prohibited_block(solution),
    }


def prohibited_block(solution: Solution) -> bool:
    """Any version whose result (or override) is prohibited, without a later approved or overridden
    version saying otherwise (DOMAIN.md, "Gates"; AI Act Art 5)."""
    return says_prohibited_now(db.session.execute(
        select(Classification.version, Classification.status, Classification.result,
               Classification.override_category)
        .where(Classification.solution_id == solution.id)
        .order_by(Classification.version)
    ).all())


def says_prohibited_now(versions) -> bool:
    """`prohibited_block` over a solution's versions in order (rows or Classification objects)."""
    blocked = False
    for version in versions:
        says_prohibited = version.result["ai_act"]["category"] == "prohibited"
        if version.status == OVERRIDDEN and version.override_category:
            says_prohibited = version.override_category == "prohibited"
        if says_prohibited:
            blocked = True
        elif version.status in DECIDED:
            blocked = False
    return blocked


def effective_role(solution: Solution, latest: Classification | None = _UNREAD) -> str | None:
    """`role` from the latest approved or overridden answers; None when unanswered or none decided."""
    latest = latest_decided(solution.id) if latest is _UNREAD else latest
    return latest.answers.get("role") if latest is not None else None


def public_authority(solution: Solution, latest: Classification | None = _UNREAD) -> bool | None:
    """Whether the approved answers say public body or public service; None when unanswered."""
    latest = latest_decided(solution.id) if latest is _UNREAD else latest
    value = latest.answers.get("public_authority") if latest is not None else None
    return None if value is None else value == "yes"


# --------------------------------------------------------------------------- solution detail


def obligations_checklist(solution: Solution, today: date | None = None,
                          latest: Classification | None = _UNREAD) -> list[dict]:
    """What the region must do under the latest decided result, each due from its application date."""
    latest = latest_decided(solution.id) if latest is _UNREAD else latest
    if latest is None:
        return []
    if today is None:
        today = region_today()
    items = []
    for obligation in latest.result.get("obligations") or ():
        due = obligation.get("applies_from")
        items.append({
            **obligation,
            "due": due,
            # Art 111(2): an obligation with a condition and no date waits for that condition.
            "in_force": (not obligation.get("condition")) if due is None
            else date.fromisoformat(str(due)) <= today,
            "classification_id": latest.id,
        })
    return sorted(items, key=lambda item: (str(item.get("due") or ""), str(item.get("id"))))


def current_classification_summary(solution: Solution) -> dict | None:
    """The solution's current classification for its detail view, with whether it counts."""
    # Every version in one statement (a solution has a handful): the latest decided one, the latest
    # of all and the prohibited-practice block all come from it. This runs on every read of a solution.
    versions = db.session.scalars(
        select(Classification).where(Classification.solution_id == solution.id).order_by(Classification.version)
    ).all()
    if not versions:
        return None
    decided = next((v for v in reversed(versions) if v.status in DECIDED), None)
    validity = classification_validity(solution, latest=decided)
    shown = validity.classification or versions[-1]
    return {
        "id": shown.id,
        "version": shown.version,
        "status": shown.status,
        "category": shown.effective_category,
        "engine_category": shown.engine_category,
        "device_class": shown.effective_device_class,
        "needs_review": shown.effective_needs_review,
        "ruleset": {"version": shown.ruleset_version, "sha256": shown.ruleset_sha256},
        "valid": validity.reason is None,
        "invalid_reason": validity.reason.value if validity.reason else None,
        "prohibited_block": says_prohibited_now(versions),
        "ai_act_role": effective_role(solution, validity.classification),
        "public_authority": public_authority(solution, validity.classification),
        "obligations": obligations_checklist(solution, latest=validity.classification),
    }


# --------------------------------------------------------------------------- lookups


def get_classification(classification_id: int, user: User, *, write: bool = False) -> Classification:
    """The classification if `user` may see its solution (404 otherwise; 403/409 for writes)."""
    return get_child(Classification, classification_id, user, for_write=write)

