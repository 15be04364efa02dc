"""The spec and the code agree at the JSON boundary (issue 19, item 10): a required body must be sent,
integer fields take integers only (the field named), a name of only spaces is no name, and 405 says
which methods are allowed."""

from __future__ import annotations

import pytest

from ai_register.extensions import db
from tests.helpers import solution_factory


@pytest.fixture
def solution(users):
    return solution_factory(users, name="Triage support", purpose="Sorts referrals.")()


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_json()
    assert response.mimetype == "application/problem+json"
    return response.get_json()


@pytest.mark.parametrize("value", [7.9, "3", True, 7.0])
def test_integer_fields_refuse_anything_but_an_integer_and_name_the_field(client, users, auth, value):
    body = problem(client.post("/api/v1/solutions", headers=auth(users["owner"]),
                               json={"name": "Triage", "purpose": "Sorts.", "confidentiality": value}), 422)
    assert body["errors"] == {"confidentiality": ["Not a valid integer: send a whole number without quotes."]}


def test_an_integer_is_still_an_integer(client, users, auth):
    response = client.post("/api/v1/solutions", headers=auth(users["owner"]),
                           json={"name": "Triage", "purpose": "Sorts.", "confidentiality": 3})
    assert response.status_code == 201 and response.get_json()["confidentiality"] == 3


def test_integers_nested_in_lists_are_strict_too(client, users, auth, solution):
    response = client.patch(f"/api/v1/solutions/{solution.id}",
                            headers=auth(users["owner"], **{"If-Match": solution.etag}),
                            json={"co_owner_ids": [users["owner2"].id, "7"]})
    assert problem(response, 422)["errors"]["co_owner_ids"] == {"1": [
        "Not a valid integer: send a whole number without quotes."]}


@pytest.mark.parametrize("name", ["   ", "\t\n "])
def test_a_name_of_only_spaces_is_refused(client, users, auth, name):
    body = problem(client.post("/api/v1/solutions", headers=auth(users["owner"]),
                               json={"name": name, "purpose": "Sorts."}), 422)
    assert "name" in body["errors"]


def test_a_required_body_must_be_sent(client, users, auth, solution):
    incident = client.post(f"/api/v1/solutions/{solution.id}/incidents", headers=auth(users["owner"]),
                           json={"what_happened": "Missed a nodule."})
    assert incident.status_code == 201
    path = f"/api/v1/incidents/{incident.get_json()['id']}"
    for method, url, headers in [("PATCH", path, {"If-Match": incident.headers["ETag"]}),
                                 ("POST", "/api/v1/rulesets/impact", {}),
                                 ("PATCH", f"/api/v1/users/{users['owner'].id}", {})]:
        who = users["admin"] if "/users/" in url else users["compliance"]
        body = problem(client.open(url, method=method, headers=auth(who, **headers)), 422)
        assert body["errors"] == {"_body": ["A JSON body is required."]}
    db.session.expire_all()


@pytest.mark.parametrize("method,path,allowed", [("DELETE", "/api/v1/solutions", {"GET", "POST"}),
                                                 ("PUT", "/api/v1/auth/token", {"POST"})])
def test_405_names_the_allowed_methods(client, users, auth, method, path, allowed):
    response = client.open(path, method=method, headers=auth(users["compliance"]))
    problem(response, 405)
    assert allowed <= {m.strip() for m in response.headers["Allow"].split(",")}


def test_405_on_a_web_page_has_allow_too(app, client):
    app.config["WTF_CSRF_ENABLED"] = False
    response = client.open("/login", method="DELETE")
    assert response.status_code == 405 and "POST" in response.headers["Allow"]


def test_the_spec_says_which_bodies_are_required(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert paths["/api/v1/incidents/{incident_id}"]["patch"]["requestBody"]["required"] is True
    assert paths["/api/v1/rulesets/impact"]["post"]["requestBody"]["required"] is True
    # An action whose body only carries an optional comment may be sent without one.
    assert paths["/api/v1/transitions/{transition_id}/approve"]["post"]["requestBody"]["required"] is False
    assert paths["/api/v1/classifications/{classification_id}/approve"]["post"]["requestBody"]["required"] is False


@pytest.mark.parametrize("value", [0, 1, "true", "yes"])
def test_boolean_fields_take_true_or_false_only(client, users, auth, value):
    body = problem(client.post("/api/v1/solutions", headers=auth(users["owner"]),
                               json={"name": "Triage", "purpose": "Sorts.", "critical_for_patient_care": value}), 422)
    assert body["errors"] == {"critical_for_patient_care": ["Not a valid boolean: send true or false without quotes."]}


@pytest.mark.parametrize("query", ["page=1.5", "page=%203", "per_page=1e3", "page=%2B2", "page=1_0", "page=%D9%A3"])
def test_integer_query_parameters_take_digits_only_and_name_the_parameter(client, users, auth, query):
    body = problem(client.get(f"/api/v1/solutions?{query}", headers=auth(users["owner"])), 422)
    assert list(body["errors"]) == [query.split("=")[0]]
    assert client.get("/api/v1/solutions?page=2&per_page=10", headers=auth(users["owner"])).status_code == 200


def test_the_ruleset_impact_path_allows_only_what_the_spec_says(client, users, auth):
    headers = auth(users["compliance"])
    allow = client.options("/api/v1/rulesets/impact", headers=headers).headers["Allow"]
    assert set(allow.replace(" ", "").split(",")) == {"OPTIONS", "POST"}
    refused = client.get("/api/v1/rulesets/impact", headers=headers)
    assert refused.status_code == 405 and "GET" not in refused.headers["Allow"]


def test_the_named_token_limit_is_the_specs_and_a_region_may_only_lower_it(client):
    from ai_register.config import ConfigError, from_environment

    spec = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["NamedTokenCreate"]
    assert spec["properties"]["expires_in_days"]["maximum"] == 365
    assert from_environment({"AI_REGISTER_NAMED_TOKEN_MAX_DAYS": "30"})["JWT_NAMED_MAX_DAYS"] == 30
    with pytest.raises(ConfigError, match="1 to 365"):
        from_environment({"AI_REGISTER_NAMED_TOKEN_MAX_DAYS": "3650"})
