"""The pure parts: the score, the weights, the HLEG requirements and the two new gate checks."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from ai_register.portfolio import scoring, trustworthy
from ai_register.solutions.lifecycle.facts import AssessmentFact, EvidenceFact, EvidenceType, GateFacts, GateSettings
from ai_register.solutions.lifecycle.gates import check_gate, continuity_if_critical, trustworthy_assessment
from ai_register.solutions.lifecycle.phases import Phase

ON = date(2027, 3, 1)


def test_score_is_bounded_and_relative():
    inputs = {
        1: scoring.ScoreInput(Decimal(1000), Decimal(100), "minimal_risk", frozenset(scoring_perspectives(5))),
        2: scoring.ScoreInput(None, None, None),
        3: scoring.ScoreInput(Decimal(-5), Decimal(0), "prohibited"),
    }
    scores = scoring.score_all(inputs, scoring.DEFAULT_WEIGHTS)
    assert scores[1].value == 80.0  # the costliest: C = 1
    assert scores[2].parts == {"benefit": 0.0, "risk": 0.5, "cost": 1.0, "strategic_fit": 0.0}
    assert scores[2].value == 10.0
    assert scores[3].value == 20.0  # no benefit, prohibited, no cost: only the cost part counts
    assert all(0 <= s.value <= 100 for s in scores.values())


def scoring_perspectives(n: int) -> list[str]:
    return ["society_citizens", "operations", "staff_managers", "knowledge_renewal", "economy"][:n]


def test_weights_parse_and_formula():
    weights = scoring.parse_weights(" benefit = 1 , cost=0.5 ")
    assert weights == {"benefit": 1.0, "risk": 0.2, "cost": 0.5, "strategic_fit": 0.2}
    assert scoring.formula(weights) == "score = 100 × (1·B + 0.2·(1 − R) + 0.5·(1 − C) + 0.2·S) / 1.9"
    assert scoring.parse_weights("") == dict(scoring.DEFAULT_WEIGHTS)
    for bad in ("benefit", "speed=1", "benefit=x", "benefit=nan", "benefit=-1"):
        with pytest.raises(scoring.WeightsError):
            scoring.parse_weights(bad)


def test_requirements_follow_the_guidelines():
    assert len(trustworthy.REQUIREMENTS) == 7
    assert trustworthy.unanswered({}) == trustworthy.REQUIREMENT_KEYS
    answers = {key: {"answer": "yes"} for key in trustworthy.REQUIREMENT_KEYS}
    answers["accountability"] = {"answer": None, "open_actions": " Name the accountable manager "}
    assert trustworthy.unanswered(answers) == ("accountability",)
    assert trustworthy.open_actions(answers) == [{"requirement": "accountability",
                                                  "open_actions": "Name the accountable manager"}]


def test_trustworthy_check():
    on = GateSettings()
    off = GateSettings(require_trustworthy_assessment=False)
    assert [u.code for u in trustworthy_assessment(GateFacts(), ON, on)] == ["trustworthy_assessment_missing"]
    assert trustworthy_assessment(GateFacts(), ON, off) == []
    later = GateFacts(trustworthy_assessment=AssessmentFact(ON + timedelta(days=1)))
    assert [u.code for u in trustworthy_assessment(later, ON, on)] == ["trustworthy_assessment_missing"]
    assert trustworthy_assessment(GateFacts(trustworthy_assessment=AssessmentFact(ON)), ON, on) == []
    assert "trustworthy_assessment_missing" in [u.code for u in check_gate(Phase.PILOT, GateFacts(), ON)]
    assert "trustworthy_assessment_missing" not in [u.code for u in check_gate(Phase.ROLLOUT, GateFacts(), ON)]


@pytest.mark.parametrize(("critical", "evidence", "tested", "expected"), [
    (None, (), None, []),
    (False, (), None, []),
    (True, (), None, ["evidence_missing:fallback_routine", "evidence_missing:recovery_plan",
                      "recovery_plan_test_missing"]),
    (True, (EvidenceType.FALLBACK_ROUTINE, EvidenceType.RECOVERY_PLAN), ON, []),
    (True, (EvidenceType.FALLBACK_ROUTINE, EvidenceType.RECOVERY_PLAN), ON + timedelta(days=1),
     ["recovery_plan_test_missing"]),
    (True, (EvidenceType.RECOVERY_PLAN,), ON - timedelta(days=400), ["evidence_missing:fallback_routine"]),
])
def test_continuity_check(critical, evidence, tested, expected):
    facts = GateFacts(critical_for_patient_care=critical, recovery_plan_tested_on=tested,
                      evidence=tuple(EvidenceFact(t, ON - timedelta(days=10)) for t in evidence))
    assert [u.code for u in continuity_if_critical(facts, ON, GateSettings())] == expected
    assert [u.code for u in check_gate(Phase.ROLLOUT, facts, ON) if u.code in expected] == expected


def test_expired_recovery_plan_does_not_count():
    facts = GateFacts(critical_for_patient_care=True, recovery_plan_tested_on=ON - timedelta(days=30),
                      evidence=(EvidenceFact(EvidenceType.FALLBACK_ROUTINE, ON - timedelta(days=60)),
                                EvidenceFact(EvidenceType.RECOVERY_PLAN, ON - timedelta(days=60), ON)))
    (unmet,) = continuity_if_critical(facts, ON, GateSettings())
    assert unmet.code == "evidence_missing:recovery_plan" and unmet.details["reason"] == "expired"
