"""Who may see and change which solution. The one place the ownership rule lives.

An owner sees and edits only solutions where they are owner or co-owner (reading all is a policy,
OWNERS_READ_ALL); another owner's solution answers 404 so its existence does not leak. Compliance
reads and edits all; auditors read all and change nothing; admins hold no register content.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

from flask import current_app
from sqlalchemy import ColumnElement, CompoundSelect, Select, any_, func, or_, select, union, union_all
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from ai_register import preconditions
from ai_register.exceptions import NotAllowed, NotFound, ReadOnly, RoleNotAllowed, Stale
from ai_register.extensions import MAX_ID, db
from ai_register.security import ADMIN, AUDITOR, COMPLIANCE, OWNER
from ai_register.solutions.models import Solution, solution_co_owners
from ai_register.users.models import User

T = TypeVar("T")

READ_ONLY_PHASES = frozenset({"retired"})
EAGER_OWNERS = (joinedload(Solution.owner), joinedload(Solution.co_owners))


def can_read(solution: Solution, user) -> bool:
    if user.role in (COMPLIANCE, AUDITOR):
        return True
    if user.role == OWNER:
        return user.id in solution.owner_ids() or current_app.config.get("OWNERS_READ_ALL", False)
    return False


def can_write(solution: Solution, user) -> bool:
    if user.role == COMPLIANCE:
        return True
    return user.role == OWNER and user.id in solution.owner_ids()


def readable(solution: Solution | None, user: User) -> Solution:
    """The solution if `user` may see it; a missing or hidden one answers 404 alike."""
    if solution is None or user.role == ADMIN or not can_read(solution, user):
        raise NotFound("No such solution.")
    return solution


def get_solution(solution_id: int, user: User, *, write: bool = False, allow_retired: bool = False,
                 options: tuple = EAGER_OWNERS) -> Solution:
    """The solution, if `user` may see it (404 otherwise) and, for `write`, change it (403/409).
    `options` are loaded with it (by default the owners, which the access check needs)."""
    solution = readable(db.session.get(Solution, solution_id, options=options), user)
    if write:
        if not can_write(solution, user):
            if user.role == OWNER:  # reads all (OWNERS_READ_ALL), changes only their own
                raise NotAllowed("Your role may read this solution but not change it.", code="not_owner")
            raise RoleNotAllowed("Your role may read this solution but not change it.")
        if solution.phase in READ_ONLY_PHASES and not allow_retired:
            raise ReadOnly("The solution is retired and read-only.")
    return solution


# Ids are 32-bit integers in the database; a larger one in a URL names nothing (and must not reach
# the driver, which refuses it with an error rather than an empty result).
def require_id(value: int, what: str = "record") -> int:
    if not 0 < value <= MAX_ID:
        raise NotFound(f"No such {what}.")
    return value


def get_child(model: type[T], child_id: int, user: User, *, for_write: bool = False,
              what: str | None = None) -> T:
    """A record that belongs to a solution (a classification, evidence, an incident, a transition request),
    if `user` may see that solution, and for `for_write` change it (403/409, as `get_solution`).
    A hidden solution answers as a missing record, so neither's existence leaks."""
    what = what or _SPOKEN_NAME.sub(" ", model.__name__).lower()
    child = db.session.get(model, require_id(child_id, what))
    if child is None:
        raise NotFound(f"No such {what}.")
    try:
        get_solution(child.solution_id, user, write=for_write)
    except NotFound as exc:
        raise NotFound(f"No such {what}.") from exc
    return child


_SPOKEN_NAME = re.compile(r"(?<=[a-z])(?=[A-Z])")  # TransitionRequest -> "transition request"


def visible_solutions_query(user) -> Select:
    """A SELECT of the solutions the user may read, for lists and reports."""
    query = select(Solution)
    if user.role in (COMPLIANCE, AUDITOR):
        return query
    if user.role == OWNER:
        if current_app.config.get("OWNERS_READ_ALL", False):
            return query
        return query.where(_owned(user))
    return query.where(db.false())


def _owned(user) -> ColumnElement[bool]:
    """The condition "the user owns or co-owns the solution", answered from two indexes: the owner's
    (`ix_solutions_owner_id`) and the primary key's for the co-owned ids. On PostgreSQL the co-owned ids
    are one array read first (`id = ANY(ARRAY(...))`), so the two lookups combine in one bitmap and the
    owner's rows are read once. `owner_id = :u OR id IN (subquery)` scans every solution, and
    `id IN (owned UNION co-owned)` joins the union against a scan of all solutions (171 ms against 17 ms
    for an owner of 1,928 of 100,000, docs/performance.md)."""
    co_owned = select(solution_co_owners.c.solution_id).where(solution_co_owners.c.user_id == user.id)
    if db.session.get_bind().dialect.name == "postgresql":
        return or_(Solution.owner_id == user.id, Solution.id == any_(func.array(co_owned.scalar_subquery())))
    return or_(Solution.owner_id == user.id, Solution.id.in_(co_owned))


def owned_ids(user) -> Select:
    """The ids of the solutions the user owns or co-owns, each once, from two indexes alone:
    `ix_solutions_owner_id` (owner, id: an index-only scan) and the co-owners' primary key."""
    return owned_ids_of(user.id)


def owned_ids_of(user_id) -> Select:
    """`owned_ids` of the user with the id `user_id` (a number, or a column of another statement)."""
    return union(select(Solution.id).where(Solution.owner_id == user_id),
                 select(solution_co_owners.c.solution_id).where(solution_co_owners.c.user_id == user_id))


def owned_rows(user, *columns, where: tuple = (), order_by: tuple = (), limit: int | None = None) -> CompoundSelect:
    """`columns` of the solutions the user owns or co-owns that match `where`, as two reads, each from its
    index: their own (`ix_solutions_owner_name`: owner, name, id with the start page's columns beside them,
    so a count is an index-only scan and the first by name a walk of the index) and the co-owned ones of
    another owner (the co-owners' and the solutions' primary keys). With `order_by` and `limit`, each read
    takes its first `limit` and the caller orders the union again. A solution is in one read only: its owner
    is never its co-owner. `owner_id = :u OR id = ANY(co-owned)` must read the owner's rows from the table
    (a bitmap), 1,550 pages for an owner of 1,928 (docs/performance.md)."""
    co_owned = select(solution_co_owners.c.solution_id).where(solution_co_owners.c.user_id == user.id)
    parts = []
    for whose in (Solution.owner_id == user.id, Solution.id.in_(co_owned) & (Solution.owner_id != user.id)):
        part = select(*columns).where(whose, *where)
        if limit is not None:
            part = select(part.order_by(*order_by).limit(limit).subquery())
        parts.append(part)
    return union_all(*parts)


def visible_by_id(user) -> ColumnElement[bool] | None:
    """`visible_solutions_query`'s condition as a test of the solution's id against the reader's ids, which
    a statement reads once (PostgreSQL: `id = ANY(ARRAY(owned ids))`, so the reader's rows of another table
    are found by its key, not by a scan and a hash join); None when the reader sees every solution."""
    if visible_solution_ids(user) is None:
        return None
    if user.role != OWNER:
        return db.false()
    if db.session.get_bind().dialect.name == "postgresql":
        return Solution.id == any_(func.array(owned_ids(user).scalar_subquery()))
    return Solution.id.in_(owned_ids(user))


def writable_solutions_query(user) -> Select:
    """A SELECT of the solutions the user may change (can_write), retired ones included."""
    if user.role == COMPLIANCE:
        return select(Solution)
    if user.role == OWNER:
        return select(Solution).where(_owned(user))
    return select(Solution).where(db.false())


def visible_solution_ids(user) -> Select | None:
    """The ids of the solutions the user may read, as a subquery for `Solution.id.in_(...)`; None when
    the user reads them all. Never a list of ids from Python: each id would be a bound parameter, and
    the driver refuses a statement with more than 65,535 of them."""
    if user.role in (COMPLIANCE, AUDITOR) or (user.role == OWNER
                                               and current_app.config.get("OWNERS_READ_ALL", False)):
        return None
    return visible_solutions_query(user).with_only_columns(Solution.id)


def visible_condition(user) -> ColumnElement[bool] | None:
    """What `visible_solution_ids` selects, as a condition on a query's own solution row; None when the user
    reads them all. For a statement that reads solution rows anyway (the follow-up agenda's sources, twelve
    in one statement): each tests its rows against the owner's index and the co-owned ids rather than
    joining a second read of the visible solutions (which read every due review of the register to keep an
    owner's) or building the owner's ids into an array per source (`visible_by_id`: 2.5× slower there for
    an owner of 1,928 solutions; docs/performance.md)."""
    if user.role in (COMPLIANCE, AUDITOR) or (user.role == OWNER
                                               and current_app.config.get("OWNERS_READ_ALL", False)):
        return None
    if user.role == OWNER:
        return _owned(user)
    return db.false()


def require_if_match(solution: Solution, if_match: str | None) -> None:
    """No lost updates: the caller must name the version it read (428 without, 412 when stale)."""
    preconditions.require_if_match(solution.version, if_match, "solution")


@contextmanager
def no_lost_update(solution: Solution) -> Iterator[None]:
    """Catch the race that If-Match cannot: another writer committed between our read and our write.

    The solution's version column makes the UPDATE match no row then (StaleDataError); the change is
    rolled back and the caller gets 412 with the version that won, like a stale If-Match.
    """
    solution_id = solution.id
    try:
        yield
        db.session.flush()
    except StaleDataError as exc:
        db.session.rollback()
        current = db.session.scalar(select(Solution.version).where(Solution.id == solution_id))
        raise Stale(f"The solution was changed by someone else meanwhile; its current version is "
                    f"{current}.", current_version=current) from exc
