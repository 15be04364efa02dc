"""Recording the trustworthy-AI self-assessment and reading its state. Services flush and audit.

An assessment is never changed: each refresh is a new version and the latest counts. It is due
again after every periodic review (DOMAIN.md "Reviews"): a review dated after the latest
assessment makes a refresh due, which the portfolio lists among the overdue items.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import func, select

from ai_register.audit import services as audit
from ai_register.exceptions import InvalidInput, NotFound
from ai_register.extensions import db
from ai_register.portfolio import trustworthy
from ai_register.portfolio.models import TrustworthyAssessment
from ai_register.reviews.models import Review
from ai_register.solutions.lifecycle.facts import AssessmentFact
from ai_register.solutions.models import Solution
from ai_register.solutions.services import region_today
from ai_register.users.models import User

MISSING, REFRESH_DUE, INCOMPLETE, CURRENT = "missing", "refresh_due", "incomplete", "current"


def assessments_query(solution_id: int):
    return (select(TrustworthyAssessment).where(TrustworthyAssessment.solution_id == solution_id)
            .order_by(TrustworthyAssessment.assessed_on.desc(), TrustworthyAssessment.id.desc()))


def latest_assessment(solution_id: int) -> TrustworthyAssessment | None:
    return db.session.scalars(assessments_query(solution_id).limit(1)).first()


def get_assessment(solution: Solution, assessment_id: int) -> TrustworthyAssessment:
    assessment = db.session.get(TrustworthyAssessment, assessment_id)
    if assessment is None or assessment.solution_id != solution.id:
        raise NotFound("No such assessment for this solution.")
    return assessment


def assessment_fact(solution_id: int) -> AssessmentFact | None:
    """The latest assessment as the pilot gate sees it."""
    return assessment_fact_of(latest_assessment(solution_id))


def assessment_fact_of(latest: TrustworthyAssessment | None) -> AssessmentFact | None:
    if latest is None:
        return None
    return AssessmentFact(latest.assessed_on, trustworthy.unanswered(latest.answers or {}))


def last_reviews(solution_ids: Iterable[int]) -> dict[int, date]:
    ids = list(solution_ids)
    if not ids:
        return {}
    rows = db.session.execute(select(Review.solution_id, func.max(Review.reviewed_on))
                              .where(Review.solution_id.in_(ids)).group_by(Review.solution_id))
    return dict(rows.all())


def assessment_state(latest: TrustworthyAssessment | None, last_review_on: date | None) -> str:
    if latest is None:
        return MISSING
    if last_review_on is not None and last_review_on > latest.assessed_on:
        return REFRESH_DUE
    if trustworthy.unanswered(latest.answers or {}):
        return INCOMPLETE
    return CURRENT


def assessment_view(assessment: TrustworthyAssessment | None, solution_id: int) -> dict[str, Any]:
    """The latest assessment with its state, for the API and the web page."""
    last_review = last_reviews([solution_id]).get(solution_id)
    return {"state": assessment_state(assessment, last_review), "last_review_on": last_review,
            "assessment": assessment,
            "unanswered": list(trustworthy.unanswered(assessment.answers or {})) if assessment else
            list(trustworthy.REQUIREMENT_KEYS),
            "open_actions": trustworthy.open_actions(assessment.answers or {}) if assessment else []}


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(f"Invalid input: {field}", errors={field: [message]})


def record_assessment(solution: Solution, data: dict[str, Any], by: User) -> TrustworthyAssessment:
    """A new version of the self-assessment; everything is checked before anything is written."""
    today = region_today()
    assessed_on = data.get("assessed_on") or today
    if assessed_on > today:
        raise _invalid("assessed_on", "An assessment cannot be dated later than today.")
    review_id = data.get("review_id")
    if review_id is not None:
        review = db.session.get(Review, review_id)
        if review is None or review.solution_id != solution.id:
            raise _invalid("review_id", "No such review of this solution.")
    answers = {key: {"answer": item.get("answer"), "evidence": item.get("evidence"),
                     "open_actions": item.get("open_actions")}
               for key, item in data["answers"].items()}
    assessment = TrustworthyAssessment(solution_id=solution.id, assessed_on=assessed_on, answers=answers,
                                       summary=data.get("summary"), review_id=review_id,
                                       assessed_by_id=by.id, assessed_by=by)
    db.session.add(assessment)
    audit.record_create(assessment, "trustworthy_assessment", solution_id=solution.id, reason=data.get("reason"))
    return assessment
