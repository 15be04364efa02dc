"""Fixtures of the follow-up tests: incidents, reviews, reminders.

Solutions are made with the model (the register's API is another area); classifications go through
the real classification API (answer, submit, approve by compliance), so the role and device status
the incident duties use come from an approved classification as in production.
"""

from __future__ import annotations

import pytest

from ai_register.solutions.models import Solution
from tests.helpers import Api, solution_factory

# Golden case p-011: remote biometric identification of staff → high-risk (Annex III 1(a), 4), no device.
HIGH_RISK = {
    "ai_system": "yes", "excluded_purpose": "none", "role": "deployer", "public_authority": "yes",
    "prohibited_practices": [], "emotion_recognition": "none", "remote_biometric_identification": "yes",
    "biometric_categorisation": "no", "medical_purpose": "no", "other_annex_i_product": "no",
    "annex_iii_areas": ["employment_workers_management"], "profiling": "yes", "art6_3_condition": "none",
    "interacts_with_persons": "no", "generates_synthetic_content": "no", "deep_fake_or_public_text": "no",
    "gpai_model": "no",
}

# A decision-support device: MDR Rule 11a, serious deterioration → class IIb → high-risk Annex I (MDR).
MDR_DEVICE = {
    **HIGH_RISK, "remote_biometric_identification": "no", "annex_iii_areas": [], "medical_purpose": "yes",
    "data_action": "beyond_storage", "in_vitro_diagnostic": "no", "mdr_decision_support": "yes",
    "mdr_decision_impact": "serious_deterioration_or_surgical_intervention", "mdr_monitoring": "none",
    "mdr_closed_loop_therapy": "no", "mdr_drives_device": "no", "in_house_exemption": "no",
}

# Golden case p-013: Art 6(3)(d) preparatory task → minimal risk.
MINIMAL = {
    **HIGH_RISK, "remote_biometric_identification": "no", "annex_iii_areas": ["emergency_call_triage"],
    "profiling": "no", "art6_3_condition": "preparatory_task",
}


@pytest.fixture
def api(client, auth, users) -> Api:
    return Api(client, auth, users, reuse_tokens=False)  # a fresh token per call: frozen time moves on


@pytest.fixture
def make_solution(app, users):
    return solution_factory(users, name="Sepsis early warning",
                            purpose="Warns of sepsis risk in emergency care.")


@pytest.fixture
def solution(make_solution) -> Solution:
    return make_solution()


@pytest.fixture
def classify(api):
    """Answer as the owner, submit, approve as compliance: the approved classification."""

    def run(solution, answers: dict, **changes) -> dict:
        answers = {**answers, **changes}
        stored = api.post("owner", f"/api/v1/solutions/{solution.id}/classifications",
                          json={"answers": answers})
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


def duty(incident: dict, key: str) -> dict | None:
    return next((d for d in incident["duties"] if d["key"] == key and d["applies"]), None)


def duty_keys(incident: dict) -> set[str]:
    return {d["key"] for d in incident["duties"] if d["applies"]}
