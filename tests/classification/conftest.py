"""Fixtures of the classification tests: solutions built directly (the register's API is another area)."""

from __future__ import annotations

import pytest

from tests.helpers import solution_factory

# Golden case p-011: remote face identification of staff → high-risk, Annex III 1(a) and 4.
HIGH_RISK = {
    "ai_system": "yes", "excluded_purpose": "none", "role": "deployer", "public_authority": "yes",
    "prohibited_practices": [], "emotion_recognition": "none", "remote_biometric_identification": "yes",
    "biometric_categorisation": "no", "medical_purpose": "no", "other_annex_i_product": "no",
    "annex_iii_areas": ["employment_workers_management"], "profiling": "yes", "art6_3_condition": "none",
    "interacts_with_persons": "no", "generates_synthetic_content": "no", "deep_fake_or_public_text": "no",
    "gpai_model": "no",
}

# A scheduling tool that monitors workers: high-risk only through Annex III 4, deployer, public body.
EMPLOYMENT = {**HIGH_RISK, "remote_biometric_identification": "no"}

# Golden case p-013: Art 6(3)(d) preparatory task → minimal risk.
MINIMAL = {
    "ai_system": "yes", "excluded_purpose": "none", "role": "deployer", "public_authority": "yes",
    "prohibited_practices": [], "emotion_recognition": "none", "remote_biometric_identification": "no",
    "biometric_categorisation": "no", "medical_purpose": "no", "other_annex_i_product": "no",
    "annex_iii_areas": ["emergency_call_triage"], "profiling": "no", "art6_3_condition": "preparatory_task",
    "interacts_with_persons": "no", "generates_synthetic_content": "no", "deep_fake_or_public_text": "no",
    "gpai_model": "no",
}

PROHIBITED = {**MINIMAL, "prohibited_practices": ["social_scoring"]}

# Only the scope question: the engine never guesses, so this needs review.
UNDECIDED = {"ai_system": "unsure"}


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
