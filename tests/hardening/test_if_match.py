"""Every write to a versioned record names the version it read (issue 19, item 8): If-Match with the
record's ETag, 428 without it (or with `*`), 412 when stale; the spec says so for each such write."""

from __future__ import annotations

import pytest

from ai_register.extensions import db
from ai_register.portfolio.indicators import ensure_default_indicators, indicator_ids_by_code
from tests.helpers import Api, solution_factory

BENEFIT = {"one_off_cost": 100000, "yearly_cost": 20000, "yearly_savings": 50000, "hours_freed_per_year": 0}


@pytest.fixture
def api(client, auth, users) -> Api:
    return Api(client, auth, users)


@pytest.fixture
def solution(users):
    ensure_default_indicators()
    db.session.commit()
    return solution_factory(users, name="Triage support", purpose="Sorts referrals.")()


def created(response) -> dict:
    assert response.status_code == 201, response.get_json()
    assert response.headers["ETag"] == f'"{response.get_json()["version"]}"'
    return response.get_json()


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_json()
    assert response.mimetype == "application/problem+json"
    return response.get_json()


def guarded(api, who, method, path, body):
    """Missing, `*`, stale: refused and nothing changes; the ETag read just now: accepted."""
    before = api.get(who, path).get_json()
    assert_problem(api.open(method, who, path, json=body), 428)
    star = assert_problem(api.open(method, who, path, json=body, headers={"If-Match": "*"}), 428)
    assert "names no version" in star["detail"]
    stale = assert_problem(api.open(method, who, path, json=body,
                                    headers={"If-Match": f'"{before["version"] + 7}"'}), 412)
    assert stale["current_version"] == before["version"]
    assert api.get(who, path).get_json() == before
    response = api.open(method, who, path, json=body, headers=api.if_match(who, path))
    assert response.status_code == 200, response.get_json()
    assert response.headers["ETag"] == f'"{before["version"] + 1}"' == f'"{response.get_json()["version"]}"'
    return response


def test_an_incident_patch_cannot_overwrite_another_officers_notes(api, solution):
    incident = created(api.post("owner", f"/api/v1/solutions/{solution.id}/incidents",
                                json={"what_happened": "Missed a nodule."}))
    path = f"/api/v1/incidents/{incident['id']}"
    read_by_owner = api.if_match("owner", path)
    read_by_officer = api.if_match("compliance", path)
    first = api.patch("compliance", path, json={"assessment_notes": "Officer's notes."}, headers=read_by_officer)
    assert first.status_code == 200
    lost = api.patch("owner", path, json={"assessment_notes": "Owner's notes."}, headers=read_by_owner)
    assert_problem(lost, 412)
    assert lost.headers["ETag"] == first.headers["ETag"]
    assert api.get("owner", path).get_json()["assessment_notes"] == "Officer's notes."
    guarded(api, "owner", "PATCH", path, {"care_unit": "Avd 12"})


def test_a_goal_patch_needs_the_goals_etag(api, solution):
    goal = created(api.post("owner", f"/api/v1/solutions/{solution.id}/goals", json={
        "perspective": "operations", "title": "Faster triage", "indicator_id": indicator_ids_by_code()["accessibility"],
        "indicator": "Days", "baseline": 14, "target": 3}))
    path = f"/api/v1/solutions/{solution.id}/goals/{goal['id']}"
    assert api.get("auditor", path).headers["ETag"] == '"1"'
    guarded(api, "owner", "PATCH", path, {"target": 2})


def test_the_benefit_estimate_is_recorded_once_then_replaced_with_if_match(api, solution):
    path = f"/api/v1/solutions/{solution.id}/benefit"
    assert_problem(api.put("owner", path, json=BENEFIT, headers={"If-Match": '"1"'}), 412)  # none yet
    created(api.put("owner", path, json=BENEFIT))
    guarded(api, "compliance", "PUT", path, {**BENEFIT, "yearly_savings": 60000})


def test_an_indicator_patch_needs_its_etag(api, solution):
    path = f"/api/v1/indicators/{indicator_ids_by_code()['quality']}"
    guarded(api, "compliance", "PATCH", path, {"unit": "percent"})


def test_a_solution_write_refuses_if_match_star(api, solution):
    path = f"/api/v1/solutions/{solution.id}"
    body = assert_problem(api.patch("owner", path, json={"name": "Renamed"}, headers={"If-Match": "*"}), 428)
    assert "names no version" in body["detail"]
    assert api.get("owner", path).get_json()["name"] == "Triage support"


@pytest.mark.parametrize("method,path", [
    ("patch", "/api/v1/incidents/{incident_id}"),
    ("patch", "/api/v1/solutions/{solution_id}/goals/{goal_id}"),
    ("put", "/api/v1/solutions/{solution_id}/benefit"),
    ("patch", "/api/v1/indicators/{indicator_id}"),
    ("patch", "/api/v1/solutions/{solution_id}"),
])
def test_the_spec_declares_if_match_412_and_428(client, method, path):
    operation = client.get("/api/v1/openapi.json").get_json()["paths"][path][method]
    assert any(p["in"] == "header" and p["name"] == "If-Match" for p in operation["parameters"])
    assert {"412", "428"} <= set(operation["responses"])
    assert "ETag" in operation["responses"]["200"]["headers"]


def test_a_fria_write_refuses_if_match_star_too(api, solution):
    """The FRIA kept its own check, which let `*` through: a blind overwrite of someone's assessment."""
    created = api.post("owner", f"/api/v1/solutions/{solution.id}/fria", json={"processes": "Triage"})
    assert created.status_code == 201, created.get_json()
    path = f"/api/v1/fria/{created.get_json()['id']}"
    star = assert_problem(api.patch("owner", path, json={"processes": "Overwritten"}, headers={"If-Match": "*"}), 428)
    assert "names no version" in star["detail"]
    assert api.get("owner", path).get_json()["processes"] == "Triage"


def test_the_spec_says_which_if_match_values_are_read_as_a_version(client):
    """Blank and `*` are 428 whatever the version: the header's schema says so, on every guarded write."""
    import re

    spec = client.get("/api/v1/openapi.json").get_json()
    headers = [p for item in spec["paths"].values() for operation in item.values() if isinstance(operation, dict)
               for p in operation.get("parameters", []) if p.get("name") == "If-Match"]
    assert len(headers) >= 15
    for parameter in headers:
        pattern = re.compile(parameter["schema"]["pattern"])
        assert pattern.search('"3"') and pattern.search('W/"3", "4"')
        assert not pattern.search("*") and not pattern.search("   ") and not pattern.search('"3", *')
