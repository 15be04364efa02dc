"""Follow-up agenda items of portfolio steering (collected by `reviews.agenda.collect`):

  continuity_overdue               a solution critical for patient care, in rollout or management,
                                   whose fallback routine or recovery plan is missing or expired, or
                                   whose recovery plan has no test recorded
  trustworthy_assessment_refresh   a periodic review came after the latest trustworthy-AI assessment
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import exists, func, or_, select, true

from ai_register.evidence.models import Evidence
from ai_register.extensions import db
from ai_register.portfolio.models import TrustworthyAssessment
from ai_register.reviews.agenda_items import AgendaItem, Source
from ai_register.reviews.models import Review
from ai_register.solutions.lifecycle.facts import EvidenceFact, EvidenceType, GateFacts, GateSettings
from ai_register.solutions.lifecycle.gates import continuity_if_critical
from ai_register.solutions.models import Solution

IN_SERVICE = ("rollout", "management")
CONTINUITY_TYPES = (EvidenceType.FALLBACK_ROUTINE.value, EvidenceType.RECOVERY_PLAN.value)


def _valid(type_: str, today: date):
    return exists(select(1).where(Evidence.solution_id == Solution.id, Evidence.type == type_,
                                  Evidence.superseded_by_id.is_(None), Evidence.issued_on <= today,
                                  or_(Evidence.expires_on.is_(None), Evidence.expires_on > today)))


def continuity_part(today: date) -> Source:
    """The agenda's source of critical solutions in service with continuity gaps (the SQL of `continuity_if_critical`: a
    fallback routine and a recovery plan valid today, a recovery-plan test on or before today), by id;
    the gaps are named for the items read."""

    query = (select(Solution).where(
        Solution.critical_for_patient_care.is_(True), Solution.phase.in_(IN_SERVICE),
        or_(~_valid(EvidenceType.FALLBACK_ROUTINE.value, today), ~_valid(EvidenceType.RECOVERY_PLAN.value, today),
            Solution.recovery_plan_tested_on.is_(None), Solution.recovery_plan_tested_on > today))
        .order_by(Solution.id))

    def build(rows) -> list:
        solutions = [solution for (solution,) in rows]
        evidence: dict[int, list[EvidenceFact]] = {}
        ids = [s.id for s in solutions]
        for start in range(0, len(ids), 1000):  # bounded parameter lists (the reminders run reads all)
            for solution_id, type_, issued_on, expires_on in db.session.execute(
                    select(Evidence.solution_id, Evidence.type, Evidence.issued_on, Evidence.expires_on)
                    .where(Evidence.solution_id.in_(ids[start:start + 1000]), Evidence.type.in_(CONTINUITY_TYPES),
                           Evidence.superseded_by_id.is_(None)).order_by(Evidence.id)):
                evidence.setdefault(solution_id, []).append(EvidenceFact(EvidenceType(type_), issued_on,
                                                                         expires_on))
        items = []
        for solution in solutions:
            gaps = continuity_if_critical(GateFacts(evidence=tuple(evidence.get(solution.id, ())),
                                                    critical_for_patient_care=True,
                                                    recovery_plan_tested_on=solution.recovery_plan_tested_on),
                                          today, GateSettings())
            items.append(AgendaItem("continuity_overdue", solution, "solution", solution.id, None, True,
                                    {"solution": solution.name, "gaps": ", ".join(u.code for u in gaps)},
                                    f"/solutions/{solution.id}", ("owners", "compliance")))
        return items

    return Source(query, true(), build)


def refresh_part() -> Source:
    """The agenda's source of solutions whose periodic review came after the latest assessment, which asks
    for a new one (assessments.REFRESH_DUE)."""

    assessed = (select(TrustworthyAssessment.solution_id, func.max(TrustworthyAssessment.assessed_on).label("on"))
                .group_by(TrustworthyAssessment.solution_id).subquery())
    reviewed = (select(Review.solution_id, func.max(Review.reviewed_on).label("on"))
                .group_by(Review.solution_id).subquery())
    query = (select(Solution, reviewed.c.on)
             .join(assessed, assessed.c.solution_id == Solution.id)
             .join(reviewed, reviewed.c.solution_id == Solution.id)
             .where(Solution.phase.in_(("needs_analysis", "pilot", *IN_SERVICE)), reviewed.c.on > assessed.c.on)
             .order_by(reviewed.c.on, Solution.id))

    def build(rows) -> list:
        return [AgendaItem("trustworthy_assessment_refresh", solution, "solution", solution.id, reviewed_on,
                           True, {"solution": solution.name},
                           f"/solutions/{solution.id}/trustworthy-assessment", ("owners",))
                for solution, reviewed_on in rows]

    return Source(query, true(), build)
