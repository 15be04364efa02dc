"""The portfolio's aggregates read from the kept contributions and totals (portfolio.contributions) equal
what the views computed before from the records (the old SQL, kept here as the reference): on generated
registers, before and after writes that change each input (a new solution, goals, measured values, a
goal's target, direction and indicator, care units, criticality, a new largest benefit, a solution's owner
and co-owners), for the whole register, filtered views and an owner's own scores, on SQLite and PostgreSQL.
An owner's kept rows (portfolio.readers: their scores against their own largest, their aggregate lines) equal
that computation from the records after every write, before any read could rebuild them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import Select, and_, case, exists, func, or_, select, true

from ai_register.extensions import db
from ai_register.goals.models import BenefitEstimate, Goal, Measurement, Perspective
from ai_register.portfolio import queries, ranking, stored
from ai_register.portfolio.models import (
    Indicator,
    PortfolioAggregate,
    PortfolioContribution,
    PortfolioReaderBasis,
    PortfolioReaderScore,
    PortfolioScore,
    PortfolioScoreBasis,
)
from ai_register.solutions.access import owned_ids
from ai_register.solutions.models import Solution
from ai_register.users.models import User

PERSPECTIVES = [p.value for p in Perspective]
UNITS = ["Akuten", "Medicin Sunderbyn", "Röntgen", ""]
CATEGORIES = ["high_risk", "limited_risk", "minimal_risk", None]


def reference_aggregates(rows, ids: Select, *, materialise: bool) -> dict[str, list[dict[str, Any]]]:
    """The aggregates as ranking.aggregates computed them before they were kept (main at b61f6f7):
    from the goals with their measurements and the care units' JSON of every matching solution."""
    latest = (select(Measurement.value).where(Measurement.goal_id == Goal.id)
              .order_by(Measurement.measured_on.desc(), Measurement.id.desc()).limit(1).scalar_subquery())
    measured = case((exists(select(1).where(Measurement.goal_id == Goal.id)), 1), else_=0)
    on_target = case((and_(Goal.target.is_not(None), latest.is_not(None),
                           or_(and_(Goal.higher_is_better.is_(True), latest >= Goal.target),
                               and_(Goal.higher_is_better.is_(False), latest <= Goal.target))), 1), else_=0)
    matched = ids.subquery()
    goals = (select(Goal.solution_id, Goal.perspective, Goal.indicator_id, measured.label("measured"),
                    on_target.label("on_target"))
             .select_from(Goal).join(matched, matched.c.id == Goal.solution_id).subquery())

    def grouped(key, *joins):
        query = select(key.label("key"), func.count(func.distinct(goals.c.solution_id)), func.count(),
                       func.sum(goals.c.measured), func.sum(goals.c.on_target)).select_from(goals)
        for target, on in joins:
            query = query.join(target, on)
        return [{"key": k, "solutions": n, "goals": g, "goals_measured": int(m or 0), "goals_on_target": int(t or 0)}
                for k, n, g, m, t in db.session.execute(query.group_by(key))]

    per_perspective = grouped(goals.c.perspective)
    per_indicator = grouped(Indicator.code, (Indicator, Indicator.id == goals.c.indicator_id))
    per_solution = (select(Goal.solution_id, func.count().label("goals"), func.sum(measured).label("m"),
                           func.sum(on_target).label("t")).group_by(Goal.solution_id).subquery())
    if materialise:
        rows = select(*rows.c).cte("matching").prefix_with("MATERIALIZED")
    if db.session.get_bind().dialect.name == "postgresql":
        units = func.json_array_elements_text(rows.c.care_units).table_valued("value")
    else:
        units = func.json_each(rows.c.care_units).table_valued("value")
    critical = case((rows.c.critical.is_(True), 1), else_=0)
    listed = (select(units.c.value.label("unit"), rows.c.id.label("id"), critical.label("critical"),
                     rows.c.tenths.label("tenths"), rows.c.benefit.label("benefit"), func.count().label("m"))
              .select_from(rows).join(units, true())
              .group_by(units.c.value, rows.c.id, critical, rows.c.tenths, rows.c.benefit).subquery())
    m = listed.c.m
    query = (select(listed.c.unit, func.count(),
                    func.coalesce(func.sum(per_solution.c.goals * m), 0),
                    func.coalesce(func.sum(per_solution.c.m * m), 0),
                    func.coalesce(func.sum(per_solution.c.t * m), 0), func.sum(listed.c.critical * m),
                    func.sum(listed.c.tenths * m), func.coalesce(func.sum(listed.c.benefit * m), 0))
             .select_from(listed).outerjoin(per_solution, per_solution.c.solution_id == listed.c.id)
             .group_by(listed.c.unit))
    per_unit = []
    for key, count, n_goals, n_measured, n_on_target, n_critical, tenths, cents in db.session.execute(query):
        per_unit.append({"key": key, "solutions": count, "goals": int(n_goals), "goals_measured": int(n_measured),
                         "goals_on_target": int(n_on_target), "critical": int(n_critical or 0),
                         "average_score": round(int(tenths) / 10 / count, 1) if count else None,
                         "yearly_net_benefit": float(Decimal(int(cents)) / 100)})

    def ordered(entries):
        return sorted(entries, key=lambda entry: entry["key"])

    return {"per_perspective": ordered(per_perspective), "per_indicator": ordered(per_indicator),
            "per_care_unit": ordered(per_unit)}


money = st.sampled_from([0, 1, 5_000, 120_000, 1_500_000, 90_000_000])
goal = st.fixed_dictionaries({
    "perspective": st.sampled_from(PERSPECTIVES), "indicator": st.one_of(st.none(), st.integers(0, 4)),
    "target": st.one_of(st.none(), st.integers(0, 10)), "higher": st.booleans(),
    "measured": st.lists(st.tuples(st.integers(0, 3), st.integers(0, 10)), max_size=3)})
solution = st.fixed_dictionaries({
    "units": st.lists(st.sampled_from(UNITS), max_size=4), "critical": st.sampled_from([None, True, False]),
    "category": st.sampled_from(CATEGORIES), "phase": st.sampled_from(["needs_analysis", "pilot", "management"]),
    "theirs": st.booleans(),
    "estimate": st.one_of(st.none(), st.tuples(money, money, money)),
    "goals": st.lists(goal, max_size=3)})


class Register:
    """Writes a generated register through the ORM, flush by flush, as the services do."""

    def __init__(self, owners: list[int], indicators: list[int]):
        self.owners, self.indicators = owners, indicators
        self.day = date(2026, 1, 1)

    def goal(self, sid: int, item: dict) -> Goal:
        row = Goal(solution_id=sid, perspective=item["perspective"], title="Mål", created_by_id=self.owners[0],
                   indicator_id=None if item["indicator"] is None else self.indicators[item["indicator"]],
                   target=None if item["target"] is None else Decimal(item["target"]),
                   higher_is_better=item["higher"])
        db.session.add(row)
        db.session.flush()
        for offset, value in item["measured"]:
            self.measure(row, offset, value)
        return row

    def measure(self, row: Goal, offset: int, value: int) -> None:
        db.session.add(Measurement(goal_id=row.id, measured_on=self.day + timedelta(days=offset),
                                   value=Decimal(value), recorded_by_id=self.owners[0]))
        db.session.flush()

    def add(self, number: int, item: dict) -> Solution:
        row = Solution(name=f"Lösning {number}", purpose="Prov", owner_id=self.owners[item["theirs"]],
                       created_by_id=self.owners[0], phase=item["phase"], phase_changed_at=datetime.now(UTC),
                       current_ai_act_category=item["category"], care_units=list(item["units"]),
                       critical_for_patient_care=item["critical"])
        db.session.add(row)
        db.session.flush()
        if item["estimate"] is not None:
            one_off, yearly, savings = (Decimal(v) / 100 for v in item["estimate"])
            db.session.add(BenefitEstimate(solution_id=row.id, created_by_id=self.owners[0],
                                           updated_by_id=self.owners[0], one_off_cost=one_off, yearly_cost=yearly,
                                           yearly_savings=savings))
            db.session.flush()
        for entry in item["goals"]:
            self.goal(row.id, entry)
        return row


# The whole register (kept totals), filtered views (kept contributions; a solutions-list filter, a portfolio
# filter, a minimum score) and an owner's own scores (their care units' averages of those).
VIEWS = [("compliance", {}), ("compliance", {"phase": "pilot"}), ("auditor", {"critical": True}),
         ("compliance", {"min_score": 30}), ("owner", {}), ("owner2", {}), ("owner", {"critical": True})]
OWNERS = ("owner", "owner2")


def reference_reader(user) -> tuple[dict[int, int], ranking.Maxima, dict[str, list[dict[str, Any]]]]:
    """An owner's scores (tenths), largest and aggregates computed from the records of the solutions they own or
    co-own, as the view computed them per request before they were kept (main at 27eeeea)."""
    mine = [Solution.id.in_(owned_ids(user))]
    largest = ranking.record_maxima(select(Solution.id).where(*mine))
    scored = ranking.scored(ranking.record_inputs(mine).subquery(), queries.weights(), largest).subquery()
    rows = (select(scored.c.id, scored.c.tenths, scored.c.benefit, Solution.care_units.label("care_units"),
                   Solution.critical_for_patient_care.label("critical"))
            .join(Solution, Solution.id == scored.c.id).subquery())
    tenths = dict(db.session.execute(select(rows.c.id, rows.c.tenths)).all())
    return tenths, largest, reference_aggregates(rows, select(rows.c.id), materialise=True)


def _compare_kept_readers(users) -> None:
    """Each owner's kept rows, lines and basis as the writes left them (no read has checked them)."""
    for who in OWNERS:
        user = users[who]
        basis = db.session.get(PortfolioReaderBasis, user.id)
        assert basis is not None, who
        tenths, largest, aggregates = reference_reader(user)
        mine = PortfolioReaderScore
        kept = dict(db.session.execute(select(mine.solution_id, mine.tenths).where(mine.reader_id == user.id)).all())
        assert kept == tenths, who
        assert ranking.Maxima(*(None if v is None else int(v) for v in (basis.max_benefit, basis.max_cost))) == largest
        assert ranking.aggregates(select(Solution.id), whole=True, reader=user.id) == aggregates, who


def _compare_rows() -> None:
    """The goal figures of the portfolio's rows, read from the kept contributions (`queries._rows`), equal what
    the rows computed from the goals and their measurements before (main at 27eeeea, `queries._enrich`)."""
    ids = sorted(db.session.scalars(select(Solution.id)))
    codes = dict(db.session.execute(select(Indicator.id, Indicator.code)).all())
    db.session.expire_all()  # the goals' measurements as stored, not as the session last loaded them
    for row in queries._rows(ids, date(2026, 6, 1)):
        goals = list(db.session.scalars(select(Goal).where(Goal.solution_id == row["id"])))
        on_target = sum(1 for goal in goals if goal.target_met)
        assert (row["goals"], row["goals_on_target"], row["realised_share"], row["perspectives"],
                row["indicators"]) == (
            len(goals), on_target, round(on_target / len(goals), 3) if goals else None,
            sorted({goal.perspective for goal in goals}),
            sorted({codes[goal.indicator_id] for goal in goals if goal.indicator_id in codes})), row["id"]


def _compare(users) -> None:
    _compare_rows()
    for who, args in VIEWS:
        view = queries.ranked(users[who], args)
        got = view.aggregates()
        if who in OWNERS and not args:  # against the computation from the records, not their kept scores
            tenths, _largest, expected = reference_reader(users[who])
            assert view.total() == len(tenths)
        else:
            expected = reference_aggregates(view.rows, view.ids, materialise=False)
        assert got == expected, (who, args, view.whole)
        assert view.total() == db.session.scalar(select(func.count()).select_from(view.ids.subquery()))
    # The kept totals are the sums of the kept contributions.
    c = PortfolioContribution
    summed = {(k, key): (n, g, m, t, cr, te, int(b)) for k, key, n, g, m, t, cr, te, b in db.session.execute(
        select(c.kind, c.key, func.count(), func.sum(c.goals), func.sum(c.goals_measured), func.sum(c.goals_on_target),
               func.sum(c.critical), func.sum(c.tenths), func.sum(c.benefit)).group_by(c.kind, c.key))}
    a = PortfolioAggregate
    kept = {(k, key): (n, g, m, t, cr, te, int(b)) for k, key, n, g, m, t, cr, te, b in db.session.execute(
        select(a.kind, a.key, a.solutions, a.goals, a.goals_measured, a.goals_on_target, a.critical, a.tenths,
               a.benefit))}
    assert kept == summed
    # The basis keeps how many stored rows there are and (PostgreSQL, a trigger) how many solutions.
    basis = db.session.scalar(select(PortfolioScoreBasis))
    assert basis.stored_rows == db.session.scalar(select(func.count()).select_from(PortfolioScore))
    if db.session.get_bind().dialect.name == "postgresql":
        assert basis.register_size == db.session.scalar(select(func.count()).select_from(Solution))


RICH = dict(  # every kind of change on a register naming units twice, with empty names and no units
    first=[{"units": ["Akuten", "Akuten", ""], "critical": True, "category": "high_risk", "phase": "pilot",
            "theirs": False, "estimate": (0, 5_000, 1_500_000),
            "goals": [{"perspective": "economy", "indicator": 0, "target": 5, "higher": True,
                       "measured": [(0, 3), (2, 7), (1, 1)]},
                      {"perspective": "economy", "indicator": None, "target": None, "higher": False,
                       "measured": [(0, 1)]}]},
           {"units": [], "critical": None, "category": None, "phase": "management", "theirs": True,
            "estimate": (120_000, 1, 0), "goals": [{"perspective": "operations", "indicator": 1, "target": 4,
                                                    "higher": False, "measured": []}]}],
    later=[{"units": ["Röntgen", "Akuten"], "critical": False, "category": "minimal_risk", "phase": "pilot",
            "theirs": False, "estimate": None, "goals": []}],
    changes=[("measure", 0), ("target", 1), ("higher", 0), ("indicator", 3), ("perspective", 2), ("units", 2),
             ("critical", 1), ("largest", 0), ("measure", 4), ("owner", 1), ("co_owner", 0), ("co_owner", 2),
             ("co_owner", 0)])


@example(**RICH)
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(first=st.lists(solution, min_size=1, max_size=4), later=st.lists(solution, max_size=3),
       changes=st.lists(st.tuples(st.sampled_from(["units", "critical", "target", "higher", "indicator",
                                                   "measure", "perspective", "largest", "owner",
                                                   "co_owner"]),
                                  st.integers(0, 20)), max_size=5))
def test_kept_aggregates_equal_the_computation_from_the_records(app, users, indicator_ids, first, later, changes):
    register = Register([users["owner"].id, users["owner2"].id], sorted(indicator_ids.values()))
    try:
        solutions = [register.add(n, item) for n, item in enumerate(first)]
        stored.current(queries.weights())  # the first read builds the stored scores and the kept aggregates
        _compare(users)
        solutions += [register.add(len(solutions) + n, item) for n, item in enumerate(later)]
        for change, pick in changes:
            row = solutions[pick % len(solutions)]
            goals = list(db.session.scalars(select(Goal).where(Goal.solution_id == row.id)))
            some = goals[pick % len(goals)] if goals else None
            if change == "owner":  # handed to the other owner
                new_owner = db.session.get(User, register.owners[row.owner_id == register.owners[0]])
                row.owner, row.owner_id = new_owner, new_owner.id
                row.co_owners = [u for u in row.co_owners if u.id != new_owner.id]
            elif change == "co_owner":  # the owner who does not own it made or no longer a co-owner
                other = db.session.get(User, register.owners[row.owner_id == register.owners[0]])
                row.co_owners = [] if row.co_owners else [other]
            elif change == "units":
                row.care_units = [*row.care_units[1:], UNITS[pick % len(UNITS)]]
            elif change == "critical":
                row.critical_for_patient_care = not row.critical_for_patient_care
            elif change == "largest":
                db.session.add(BenefitEstimate(solution_id=register.add(100 + pick, {
                    "units": ["Akuten"], "critical": True, "category": None, "phase": "pilot", "theirs": False,
                    "estimate": None, "goals": []}).id, created_by_id=users["owner"].id,
                    updated_by_id=users["owner"].id, one_off_cost=0, yearly_cost=0, yearly_savings=10**7))
            elif some is None:
                register.goal(row.id, {"perspective": PERSPECTIVES[pick % 5], "indicator": pick % 5,
                                       "target": pick % 11, "higher": True, "measured": [(0, pick % 11)]})
            elif change == "target":
                some.target = Decimal(pick % 11)
            elif change == "higher":
                some.higher_is_better = not some.higher_is_better
            elif change == "indicator":
                some.indicator_id = None if some.indicator_id else register.indicators[pick % 5]
            elif change == "perspective":
                some.perspective = PERSPECTIVES[pick % 5]
            else:
                register.measure(some, pick % 4, pick % 11)
            db.session.flush()
        _compare_kept_readers(users)
        _compare(users)
        # The totals equal a rebuild from scratch.
        before = db.session.execute(select(PortfolioAggregate.kind, PortfolioAggregate.key,
                                           PortfolioAggregate.solutions, PortfolioAggregate.tenths)).all()
        stored.rebuild(db.session.connection(), queries.weights())
        after = db.session.execute(select(PortfolioAggregate.kind, PortfolioAggregate.key,
                                          PortfolioAggregate.solutions, PortfolioAggregate.tenths)).all()
        assert sorted(before) == sorted(after)
    finally:
        db.session.rollback()
