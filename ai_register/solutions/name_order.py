"""The first few solutions in name order that match a search, read from a bounded part of the register
(issue 22): the deviation form's solution search (incidents.deviations.search_solutions) and the solution
fields' search as you type (solutions.views.lookup) share it."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import ColumnElement, FromClause, Row, Select, select

from ai_register.extensions import db
from ai_register.solutions.models import Solution

# A search looks for its matches among this many solutions in name order first.
FIRST = 1000


def like_escaped(text: str) -> str:
    """`text` for a LIKE pattern with `/` as its escape character, as `contains(…, autoescape=True)` writes it:
    a `%` or `_` a person types is a character they look for, not a wildcard."""
    return text.replace("/", "//").replace("%", "/%").replace("_", "/_")


def first_matches(columns: Select, matching: Callable[[FromClause], ColumnElement[bool]], limit: int, *,
                  first: int | None = FIRST) -> list[Row]:
    """The first `limit` rows of `columns` (a SELECT of solutions, with `id` and `name` among its columns and
    the reader's visibility in its WHERE) that `matching` accepts, in order of name, then id. `matching` gets
    the rows to test (a subquery, or the solutions table itself) and returns the condition on their columns.

    The matches among the first `first` rows in that order (a walk of an index on name and id) are read
    first: when `limit` of them are there they are the first matches of all, since every row further on
    sorts after each of them (a word many names hold, or one to three letters, which no trigram index
    answers). Otherwise every match is found (through the trigram indexes on PostgreSQL) and the first of them
    in order kept: a rare word, or one whose solutions lie together further on (their names start alike).
    `first=None` skips the first read: for a reader whose solutions are few (an owner's), a search of all of
    them is one short read already."""
    if first is not None:
        head = columns.order_by(Solution.name, Solution.id).limit(first).subquery()
        found = db.session.execute(select(head).where(matching(head)).order_by(head.c.name, head.c.id)
                                   .limit(limit)).all()
        if len(found) >= limit:
            return list(found)
    # OFFSET 0 keeps the planner from reading the name index to the end for a few matches far on.
    every = columns.where(matching(Solution.__table__)).offset(0).subquery()
    return list(db.session.execute(select(every).order_by(every.c.name, every.c.id).limit(limit)).all())
