"""The portfolio kept for each reader who sees a part of the register (an owner: the solutions they own or
co-own), so their view reads a page of rows by an index and their aggregates as a few kept rows, however
many solutions they see.

An owner's scores are relative to the largest benefit and cost among the solutions they see (`scoring`: "the
largest in the portfolio"), so they differ from the register's stored scores (`portfolio.stored`) unless the
owner happens to hold the register's largest. Per reader:

- `portfolio_reader_basis`: their maxima and the weights (a read compares their kept rows' solutions with the
  solutions they see now, set against set: `check`, `stored.reader_current`);
- `portfolio_reader_scores`: each solution they see with its score against their maxima, computed by the SQL of
  `ranking.scored` from the stored inputs (`portfolio_scores`);
- `portfolio_reader_aggregates`: the sums of those solutions' contributions (`portfolio.contributions`), a
  care unit's score sum of the reader's own scores.

Built at the reader's first portfolio view; kept in step in every transaction that writes a score input,
an aggregated figure or a solution's owners (`portfolio.stored.refresh`): `before` subtracts the written
solutions' part from their readers' sums (while the old contributions are still there), `after` scores them
again for each reader and adds their new part, or writes the reader's rows again when the write moved the
reader's largest benefit or cost. A rebuild of the register's stored rows drops every reader's rows (the next
view builds them). Reader rows are locked after the stored basis row (the register's one lock order).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from sqlalchemy import (
    Select,
    and_,
    any_,
    case,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    union,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from ai_register.portfolio import ranking
from ai_register.portfolio.models import (
    PortfolioContribution,
    PortfolioReaderAggregate,
    PortfolioReaderBasis,
    PortfolioReaderScore,
    PortfolioScore,
)
from ai_register.solutions.access import owned_ids_of
from ai_register.solutions.models import Solution, solution_co_owners

SUMS = ranking.SUMMED


def _int(value) -> int | None:
    return None if value is None else int(value)


def _dialect(connection: Connection):
    return postgresql if connection.dialect.name == "postgresql" else sqlite


def _theirs(connection: Connection, reader_id: int):
    """The reader's stored rows, found by key: PostgreSQL reads the reader's ids once into an array."""
    if connection.dialect.name == "postgresql":
        return PortfolioScore.solution_id == any_(func.array(owned_ids_of(reader_id).scalar_subquery()))
    return PortfolioScore.solution_id.in_(owned_ids_of(reader_id))


def _theirs_among(reader_id: int, ids: list[int]):
    """The stored rows of `ids` that the reader sees, found from `ids` (a few solutions' owners tested)."""
    co_owned = select(solution_co_owners.c.solution_id).where(solution_co_owners.c.user_id == reader_id,
                                                              solution_co_owners.c.solution_id.in_(ids))
    seen = select(Solution.id).where(Solution.id.in_(ids),
                                     or_(Solution.owner_id == reader_id, Solution.id.in_(co_owned)))
    return and_(PortfolioScore.solution_id.in_(ids), PortfolioScore.solution_id.in_(seen))


def maxima(connection: Connection, reader_id: int, ids: list[int] | None = None) -> ranking.Maxima:
    """The largest positive benefit and cost among the stored rows of the solutions the reader sees (of `ids`
    only, when given)."""
    where = [_theirs(connection, reader_id)] if ids is None else [_theirs_among(reader_id, ids)]
    found = connection.execute(select(func.max(case((PortfolioScore.benefit > 0, PortfolioScore.benefit))),
                                      func.max(case((PortfolioScore.cost > 0, PortfolioScore.cost))))
                               .where(*where)).one()
    return ranking.Maxima(*(_int(v) for v in found))


def _scored(connection: Connection, reader_id: int, weights: Mapping[str, float], largest: ranking.Maxima,
            ids: list[int] | None) -> Select:
    """(reader, solution, tenths) of the solutions the reader sees (of `ids` only, when given)."""
    where = [_theirs(connection, reader_id)] if ids is None else [_theirs_among(reader_id, ids)]
    source = select(PortfolioScore.solution_id.label("id"), PortfolioScore.category.label("category"),
                    PortfolioScore.benefit.label("benefit"), PortfolioScore.cost.label("cost"),
                    PortfolioScore.perspectives.label("perspectives")).where(*where)
    rows = ranking.scored(source.subquery(), weights, largest).subquery()
    return select(literal(reader_id).label("reader_id"), rows.c.id, rows.c.tenths)


def _sums(reader_id: int, ids: list[int] | None, sign: int = 1) -> Select:
    """The reader's aggregate lines over their kept rows (of `ids` only, when given): kind, key, then SUMS."""
    c, mine = PortfolioContribution, PortfolioReaderScore
    where = [mine.reader_id == reader_id]
    if ids is not None:
        where += [c.solution_id.in_(ids), mine.solution_id.in_(ids)]
    tenths = func.sum(case((c.kind == "care_unit", mine.tenths * c.listed), else_=0))
    return (select(c.kind, c.key, func.count() * sign,
                   *(func.sum(getattr(c, name)) * sign for name in SUMS[1:] if name != "tenths"),
                   tenths * sign)
            .select_from(c).join(mine, mine.solution_id == c.solution_id).where(*where).group_by(c.kind, c.key))


SUM_COLUMNS = ("kind", "key", *(name for name in SUMS if name != "tenths"), "tenths")


def _add(connection: Connection, reader_id: int, sums: Select) -> None:
    """Add `sums` (SUM_COLUMNS) to the reader's kept lines."""
    table = PortfolioReaderAggregate.__table__
    source = sums.add_columns(literal(reader_id).label("reader_id"))
    statement = _dialect(connection).insert(table).from_select((*SUM_COLUMNS, "reader_id"), source)
    connection.execute(statement.on_conflict_do_update(
        index_elements=["reader_id", "kind", "key"],
        set_={name: table.c[name] + statement.excluded[name] for name in SUMS}))
    connection.execute(delete(PortfolioReaderAggregate).where(PortfolioReaderAggregate.reader_id == reader_id,
                                                              PortfolioReaderAggregate.solutions <= 0))


def rewrite(connection: Connection, reader_id: int, weights: Mapping[str, float], weights_text: str) -> None:
    """Every row and line of the reader again from the stored rows and contributions (their basis row made
    first and locked: the caller holds the stored basis row's lock)."""
    table = PortfolioReaderBasis.__table__
    connection.execute(_dialect(connection).insert(table).values(reader_id=reader_id, weights=weights_text)
                       .on_conflict_do_nothing(index_elements=["reader_id"]))
    connection.execute(select(table.c.reader_id).where(table.c.reader_id == reader_id).with_for_update())
    largest = maxima(connection, reader_id)
    connection.execute(delete(PortfolioReaderScore).where(PortfolioReaderScore.reader_id == reader_id))
    connection.execute(insert(PortfolioReaderScore).from_select(
        ("reader_id", "solution_id", "tenths"), _scored(connection, reader_id, weights, largest, None)))
    connection.execute(delete(PortfolioReaderAggregate).where(PortfolioReaderAggregate.reader_id == reader_id))
    connection.execute(insert(PortfolioReaderAggregate).from_select(
        (*SUM_COLUMNS, "reader_id"), _sums(reader_id, None).add_columns(literal(reader_id))))
    connection.execute(update(PortfolioReaderBasis).where(PortfolioReaderBasis.reader_id == reader_id)
                       .values(weights=weights_text, max_benefit=largest.benefit, max_cost=largest.cost))


def before(connection: Connection, solution_ids: Iterable[int], former: Iterable[int] = ()) -> dict[int, bool]:
    """The readers with kept rows who see one of `solution_ids` (or saw it: `former`, its owners before this
    write), their basis rows locked in id order, each with whether one of those solutions held their largest
    benefit or cost (the write may lower it then); the part of those solutions taken out of their sums (their
    contributions and the reader's scores as they were before the write)."""
    ids = sorted(set(solution_ids))
    if not ids:
        return {}
    candidates = union(select(Solution.owner_id).where(Solution.id.in_(ids)),
                       select(solution_co_owners.c.user_id).where(solution_co_owners.c.solution_id.in_(ids)),
                       *(select(literal(reader)) for reader in sorted(set(former)) if reader is not None))
    basis, mine, score = PortfolioReaderBasis, PortfolioReaderScore, PortfolioScore
    readers = list(connection.scalars(select(basis.reader_id).where(basis.reader_id.in_(candidates))
                                      .order_by(basis.reader_id).with_for_update()))
    if not readers:
        return {}
    held = set(connection.scalars(
        select(mine.reader_id).distinct()
        .join(basis, basis.reader_id == mine.reader_id).join(score, score.solution_id == mine.solution_id)
        .where(mine.reader_id.in_(readers), mine.solution_id.in_(ids),
               or_(score.benefit == basis.max_benefit, score.cost == basis.max_cost))))
    for reader_id in readers:
        _add(connection, reader_id, _sums(reader_id, ids, -1))
    return {reader_id: reader_id in held for reader_id in readers}


def _larger(kept: int | None, found: int | None) -> int | None:
    return found if kept is None else kept if found is None else max(kept, found)


def after(connection: Connection, readers: Mapping[int, bool], solution_ids: Iterable[int]) -> None:
    """Each of `readers` (from `before`) again after the write: the written solutions scored and their part
    added back, or, when the write moved the reader's largest benefit or cost, every row and line of theirs. Their
    largest is found again among all their solutions only when a written one held it; otherwise it can only have
    grown, to a written solution's (a few rows read, not every solution of theirs)."""
    ids = sorted(set(solution_ids))
    basis = PortfolioReaderBasis
    for reader_id, held in readers.items():
        kept = connection.execute(select(basis.weights, basis.max_benefit, basis.max_cost)
                                  .where(basis.reader_id == reader_id)).one()
        weights = json.loads(kept.weights)
        before_write = ranking.Maxima(_int(kept.max_benefit), _int(kept.max_cost))
        if held:
            largest = maxima(connection, reader_id)
        else:
            written = maxima(connection, reader_id, ids)
            largest = ranking.Maxima(_larger(before_write.benefit, written.benefit),
                                     _larger(before_write.cost, written.cost))
        if largest != before_write:
            rewrite(connection, reader_id, weights, kept.weights)
            continue
        mine = PortfolioReaderScore
        connection.execute(delete(mine).where(mine.reader_id == reader_id, mine.solution_id.in_(ids)))
        connection.execute(insert(mine).from_select(("reader_id", "solution_id", "tenths"),
                                                    _scored(connection, reader_id, weights, largest, ids)))
        _add(connection, reader_id, _sums(reader_id, ids))


def drop_all(connection: Connection) -> None:
    """Every reader's kept rows removed (after the stored rows were rebuilt): each reader's next view
    builds theirs."""
    for model in (PortfolioReaderAggregate, PortfolioReaderScore, PortfolioReaderBasis):
        connection.execute(delete(model))


def check(reader_id: int, owned: Select) -> Select:
    """One statement: the solutions the reader sees now (`owned`) set against the solutions of their kept rows,
    as a full join on the solution: how many the reader sees, how many rows they have kept and how many
    solutions are in either; the three are equal exactly when both are the same solutions (whatever changed
    around the ORM: a count or sum of ids misses a swap of solutions with equal sums). Beside them what the
    reader's basis row holds: the weights and their maxima (none before their first view)."""
    seen = owned.subquery()
    mine = PortfolioReaderScore
    kept = select(mine.solution_id).where(mine.reader_id == reader_id).subquery()
    basis = PortfolioReaderBasis
    held = [select(column).where(basis.reader_id == reader_id).scalar_subquery()
            for column in (basis.weights, basis.max_benefit, basis.max_cost)]
    return (select(func.count(seen.c.id), func.count(kept.c.solution_id), func.count(), *held)
            .select_from(seen.outerjoin(kept, kept.c.solution_id == seen.c.id, full=True)))
