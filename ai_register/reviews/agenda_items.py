"""What the follow-up agenda is made of: an item (`AgendaItem`), a source described in SQL (`Source`), what a
page asks of the sources (`Want`), a source's first items and counts (`Part`), and reading the sources of a page
together (`read`). The sources other areas keep (`monitoring/followup.py`, `obligations/followup.py`,
`portfolio/followup.py`, `suppliers/followup.py`) build on it, and `reviews.agenda` gathers them all, so none of
them has to import the agenda that imports it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, Select, func, literal_column, not_, union_all

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
class Source:
    """One source of the agenda, described and not yet read: `query`, its rows (each naming the solution in
    its FROM) in the agenda's order within the source (overdue first, then by due date and subject id);
    `is_overdue`, its rows' overdue condition; `build`, items from rows read."""

    query: Select
    is_overdue: ColumnElement[bool]
    build: Callable[[list], list[AgendaItem]]
    # How many items the whole register has (and overdue), from counts kept in step with the rows (PostgreSQL):
    # `kept(overdue)`, a statement of two columns (total, late) that answers what counting `query` (with
    # `want.overdue`'s condition, None: none) would. Read instead of counting when every solution is visible.
    kept: Callable[[bool | None], Select] | None = None
    # The same count over the solutions a reader owns or co-owns, `owned(reader, overdue)`, read instead of
    # counting `query` under the reader's visibility condition: from the owner's own index
    # (`solutions.access.owned_rows`), so it grows with what the reader owns, not with the register.
    owned: Callable[[object, bool | None], Select] | None = None
    # And its rows so: `owned_rows(reader, conditions, limit)`, the rows `query` gives under the reader's visibility
    # condition with `conditions` added, in the same order, at most `limit` (None: all).
    owned_rows: Callable[[object, tuple, int | None], Select] | None = None


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


def read(sources: list[Source], want: Want, visible: ColumnElement[bool] | None = None,
         owner: object | None = None) -> list[Part]:
    """The sources of one page read together. `visible` (a condition on the solution row each source names;
    None: every solution) and `want`'s choice of overdue items are put on each source's query (`owner`: the
    reader whose owned and co-owned solutions `visible` selects, for the sources that count those from the
    owner's index, `Source.owned`); every source
    is counted in ONE statement (a count per source, UNION ALL); then only the sources whose items can
    be on the page are read, each at most `want.limit` rows. The agenda lists overdue items first, so when
    there are at least `want.limit` overdue items in all, the page holds only overdue ones: the sources are
    then read for their overdue rows only, and a source without any is not read at all."""
    queries, wanted_conditions = [], []
    for source in sources:
        query = source.query if visible is None else source.query.where(visible)
        conditions = ()
        if want.overdue is not None:
            conditions = (source.is_overdue if want.overdue else not_(source.is_overdue),)
            query = query.where(*conditions)
        queries.append(query)
        wanted_conditions.append(conditions)
    # What a count kept per key answers (the reviews due of 100,000 solutions: ~1,500 kept rows per phase and
    # day, not 33,784 index entries) is read from it when the reader sees every solution (PostgreSQL, whose
    # triggers keep it); an owner's are counted over their own solutions.
    whole = visible is None and db.session.get_bind().dialect.name == "postgresql"
    counts = [_count(n, source, query, want, kept=whole and source.kept is not None,
                     owner=owner if source.owned is not None else None)
              for n, (source, query) in enumerate(zip(sources, queries, strict=True))]
    if not counts:
        return []
    # UNION ALL, not a join of the one-row counts: each branch is planned on its own (a join of twelve
    # makes the planner search join orders, ~8 ms of planning for a page).
    counted = {int(n): (int(total or 0), int(late or 0)) for n, total, late in db.session.execute(
        union_all(*counts) if len(counts) > 1 else counts[0])}
    found = [counted.get(n, (0, 0)) for n in range(len(sources))]
    only_overdue = want.overdue is None and want.limit is not None and sum(late for _, late in found) >= want.limit
    parts = []
    for source, query, conditions, (total, late) in zip(sources, queries, wanted_conditions, found, strict=True):
        wanted = late if only_overdue else total
        if want.limit == 0 or not wanted:
            parts.append(Part([], total, late))
            continue
        if only_overdue:
            query, conditions = query.where(source.is_overdue), (*conditions, source.is_overdue)
        if owner is not None and source.owned_rows is not None:
            query = source.owned_rows(owner, conditions, want.limit)
        elif want.limit is not None:
            query = query.limit(want.limit)
        rows = db.session.execute(query).all()
        parts.append(Part(source.build(rows), total, late))
    return parts


def _count(n: int, source: Source, query: Select, want: Want, *, kept: bool, owner: object | None) -> Select:
    """The statement of one source's counts in `read`'s UNION ALL: its number `n`, how many items and how many
    overdue; from the source's kept counts (`kept`), over the owner's own solutions (`owner`) or by counting
    its rows."""
    source_column = literal_column(str(n)).label("source")
    if kept or owner is not None:
        counted = source.kept(want.overdue) if kept else source.owned(owner, want.overdue)
        return counted.with_only_columns(source_column, *counted.selected_columns, maintain_column_froms=True)
    return query.order_by(None).with_only_columns(
        source_column, func.count().label("total"), func.count().filter(source.is_overdue).label("late"),
        maintain_column_froms=True)
