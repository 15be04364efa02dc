"""The portfolio score kept per solution (`portfolio_scores`), so a view of the whole register sorts and
pages by an index instead of scoring 100,000 solutions per request.

Each row holds a solution's score inputs (category, yearly net benefit and three-year cost in cents,
goal perspectives covered: `ranking.record_inputs`) and its score in tenths against the basis
(`portfolio_score_basis`: the register's largest positive benefit and cost, and the weights), computed
by the SQL of `ranking.scored`, which tests/portfolio compares with `scoring.score_all`.

Kept in step in the transaction that changes an input: after every flush that writes a benefit
estimate, a goal, or a solution (new, or its classification's category), `_keep_in_step` recomputes
those solutions' rows; when that moves the register's largest benefit or cost, every row is
recomputed (one DELETE and one INSERT … SELECT; the basis row is locked, so two such writes take turns). The
aggregates' contributions and totals (`portfolio.contributions`) are kept in the same steps. A reader checks
in one statement that every solution has a row (the basis keeps how many rows there are and, on PostgreSQL
through a trigger on `solutions`, how many solutions: two numbers, no count of either table), that the stored
maxima are the basis's and that the weights are the configured ones (`current`); if not (the first read, new
weights, solutions written around the ORM such as the scale loader's COPY), it rebuilds the rows and the basis.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from itertools import chain

from sqlalchemy import Select, delete, event, func, insert, select, text, update
from sqlalchemy import inspect as inspect_object
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ai_register import statements
from ai_register.audit import services as audit
from ai_register.extensions import db
from ai_register.goals.models import BenefitEstimate, Goal, Measurement
from ai_register.portfolio import contributions, ranking, readers, scoring
from ai_register.portfolio.models import PortfolioReaderBasis, PortfolioReaderScore, PortfolioScore, PortfolioScoreBasis
from ai_register.solutions.access import owned_ids_of
from ai_register.solutions.models import Solution

BASIS = 1
COLUMNS = ("solution_id", "category", "benefit", "cost", "perspectives", "tenths")


def weights_text(weights: Mapping[str, float]) -> str:
    return json.dumps({name: float(weights[name]) for name in scoring.COMPONENTS}, sort_keys=True)


def _int(value) -> int | None:
    return None if value is None else int(value)


def _stored_maxima(connection: Connection) -> ranking.Maxima:
    benefit = select(func.max(PortfolioScore.benefit)).where(PortfolioScore.benefit > 0).scalar_subquery()
    cost = select(func.max(PortfolioScore.cost)).where(PortfolioScore.cost > 0).scalar_subquery()
    return ranking.Maxima(*(_int(v) for v in connection.execute(select(benefit, cost)).one()))


def _scored_records(where: list, weights: Mapping[str, float], largest: ranking.Maxima):
    rows = ranking.scored(ranking.record_inputs(where).subquery(), weights, largest).subquery()
    return select(rows.c.id, rows.c.category, rows.c.benefit, rows.c.cost, rows.c.perspectives, rows.c.tenths)


def _write_rows(connection: Connection, where: list, weights: Mapping[str, float], largest: ranking.Maxima) -> int:
    """Write the stored rows of the solutions `where` selects; how many."""
    # An INSERT's row count is kept only when asked for (SQLAlchemy drops it on psycopg otherwise).
    statement = insert(PortfolioScore).from_select(COLUMNS, _scored_records(where, weights, largest))
    return connection.execute(statement.execution_options(preserve_rowcount=True)).rowcount


def _locked_basis(connection: Connection, weights: Mapping[str, float] | None):
    """The basis row, locked for this transaction (made first when `weights` are given)."""
    table = PortfolioScoreBasis.__table__
    if weights is not None:
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        connection.execute(dialect.insert(table).values(id=BASIS, weights=weights_text(weights))
                           .on_conflict_do_nothing(index_elements=["id"]))
    return connection.execute(select(table).where(table.c.id == BASIS).with_for_update()).first()


def _save_basis(connection: Connection, weights: Mapping[str, float], largest: ranking.Maxima, rows: int) -> None:
    """The basis after a rebuild: the weights, the maxima, how many rows were written and (counted once here,
    then kept by the trigger on PostgreSQL) how many solutions the register holds."""
    table = PortfolioScoreBasis.__table__
    solutions = select(func.count()).select_from(Solution).scalar_subquery()
    connection.execute(update(table).where(table.c.id == BASIS).values(
        weights=weights_text(weights), max_benefit=largest.benefit, max_cost=largest.cost, stored_rows=rows,
        register_size=solutions))


def refresh(connection: Connection, solution_ids: Iterable[int], aggregated_ids: Iterable[int] = (),
            owners_changed: Iterable[int] = (), former_owners: Iterable[int] = ()) -> None:
    """Recompute the stored rows of `solution_ids` from their records; when the register's largest
    benefit or cost moved, every row. The aggregates' contributions of those and of `aggregated_ids` too
    (`portfolio.contributions`), and the kept rows of every reader who sees (or saw: `former_owners`) one of
    those or of `owners_changed` (solutions whose owners changed; `portfolio.readers`). Nothing before the
    first read made the basis."""
    ids = sorted(set(solution_ids))
    aggregated = set(aggregated_ids) | set(ids)
    written = aggregated | set(owners_changed)
    basis = _locked_basis(connection, None)
    if basis is None or not written:
        return
    reading = readers.before(connection, written, former_owners)
    if ids:
        weights = json.loads(basis.weights)
        largest = ranking.record_maxima(select(Solution.id), connection)
        if largest != ranking.Maxima(_int(basis.max_benefit), _int(basis.max_cost)):
            _rebuild(connection, weights, largest)
            readers.after(connection, reading, written)
            return
        removed = connection.execute(delete(PortfolioScore).where(PortfolioScore.solution_id.in_(ids))).rowcount
        written_rows = _write_rows(connection, [Solution.id.in_(ids)], weights, largest)
        if written_rows != removed:
            table = PortfolioScoreBasis.__table__
            connection.execute(update(table).where(table.c.id == BASIS).values(
                stored_rows=table.c.stored_rows + written_rows - removed))
    contributions.refresh(connection, aggregated)
    readers.after(connection, reading, written)


def ensure_current(weights: Mapping[str, float]) -> ranking.Maxima:
    """Make the stored scores current for `weights` (usually one statement that finds them so) and
    return the basis's maxima: the register's largest benefit and cost."""
    return current(weights)[0]


def _current_statement(kind: str) -> Select:
    """`current`'s one statement (built once): the register's size, the stored rows, the stored maxima, and the
    basis's weights and maxima."""
    basis = PortfolioScoreBasis
    if kind == "postgresql":
        size = select(basis.register_size).where(basis.id == BASIS).scalar_subquery()
    else:
        size = select(func.count()).select_from(Solution).scalar_subquery()
    return select(
        size, select(basis.stored_rows).where(basis.id == BASIS).scalar_subquery(),
        select(func.max(PortfolioScore.benefit)).where(PortfolioScore.benefit > 0).scalar_subquery(),
        select(func.max(PortfolioScore.cost)).where(PortfolioScore.cost > 0).scalar_subquery(),
        select(basis.weights).where(basis.id == BASIS).scalar_subquery(),
        select(basis.max_benefit).where(basis.id == BASIS).scalar_subquery(),
        select(basis.max_cost).where(basis.id == BASIS).scalar_subquery())


def current(weights: Mapping[str, float]) -> tuple[ranking.Maxima, int]:
    """`ensure_current`, and how many solutions the register holds, from one statement that reads no table
    whole on PostgreSQL: the register's size and the number of stored rows are kept on the basis row (the
    trigger of `models.REGISTER_SIZE_TRIGGERS`, `refresh`), the maxima are two index lookups. SQLite counts
    the solutions."""
    basis = PortfolioScoreBasis
    found = db.session.execute(statements.built("portfolio.stored.current", _current_statement)).one()
    solutions, rows, max_benefit, max_cost, stored_weights, basis_benefit, basis_cost = found
    largest = ranking.Maxima(_int(max_benefit), _int(max_cost))
    if (solutions is not None and solutions == rows and stored_weights == weights_text(weights)
            and largest == ranking.Maxima(_int(basis_benefit), _int(basis_cost))):
        return largest, solutions
    connection = db.session.connection()
    largest = rebuild(connection, weights)
    return largest, connection.execute(select(basis.register_size).where(basis.id == BASIS)).scalar_one()


def reader_current(user, weights: Mapping[str, float]) -> tuple[ranking.Maxima, int]:
    """The kept rows of a reader who sees a part of the register (`portfolio.readers`) made current for
    `weights` (one statement that finds them so: the solutions the reader sees, from the indexes, set against
    their kept rows' solutions, beside the reader's basis row: `readers.check`), after `current`; the reader's
    largest benefit and cost, and how many solutions they see. The first view, other weights, or solutions
    written around the ORM write the reader's rows again (the chain's lock, then the stored basis row's, then
    the reader's)."""
    wanted = weights_text(weights)
    check = statements.built("portfolio.readers.check",
                             lambda _kind: readers.check(ranking.READER, owned_ids_of(ranking.READER)))
    seen, kept, either, kept_weights, max_benefit, max_cost = db.session.execute(check, {"reader": user.id}).one()
    if kept_weights == wanted and seen == kept == either:
        return ranking.Maxima(_int(max_benefit), _int(max_cost)), seen
    connection = db.session.connection()
    audit.lock_chain(connection)
    _locked_basis(connection, None)
    readers.rewrite(connection, user.id, weights, wanted)
    basis = PortfolioReaderBasis
    found = connection.execute(select(basis.max_benefit, basis.max_cost).where(basis.reader_id == user.id)).one()
    rows = connection.execute(select(func.count()).select_from(PortfolioReaderScore)
                              .where(PortfolioReaderScore.reader_id == user.id)).scalar_one()
    return ranking.Maxima(_int(found.max_benefit), _int(found.max_cost)), rows


def rebuild(connection: Connection, weights: Mapping[str, float]) -> ranking.Maxima:
    """Every row again from the records, against the register's maxima and `weights` (the basis row
    locked meanwhile): one DELETE and one INSERT … SELECT, a plan that stays a scan of the solutions
    whatever the statistics say (an UPDATE joined to the same table became quadratic on a table the
    planner took for empty)."""
    audit.lock_chain(connection)  # the register's lock order: the chain's, then the basis row's
    _locked_basis(connection, weights)
    largest = ranking.record_maxima(select(Solution.id), connection)
    _rebuild(connection, weights, largest)
    readers.drop_all(connection)  # rows written around the ORM may have moved any reader's: each view rebuilds
    if connection.dialect.name == "postgresql":
        # Statistics for the rows just written (the first rebuild fills a table the planner saw empty).
        connection.execute(text("ANALYZE portfolio_scores"))
    return largest


def _rebuild(connection: Connection, weights: Mapping[str, float], largest: ranking.Maxima) -> None:
    connection.execute(delete(PortfolioScore))
    _save_basis(connection, weights, largest, _write_rows(connection, [], weights, largest))
    contributions.rebuild(connection)


def _changed(obj, *names: str) -> bool:
    state = inspect_object(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _ids(values) -> set[int]:
    return {getattr(v, "id", v) for v in values if v is not None}


def _owners_before(obj: Solution) -> set[int] | None:
    """The owner and co-owners a solution had before this flush changed them (None when it changed neither)."""
    state = inspect_object(obj)
    histories = [state.attrs[name].history for name in ("owner_id", "owner", "co_owners")]
    if not any(history.has_changes() for history in histories):
        return None
    return set().union(*(_ids(history.deleted) for history in histories))


def _touched(session: Session) -> tuple[set[int], set[int], set[int], set[int]]:
    """The solutions whose score inputs this flush wrote, those whose other aggregated figures it wrote
    (care units, criticality, a goal's indicator, target or direction, a measured value), those whose owners
    it changed, and who owned those before."""
    touched, aggregated, measured_goals = set(), set(), set()
    owners_changed, former = set(), set()
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Solution):
            if obj not in session.new and (before := _owners_before(obj)) is not None:
                owners_changed.add(obj.id)
                former |= before
            if obj in session.new or _changed(obj, "current_ai_act_category"):
                touched.add(obj.id)
            elif _changed(obj, "care_units", "critical_for_patient_care"):
                aggregated.add(obj.id)
        elif isinstance(obj, BenefitEstimate):
            touched.add(obj.solution_id)
            if _changed(obj, "solution_id"):
                touched.update(v for v in inspect_object(obj).attrs.solution_id.history.deleted if v)
        elif isinstance(obj, Goal):
            if obj in session.new or obj in session.deleted or _changed(obj, "perspective", "solution_id"):
                touched.add(obj.solution_id)
                touched.update(v for v in inspect_object(obj).attrs.solution_id.history.deleted if v)
            elif _changed(obj, "indicator_id", "target", "higher_is_better"):
                aggregated.add(obj.solution_id)
        elif isinstance(obj, Measurement) and (obj in session.new or obj in session.deleted
                                               or _changed(obj, "goal_id", "value", "measured_on")):
            measured_goals.add(obj.goal_id)
            measured_goals.update(v for v in inspect_object(obj).attrs.goal_id.history.deleted if v)
    measured_goals.discard(None)
    if measured_goals:
        aggregated.update(session.connection().scalars(
            select(Goal.solution_id).where(Goal.id.in_(sorted(measured_goals)))))
    touched.discard(None)
    aggregated.discard(None)
    owners_changed.discard(None)
    return touched, aggregated - touched, owners_changed, former


INPUTS = (Solution, BenefitEstimate, Goal, Measurement)  # what `_touched` reads; a new solution fires the trigger


@event.listens_for(Session, "before_flush")
def _chain_first(session: Session, flush_context, instances) -> None:  # noqa: ARG001
    """A flush that may lock the basis row (its hook below, or the register-size trigger on a new solution)
    takes the audit chain's lock first, as every other transaction does (`audit.services.lock_chain`)."""
    if any(isinstance(obj, INPUTS) for obj in chain(session.new, session.dirty, session.deleted)):
        audit.lock_chain(session.connection())


@event.listens_for(Session, "after_flush")
def _keep_in_step(session: Session, flush_context) -> None:  # noqa: ARG001
    touched, aggregated, owners_changed, former = _touched(session)
    if touched or aggregated or owners_changed:
        refresh(session.connection(), touched, aggregated, owners_changed, former)
