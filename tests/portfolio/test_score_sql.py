"""The score computed in SQL (portfolio.ranking) equals the pure score (scoring.score_all), on SQLite
and on PostgreSQL: generated estimates, categories, goal perspectives and weights, and every rounding
tie of the first decimal. The portfolio views order, filter and page by the SQL score."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from ai_register.extensions import db
from ai_register.goals.benefit import calculate_benefit
from ai_register.goals.models import BenefitEstimate, Goal, Perspective
from ai_register.portfolio import ranking, scoring
from ai_register.solutions.models import Solution

PERSPECTIVES = [p.value for p in Perspective]
CATEGORIES = [*[k for k in scoring.RISK_LEVELS if k is not None], None, "something_else"]

cents = st.one_of(st.sampled_from([0, 1, 100, 5_000, 10_000, 12_345_600]), st.integers(0, 10**10))
estimate = st.one_of(st.none(), st.fixed_dictionaries({
    "one_off_cost": cents, "yearly_cost": cents, "yearly_savings": cents,
    "hours_freed_per_year": st.integers(0, 10**7), "hourly_cost": st.one_of(st.none(), st.integers(0, 10**6)),
}))
solution = st.fixed_dictionaries({"estimate": estimate, "category": st.sampled_from(CATEGORIES),
                                  "perspectives": st.lists(st.sampled_from(PERSPECTIVES), max_size=7)})
weight = st.one_of(st.sampled_from([0.0, 0.1, 0.2, 0.25, 0.4, 1 / 3, 0.5, 1.0, 2.0, 1000.0]),
                   st.floats(0.001, 1000, allow_nan=False, allow_infinity=False))
weights = st.fixed_dictionaries({k: weight for k in scoring.COMPONENTS}).filter(lambda w: sum(w.values()) > 0)


def _money(value: int) -> Decimal:
    return Decimal(value) / 100


def _add(items: list[dict], owner_id: int) -> dict[int, scoring.ScoreInput]:
    """The solutions in the database (flushed, not committed) and their pure score inputs."""
    now = datetime.now(UTC)
    expected = {}
    for number, item in enumerate(items):
        row = Solution(name=f"Lösning {number}", purpose="Prov", owner_id=owner_id, created_by_id=owner_id,
                       phase_changed_at=now, current_ai_act_category=item["category"])
        db.session.add(row)
        db.session.flush()
        benefit = cost = None
        if item["estimate"] is not None:
            money = {k: (None if v is None else _money(v)) for k, v in item["estimate"].items()}
            db.session.add(BenefitEstimate(solution_id=row.id, created_by_id=owner_id, updated_by_id=owner_id,
                                           **money))
            benefit = calculate_benefit(**money).yearly_net_benefit
            cost = scoring.three_year_cost(money["one_off_cost"], money["yearly_cost"])
        for perspective in item["perspectives"]:
            db.session.add(Goal(solution_id=row.id, perspective=perspective, title="Mål", created_by_id=owner_id))
        expected[row.id] = scoring.ScoreInput(benefit, cost, item["category"], frozenset(item["perspectives"]))
    db.session.flush()
    return expected


def _sql_scores(ids, chosen) -> tuple[dict[int, float], ranking.Maxima]:
    universe = select(Solution.id).where(Solution.id.in_(ids))
    largest = ranking.record_maxima(universe)
    rows = ranking.scored(ranking.record_inputs([Solution.id.in_(universe)]).subquery(), chosen, largest).subquery()
    return {sid: tenths / 10 for sid, tenths in db.session.execute(select(rows.c.id, rows.c.tenths))}, largest


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(items=st.lists(solution, min_size=1, max_size=8), chosen=weights)
def test_sql_score_equals_the_pure_score(app, users, items, chosen):
    try:
        expected_inputs = _add(items, users["owner"].id)
        got, largest = _sql_scores(list(expected_inputs), chosen)
        expected = scoring.score_all(expected_inputs, chosen)
        assert largest.as_decimals() == scoring.largest(expected_inputs.values())
        assert got == {sid: score.value for sid, score in expected.items()}
        # A page scored against the whole portfolio's maxima scores as the whole portfolio does.
        first = next(iter(expected_inputs))
        page = scoring.score_all({first: expected_inputs[first]}, chosen, largest.as_decimals())
        assert page[first] == expected[first]
    finally:
        db.session.rollback()


@pytest.mark.parametrize("chosen", [{"benefit": 1.0, "risk": 0.0, "cost": 0.0, "strategic_fit": 0.0},
                                    dict(scoring.DEFAULT_WEIGHTS),
                                    {"benefit": 0.3, "risk": 0.3, "cost": 0.3, "strategic_fit": 0.1}])
def test_every_rounding_tie_rounds_as_python_rounds(app, users, chosen):
    """Benefits k/2,000 of the largest: with the benefit weight alone every odd k is a tie of the first
    decimal (k/20), where half-up and half-to-even differ and 10·x is not exact in binary."""
    items = [{"estimate": {"one_off_cost": 0, "yearly_cost": 0, "yearly_savings": k, "hours_freed_per_year": 0,
                           "hourly_cost": None}, "category": "limited_risk", "perspectives": []}
             for k in range(1, 2001, 7)] + [{"estimate": {"one_off_cost": 0, "yearly_cost": 0, "yearly_savings": 2000,
                                                           "hours_freed_per_year": 0, "hourly_cost": None},
                                              "category": None, "perspectives": PERSPECTIVES[:3]}]
    try:
        expected_inputs = _add(items, users["owner"].id)
        got, _largest = _sql_scores(list(expected_inputs), chosen)
        expected = {sid: score.value for sid, score in scoring.score_all(expected_inputs, chosen).items()}
        assert got == expected
    finally:
        db.session.rollback()
