"""Obligations on the follow-up agenda and in reminders: due within a month, or overdue."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import and_, or_, select

from ai_register.obligations import rules
from ai_register.obligations.models import SolutionObligation
from ai_register.reviews.agenda_items import AgendaItem, Source
from ai_register.solutions.models import Solution

REMINDER_DAYS = 30


def agenda_part(today: date) -> Source:
    """The agenda's source of obligation records (`reviews.agenda_items.Source`), in the agenda's order."""

    horizon = today + timedelta(days=REMINDER_DAYS)
    query = (select(SolutionObligation, Solution).join(Solution, Solution.id == SolutionObligation.solution_id)
             .where(SolutionObligation.current.is_(True), SolutionObligation.due_on.is_not(None),
                    SolutionObligation.due_on <= horizon, Solution.phase != "retired",
                    or_(SolutionObligation.status.in_((rules.OPEN, rules.IN_PROGRESS)),
                        and_(SolutionObligation.status == rules.NOT_APPLICABLE,
                             SolutionObligation.confirmed_by_id.is_(None))))
             .order_by(SolutionObligation.due_on, SolutionObligation.id))

    def build(rows) -> list:
        items = []
        for row, solution in rows:
            overdue = row.due_on < today
            awaiting = row.status == rules.NOT_APPLICABLE
            audience = ("compliance",) if awaiting else (("owners", "compliance") if overdue else ("owners",))
            items.append(AgendaItem(
                "obligation_overdue" if overdue else "obligation_due", solution, "solution_obligation", row.id,
                row.due_on, overdue,
                {"solution": solution.name, "obligation": row.citation or row.obligation_id,
                 "obligation_id": row.obligation_id},
                f"/solutions/{solution.id}/obligations", audience))
        return items

    # Overdue first, then by due day and record: the due day decides both, as the agenda sorts them.
    return Source(query, SolutionObligation.due_on < today, build)
