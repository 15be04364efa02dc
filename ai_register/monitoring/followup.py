"""Monitoring and informing on the follow-up agenda and in reminders: a breach's assessment the oversight
owner has not decided by its due day, and a request for an explanation (Art 86) that is due within a week or
not answered in time. Like every reminder, each is sent once per due day (notifications' key)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select, true

from ai_register.monitoring import rules
from ai_register.monitoring.models import ExplanationRequest, MonitoringAssessment
from ai_register.reviews.agenda_items import AgendaItem, Source
from ai_register.solutions.models import Solution

# A request for an explanation reminds its solution's owners this many days before its due day.
EXPLANATION_REMINDER_DAYS = 7


def assessments_part(today: date) -> Source:
    """Breaches' assessments not decided by their due day, as the agenda's source (`reviews.agenda_items.Source`),
    in the agenda's order."""

    query = (select(MonitoringAssessment, Solution).join(Solution, Solution.id == MonitoringAssessment.solution_id)
             .where(MonitoringAssessment.status == rules.OPEN, MonitoringAssessment.due_on < today,
                    Solution.phase != "retired")
             .order_by(MonitoringAssessment.due_on, MonitoringAssessment.id))

    def build(rows) -> list:
        items = []
        for assessment, solution in rows:
            # The oversight owner it waits for (and the current one with the deputy), the owners and compliance.
            audience = (*((assessment.assignee_id,) if assessment.assignee_id else ()), "oversight", "owners",
                        "compliance")
            items.append(AgendaItem(
                "monitoring_assessment_overdue", solution, "monitoring_assessment", assessment.id,
                assessment.due_on, True, {"solution": solution.name, "metric": assessment.metric.name},
                f"/monitoring/assessments/{assessment.id}", audience))
        return items

    return Source(query, true(), build)  # every one is overdue (due before today)


def explanations_part(today: date) -> Source:
    """Requests for an explanation due within a week or not answered in time, as the agenda's source."""

    horizon = today + timedelta(days=EXPLANATION_REMINDER_DAYS)
    query = (select(ExplanationRequest, Solution).join(Solution, Solution.id == ExplanationRequest.solution_id)
             .where(ExplanationRequest.answered_on.is_(None), ExplanationRequest.due_on <= horizon,
                    Solution.phase != "retired")
             .order_by(ExplanationRequest.due_on, ExplanationRequest.id))

    def build(rows) -> list:
        items = []
        for row, solution in rows:
            overdue = rules.explanation_overdue(row.answered_on, row.due_on, today)
            items.append(AgendaItem(
                "explanation_request_overdue" if overdue else "explanation_request_due", solution,
                "explanation_request", row.id, row.due_on, overdue,
                {"solution": solution.name, "received_on": row.received_on.isoformat()},
                f"/explanation-requests/{row.id}", ("owners", "compliance") if overdue else ("owners",)))
        return items

    # Unanswered (the query's condition) and due before today: `rules.explanation_overdue` in SQL.
    return Source(query, ExplanationRequest.due_on < today, build)
