"""Fixtures of the classification tests: solutions built directly (the register's API is another area)."""

from __future__ import annotations

import pytest

from tests.helpers import solution_factory
from tests.webclient import web  # noqa: F401 - fixture


@pytest.fixture
def make_solution(app, users):
    return solution_factory(users, name="Triage assistant", purpose="Supports the staff")


@pytest.fixture
def solution(make_solution):
    return make_solution()


@pytest.fixture
def api(client, auth):
    """api(method, path, user, json=None, **kw) → response, with the user's bearer token."""

    def call(method: str, path: str, user, json=None, **kwargs):
        headers = auth(user) if user is not None else {}
        return client.open(f"/api/v1{path}", method=method.upper(), json=json, headers=headers, **kwargs)

    return call


@pytest.fixture
def classify_as(api):
    """Store answers for a solution as `user`; returns the stored record."""

    def store(solution, user, answers):
        response = api("post", f"/solutions/{solution.id}/classifications", user, {"answers": answers})
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return store


@pytest.fixture
def decided(api, classify_as, users):
    """Store as the owner, submit, and approve (or override) by compliance: the record after review."""

    def run(solution, answers, *, override: dict | None = None, answerer=None, reviewer=None):
        record = classify_as(solution, answerer or users["owner"], answers)
        submitted = api("post", f"/classifications/{record['id']}/submit", users["owner"])
        assert submitted.status_code == 200, submitted.get_json()
        reviewer = reviewer or users["compliance"]
        if override is None:
            response = api("post", f"/classifications/{record['id']}/approve", reviewer, {})
        else:
            response = api("post", f"/classifications/{record['id']}/override", reviewer,
                           {"justification": "Officer's reading of the intended purpose", **override})
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    return run
