"""An owner's portfolio is read from the owner's own rows (their ids from the owner index, their stored
inputs by key) and scored against the largest benefit and cost among them: the same rows, scores, order,
counts and aggregates as the pure score (scoring.score_all) of the solutions they own or co-own, for every
filter, order and page; a solution of theirs written around the ORM appears on their next read, and kept
rows that are not current are made current before an owner's aggregates sum them."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest
from sqlalchemy import delete, insert, select, update

from ai_register.extensions import db
from ai_register.goals.models import BenefitEstimate, Goal
from ai_register.portfolio import queries, scoring
from ai_register.portfolio.models import (
    PortfolioContribution,
    PortfolioReaderScore,
    PortfolioScore,
    PortfolioScoreBasis,
)
from ai_register.solutions.models import Solution

from .conftest import API

URL = f"{API}/portfolio"


def _benefit(api, sid, who, savings):
    body = {"one_off_cost": 100000, "yearly_cost": 50000, "yearly_savings": savings}
    assert api.client.put(f"{API}/solutions/{sid}/benefit", json=body, headers=api.h(who)).status_code in (200, 201)


def _goal(api, sid, who, perspective, indicator_id):
    body = {"perspective": perspective, "title": f"Goal {perspective}", "indicator": "Measure", "baseline": 10,
            "target": 5, "higher_is_better": False, "indicator_id": indicator_id}
    assert api.post(who, f"{API}/solutions/{sid}/goals", json=body).status_code == 201


def _read(api, who, **params) -> dict:
    response = api.get(who, URL, query_string={"per_page": 100, **params})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.fixture
def register(api, users, indicator_ids):
    """The owner's three, one they co-own, and two they do not see (one holds the register's largest)."""
    owner, other = users["owner"], users["owner2"]
    a = api.solution(name="Akut triage", care_units=["Akut"], critical_for_patient_care=True)["id"]
    b = api.solution(name="Bildstöd", care_units=["Akut", "Vårdcentral"])["id"]
    c = api.solution(name="Chattstöd", care_units=["Vårdcentral"])["id"]
    shared = api.solution("owner2", name="Delad journalsammanfattning", care_units=["Akut"],
                          co_owner_ids=[owner.id])["id"]
    hidden = api.solution("owner2", name="Dold prognos", care_units=["Akut"])["id"]
    spare = api.solution("owner2", name="Extra", care_units=["Onkologi"])["id"]
    _benefit(api, a, "owner", 900_000)
    _benefit(api, b, "owner", 200_000)
    _benefit(api, shared, "owner2", 400_000)
    _benefit(api, hidden, "owner2", 5_000_000)
    _goal(api, b, "owner", "operations", indicator_ids["accessibility"])
    _goal(api, b, "owner", "economy", indicator_ids["economy"])
    _goal(api, shared, "owner2", "society_citizens", indicator_ids["quality"])
    for sid, category in ((a, "high_risk"), (b, "minimal_risk"), (shared, "limited_risk"), (spare, "high_risk")):
        db.session.get(Solution, sid).current_ai_act_category = category
    db.session.commit()
    assert _read(api, "compliance")["total"] == 6  # the stored scores exist, as in a register in use
    return {"mine": {a, b, c, shared}, "hidden": {hidden, spare}, "owner": owner, "other": other}


def _pure(ids: set[int]) -> dict[int, float]:
    """score_all of `ids` against the largest among them, from the records."""
    estimates = {e.solution_id: e for e in db.session.scalars(select(BenefitEstimate))}
    perspectives: dict[int, set] = defaultdict(set)
    for goal in db.session.scalars(select(Goal)):
        perspectives[goal.solution_id].add(goal.perspective)
    inputs = {}
    for sid in ids:
        estimate = estimates.get(sid)
        inputs[sid] = scoring.ScoreInput(
            estimate.result.yearly_net_benefit if estimate else None,
            scoring.three_year_cost(estimate.one_off_cost, estimate.yearly_cost) if estimate else None,
            db.session.get(Solution, sid).current_ai_act_category, frozenset(perspectives[sid]))
    return {sid: score.value for sid, score in scoring.score_all(inputs, scoring.DEFAULT_WEIGHTS).items()}


def _per_unit(rows: list[dict]) -> list[dict]:
    units: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        for unit in dict.fromkeys(row["care_units"]):
            units[unit].append(row)
    return [{"key": unit, "solutions": len(listed),
             "critical": sum(1 for r in listed if r["critical_for_patient_care"]),
             "average_score": round(sum(Decimal(str(r["score"])) for r in listed) / len(listed), 1)}
            for unit, listed in sorted(units.items())]


def _units(body: dict) -> list[dict]:
    return [{"key": u["key"], "solutions": u["solutions"], "critical": u["critical"],
             "average_score": round(Decimal(str(u["average_score"])), 1)} for u in body["aggregates"]["per_care_unit"]]


def test_an_owner_reads_their_own_and_co_owned_rows_scored_against_their_own_largest(api, register):
    body = _read(api, "owner")
    expected = _pure(register["mine"])
    assert body["total"] == 4
    assert {row["id"]: row["score"] for row in body["items"]} == expected
    assert [row["id"] for row in body["items"]] == sorted(expected, key=lambda sid: (-expected[sid], sid))
    assert _units(body) == _per_unit(body["items"])
    perspectives = {a["key"]: (a["solutions"], a["goals"]) for a in body["aggregates"]["per_perspective"]}
    assert perspectives == {"economy": (1, 1), "operations": (1, 1), "society_citizens": (1, 1)}
    # Each row as the compliance officer's view shows it, but for the score (theirs is against the register's
    # largest, which the owner does not see).
    theirs = {row["id"]: row for row in _read(api, "compliance")["items"]}
    for row in body["items"]:
        assert {k: v for k, v in row.items() if k not in ("score", "score_parts")} == (
            {k: v for k, v in theirs[row["id"]].items() if k not in ("score", "score_parts")})
    assert any(row["score"] != theirs[row["id"]]["score"] for row in body["items"])


FILTERS = [  # (query, which of the owner's unfiltered rows it keeps); one register for all (CI time)
    ({"q": "stöd"}, lambda row: "stöd" in row["name"].lower()),
    ({"critical": "true"}, lambda row: row["critical_for_patient_care"] is True),
    ({"critical": "false"}, lambda row: row["critical_for_patient_care"] is not True),
    ({"care_unit": "Vårdcentral"}, lambda row: "Vårdcentral" in row["care_units"]),
    ({"ai_act_category": "high_risk"}, lambda row: row["ai_act_category"] == "high_risk"),
    ({"perspective": "society_citizens"}, lambda row: row["name"].startswith("Delad")),
]


def test_an_owners_filters_keep_the_scores_of_the_whole_own_portfolio(api, register):
    everything = _read(api, "owner")["items"]
    second = sorted(row["score"] for row in everything)[-2]  # some rows meet it, some do not
    for params, keep in [*FILTERS, ({"min_score": second}, lambda row: row["score"] >= second)]:
        body = _read(api, "owner", **params)
        kept = [row for row in everything if keep(row)]
        assert kept and len(kept) < len(everything), params
        assert body["items"] == kept and body["total"] == len(kept), params
        assert _units(body) == _per_unit(kept), params


def test_an_owners_orders_and_pages(api, register):
    everything = _read(api, "owner")["items"]
    by_name = _read(api, "owner", sort="name")["items"]
    assert by_name == sorted(everything, key=lambda row: row["name"].lower())
    page = _read(api, "owner", sort="name", per_page=2, page=2)
    assert page["items"] == by_name[2:4] and page["total"] == 4
    assert _read(api, "owner", sort="name", per_page=2, page=3)["items"] == []


def test_an_owner_holding_the_registers_largest_reads_the_stored_scores(api, register):
    for sid in register["hidden"]:
        db.session.get(Solution, sid).owner_id = register["owner"].id
    db.session.commit()
    mine = register["mine"] | register["hidden"]
    body = _read(api, "owner")
    assert {row["id"]: row["score"] for row in body["items"]} == _pure(mine)
    assert {row["id"]: row["score"] for row in body["items"]} == (
        {row["id"]: row["score"] for row in _read(api, "compliance")["items"]})


def test_an_owners_solutions_written_around_the_orm_appear_and_their_aggregates_are_complete(api, register):
    """A solution of theirs loaded in bulk is scored on their next read; and when the kept rows are not
    current (as after the migration that added the aggregates' contributions, or a bulk load), an owner's
    read makes them current before it sums them, as a reader of the whole register's does."""
    owner_id = register["owner"].id
    db.session.execute(insert(Solution), [{"name": "Bulk mine", "purpose": "Loaded in bulk.", "owner_id": owner_id,
                                           "created_by_id": owner_id, "current_ai_act_category": "minimal_risk",
                                           "care_units": ["Akut"]}])
    db.session.commit()
    mine = db.session.scalar(select(Solution.id).where(Solution.name == "Bulk mine"))
    body = _read(api, "owner")
    assert body["total"] == 5
    assert {row["id"]: row["score"] for row in body["items"]} == _pure(register["mine"] | {mine})
    assert _units(body) == _per_unit(body["items"])
    db.session.expire_all()
    assert db.session.get(PortfolioScore, mine) is not None

    expected = _units(body)
    db.session.execute(delete(PortfolioContribution))
    db.session.execute(update(PortfolioScoreBasis).values(stored_rows=0))
    db.session.commit()
    assert _units(_read(api, "owner")) == expected


def test_an_owners_kept_portfolio_follows_changes_of_owners(api, register):
    """The owner's portfolio is kept for them (portfolio.readers): made a co-owner of another owner's solution
    (which holds the register's largest benefit), they see it at once, scored against their new largest; no
    longer a co-owner, or their solution handed to another owner, it leaves their portfolio, their scores and
    their aggregates; each read equals the pure score of what they own or co-own then."""
    owner, other = register["owner"], register["other"]
    hidden = db.session.scalar(select(Solution.id).where(Solution.name == "Dold prognos"))
    a = db.session.scalar(select(Solution.id).where(Solution.name == "Akut triage"))
    path = f"{API}/solutions/{hidden}"
    assert _read(api, "owner")["total"] == 4  # their kept rows exist from here: the writes below keep them

    def check(mine: set[int]) -> None:
        kept = db.session.scalars(select(PortfolioReaderScore.solution_id)
                                  .where(PortfolioReaderScore.reader_id == owner.id))
        assert set(kept) == mine  # kept in step by the write itself, before any read could rebuild them
        body = _read(api, "owner")
        assert body["total"] == len(mine)
        assert {row["id"]: row["score"] for row in body["items"]} == _pure(mine)
        assert _units(body) == _per_unit(body["items"])
        assert sum(a["solutions"] for a in body["aggregates"]["per_care_unit"]) == sum(
            len(set(row["care_units"])) for row in body["items"])

    assert api.patch_current("owner2", path, json={"co_owner_ids": [owner.id]}).status_code == 200
    check(register["mine"] | {hidden})
    assert api.patch_current("owner2", path, json={"co_owner_ids": []}).status_code == 200
    check(register["mine"])
    assert api.patch_current("compliance", f"{API}/solutions/{a}", json={"owner_id": other.id}).status_code == 200
    check(register["mine"] - {a})
    assert a in {row["id"] for row in _read(api, "owner2")["items"]}


def test_an_owners_kept_portfolio_sees_a_swap_of_solutions_made_around_the_orm(api, register):
    """Three of their solutions handed to another owner and three others handed to them, in SQL around the ORM,
    so that the count, the sum of the ids and the sum of their squares all stay the same ({1, 5, 6} and {2, 3, 7}
    after any offset): their next read shows the three they own now, never the three they no longer own."""
    owner, other = register["owner"], register["other"]
    base = 900_000
    db.session.execute(insert(Solution), [
        {"id": base + n, "name": f"Bytt {n}", "purpose": "Loaded in bulk.", "created_by_id": other.id,
         "owner_id": owner.id if n in (1, 5, 6) else other.id, "care_units": ["Akut"]} for n in range(1, 8)])
    db.session.commit()
    assert {row["id"] for row in _read(api, "owner")["items"]} == register["mine"] | {base + n for n in (1, 5, 6)}

    db.session.execute(update(Solution).where(Solution.id.in_([base + n for n in (1, 5, 6)]))
                       .values(owner_id=other.id))
    db.session.execute(update(Solution).where(Solution.id.in_([base + n for n in (2, 3, 7)]))
                       .values(owner_id=owner.id))
    db.session.commit()
    mine = register["mine"] | {base + n for n in (2, 3, 7)}
    body = _read(api, "owner")
    assert {row["id"] for row in body["items"]} == mine and body["total"] == len(mine)
    assert {row["id"]: row["score"] for row in body["items"]} == _pure(mine)
    assert _units(body) == _per_unit(body["items"])


def test_an_owners_export_streams_after_the_request_let_go_of_their_account(api, register):
    """The CSV streams after the view returned: the request's transaction has ended and the reader's account is no
    longer loaded, so the rows are read with what the view knew (their id), never by reloading the account."""
    owner = register["owner"]
    rows = queries.iter_rows(owner, {})
    db.session.commit()
    db.session.expunge(owner)
    assert {row["id"] for row in rows} == register["mine"]
