"""Portfolio test helpers: an API client per role, the common indicators, and solutions in a phase."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from ai_register.extensions import db
from ai_register.portfolio.indicators import ensure_default_indicators, indicators
from ai_register.portfolio.trustworthy import REQUIREMENT_KEYS
from ai_register.solutions import gate_facts
from ai_register.solutions.lifecycle.facts import (
    ClassificationFact,
    EvidenceFact,
    EvidenceType,
    GoalFact,
    OversightFact,
)
from ai_register.solutions.models import Solution
from tests.helpers import Api as RecordsApi
from tests.helpers import problem  # noqa: F401 - shared with this package's tests

API = "/api/v1"


class Api(RecordsApi):
    """The records tests' client, plus registering a solution through the API and reading its ETag."""

    def h(self, who: str = "owner", **extra) -> dict:
        return self.headers(who, **extra)

    def solution(self, who="owner", **fields) -> dict:
        body = {"name": "Triage support", "purpose": "Sorts incoming referrals by urgency.", **fields}
        response = self.post(who, f"{API}/solutions", json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def etag(self, sid: int) -> str:
        return self.get("compliance", f"{API}/solutions/{sid}").headers["ETag"]


@pytest.fixture
def api(client, auth, users) -> Api:
    return Api(client, auth, users)


@pytest.fixture
def indicator_ids(app) -> dict[str, int]:
    ensure_default_indicators()
    db.session.commit()
    return {i.code: i.id for i in indicators()}


def full_answers(answer: str = "yes") -> dict:
    return {key: {"answer": answer, "evidence": "Workshop with the care unit", "open_actions": None}
            for key in REQUIREMENT_KEYS}


def set_phase(solution_id: int, phase: str) -> None:
    """Put a solution in a phase directly (the gates of earlier phases are tested elsewhere)."""
    solution = db.session.get(Solution, solution_id)
    solution.phase = phase
    db.session.commit()


@pytest.fixture
def others_satisfied(monkeypatch):
    """Real gate facts, with goals, benefit, classification, oversight, DPIA and pilot evaluation
    satisfied: what remains is the solution's own criticality, continuity evidence and assessment."""

    def build(solution, *, on):
        real = gate_facts.build_gate_facts(solution, on=on)
        return replace(
            real,
            goals=(GoalFact("#1 Waiting time", True, True, True, measurements=2),),
            has_benefit_estimate=True,
            classification=ClassificationFact(category="minimal_risk", role="deployer", public_authority=True),
            classification_invalid_reason=None,
            prohibited_block=False,
            oversight_owner=OversightFact(accepted_on=date(2000, 1, 1), last_confirmed_on=on),
            evidence=(*real.evidence, EvidenceFact(EvidenceType.DPIA, date(2000, 1, 1)),
                      EvidenceFact(EvidenceType.PILOT_EVALUATION, date(2000, 1, 1))),
        )

    monkeypatch.setattr("ai_register.solutions.transitions.build_gate_facts", build)
    return build
