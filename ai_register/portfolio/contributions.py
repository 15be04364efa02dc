"""The portfolio's aggregates kept per solution and summed, so a view of the whole register reads a few
rows instead of unpacking 100,000 solutions' care units and their goals' measurements per request.

`portfolio_contributions` holds, per solution, its part in each line of the aggregates: per goal
perspective and per common indicator its goals there (how many, measured, on target), per care unit it
names its goals, criticality, stored score (tenths) and yearly net benefit (cents), each times how often it
names the unit (`listed`, as the aggregate has always counted them). `portfolio_aggregates` holds their
sums per line (`solutions`: how many contribute).

Kept in step by `portfolio.stored` in the transaction that writes an input (after the stored scores):
`refresh` subtracts the solutions' old contributions from the sums, writes their new ones and adds those;
`rebuild` writes everything again (with the stored scores: after the first read, new weights, or a new
largest benefit or cost, which moves every score). The basis row of the stored scores is locked meanwhile,
so two writers take turns. `ranking.aggregates` reads them.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, Text, case, cast, delete, func, insert, literal, select, text, true
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from ai_register.goals.models import Goal
from ai_register.portfolio import ranking
from ai_register.portfolio.models import PortfolioAggregate, PortfolioContribution, PortfolioScore
from ai_register.solutions.models import Solution

PERSPECTIVE, INDICATOR, CARE_UNIT = "perspective", "indicator", "care_unit"
COLUMNS = ("solution_id", "kind", "key", "listed", "goals", "goals_measured", "goals_on_target", "critical",
           "tenths", "benefit")
SUMS = ranking.SUMMED


def records(ids: list[int] | None, connection: Connection) -> Select:
    """The contributions of the solutions `ids` (None: every solution) computed from their records and
    stored scores: one SELECT of COLUMNS."""
    measured, on_target = ranking.goal_figures()
    of_goals = [] if ids is None else [Goal.solution_id.in_(ids)]
    zero = literal(0)
    perspective = (select(Goal.solution_id, literal(PERSPECTIVE), Goal.perspective, literal(1), func.count(),
                          func.sum(measured), func.sum(on_target), zero, zero, zero)
                   .where(*of_goals).group_by(Goal.solution_id, Goal.perspective))
    indicator = (select(Goal.solution_id, literal(INDICATOR), cast(Goal.indicator_id, Text), literal(1),
                        func.count(), func.sum(measured), func.sum(on_target), zero, zero, zero)
                 .where(Goal.indicator_id.is_not(None), *of_goals).group_by(Goal.solution_id, Goal.indicator_id))
    per_solution = (select(Goal.solution_id, func.count().label("goals"), func.sum(measured).label("measured"),
                           func.sum(on_target).label("on_target"))
                    .where(*of_goals).group_by(Goal.solution_id).subquery())
    if connection.dialect.name == "postgresql":
        units = func.json_array_elements_text(Solution.care_units).table_valued("value")
    else:
        units = func.json_each(Solution.care_units).table_valued("value")
    critical = case((Solution.critical_for_patient_care.is_(True), 1), else_=0)
    # Each care unit and solution once, with how often the solution names the unit.
    listed = (select(units.c.value.label("unit"), Solution.id.label("id"), critical.label("critical"),
                     PortfolioScore.tenths.label("tenths"), PortfolioScore.benefit.label("benefit"),
                     func.count().label("listed"))
              .select_from(Solution).join(PortfolioScore, PortfolioScore.solution_id == Solution.id)
              .join(units, true()).where(*([] if ids is None else [Solution.id.in_(ids)]))
              .group_by(units.c.value, Solution.id, critical, PortfolioScore.tenths, PortfolioScore.benefit)
              .subquery())
    times = listed.c.listed
    care_unit = (select(listed.c.id, literal(CARE_UNIT), cast(listed.c.unit, Text), times,
                        func.coalesce(per_solution.c.goals, 0) * times,
                        func.coalesce(per_solution.c.measured, 0) * times,
                        func.coalesce(per_solution.c.on_target, 0) * times,
                        listed.c.critical * times, listed.c.tenths * times,
                        func.coalesce(listed.c.benefit, 0) * times)
                 .select_from(listed).outerjoin(per_solution, per_solution.c.solution_id == listed.c.id))
    return perspective.union_all(indicator, care_unit)


def _sums(where: list, sign: int = 1) -> Select:
    c = PortfolioContribution
    return (select(c.kind, c.key, func.count() * sign,
                   *(func.sum(getattr(c, name)) * sign for name in SUMS[1:]))
            .where(*where).group_by(c.kind, c.key))


def _add(connection: Connection, sums: Select) -> None:
    """Add `sums` (kind, key, then SUMS) to the kept totals."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    table = PortfolioAggregate.__table__
    statement = dialect.insert(table).from_select(("kind", "key", *SUMS), sums)
    connection.execute(statement.on_conflict_do_update(
        index_elements=["kind", "key"], set_={name: table.c[name] + statement.excluded[name] for name in SUMS}))


def refresh(connection: Connection, solution_ids: Iterable[int]) -> None:
    """The contributions of `solution_ids` again from their records, and the totals moved by the difference."""
    ids = sorted(set(solution_ids))
    if not ids:
        return
    mine = [PortfolioContribution.solution_id.in_(ids)]
    _add(connection, _sums(mine, -1))
    connection.execute(delete(PortfolioContribution).where(*mine))
    connection.execute(insert(PortfolioContribution).from_select(COLUMNS, records(ids, connection)))
    _add(connection, _sums(mine))
    connection.execute(delete(PortfolioAggregate).where(PortfolioAggregate.solutions <= 0))


def rebuild(connection: Connection) -> None:
    """Every contribution and total again from the records and the stored scores."""
    connection.execute(delete(PortfolioAggregate))
    connection.execute(delete(PortfolioContribution))
    connection.execute(insert(PortfolioContribution).from_select(COLUMNS, records(None, connection)))
    connection.execute(insert(PortfolioAggregate).from_select(("kind", "key", *SUMS), _sums([])))
    if connection.dialect.name == "postgresql":
        connection.execute(text("ANALYZE portfolio_contributions"))
