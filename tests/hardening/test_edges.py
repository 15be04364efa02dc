"""Edges every endpoint shares: ids too large for the database, and the optimistic-lock fallback."""

from __future__ import annotations

import pytest
from sqlalchemy.orm.exc import StaleDataError

from ai_register.errors import handle_stale_data


@pytest.mark.parametrize("path", ["/api/v1/solutions/99999999999", "/api/v1/transitions/2147483648",
                                  "/api/v1/evidence/99999999999999999999/file"])
def test_ids_beyond_the_database_range_are_not_found(client, users, auth, path):
    response = client.get(path, headers=auth(users["compliance"]))
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_web_ids_beyond_the_database_range_are_not_found(client, users):
    with client.session_transaction() as session:
        session["_user_id"] = str(users["compliance"].id)
    assert client.get("/solutions/99999999999").status_code == 404


def test_a_stale_write_anywhere_is_a_412_problem(app):
    with app.test_request_context("/api/v1/anything"):
        response = handle_stale_data(StaleDataError("UPDATE matched 0 rows"))
    assert response.status_code == 412
    assert response.mimetype == "application/problem+json"
    assert "nothing was saved" in response.get_json()["detail"]


def test_the_spec_bounds_path_ids(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    parameter = next(p for p in spec["paths"]["/api/v1/solutions/{solution_id}"]["parameters"]
                     if p["name"] == "solution_id")
    assert parameter["schema"]["maximum"] == 2**31 - 1


@pytest.mark.parametrize("method,path,kwargs", [
    ("GET", "/api/v1/solutions?q=%00", {}),
    ("GET", "/api/v1/rulesets/a%00b", {}),
    ("POST", "/api/v1/solutions", {"data": '{"name": "x\\u0000y"}', "content_type": "application/json"}),
    ("POST", "/api/v1/classifications/preview", {"data": b'{"answers": {"\x00": 1}}',
                                                  "content_type": "application/json"}),
])
def test_nul_characters_are_refused_before_they_reach_the_database(client, users, auth, method, path, kwargs):
    response = client.open(path, method=method, headers=auth(users["compliance"]), **kwargs)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert "NUL" in response.get_json()["detail"]


def test_nul_in_a_web_form_is_refused(client, users, app):
    app.config["WTF_CSRF_ENABLED"] = False
    with client.session_transaction() as session:
        session["_user_id"] = str(users["owner"].id)
    response = client.post("/solutions/new", data={"name": "a\x00b"})
    assert response.status_code == 400


def test_an_id_filter_beyond_the_database_range_is_a_422(client, users, auth):
    response = client.get("/api/v1/solutions?owner_id=1454813775892", headers=auth(users["compliance"]))
    assert response.status_code == 422
    assert "owner_id" in str(response.get_json())


def test_a_value_the_database_refuses_is_a_400_not_a_500(app):
    from sqlalchemy.exc import DataError

    from ai_register.errors import handle_data_error

    with app.test_request_context("/api/v1/solutions"):
        response = handle_data_error(DataError("SELECT", {}, ValueError("integer out of range")))
    assert response.status_code == 400 and response.mimetype == "application/problem+json"


def test_a_concurrent_twin_refused_by_a_unique_rule_is_a_409_problem(app):
    from sqlalchemy.exc import IntegrityError

    from ai_register.errors import handle_integrity_error

    with app.test_request_context("/api/v1/solutions"):
        response = handle_integrity_error(IntegrityError("INSERT", {}, ValueError("duplicate key")))
    assert response.status_code == 409 and response.mimetype == "application/problem+json"
    assert "nothing was saved" in response.get_json()["detail"]
