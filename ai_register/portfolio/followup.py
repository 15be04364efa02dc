"""Follow-up agenda items of portfolio steering (collected by `reviews.agenda.collect`):

  continuity_overdue               a solution critical for patient care, in rollout or management,
                                   whose fallback routine or recovery plan is missing or expired, or
                                   whose recovery plan has no test recorded
  trustworthy_assessment_refresh   a periodic review came after the latest trustworthy-AI assessment
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, func, select

from ai_register.evidence.models import Evidence
from ai_register.extensions import db
from ai_register.portfolio.models import TrustworthyAssessment
from ai_register.reviews.models import Review
from ai_register.solutions.lifecycle import EvidenceFact, EvidenceType, GateFacts, GateSettings, continuity_if_critical
from ai_register.solutions.models import Solution

IN_SERVICE = ("rollout", "management")
CONTINUITY_TYPES = (EvidenceType.FALLBACK_ROUTINE.value, EvidenceType.RECOVERY_PLAN.value)


def agenda_items(today: date, scope: Select | None) -> list:
    """`scope`: a SELECT of the solution ids to look at (None: all), see reviews.agenda.collect."""
    from ai_register.reviews.agenda import AgendaItem

    def limited(query):
        return query.where(Solution.id.in_(scope)) if scope is not None else query

    items = []
    critical = limited(select(Solution).where(Solution.critical_for_patient_care.is_(True),
                                              Solution.phase.in_(IN_SERVICE)))
    evidence: dict[int, list[EvidenceFact]] = {}
    for solution_id, type_, issued_on, expires_on in db.session.execute(
            select(Evidence.solution_id, Evidence.type, Evidence.issued_on, Evidence.expires_on)
            .where(Evidence.solution_id.in_(critical.with_only_columns(Solution.id)),
                   Evidence.type.in_(CONTINUITY_TYPES), Evidence.superseded_by_id.is_(None))
            .order_by(Evidence.id)):
        evidence.setdefault(solution_id, []).append(EvidenceFact(EvidenceType(type_), issued_on, expires_on))
    for solution in db.session.scalars(critical.order_by(Solution.id)):
        gaps = continuity_if_critical(GateFacts(evidence=tuple(evidence.get(solution.id, ())),
                                                critical_for_patient_care=True,
                                                recovery_plan_tested_on=solution.recovery_plan_tested_on),
                                      today, GateSettings())
        if gaps:
            items.append(AgendaItem("continuity_overdue", solution, "solution", solution.id, None, True,
                                    {"solution": solution.name, "gaps": ", ".join(u.code for u in gaps)},
                                    f"/solutions/{solution.id}", ("owners", "compliance")))
    # A periodic review after the latest assessment asks for a new one (assessments.REFRESH_DUE).
    assessed = (select(TrustworthyAssessment.solution_id, func.max(TrustworthyAssessment.assessed_on).label("on"))
                .group_by(TrustworthyAssessment.solution_id).subquery())
    reviewed = (select(Review.solution_id, func.max(Review.reviewed_on).label("on"))
                .group_by(Review.solution_id).subquery())
    refresh = limited(select(Solution, reviewed.c.on)
                      .join(assessed, assessed.c.solution_id == Solution.id)
                      .join(reviewed, reviewed.c.solution_id == Solution.id)
                      .where(Solution.phase.in_(("needs_analysis", "pilot", *IN_SERVICE)),
                             reviewed.c.on > assessed.c.on)
                      .order_by(Solution.id))
    for solution, reviewed_on in db.session.execute(refresh).all():
        items.append(AgendaItem("trustworthy_assessment_refresh", solution, "solution", solution.id, reviewed_on,
                                True, {"solution": solution.name},
                                f"/solutions/{solution.id}/trustworthy-assessment", ("owners",)))
    return items
