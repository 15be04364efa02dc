"""Follow-up agenda items of portfolio steering (collected by `reviews.agenda.collect`):

  continuity_overdue               a solution critical for patient care, in rollout or management,
                                   whose fallback routine or recovery plan is missing or expired, or
                                   whose recovery plan has no test recorded
  trustworthy_assessment_refresh   a periodic review came after the latest trustworthy-AI assessment
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ai_register.evidence.models import Evidence
from ai_register.extensions import db
from ai_register.portfolio import assessments
from ai_register.solutions.lifecycle import EvidenceFact, EvidenceType, GateFacts, GateSettings, continuity_if_critical
from ai_register.solutions.models import Solution

IN_SERVICE = ("rollout", "management")
CONTINUITY_TYPES = (EvidenceType.FALLBACK_ROUTINE.value, EvidenceType.RECOVERY_PLAN.value)


def agenda_items(today: date, solution_ids) -> list:
    from ai_register.reviews.agenda import AgendaItem

    items = []
    query = select(Solution).where(Solution.critical_for_patient_care.is_(True), Solution.phase.in_(IN_SERVICE))
    if solution_ids is not None:
        query = query.where(Solution.id.in_(solution_ids))
    for solution in db.session.scalars(query.order_by(Solution.id)):
        evidence = tuple(EvidenceFact(EvidenceType(e.type), e.issued_on, e.expires_on) for e in db.session.scalars(
            select(Evidence).where(Evidence.solution_id == solution.id, Evidence.type.in_(CONTINUITY_TYPES),
                                   Evidence.superseded_by_id.is_(None))))
        gaps = continuity_if_critical(GateFacts(evidence=evidence, critical_for_patient_care=True,
                                                recovery_plan_tested_on=solution.recovery_plan_tested_on),
                                      today, GateSettings())
        if gaps:
            items.append(AgendaItem("continuity_overdue", solution, "solution", solution.id, None, True,
                                    {"solution": solution.name, "gaps": ", ".join(u.code for u in gaps)},
                                    f"/solutions/{solution.id}", ("owners", "compliance")))
    query = select(Solution).where(Solution.phase.in_(("needs_analysis", "pilot", *IN_SERVICE)))
    if solution_ids is not None:
        query = query.where(Solution.id.in_(solution_ids))
    solutions = {s.id: s for s in db.session.scalars(query)}
    latest = assessments.latest_assessments(solutions)
    for sid, reviewed_on in assessments.last_reviews(latest).items():
        if assessments.assessment_state(latest[sid], reviewed_on) == assessments.REFRESH_DUE:
            solution = solutions[sid]
            items.append(AgendaItem("trustworthy_assessment_refresh", solution, "solution", sid, reviewed_on, True,
                                    {"solution": solution.name},
                                    f"/solutions/{sid}/trustworthy-assessment", ("owners",)))
    return items
