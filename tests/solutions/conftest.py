"""Helpers for the register tests: register a solution, read its ETag, and (for flow tests that are
about requests, approvals and decisions rather than gate data) open the gates that other modules'
records decide."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from ai_register.audit.models import AuditEvent
from ai_register.extensions import db
from ai_register.solutions import gate_facts
from ai_register.solutions.lifecycle.facts import (
    AssessmentFact,
    ClassificationFact,
    EvidenceFact,
    EvidenceType,
    GateFacts,
    GoalFact,
    OversightFact,
)
from tests.webclient import web  # noqa: F401 - fixture

BASE = "/api/v1/solutions"


class Register:
    """A thin client of the solutions API for one test."""

    def __init__(self, client, auth, users):
        self.client, self.auth, self.users = client, auth, users
        self._headers: dict[int, dict] = {}

    def h(self, who: str = "owner", **extra) -> dict:
        user = self.users[who] if isinstance(who, str) else who
        if user.id not in self._headers:
            self._headers[user.id] = self.auth(user)
        return {**self._headers[user.id], **extra}

    def create(self, who: str = "owner", **fields) -> dict:
        body = {"name": "Triage support", "purpose": "Sorts incoming referrals by urgency.", **fields}
        response = self.client.post(BASE, json=body, headers=self.h(who))
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def get(self, sid: int, who: str = "owner"):
        return self.client.get(f"{BASE}/{sid}", headers=self.h(who))

    def etag(self, sid: int) -> str:
        response = self.get(sid, "compliance")
        assert response.status_code == 200
        return response.headers["ETag"]

    def patch(self, sid: int, body: dict, who: str = "owner", etag: str | None = "auto"):
        headers = self.h(who)
        if etag == "auto":
            etag = self.etag(sid)
        if etag is not None:
            headers["If-Match"] = etag
        return self.client.patch(f"{BASE}/{sid}", json=body, headers=headers)

    def transition(self, sid: int, to: str, who: str = "owner", reason: str | None = None):
        body = {"to": to} if reason is None else {"to": to, "reason": reason}
        return self.client.post(f"{BASE}/{sid}/transitions", json=body,
                                headers=self.h(who, **{"If-Match": self.etag(sid)}))

    def decide(self, sid: int, kind: str, who: str = "owner", **fields):
        body = {"kind": kind, "rationale": fields.pop("rationale", f"Follow-up says {kind}."), **fields}
        return self.client.post(f"{BASE}/{sid}/decisions", json=body,
                                headers=self.h(who, **{"If-Match": self.etag(sid)}))

    def approve(self, tid: int, who: str = "compliance", reason: str | None = None):
        body = {} if reason is None else {"reason": reason}
        return self.client.post(f"/api/v1/transitions/{tid}/approve", json=body, headers=self.h(who))

    def reject(self, tid: int, who: str = "compliance", reason: str = "Not yet."):
        return self.client.post(f"/api/v1/transitions/{tid}/reject", json={"reason": reason},
                                headers=self.h(who))

    def put_plan(self, sid: int, units: list[dict], who: str = "owner"):
        return self.client.put(f"{BASE}/{sid}/rollout-plan", json={"units": units}, headers=self.h(who))

    def put_checklist(self, sid: int, items: list[dict], who: str = "owner"):
        return self.client.put(f"{BASE}/{sid}/decommissioning-checklist", json={"items": items},
                               headers=self.h(who))


@pytest.fixture
def reg(client, auth, users) -> Register:
    return Register(client, auth, users)


def events(solution_id: int) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.solution_id == solution_id)
                                   .order_by(AuditEvent.position)))


def unmet_codes(response) -> list[str]:
    return [u["code"] for u in response.get_json()["unmet"]]


SATISFIED_BY_OTHER_MODULES = dict(
    goals=(GoalFact("#1 Waiting time", True, True, True, measurements=2),),
    has_benefit_estimate=True,
    classification=ClassificationFact(category="minimal_risk", role="deployer", public_authority=True),
    classification_invalid_reason=None,
    prohibited_block=False,
    oversight_owner=OversightFact(accepted_on=date(2000, 1, 1), last_confirmed_on=date.today()),
    evidence=(EvidenceFact(EvidenceType.DPIA, date(2000, 1, 1)),
              EvidenceFact(EvidenceType.PILOT_EVALUATION, date(2000, 1, 1))),
    trustworthy_assessment=AssessmentFact(date(2000, 1, 1)),
)


@pytest.fixture
def open_gates(monkeypatch):
    """Gate facts whose other-module parts (goals, benefit, classification, oversight, evidence) are
    satisfied, while the solution's own data (need statement, rollout plan, review schedule,
    rationale, checklist) are read for real. For tests of the request/approve/decide flows."""

    def build(solution, *, on):
        own = GateFacts(
            need_statement=solution.need_statement,
            processes_personal_data=gate_facts._personal_data(solution),
            rollout_units=gate_facts.rollout_unit_facts(solution),
            next_review_on=solution.next_review_on,
            review_interval_months=solution.review_interval_months,
            decommission_rationale=solution.decommission_rationale,
            decommissioning_checklist=gate_facts.checklist_facts(solution),
        )
        return replace(own, **SATISFIED_BY_OTHER_MODULES)

    monkeypatch.setattr("ai_register.solutions.transitions.build_gate_facts", build)
    return build
