"""The portfolio report: one row per solution the reader may see (phase, status, risk classes, owners,
next review, open obligations), read in batches with a few queries per batch, not per row."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, and_, func, or_, select

from ai_register import statements
from ai_register.extensions import db
from ai_register.obligations import rules as obligation_rules
from ai_register.obligations.models import SolutionObligation
from ai_register.oversight import models as oversight_models
from ai_register.reports.instants import region_zone
from ai_register.reports.people import user_names
from ai_register.solutions import services as solution_services
from ai_register.solutions.models import Solution
from ai_register.users.models import User

PORTFOLIO_COLUMNS = ("id", "name", "phase", "status", "ai_act_category", "device_class", "owner",
                     "oversight_owner", "next_review_on", "review_overdue", "open_obligations", "care_units",
                     "needs_rereview")


def portfolio_query(user: User, args: Mapping[str, Any]):
    """The solutions the user may read, filtered as the solutions list filters them."""
    return solution_services.solutions_query(user, dict(args))


def iter_portfolio(user: User, args: Mapping[str, Any], *, batch_size: int = 200) -> Iterator[dict[str, Any]]:
    """One row per solution, in name order, read in batches: a few queries per batch, not per row.

    Which solutions is decided now, with the user; the ids are read from one cursor as the rows are
    consumed (never a list of every id), so a streamed answer (CSV) holds one batch at a time."""
    base = portfolio_query(user, args).order_by(None).with_only_columns(Solution.id)
    ordered = select(Solution.id).where(Solution.id.in_(base.scalar_subquery())).order_by(
        func.lower(Solution.name), Solution.id)
    return _stream_portfolio(ordered, batch_size)


def _stream_portfolio(ordered, batch_size: int) -> Iterator[dict[str, Any]]:
    result = db.session.execute(ordered.execution_options(yield_per=batch_size))
    for partition in result.partitions():
        yield from portfolio_rows([row[0] for row in partition], batch_size)


def portfolio_rows(ids: list[int], batch_size: int) -> Iterator[dict[str, Any]]:
    """The report rows of `ids`, in that order, read `batch_size` at a time."""
    today = datetime.now(region_zone()).date()
    for start in range(0, len(ids), batch_size):
        chunk = ids[start:start + batch_size]
        solutions = {s.id: s for s in db.session.scalars(select(Solution).where(Solution.id.in_(chunk)))}
        owners = user_names({s.owner_id for s in solutions.values()})
        oversight = _oversight_names(chunk)
        obligations = open_obligations(chunk, today)
        for solution_id in chunk:
            solution = solutions[solution_id]
            next_review = solution.next_review_on
            yield {
                "id": solution.id,
                "name": solution.name,
                "phase": solution.phase,
                "status": solution.status,
                "ai_act_category": solution.current_ai_act_category,
                "device_class": solution.current_device_class,
                "owner": owners.get(solution.owner_id),
                "oversight_owner": oversight.get(solution.id),
                "next_review_on": next_review.isoformat() if next_review else None,
                "review_overdue": bool(next_review and next_review < today),
                "open_obligations": obligations.get(solution.id, []),
                "care_units": list(solution.care_units or []),
                "needs_rereview": solution.needs_rereview,
            }


def _oversight_names(solution_ids: list[int]) -> dict[int, str | None]:
    return {sid: owner["name"] for sid, owner in current_oversight_owners(solution_ids).items()}


def _oversight_statement(kind: str) -> Select:
    """The current oversight assignments of the solutions `:ids` (given at execution; built once)."""
    assignment = oversight_models.OversightAssignment
    person = oversight_models.Person
    return (select(assignment.solution_id, assignment.user_id, User.display_name, person.name, person.title,
                   person.unit)
            .outerjoin(User, User.id == assignment.user_id)
            .outerjoin(person, person.id == assignment.person_id)
            .where(statements.among(assignment.solution_id, kind), assignment.ended_at.is_(None)))


def _obligations_statement(kind: str) -> Select:
    """The open obligation records of the solutions `:ids` (given at execution; built once), soonest due first."""
    record = SolutionObligation
    closed = or_(record.status == obligation_rules.MET,
                 and_(record.status == obligation_rules.NOT_APPLICABLE, record.confirmed_by_id.is_not(None)))
    return (select(record.solution_id, record.obligation_id)
            .where(statements.among(record.solution_id, kind), record.current.is_(True), ~closed)
            .order_by(record.solution_id, record.due_on.is_(None), record.due_on, record.obligation_id))


def current_oversight_owners(solution_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The current oversight owner of each solution (one query): kind, name, and a person's title and unit."""
    if not solution_ids:
        return {}
    rows = db.session.execute(statements.built("portfolio_report.oversight", _oversight_statement),
                              {"ids": list(solution_ids)})
    owners = {}
    for row in rows:
        if row.user_id is not None:
            owners[row.solution_id] = {"kind": "user", "name": row.display_name, "title": None, "unit": None}
        else:
            owners[row.solution_id] = {"kind": "person", "name": row[3], "title": row.title, "unit": row.unit}
    return owners


def open_obligations(solution_ids: list[int], today: date) -> dict[int, list[str]]:
    """Per solution, its obligation records (obligations area) listed by the decided classification and not
    closed (neither met nor confirmed not applicable), soonest due first, by the rule set's obligation id:
    the records, not a recomputation from the classification's snapshot (issue 21). One query."""
    if not solution_ids:
        return {}
    rows = db.session.execute(statements.built("portfolio_report.obligations", _obligations_statement),
                              {"ids": list(solution_ids)})
    open_items: dict[int, list[str]] = {}
    for row in rows:
        open_items.setdefault(row.solution_id, []).append(row.obligation_id)
    return open_items
