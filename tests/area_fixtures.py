"""Fixtures shared by the tests of a solution's areas (goals, evidence, oversight, incidents,
notifications, reviews, FRIA, literacy, obligations): an area's conftest imports the ones it uses.

Solutions are made with the model (the register's API is another area's); classifications go through the
real classification API (answer, submit, approve by compliance), so what an area reads from an approved
classification (role, device status, obligations) comes about as in production.
"""

from __future__ import annotations

import pytest

from ai_register.solutions.models import Solution
from tests.helpers import Api, solution_factory


@pytest.fixture
def api(client, auth, users) -> Api:
    return Api(client, auth, users, reuse_tokens=False)  # a fresh token per call: frozen time may move on


@pytest.fixture
def make_solution(app, users):
    return solution_factory(users, name="Sepsis early warning", purpose="Warns of sepsis risk in emergency care.")


@pytest.fixture
def solution(make_solution) -> Solution:
    return make_solution()


@pytest.fixture
def classify(api):
    """classify(solution, answers, **changes): answer as the owner, submit, approve as compliance."""

    def run(solution, answers: dict, **changes) -> dict:
        stored = api.post("owner", f"/api/v1/solutions/{solution.id}/classifications",
                          json={"answers": {**answers, **changes}})
        assert stored.status_code == 201, stored.get_json()
        cid = stored.get_json()["id"]
        submitted = api.post("owner", f"/api/v1/classifications/{cid}/submit", json={})
        assert submitted.status_code == 200, submitted.get_json()
        approved = api.post("compliance", f"/api/v1/classifications/{cid}/approve", json={})
        assert approved.status_code == 200, approved.get_json()
        return approved.get_json()

    return run


@pytest.fixture
def report(api):
    """report(solution, who="owner", **fields) → the response of POST …/incidents."""

    def run(solution, who="owner", **fields):
        body = {"what_happened": "The model missed a deteriorating patient.", **fields}
        return api.post(who, f"/api/v1/solutions/{solution.id}/incidents", json=body)

    return run


@pytest.fixture
def web_login(app):
    """web_login(client, user): sign the test client in through the session, as the login page does."""

    def login(client, user):
        with client.session_transaction() as session:
            session["_user_id"] = str(user.id)
            session["_fresh"] = True
        return client

    return login
