"""Reviewing a submitted classification under four eyes: approve the engine's result, reject it (the
owner answers again) or override it; a decided classification becomes the solution's current one and
lists its obligations.
"""

from __future__ import annotations

from ai_register.audit import services as audit
from ai_register.audit.reasons import coded
from ai_register.classification.models import (
    APPROVED,
    DECIDED,
    DEVICE_CLASSES,
    OVERRIDDEN,
    OVERRIDE_CATEGORIES,
    REJECTED,
    SUBMITTED,
    Classification,
)
from ai_register.classification.services import ENTITY, require_latest, require_status
from ai_register.exceptions import FourEyes, InvalidInput
from ai_register.extensions import db
from ai_register.obligations.services import sync_obligations
from ai_register.solutions.models import Solution
from ai_register.solutions.services import owner_ids_around
from ai_register.users.models import User, utcnow

REVIEW_ACTIONS = {APPROVED: "approve", REJECTED: "reject", OVERRIDDEN: "override"}


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
    require_status(classification, SUBMITTED, outcome)
    require_latest(classification)
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


def require_four_eyes(classification: Classification, solution: Solution, reviewer) -> None:
    """DOMAIN.md: the approver differs from who answered or submitted it and from every owner."""
    if reviewer.id == classification.answered_by_id:
        raise FourEyes("Four eyes: you answered this classification, so someone else must review it.",
                       because="answered")
    if reviewer.id == classification.submitted_by_id:
        raise FourEyes("Four eyes: you submitted this classification, so someone else must review it.",
                       because="submitted")
    owners, cooling_off = owner_ids_around(solution, classification.created_at)
    if reviewer.id in owners:
        raise FourEyes("Four eyes: you are, or were since this version was answered, an owner or co-owner "
                       "of this solution, so someone else must review its classification.", because="owner")
    if reviewer.id in cooling_off:
        raise FourEyes("Four eyes: you were an owner or co-owner of this solution within the cooling-off period "
                       "before this version was answered, so someone else must review its classification.",
                       because="cooling_off")


def _require_justification(justification: str | None, action: str) -> None:
    if not (justification or "").strip():
        raise InvalidInput(f"A justification is required to {action} a classification.",
                           errors={"justification": [f"Required to {action}."]})
