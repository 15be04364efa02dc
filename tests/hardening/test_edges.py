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
