"""What the follow-up agenda is made of: an item (`AgendaItem`), what a page asks of each source (`Want`), a
source's first items and counts (`Part`), and reading a source in SQL (`sql_part`). The sources other areas
keep (`monitoring/followup.py`, `obligations/followup.py`, `portfolio/followup.py`, `suppliers/followup.py`)
build on it, and `reviews.agenda` gathers them all, so none of them has to import the agenda that imports it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, case, func, not_

from ai_register.extensions import db
from ai_register.solutions.models import Solution


@dataclass(frozen=True)
class AgendaItem:
    kind: str
    solution: Solution
    subject_type: str
    subject_id: int
    due_on: date | None
    overdue: bool
    params: dict = field(default_factory=dict)
    link: str | None = None
    # Who is reminded: "owners", "compliance", "oversight", or a user id.
    audience: tuple = ()

    def as_dict(self) -> dict:
        return {"kind": self.kind, "solution_id": self.solution.id, "solution_name": self.solution.name,
                "subject_type": self.subject_type, "subject_id": self.subject_id, "due_on": self.due_on,
                "overdue": self.overdue, "details": self.params, "link": self.link}


@dataclass(frozen=True)
class Want:
    """What a page of the agenda asks of each source: only overdue (or only not overdue) items, and at
    most `limit` of them (the first in the agenda's order); None: everything."""

    overdue: bool | None = None
    limit: int | None = None


@dataclass(frozen=True)
class Part:
    """A source's first items in the agenda's order, and how many it has in all (and overdue)."""

    items: list[AgendaItem]
    total: int
    overdue: int


def sql_part(query: Select, is_overdue, want: Want, build: Callable[[list], list[AgendaItem]]) -> Part:
    """A source read in SQL: `query` in the agenda's order within the source (overdue first, then by
    due date and subject id), `is_overdue` its rows' overdue condition. Counted in one statement,
    and only `want.limit` rows read."""
    if want.overdue is not None:
        query = query.where(is_overdue if want.overdue else not_(is_overdue))
    total, late = db.session.execute(query.order_by(None).with_only_columns(
        func.count(), func.coalesce(func.sum(case((is_overdue, 1), else_=0)), 0), maintain_column_froms=True)).one()
    if want.limit == 0 or not total:
        return Part([], total, int(late))
    rows = db.session.execute(query.limit(want.limit) if want.limit is not None else query).all()
    return Part(build(rows), total, int(late))
