"""GET /api/v1/portfolio: every solution the reader may see with benefit, cost, risk, overdue items
and a prioritisation score whose weights the region tunes in configuration; CSV export."""

from __future__ import annotations

import csv
import io

import pytest

from ai_register.config import ConfigError, from_environment
from ai_register.extensions import db
from ai_register.solutions.models import Solution

from .conftest import API, problem

URL = f"{API}/portfolio"


def _goal(api, sid, indicator_id, perspective="operations", **extra):
    body = {"perspective": perspective, "title": f"Goal {perspective}", "indicator_id": indicator_id,
            "indicator": "Measure", "baseline": 10, "target": 5, "higher_is_better": False, **extra}
    response = api.post("owner", f"{API}/solutions/{sid}/goals", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _benefit(api, sid, who="owner", **figures):
    body = {"one_off_cost": 100000, "yearly_cost": 50000, "yearly_savings": 150000, **figures}
    assert api.client.put(f"{API}/solutions/{sid}/benefit", json=body, headers=api.h(who)).status_code in (200, 201)


@pytest.fixture
def two(api, indicator_ids, users):
    """A: big benefit, high risk, one perspective. B: small benefit, minimal risk, three perspectives."""
    a = api.solution(name="Alpha", care_units=["Sunderby akut"], critical_for_patient_care=True)["id"]
    b = api.solution(name="Beta", care_units=["Sunderby akut", "Piteå VC"])["id"]
    _benefit(api, a, yearly_savings=1_050_000)           # net 1 000 000, 3-year cost 250 000
    _benefit(api, b, yearly_savings=150_000)             # net   100 000, 3-year cost 250 000
    _goal(api, a, indicator_ids["quality"])
    for perspective, code in (("operations", "accessibility"), ("staff_managers", "work_environment"),
                              ("economy", "economy")):
        _goal(api, b, indicator_ids[code], perspective)
    db.session.get(Solution, a).current_ai_act_category = "high_risk"
    db.session.get(Solution, b).current_ai_act_category = "minimal_risk"
    db.session.commit()
    return a, b


def test_portfolio_rows_score_formula_and_aggregates(api, two):
    a, b = two
    body = api.get("compliance", URL).get_json()
    assert body["total"] == 2 and body["weights"] == {"benefit": 0.4, "risk": 0.2, "cost": 0.2,
                                                      "strategic_fit": 0.2}
    assert body["formula"].startswith("score = 100 × (0.4·B + 0.2·(1 − R) + 0.2·(1 − C) + 0.2·S)")
    rows = {row["id"]: row for row in body["items"]}
    assert rows[a]["yearly_net_benefit"] == 1_000_000.0 and rows[a]["three_year_cost"] == 250_000.0
    assert rows[a]["critical_for_patient_care"] is True
    assert rows[a]["continuity_gaps"] == ["evidence_missing:fallback_routine", "evidence_missing:recovery_plan",
                                          "recovery_plan_test_missing"]
    assert rows[a]["trustworthy_assessment"] == "missing"
    # A: 0.4·1 + 0.2·0.25 + 0.2·0 + 0.2·0.2 = 0.49; B: 0.4·0.1 + 0.2·1 + 0 + 0.2·0.6 = 0.36
    assert (rows[a]["score"], rows[b]["score"]) == (49.0, 36.0)
    assert [row["id"] for row in body["items"]] == [a, b]
    units = {u["key"]: u for u in body["aggregates"]["per_care_unit"]}
    assert units["Sunderby akut"]["solutions"] == 2 and units["Sunderby akut"]["critical"] == 1
    assert units["Piteå VC"]["solutions"] == 1
    perspectives = {p["key"]: p["goals"] for p in body["aggregates"]["per_perspective"]}
    assert perspectives == {"economy": 1, "operations": 2, "staff_managers": 1}
    assert {i["key"] for i in body["aggregates"]["per_indicator"]} == {"quality", "accessibility",
                                                                       "work_environment", "economy"}


def test_tuned_weights_change_the_order(app, api, two):
    a, b = two
    app.config["PORTFOLIO_WEIGHTS"] = {"benefit": 0, "risk": 3, "cost": 0, "strategic_fit": 1}
    body = api.get("compliance", URL).get_json()
    assert body["weights"]["risk"] == 3.0 and "3·(1 − R)" in body["formula"] and body["formula"].endswith("/ 4")
    assert [row["id"] for row in body["items"]] == [b, a]
    rows = {row["id"]: row["score"] for row in body["items"]}
    # B: (3·1 + 1·0.6) / 4 = 0.9; A: (3·0.25 + 1·0.2) / 4 = 0.2375
    assert rows == {b: 90.0, a: 23.8}


def test_weights_come_from_the_environment_and_bad_ones_stop_the_start():
    weights = from_environment({"AI_REGISTER_PORTFOLIO_WEIGHTS": "benefit=2, cost=1"})["PORTFOLIO_WEIGHTS"]
    assert weights == {"benefit": 2.0, "risk": 0.2, "cost": 1.0, "strategic_fit": 0.2}
    for bad in ("benefit=lots", "colour=1", "benefit", "benefit=0,risk=0,cost=0,strategic_fit=0", "risk=-1"):
        with pytest.raises(ConfigError, match="AI_REGISTER_PORTFOLIO_WEIGHTS"):
            from_environment({"AI_REGISTER_PORTFOLIO_WEIGHTS": bad})


def test_filters_sort_and_paging(api, two):
    a, b = two
    assert [r["id"] for r in api.get("compliance", URL, query_string={"critical": "true"}).get_json()["items"]] == [a]
    assert [r["id"] for r in api.get("compliance", URL, query_string={"indicator": "economy"}).get_json()["items"]] \
        == [b]
    assert [r["id"] for r in api.get("compliance", URL, query_string={"care_unit": "Piteå VC"}).get_json()["items"]] \
        == [b]
    by_name = api.get("compliance", URL, query_string={"sort": "-name"}).get_json()["items"]
    assert [r["name"] for r in by_name] == ["Beta", "Alpha"]
    page = api.get("compliance", URL, query_string={"per_page": 1, "page": 2}).get_json()
    assert page["total"] == 2 and [r["id"] for r in page["items"]] == [b]
    # A filter does not change a score: shares are relative to the whole visible portfolio.
    only_b = api.get("compliance", URL, query_string={"phase": "needs_analysis", "q": "Beta"}).get_json()
    assert only_b["items"][0]["score"] == 36.0


def test_owners_see_their_own_others_are_refused(api, two, users):
    mine = api.solution(who="owner2", name="Gamma")["id"]
    assert [r["id"] for r in api.get("owner2", URL).get_json()["items"]] == [mine]
    assert {r["id"] for r in api.get("owner", URL).get_json()["items"]} == set(two)
    assert api.get("auditor", URL).get_json()["total"] == 3
    problem(api.get("admin", URL), 403)
    problem(api.client.get(URL), 401)


def test_bad_filters_are_422(api, two):
    problem(api.get("compliance", URL, query_string={"sort": "colour"}), 422)
    problem(api.get("compliance", URL, query_string={"critical": "perhaps"}), 422)
    problem(api.get("compliance", URL, query_string={"unknown": "1"}), 422)


def test_csv_export(api, two):
    response = api.get("auditor", URL, query_string={"format": "csv"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="portfolio-')
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["name"] for r in rows] == ["Alpha", "Beta"] and rows[0]["score"] == "49.0"
    assert rows[0]["critical_for_patient_care"] == "yes"
    accepted = api.client.get(URL, headers={**api.h("compliance"), "Accept": "text/csv"})
    assert accepted.mimetype == "text/csv"
