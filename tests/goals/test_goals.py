"""Goals, measured values and the benefit estimate ("effekt före insats") through the API."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from ai_register.extensions import db
from ai_register.goals import services as goal_services
from ai_register.goals.benefit import calculate_benefit
from ai_register.portfolio.indicators import ensure_default_indicators, indicator_ids_by_code
from ai_register.solutions.services import region_today
from tests.helpers import events, problem

GOAL = {"perspective": "operations", "title": "Shorter waiting time for triage",
        "indicator": "Median days from referral to triage", "unit": "days",
        "baseline": 14, "target": 3, "higher_is_better": False}
MEASUREMENT = {"measured_on": "2026-01-01", "value": 1}


def goals_url(sid: int) -> str:
    return f"/api/v1/solutions/{sid}/goals"


@pytest.fixture(autouse=True)
def common_indicators(app) -> dict[str, int]:
    """Every new goal names one of the common indicators (portfolio steering)."""
    ensure_default_indicators()
    db.session.commit()
    return indicator_ids_by_code()


def goal_body(**changes) -> dict:
    return {**GOAL, "indicator_id": indicator_ids_by_code()["accessibility"], **changes}


def create_goal(api, sid: int, who: str = "owner", **changes) -> dict:
    body = goal_body(**changes)
    response = api.post(who, goals_url(sid), json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


# --- goals -------------------------------------------------------------------------------------------

def test_owner_records_lists_and_updates_goals(api, solution, users):
    goal = create_goal(api, solution.id)
    assert goal["perspective"] == "operations" and goal["baseline"] == 14 and goal["target"] == 3
    assert goal["complete"] is True and goal["missing_parts"] == []
    assert goal["measurement_count"] == 0 and goal["latest_measurement"] is None
    assert goal["target_met"] is None
    assert goal["created_by_id"] == users["owner"].id and goal["solution_id"] == solution.id

    partial = create_goal(api, solution.id, perspective="staff_managers", title="Less overtime",
                          indicator=None, baseline=None, target=None)
    assert partial["complete"] is False and partial["missing_parts"] == ["indicator", "baseline", "target"]

    listing = api.get("owner", goals_url(solution.id)).get_json()
    assert listing["total"] == 2 and listing["page"] == 1 and listing["per_page"] == 50
    assert [g["id"] for g in listing["items"]] == [goal["id"], partial["id"]]
    second_page = api.get("owner", goals_url(solution.id), query_string={"page": 2, "per_page": 1}).get_json()
    assert second_page["total"] == 2 and [g["id"] for g in second_page["items"]] == [partial["id"]]

    response = api.patch_current("compliance", f"{goals_url(solution.id)}/{partial['id']}",
                                 json={"indicator": "Overtime hours per month", "baseline": 40.5, "target": 20,
                               "reason": "Indicator agreed with the unit"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["complete"] is True and response.get_json()["baseline"] == 40.5


def test_goal_validation_names_the_fields(api, solution):
    body = problem(api.post("owner", goals_url(solution.id), json={"perspective": "happiness"}), 422)
    assert {"perspective", "title"} <= set(body["errors"])
    assert "perspective" in body["detail"] and "title" in body["detail"]
    body = problem(api.post("owner", goals_url(solution.id), json={**GOAL, "baseline": "many"}), 422)
    assert "baseline" in body["errors"]
    body = problem(api.post("owner", goals_url(solution.id), json={**GOAL, "colour": "red"}), 422)
    assert "colour" in body["errors"]
    goal = create_goal(api, solution.id)
    body = problem(api.patch("owner", f"{goals_url(solution.id)}/{goal['id']}", json={"title": ""}), 422)
    assert "title" in body["errors"]
    assert len(events(solution.id, "goal")) == 1  # nothing half-written


@pytest.mark.parametrize("perspective", ["society_citizens", "operations", "staff_managers",
                                         "knowledge_renewal", "economy"])
def test_each_of_the_five_perspectives(api, solution, perspective):
    assert create_goal(api, solution.id, perspective=perspective)["perspective"] == perspective


def test_goal_of_another_solution_is_404(api, make_solution):
    first, second = make_solution(), make_solution()
    goal = create_goal(api, first.id)
    problem(api.patch("owner", f"{goals_url(second.id)}/{goal['id']}", json={"title": "x"}), 404)
    problem(api.get("owner", f"{goals_url(second.id)}/{goal['id']}/measurements"), 404)


# --- measurements ------------------------------------------------------------------------------------

def test_measurements_over_time(api, solution):
    goal = create_goal(api, solution.id)
    url = f"{goals_url(solution.id)}/{goal['id']}/measurements"
    today = region_today()
    first = api.post("owner", url, json={"measured_on": (today - timedelta(days=60)).isoformat(),
                                         "value": 12})
    assert first.status_code == 201, first.get_json()
    second = api.post("compliance", url, json={"measured_on": (today - timedelta(days=1)).isoformat(),
                                               "value": 2.5, "note": "After the pilot"})
    assert second.status_code == 201 and second.get_json()["note"] == "After the pilot"
    listing = api.get("auditor", url).get_json()
    assert listing["total"] == 2 and [m["value"] for m in listing["items"]] == [12, 2.5]
    goal = api.get("owner", goals_url(solution.id)).get_json()["items"][0]
    assert goal["measurement_count"] == 2
    assert goal["latest_measurement"] == {"measured_on": (today - timedelta(days=1)).isoformat(),
                                          "value": 2.5}
    assert goal["target_met"] is True  # 2.5 days ≤ target 3, lower is better


def test_measurement_validation(api, solution):
    goal = create_goal(api, solution.id)
    url = f"{goals_url(solution.id)}/{goal['id']}/measurements"
    body = problem(api.post("owner", url, json={"value": 3}), 422)
    assert "measured_on" in body["errors"]
    tomorrow = (region_today() + timedelta(days=1)).isoformat()
    body = problem(api.post("owner", url, json={"measured_on": tomorrow, "value": 3}), 422)
    assert "measured_on" in body["errors"]
    body = problem(api.post("owner", url, json={"measured_on": "2026-01-01", "value": "NaN"}), 422)
    assert "value" in body["errors"]
    assert events(solution.id, "goal_measurement") == []


# --- benefit -----------------------------------------------------------------------------------------

BENEFIT = {"one_off_cost": 500000, "yearly_cost": 120000, "yearly_savings": 200000,
           "hours_freed_per_year": 1000, "hourly_cost": 450, "assumptions": "Two nurses' time per week"}


def test_benefit_estimate_record_replace_and_compute(api, solution):
    url = f"/api/v1/solutions/{solution.id}/benefit"
    problem(api.get("owner", url), 404)
    response = api.put("owner", url, json=BENEFIT)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["currency"] == "SEK" and body["value_of_time_freed"] == 450000
    assert body["yearly_net_benefit"] == 530000  # 200 000 + 450 000 − 120 000
    assert body["payback_years"] == 0.94  # 500 000 / 530 000

    response = api.put_current("compliance", url, json={**BENEFIT, "yearly_savings": 0, "hours_freed_per_year": 0,
                                                        "reason": "Savings not realised"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["yearly_net_benefit"] == -120000 and body["payback_years"] is None
    assert api.get("auditor", url).get_json()["id"] == body["id"]

    created, updated = events(solution.id, "benefit_estimate")
    assert created.action == "create" and created.data["record"]["one_off_cost"] == "500000.00"
    assert updated.action == "update" and updated.reason == "Savings not realised"
    assert updated.data["changes"]["yearly_savings"] == {"before": "200000.00", "after": "0.00"}
    # The same values again change nothing and write no event.
    api.put_current("compliance", url, json={**BENEFIT, "yearly_savings": 0, "hours_freed_per_year": 0})
    assert len(events(solution.id, "benefit_estimate")) == 2


def test_benefit_validation(api, solution):
    url = f"/api/v1/solutions/{solution.id}/benefit"
    body = problem(api.put("owner", url, json={"yearly_savings": -5, "currency": "EUR"}), 422)
    assert {"one_off_cost", "yearly_cost", "yearly_savings", "currency"} <= set(body["errors"])
    problem(api.get("owner", url), 404)


def test_calculate_benefit_pure():
    result = calculate_benefit(one_off_cost=Decimal(100), yearly_cost=Decimal(10), yearly_savings=Decimal(60))
    assert result.yearly_net_benefit == Decimal("50.00") and result.payback_years == Decimal("2.00")
    # Hours without an hourly cost add no money.
    result = calculate_benefit(one_off_cost=Decimal(100), yearly_cost=Decimal(10), yearly_savings=Decimal(0),
                               hours_freed_per_year=Decimal(100))
    assert result.value_of_time_freed == 0 and result.payback_years is None
    result = calculate_benefit(one_off_cost=Decimal(0), yearly_cost=Decimal(0), yearly_savings=Decimal(1))
    assert result.payback_years == 0
    result = calculate_benefit(one_off_cost=Decimal(100), yearly_cost=Decimal(50), yearly_savings=Decimal(50))
    assert result.yearly_net_benefit == 0 and result.payback_years is None


# --- access and audit --------------------------------------------------------------------------------

def test_auditor_reads_but_every_write_is_403(api, solution):
    goal = create_goal(api, solution.id)
    api.put("owner", f"/api/v1/solutions/{solution.id}/benefit", json=BENEFIT)
    base = goals_url(solution.id)
    for response in (
        api.post("auditor", base, json=goal_body()),
        api.patch("auditor", f"{base}/{goal['id']}", json={"title": "x"}),
        api.post("auditor", f"{base}/{goal['id']}/measurements", json=MEASUREMENT),
        api.put("auditor", f"/api/v1/solutions/{solution.id}/benefit", json=BENEFIT),
    ):
        problem(response, 403)
    assert api.get("auditor", base).status_code == 200
    assert api.get("auditor", f"{base}/{goal['id']}/measurements").status_code == 200
    assert api.get("auditor", f"/api/v1/solutions/{solution.id}/benefit").status_code == 200
    for who in ("admin",):
        problem(api.get(who, base), 403)


def test_another_owners_solution_is_404_for_everything(api, solution):
    goal = create_goal(api, solution.id)
    base = goals_url(solution.id)
    for response in (
        api.get("owner2", base),
        api.post("owner2", base, json=goal_body()),
        api.patch("owner2", f"{base}/{goal['id']}", json={"title": "x"}),
        api.get("owner2", f"{base}/{goal['id']}/measurements"),
        api.post("owner2", f"{base}/{goal['id']}/measurements", json=MEASUREMENT),
        api.get("owner2", f"/api/v1/solutions/{solution.id}/benefit"),
        api.put("owner2", f"/api/v1/solutions/{solution.id}/benefit", json=BENEFIT),
        api.get("owner", goals_url(999999)),
    ):
        problem(response, 404)


def test_co_owner_may_write(api, solution, users, make_user):
    co_owner = make_user("owner")
    solution.co_owners.append(co_owner)
    db.session.commit()
    assert api.post(co_owner, goals_url(solution.id), json=goal_body()).status_code == 201


def test_retired_solution_is_read_only(api, make_solution):
    retired = make_solution(phase="retired")
    problem(api.post("owner", goals_url(retired.id), json=goal_body()), 409)
    assert api.get("owner", goals_url(retired.id)).status_code == 200


def test_every_change_is_audited_with_the_solution(api, solution, users):
    goal = create_goal(api, solution.id)
    api.patch_current("owner", f"{goals_url(solution.id)}/{goal['id']}", json={"target": 2, "reason": "Stricter"})
    api.post("owner", f"{goals_url(solution.id)}/{goal['id']}/measurements",
             json={"measured_on": "2026-01-15", "value": 9})
    api.put("owner", f"/api/v1/solutions/{solution.id}/benefit", json=BENEFIT)
    trail = events(solution.id)
    assert [(e.entity_type, e.action) for e in trail] == [
        ("goal", "create"), ("goal", "update"), ("goal_measurement", "create"),
        ("benefit_estimate", "create")]
    assert all(e.solution_id == solution.id and e.actor_id == users["owner"].id for e in trail)
    assert [e.solution_seq for e in trail] == [1, 2, 3, 4]
    assert trail[0].data["record"]["title"] == GOAL["title"]
    assert trail[1].data["changes"]["target"] == {"before": "3.000000", "after": "2.000000"}
    assert trail[1].reason == "Stricter"


def test_service_functions_for_the_gates(api, solution, app):
    assert goal_services.goal_facts(solution.id) == ()
    assert goal_services.has_benefit_estimate(solution.id) is False
    complete = create_goal(api, solution.id)
    create_goal(api, solution.id, title="Unclear", indicator="  ", target=None)
    api.post("owner", f"{goals_url(solution.id)}/{complete['id']}/measurements",
             json={"measured_on": date(2026, 1, 15).isoformat(), "value": 9})
    api.put("owner", f"/api/v1/solutions/{solution.id}/benefit", json=BENEFIT)
    facts = goal_services.goal_facts(solution.id)
    assert [(f.complete, f.measurements, f.missing_parts) for f in facts] == [
        (True, 1, []), (False, 0, ["indicator", "target"])]
    assert goal_services.has_benefit_estimate(solution.id) is True
    assert [g.id for g in goal_services.goals_for(solution.id)][0] == complete["id"]
