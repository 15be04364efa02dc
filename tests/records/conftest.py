"""Helpers for the records of a solution: goals, evidence and oversight.

Solutions are made directly with the model (owned by users["owner"]), so these tests do not depend
on the solutions API; everything under test goes through the real HTTP API.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ai_register.audit.models import AuditEvent
from ai_register.extensions import db
from ai_register.solutions.models import Solution


class Api:
    """A thin client: `api.post("owner", path, json=...)`; a token per user, issued once per test."""

    def __init__(self, client, auth, users):
        self.client, self.auth, self.users = client, auth, users
        self._headers: dict[int, dict] = {}

    def headers(self, who, **extra) -> dict:
        user = self.users[who] if isinstance(who, str) else who
        if user.id not in self._headers:
            self._headers[user.id] = self.auth(user)
        return {**self._headers[user.id], **extra}

    def open(self, method: str, who, path: str, *, headers: dict | None = None, **kwargs):
        return self.client.open(path, method=method, headers=self.headers(who, **(headers or {})), **kwargs)

    def get(self, who, path, **kwargs):
        return self.open("GET", who, path, **kwargs)

    def post(self, who, path, **kwargs):
        return self.open("POST", who, path, **kwargs)

    def put(self, who, path, **kwargs):
        return self.open("PUT", who, path, **kwargs)

    def patch(self, who, path, **kwargs):
        return self.open("PATCH", who, path, **kwargs)


@pytest.fixture
def api(client, auth, users) -> Api:
    return Api(client, auth, users)


@pytest.fixture
def make_solution(app, users):
    def make(owner=None, **fields) -> Solution:
        owner = owner or users["owner"]
        solution = Solution(name=fields.pop("name", "Triage support"),
                            purpose=fields.pop("purpose", "Sorts incoming referrals by urgency."),
                            owner_id=owner.id, created_by_id=owner.id, **fields)
        db.session.add(solution)
        db.session.commit()
        return solution

    return make


@pytest.fixture
def solution(make_solution) -> Solution:
    return make_solution()


def events(solution_id: int, entity_type: str | None = None) -> list[AuditEvent]:
    """The solution's audit events in chain order (optionally of one entity type)."""
    query = select(AuditEvent).where(AuditEvent.solution_id == solution_id).order_by(AuditEvent.position)
    if entity_type is not None:
        query = query.where(AuditEvent.entity_type == entity_type)
    return list(db.session.scalars(query))


def problem(response, status: int) -> dict:
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:500])
    assert response.mimetype == "application/problem+json"
    return response.get_json()
