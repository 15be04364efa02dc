"""The portfolio's score, filters, order and aggregates in SQL, so a page reads one page.

`scoring.score_all` stays the definition of the score; this module computes the same number in the
database (SQLite and PostgreSQL) so the portfolio can filter, sort and page before it reads any row:

- money as exact integer cents (PostgreSQL `numeric`; on SQLite the stored REAL of a two-decimal
  amount, rounded to its cents), the yearly net benefit rounded half up to cents like
  `goals.benefit.calculate_benefit`;
- the benefit and cost shares as one IEEE division of the two exact cent amounts (what
  `float(Decimal / Decimal)` gives), the weighted sum in the order Python adds it, in double precision;
- Python's `round(x, 1)` exactly: the integer nearest to the exact value of 10·x (ties to even),
  found with an error-free sum (10·x = 8·x + 2·x, Knuth's TwoSum), so a score on a rounding tie ends
  on the same tenth as in Python. The score travels as that integer number of tenths.

The benefit and cost shares are relative to the largest in the reader's whole portfolio (`maxima`,
one aggregate statement), not in the filtered rows, as before. tests/portfolio/test_score_sql.py
compares this with `scoring.score_all` for generated inputs on both databases.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Float,
    Integer,
    Select,
    Text,
    and_,
    any_,
    bindparam,
    case,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
    text,
)
from sqlalchemy.orm import aliased

from ai_register import statements
from ai_register.evidence.models import Evidence
from ai_register.extensions import db
from ai_register.goals.models import BenefitEstimate, Goal, Measurement
from ai_register.portfolio import scoring
from ai_register.portfolio.models import (
    Indicator,
    PortfolioAggregate,
    PortfolioContribution,
    PortfolioReaderAggregate,
    PortfolioReaderScore,
    PortfolioScore,
    TrustworthyAssessment,
)
from ai_register.reviews.models import Review
from ai_register.solutions.lifecycle.facts import EvidenceType
from ai_register.solutions.lifecycle.phases import PHASE_ORDER
from ai_register.solutions.models import Solution

FALLBACK, RECOVERY = EvidenceType.FALLBACK_ROUTINE.value, EvidenceType.RECOVERY_PLAN.value


READER = bindparam("reader")  # the reader of a statement built once (`statements.built`), given at execution


def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def without_jit() -> None:
    """Switch PostgreSQL's JIT compiler off for the rest of the transaction. The score's expression over
    a whole register costs more than `jit_above_cost`, and compiling it took 20 s of the 23 s the
    compliance portfolio took at 100,000 solutions (EXPLAIN ANALYZE: JIT optimisation and emission);
    the expression itself runs in well under a second."""
    if _postgres():
        db.session.execute(text("SET LOCAL jit = off"))


def _fence(query: Select) -> Select:
    """`query` as a subquery the planner may not merge into the one around it (`OFFSET 0`): merged, the
    score's expression is copied into every expression that reads it and evaluated a dozen times per row."""
    return query.offset(0)


def criteria(query: Select) -> list:
    """The conditions of `query`, a SELECT of solutions (the reader's, filtered), to apply to `Solution`
    directly: `Solution.id IN (query)` made PostgreSQL join the register to itself (a hash semi-join
    over every solution) even when the reader sees them all."""
    return [] if query.whereclause is None else [query.whereclause]


def _float(value: float) -> Any:
    return literal(float(value), Float)


def _cents(column):
    """Exact cents of a two-decimal money column."""
    if _postgres():
        return column * 100
    return cast(func.round(column * 100), Integer)


def net_benefit_cents(estimate=BenefitEstimate):
    """Yearly net benefit in cents: savings + hours × hourly cost (when given) − yearly cost, half up."""
    if _postgres():
        time = case((estimate.hourly_cost.is_(None), 0), else_=estimate.hours_freed_per_year * estimate.hourly_cost)
        return func.round(estimate.yearly_savings + time - estimate.yearly_cost, 2) * 100
    time = case((estimate.hourly_cost.is_(None), 0),
                else_=_cents(estimate.hours_freed_per_year) * _cents(estimate.hourly_cost))
    units = _cents(estimate.yearly_savings) * 100 + time - _cents(estimate.yearly_cost) * 100  # 1/10,000
    return case((units >= 0, (units + 50) // 100), else_=-((50 - units) // 100))


def three_year_cost_cents(estimate=BenefitEstimate):
    if _postgres():
        return (estimate.one_off_cost + estimate.yearly_cost * scoring.COST_YEARS) * 100
    return _cents(estimate.one_off_cost) + _cents(estimate.yearly_cost) * scoring.COST_YEARS


def risk_level(category):
    levels = {k: v for k, v in scoring.RISK_LEVELS.items() if k is not None}
    return case(*((category == k, _float(v)) for k, v in levels.items()), else_=_float(scoring.RISK_LEVELS[None]))


def phase_rank(phase):
    return case({p.value: i for i, p in enumerate(PHASE_ORDER)}, value=phase, else_=len(PHASE_ORDER))


@dataclass(frozen=True)
class Maxima:
    """The largest positive yearly net benefit and three-year cost (cents) in the reader's portfolio."""

    benefit: int | None
    cost: int | None

    def as_decimals(self) -> tuple[Decimal | None, Decimal | None]:
        return tuple(None if v is None else Decimal(int(v)) / 100 for v in (self.benefit, self.cost))


def record_inputs(where: list) -> Select:
    """Per solution: the score's inputs (benefit and cost in cents, category, goal perspectives covered),
    computed from the records (what `portfolio.stored` keeps per solution)."""
    # Per row from the goals' index, not a join to goals grouped: misestimating the rows (an anti-join
    # against a table still empty) PostgreSQL re-ran the whole grouping per solution (300 s at 100,000).
    covered = (select(func.count(func.distinct(Goal.perspective))).where(Goal.solution_id == Solution.id)
               .scalar_subquery())
    return (select(Solution.id.label("id"), Solution.name.label("name"), Solution.phase.label("phase"),
                   Solution.current_ai_act_category.label("category"),
                   net_benefit_cents().label("benefit"), three_year_cost_cents().label("cost"),
                   covered.label("perspectives"))
            .select_from(Solution)
            .outerjoin(BenefitEstimate, BenefitEstimate.solution_id == Solution.id)
            .where(*where))


def inputs(where: list, *, reader: int | None = None) -> Select:
    """Per solution the stored inputs and score (`portfolio.stored`: `tenths`); for a `reader` who sees a part of
    the register, the rows kept for them with their scores (`portfolio.readers`)."""
    columns = [PortfolioScore.solution_id.label("id"), Solution.name.label("name"), Solution.phase.label("phase"),
               PortfolioScore.category.label("category"), PortfolioScore.benefit.label("benefit"),
               PortfolioScore.cost.label("cost"), PortfolioScore.perspectives.label("perspectives"),
               Solution.care_units.label("care_units"), Solution.critical_for_patient_care.label("critical")]
    if reader is not None:
        # Their id as the kept row's, so their default order is the kept rows' index (reader, tenths, id).
        mine = PortfolioReaderScore
        return (select(mine.solution_id.label("id"), *columns[1:], mine.tenths.label("tenths")).select_from(mine)
                .join(PortfolioScore, PortfolioScore.solution_id == mine.solution_id)
                .join(Solution, Solution.id == mine.solution_id).where(mine.reader_id == reader, *where))
    return (select(*columns, PortfolioScore.tenths.label("tenths")).select_from(PortfolioScore)
            .join(Solution, Solution.id == PortfolioScore.solution_id).where(*where))


# The orders the kept rows answer without the solutions' own columns.
KEPT_ORDERS = frozenset({"score", "yearly_net_benefit", "three_year_cost", "risk"})


def kept_rows(sort: str, *, reader: int | None = None) -> Select:
    """Every kept row the reader sees, without a filter, with what an order of KEPT_ORDERS reads (id, category,
    benefit, cost, score) from the kept rows alone, so it pages by their index (or sorts the reader's rows) without
    a lookup of each solution it passes (page 50 passes 2,450; a kept row stands for a solution the reader sees,
    `stored.current`/`reader_current`)."""
    score = PortfolioScore
    columns = [score.solution_id.label("id"), score.category.label("category"), score.benefit.label("benefit"),
               score.cost.label("cost")]
    if reader is None:
        return select(*columns, score.tenths.label("tenths"))
    mine = PortfolioReaderScore
    if sort.removeprefix("-") == "score":
        return select(mine.solution_id.label("id"), mine.tenths.label("tenths")).where(mine.reader_id == reader)
    # Their stored rows found by key (a join let PostgreSQL hash all 100,000 stored rows for 1,928 of them).
    theirs = select(mine.solution_id).where(mine.reader_id == reader)
    if _postgres():
        return select(*columns).where(score.solution_id == any_(func.array(theirs.scalar_subquery())))
    return select(*columns).where(score.solution_id.in_(theirs))


def record_maxima(universe: Select, connection=None) -> Maxima:
    """The largest among `universe` computed from the benefit estimates (a solution without one has neither)."""
    benefit, cost = net_benefit_cents(), three_year_cost_cents()
    query = (select(func.max(case((benefit > 0, benefit))), func.max(case((cost > 0, cost))))
             .select_from(BenefitEstimate))
    where = criteria(universe)
    if where:
        query = query.join(Solution, Solution.id == BenefitEstimate.solution_id).where(*where)
    found = (connection or db.session).execute(query).one()
    return Maxima(*(None if v is None else int(v) for v in found))


def scored(source, weights: Mapping[str, float], largest: Maxima) -> Select:
    """`source` (a subquery with `benefit`, `cost`, `category`, `perspectives`) with `tenths`: the score × 10,
    exactly as `scoring.score_all` rounds it, and `raw`, the score before rounding."""
    c = source.c
    benefit = (_float(0.0) if largest.benefit is None else
               case((c.benefit > 0, cast(c.benefit, Float) / _float(largest.benefit)), else_=_float(0.0)))
    if largest.cost is None:
        cost = case((c.cost.is_(None), _float(1.0)), else_=_float(0.0))
    else:
        cost = case((c.cost.is_(None), _float(1.0)),
                    (c.cost > 0, cast(c.cost, Float) / _float(largest.cost)), else_=_float(0.0))
    fit = (cast(case((c.perspectives >= scoring.PERSPECTIVE_COUNT, scoring.PERSPECTIVE_COUNT), else_=c.perspectives),
                Float) / _float(scoring.PERSPECTIVE_COUNT))
    one = _float(1.0)
    weighted = (_float(weights["benefit"]) * benefit + _float(weights["risk"]) * (one - risk_level(c.category))
                + _float(weights["cost"]) * (one - cost) + _float(weights["strategic_fit"]) * fit)
    total = sum(weights[k] for k in scoring.COMPONENTS)
    raw = (_float(100.0) * weighted) / _float(total)
    layer1 = _fence(select(*source.c, raw.label("raw"))).subquery()
    # 10·raw exactly as s + err: a = 8·raw and b = 2·raw are exact, s = a + b, err its rounding error.
    a, b = layer1.c.raw * _float(8.0), layer1.c.raw * _float(2.0)
    layer2 = select(*layer1.c, (a + b).label("s"), a.label("a"), b.label("b")).subquery()
    bb = layer2.c.s - layer2.c.a
    err = (layer2.c.a - (layer2.c.s - bb)) + (layer2.c.b - bb)
    whole = cast(func.floor(layer2.c.s), Integer) if _postgres() else cast(layer2.c.s, Integer)  # s >= 0
    layer3 = select(*(col for col in layer2.c if col.name not in ("s", "a", "b")), layer2.c.s.label("s"),
                    err.label("err"), whole.label("n")).subquery()
    s, n = layer3.c.s, layer3.c.n
    fraction = s - n
    tenths = case((fraction > _float(0.5), n + 1), (fraction < _float(0.5), n),
                  (layer3.c.err > _float(0.0), n + 1), (layer3.c.err < _float(0.0), n),
                  (n % 2 == 1, n + 1), else_=n)
    return select(*(col for col in layer3.c if col.name not in ("s", "err", "n")), tenths.label("tenths"))


def _valid_evidence(type_column_or_value, today: date, alias=Evidence):
    return and_(alias.solution_id == Solution.id, alias.type == type_column_or_value,
                alias.superseded_by_id.is_(None), alias.issued_on <= today,
                or_(alias.expires_on.is_(None), alias.expires_on > today))


def overdue(today: date):
    """Whether a solution has overdue items, as `queries._enrich` lists them: review overdue, a
    trustworthy-AI assessment refresh due, continuity gaps of a critical solution, lapsed evidence types."""
    review = and_(Solution.next_review_on.is_not(None), Solution.next_review_on < today)
    assessed = (select(func.max(TrustworthyAssessment.assessed_on))
                .where(TrustworthyAssessment.solution_id == Solution.id).scalar_subquery())
    reviewed = select(func.max(Review.reviewed_on)).where(Review.solution_id == Solution.id).scalar_subquery()
    refresh = and_(assessed.is_not(None), reviewed.is_not(None), reviewed > assessed)
    continuity = and_(Solution.critical_for_patient_care.is_(True),
                      or_(~exists(select(1).where(_valid_evidence(FALLBACK, today))),
                          ~exists(select(1).where(_valid_evidence(RECOVERY, today))),
                          Solution.recovery_plan_tested_on.is_(None), Solution.recovery_plan_tested_on > today))
    other = aliased(Evidence)
    lapsed = exists(select(1).where(
        Evidence.solution_id == Solution.id, Evidence.superseded_by_id.is_(None), Evidence.expires_on.is_not(None),
        Evidence.issued_on <= today, Evidence.expires_on <= today,
        ~exists(select(1).where(_valid_evidence(Evidence.type, today, other)))))
    return or_(review, refresh, continuity, lapsed)


def row_filters(args: Mapping[str, Any], today: date) -> list:
    """The portfolio's own filters (the solutions list's filters are the `filtered` subquery)."""
    where = []
    if "critical" in args:
        where.append(Solution.critical_for_patient_care.is_(True) if args["critical"]
                     else or_(Solution.critical_for_patient_care.is_(None),
                              Solution.critical_for_patient_care.is_(False)))
    if "overdue" in args:
        where.append(overdue(today) if args["overdue"] else ~overdue(today))
    if "indicator" in args:
        where.append(exists(select(1).select_from(Goal).join(Indicator, Indicator.id == Goal.indicator_id)
                            .where(Goal.solution_id == Solution.id, Indicator.code == args["indicator"])))
    if "perspective" in args:
        where.append(exists(select(1).where(Goal.solution_id == Solution.id,
                                            Goal.perspective == args["perspective"])))
    return where


def matching(filtered: Select, args: Mapping[str, Any], today: date, *, reader: int | None = None):
    """The rows the filters match, each with its kept score in tenths (a subquery): the stored score, or for a
    `reader` who sees a part of the register the score kept for them (`portfolio.readers`)."""
    rows = inputs([*criteria(filtered), *row_filters(args, today)], reader=reader)
    if "min_score" in args:
        inner = rows.subquery()
        rows = select(*inner.c).where(cast(inner.c.tenths, Float) / _float(10.0) >= _float(args["min_score"]))
    return rows.subquery()


def matching_ids(filtered: Select, args: Mapping[str, Any], today: date, rows) -> Select:
    """The ids of the rows the filters match, unscored unless a minimum score is asked for: what counts
    and the goals' aggregates need, without computing every row's score."""
    if "min_score" in args:
        return select(rows.c.id)
    return select(Solution.id).where(*criteria(filtered), *row_filters(args, today))


def order_by(rows, sort: str) -> list:
    """The portfolio's orders; equal keys keep ascending id (as Python's stable sort did). A missing
    benefit or cost counts as the smallest."""
    name = sort.removeprefix("-")
    descending = sort.startswith("-")
    if name in ("yearly_net_benefit", "three_year_cost"):
        column = rows.c.benefit if name == "yearly_net_benefit" else rows.c.cost
        present = case((column.is_(None), 0), else_=1)
        keys = [present, column]
    else:
        keys = [{"score": lambda: rows.c.tenths, "name": lambda: func.lower(rows.c.name),
                 "phase": lambda: phase_rank(rows.c.phase), "risk": lambda: risk_level(rows.c.category)}[name]()]
    return [*(k.desc() if descending else k.asc() for k in keys), rows.c.id.asc()]


# --------------------------------------------------------------------------- aggregates


def goal_figures():
    """Per goal (correlated to `Goal`): whether it has a measured value, and whether its latest reaches the
    target (`Goal.target_met`), each as 0 or 1."""
    latest = (select(Measurement.value).where(Measurement.goal_id == Goal.id)
              .order_by(Measurement.measured_on.desc(), Measurement.id.desc()).limit(1).scalar_subquery())
    measured = case((exists(select(1).where(Measurement.goal_id == Goal.id)), 1), else_=0)
    on_target = case((and_(Goal.target.is_not(None), latest.is_not(None),
                           or_(and_(Goal.higher_is_better.is_(True), latest >= Goal.target),
                               and_(Goal.higher_is_better.is_(False), latest <= Goal.target))), 1), else_=0)
    return measured, on_target


# The sums of an aggregate line: how many solutions contribute, then their contributions summed.
SUMMED = ("solutions", "goals", "goals_measured", "goals_on_target", "critical", "tenths", "benefit")
AGGREGATE_KINDS = {"perspective": "per_perspective", "indicator": "per_indicator", "care_unit": "per_care_unit"}


def aggregates(ids: Select, *, whole: bool = False, reader: int | None = None) -> dict[str, list[dict[str, Any]]]:
    """Goals and solutions per goal perspective, per common indicator and per care unit, over the matching
    solutions `ids`: sums of their kept contributions (`portfolio.contributions`), a care unit's score sum of
    the stored scores, or for a `reader` who sees a part of the register of the scores kept for them
    (`portfolio.readers`); with `whole` (every solution the reader sees, no filter) the kept totals, the
    register's or the reader's. One statement."""
    if whole:  # the kept totals: one statement built once, the reader given at execution
        name = "portfolio.aggregates.whole" + ("" if reader is None else ".reader")
        query = statements.built(name, lambda _kind: _aggregates_query(None, True, None if reader is None else READER))
        return _aggregate_lines(db.session.execute(query, {} if reader is None else {"reader": reader}))
    return _aggregate_lines(db.session.execute(_aggregates_query(ids, False, reader)))


def _aggregates_query(ids: Select | None, whole: bool, reader) -> Select:
    c = PortfolioContribution
    if whole and reader is not None:
        kept = PortfolioReaderAggregate
        sums = (select(kept.kind, kept.key, *(getattr(kept, name) for name in SUMMED))
                .where(kept.reader_id == reader).subquery())
    elif whole:
        total = PortfolioAggregate
        sums = select(total.kind, total.key, *(getattr(total, name) for name in SUMMED)).subquery()
    else:
        matched = ids.subquery()
        source = select(c).join(matched, matched.c.id == c.solution_id)
        if reader is not None:
            mine = aliased(PortfolioReaderScore)
            tenths = func.sum(case((c.kind == "care_unit", mine.tenths * c.listed), else_=0))
            source = source.outerjoin(mine, and_(mine.reader_id == reader, mine.solution_id == c.solution_id))
        else:
            tenths = func.sum(c.tenths)
        sums = (source.with_only_columns(
                    c.kind, c.key, func.count().label("solutions"),
                    *(func.sum(getattr(c, name)).label(name) for name in SUMMED[1:] if name != "tenths"),
                    tenths.label("tenths"))
                .group_by(c.kind, c.key).subquery())
    return (select(sums.c.kind, func.coalesce(Indicator.code, sums.c.key), *(sums.c[name] for name in SUMMED))
            .select_from(sums)
            .outerjoin(Indicator, and_(sums.c.kind == "indicator", cast(Indicator.id, Text) == sums.c.key)))


def _aggregate_lines(rows) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {name: [] for name in AGGREGATE_KINDS.values()}
    for kind, key, count, n_goals, measured, on_target, critical, tenths, cents in rows:
        entry = {"key": key, "solutions": int(count), "goals": int(n_goals or 0),
                 "goals_measured": int(measured or 0), "goals_on_target": int(on_target or 0)}
        if kind == "care_unit":
            entry.update(critical=int(critical or 0),
                         average_score=round(int(tenths) / 10 / count, 1) if count else None,
                         yearly_net_benefit=float(Decimal(int(cents or 0)) / 100))
        found[AGGREGATE_KINDS[kind]].append(entry)
    return {name: sorted(entries, key=lambda entry: entry["key"]) for name, entries in found.items()}
