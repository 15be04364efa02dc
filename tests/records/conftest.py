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
from tests.helpers import Api, solution_factory


@pytest.fixture
def api(client, auth, users) -> Api:
    return Api(client, auth, users)


@pytest.fixture
def make_solution(app, users):
    return solution_factory(users, name="Triage support", purpose="Sorts incoming referrals by urgency.")


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
