"""The portfolio score kept per solution (portfolio.stored) stays the pure score (scoring.score_all) of
the whole register after every write that changes an input: a new solution, a benefit estimate (first,
replaced, a new largest), a goal (new, another perspective), a classification's category; solutions
written around the ORM (as the scale loader's COPY) and new weights are caught by the next read."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import insert, select

from ai_register.extensions import db
from ai_register.goals.models import BenefitEstimate, Goal
from ai_register.portfolio import scoring
from ai_register.portfolio.models import PortfolioScore, PortfolioScoreBasis
from ai_register.solutions.models import Solution

from .conftest import API

URL = f"{API}/portfolio"


def _pure(weights) -> dict[int, tuple]:
    """Per solution, from the records and the pure functions: (category, benefit, cost, perspectives, score)."""
    estimates = {e.solution_id: e for e in db.session.scalars(select(BenefitEstimate))}
    perspectives: dict[int, set] = {}
    for goal in db.session.scalars(select(Goal)):
        perspectives.setdefault(goal.solution_id, set()).add(goal.perspective)
    inputs = {}
    for solution in db.session.scalars(select(Solution)):
        estimate = estimates.get(solution.id)
        benefit = cost = None
        if estimate is not None:
            benefit = estimate.result.yearly_net_benefit
            cost = scoring.three_year_cost(estimate.one_off_cost, estimate.yearly_cost)
        inputs[solution.id] = scoring.ScoreInput(benefit, cost, solution.current_ai_act_category,
                                                 frozenset(perspectives.get(solution.id, ())))
    scores = scoring.score_all(inputs, weights)

    def cents(value):
        return None if value is None else int(value * 100)

    return {sid: (i.ai_act_category, cents(i.yearly_net_benefit), cents(i.three_year_cost), len(i.perspectives),
                  scores[sid].value) for sid, i in inputs.items()}


def _stored() -> dict[int, tuple]:
    db.session.expire_all()
    return {row.solution_id: (row.category, None if row.benefit is None else int(row.benefit),
                              None if row.cost is None else int(row.cost), row.perspectives, row.tenths / 10)
            for row in db.session.scalars(select(PortfolioScore))}


def _agree(weights=scoring.DEFAULT_WEIGHTS) -> dict[int, tuple]:
    expected = _pure(weights)
    assert _stored() == expected
    return expected


def _read(api, who="compliance", **params) -> dict:
    response = api.get(who, URL, query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _benefit(api, sid, headers=None, **figures):
    body = {"one_off_cost": 100000, "yearly_cost": 50000, "yearly_savings": 150000, **figures}
    response = api.put("owner", f"{API}/solutions/{sid}/benefit", json=body, headers=headers or {})
    assert response.status_code in (200, 201), response.get_json()


def _goal(api, sid, indicator_id, perspective):
    body = {"perspective": perspective, "title": f"Goal {perspective}", "indicator_id": indicator_id,
            "indicator": "Measure", "baseline": 10, "target": 5, "higher_is_better": False}
    response = api.post("owner", f"{API}/solutions/{sid}/goals", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_stored_scores_follow_every_write_that_changes_an_input(api, indicator_ids):
    a = api.solution(name="Alpha")["id"]
    b = api.solution(name="Beta")["id"]
    _benefit(api, a, yearly_savings=1_050_000)
    assert db.session.scalar(select(PortfolioScoreBasis)) is None  # nothing stored before the first read
    _read(api)
    _agree()
    assert len(_stored()) == 2

    c = api.solution(name="Gamma")["id"]  # a new solution
    _agree()
    _benefit(api, b, yearly_savings=300_000.55, hours_freed_per_year=12.5, hourly_cost=640.2)  # a first estimate
    _agree()
    goal = _goal(api, b, indicator_ids["quality"], "operations")  # a goal
    _goal(api, b, indicator_ids["economy"], "economy")
    assert _agree()[b][3] == 2
    path = f"{API}/solutions/{b}/goals/{goal}"
    response = api.patch_current("owner", path, json={"perspective": "economy"})  # another perspective
    assert response.status_code == 200, response.get_json()
    assert _agree()[b][3] == 1
    # A new largest benefit moves every other solution's score: all are recomputed.
    before = _stored()[a][4]
    _benefit(api, c, yearly_savings=9_000_000)
    after = _agree()
    assert after[a][4] < before
    # Replacing the largest estimate by a small one moves them back.
    _benefit(api, c, headers=api.if_match("owner", f"{API}/solutions/{c}/benefit"), yearly_savings=1000)
    assert _agree()[a][4] == before
    # A classification's category (classification.review sets it on the solution).
    db.session.get(Solution, a).current_ai_act_category = "high_risk"
    db.session.commit()
    assert _agree()[a][0] == "high_risk"
    rows = {row["id"]: row["score"] for row in _read(api)["items"]}
    assert rows == {sid: value[4] for sid, value in _pure(scoring.DEFAULT_WEIGHTS).items()}


def test_a_read_completes_what_was_written_around_the_orm_and_follows_new_weights(app, api):
    a = api.solution(name="Alpha")["id"]
    _benefit(api, a)
    _read(api)
    owner = api.users["owner"]
    db.session.execute(insert(Solution), [{"name": f"Bulk {n}", "purpose": "Loaded in bulk.", "owner_id": owner.id,
                                           "created_by_id": owner.id, "current_ai_act_category": "minimal_risk"}
                                          for n in range(3)])
    db.session.commit()
    assert len(_stored()) == 1
    body = _read(api)
    assert body["total"] == 4 and len(_stored()) == 4
    _agree()
    weights = {"benefit": 0.1, "risk": 0.6, "cost": 0.1, "strategic_fit": 0.2}
    app.config["PORTFOLIO_WEIGHTS"] = weights
    body = _read(api, sort="score")
    expected = _agree(weights)
    assert [row["score"] for row in body["items"]] == sorted(value[4] for value in expected.values())
    assert db.session.scalar(select(PortfolioScoreBasis.weights)) == (
        '{"benefit": 0.1, "cost": 0.1, "risk": 0.6, "strategic_fit": 0.2}')


def test_an_owner_whose_largest_differs_is_scored_from_the_stored_inputs(api, make_user):
    """The stored scores are relative to the register's largest; an owner's view scores its own rows
    against its own largest (what score_all of the owner's solutions gives)."""
    mine = api.solution(name="Mine")["id"]
    _benefit(api, mine, yearly_savings=200_000)
    theirs = api.solution(name="Theirs")["id"]
    _benefit(api, theirs, yearly_savings=5_000_000)
    other = make_user("owner")
    db.session.get(Solution, theirs).owner_id = other.id
    db.session.commit()
    estimate = db.session.scalar(select(BenefitEstimate).where(BenefitEstimate.solution_id == mine))
    own = scoring.score_all({mine: scoring.ScoreInput(
        estimate.result.yearly_net_benefit, scoring.three_year_cost(estimate.one_off_cost, estimate.yearly_cost),
        None, frozenset())}, scoring.DEFAULT_WEIGHTS)[mine].value
    assert [row["score"] for row in _read(api, "owner")["items"]] == [own]
    assert _stored()[mine][4] != own and Decimal(str(own)) > 0
