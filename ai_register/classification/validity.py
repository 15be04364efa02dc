"""Whether a solution's classification counts (DOMAIN.md's valid classification: the latest approved
or overridden version, its result unchanged under the current rule set, the solution not flagged for
re-review), the facts the gates read from it, the prohibited-practice block, and the classification
summary and obligations checklist of a solution's detail.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from ai_register.classification.models import DECIDED, OVERRIDDEN, Classification
from ai_register.classification.rulesets import active_ruleset
from ai_register.extensions import db
from ai_register.rules.evaluator import decision, validate_answers
from ai_register.rules.ruleset import RuleSet
from ai_register.solutions.lifecycle.facts import ClassificationFact, InvalidClassification
from ai_register.solutions.models import Solution
from ai_register.solutions.services import region_today

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


def latest_decided_of(versions: list[Classification]) -> Classification | None:
    """`latest_decided` among a solution's versions read newest first (`services.classifications_of`)."""
    return next((version for version in versions if version.status in DECIDED), None)


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


def classification_gate_facts_from(solutions: list[Solution], versions: dict[int, list],
                                   ruleset: RuleSet | None = None) -> dict[int, dict]:
    """`classification_gate_facts` of each of `solutions` from its versions read beforehand (`versions`: per
    solution id, every version in order as a record with the columns `classification_fact` reads; the answers
    of the approved and overridden ones at least): the latest decided version counts, every version's decision
    makes the Art 5 block."""
    ruleset = ruleset or active_ruleset()
    facts = {}
    for solution in solutions:
        held = versions.get(solution.id, ())
        latest = next((v for v in reversed(held) if v.status in DECIDED), None)
        validity = classification_validity(solution, ruleset, latest)
        facts[solution.id] = {
            "classification": classification_fact(validity.valid) if validity.valid is not None else None,
            "classification_invalid_reason": validity.reason,
            "prohibited_block": says_prohibited_now(held),
        }
    return facts


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


def obligations_checklist(solution: Solution, today: date | None = None,
                          latest: Classification | None = _UNREAD) -> list[dict]:
    """What the region must do under the latest decided result, each due from its application date."""
    latest = latest_decided(solution.id) if latest is _UNREAD else latest
    if latest is None:
        return []
    return obligations_due(latest.result.get("obligations") or (), latest.id, today or region_today())


def obligations_due(obligations: Iterable[Mapping[str, Any]], classification_id: int, today: date) -> list[dict]:
    """A decided result's obligations (its `obligations`), each due from its application date, in force
    or not on `today`, in the order of their due dates."""
    items = []
    for obligation in obligations:
        due = obligation.get("applies_from")
        items.append({
            **obligation,
            "due": due,
            # Art 111(2): an obligation with a condition and no date waits for that condition.
            "in_force": (not obligation.get("condition")) if due is None
            else date.fromisoformat(str(due)) <= today,
            "classification_id": classification_id,
        })
    return sorted(items, key=lambda item: (str(item.get("due") or ""), str(item.get("id"))))


def current_classification_summary(solution: Solution, versions: list[Classification] | None = None) -> dict | None:
    """The solution's current classification for its detail view, with whether it counts; `versions`: every
    version in order, when the caller has read them."""
    # Every version in one statement (a solution has a handful): the latest decided one, the latest
    # of all and the prohibited-practice block all come from it. This runs on every read of a solution.
    if versions is None:
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
