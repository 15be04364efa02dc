"""Fixtures of the deployer-duty tests (issue 21): obligations, FRIA, literacy, suppliers, monitoring.

Solutions are made with the model; classifications go through the real API (answer, submit, approve by
compliance), so the obligations come from an approved classification as in production."""

from __future__ import annotations

import pytest

from tests.followup.conftest import HIGH_RISK, MDR_DEVICE, MINIMAL  # noqa: F401 - shared golden answers
from tests.helpers import Api, solution_factory


@pytest.fixture
def api(client, auth, users) -> Api:
    return Api(client, auth, users, reuse_tokens=False)


@pytest.fixture
def make_solution(app, users):
    return solution_factory(users, name="Röntgentriage", purpose="Sorts chest X-rays by urgency.")


@pytest.fixture
def solution(make_solution):
    return make_solution()


@pytest.fixture
def classify(api):
    def run(solution, answers: dict, **changes) -> dict:
        stored = api.post("owner", f"/api/v1/solutions/{solution.id}/classifications",
                          json={"answers": {**answers, **changes}})
        assert stored.status_code == 201, stored.get_json()
        cid = stored.get_json()["id"]
        assert api.post("owner", f"/api/v1/classifications/{cid}/submit", json={}).status_code == 200
        approved = api.post("compliance", f"/api/v1/classifications/{cid}/approve", json={})
        assert approved.status_code == 200, approved.get_json()
        return approved.get_json()

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
