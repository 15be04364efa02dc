"""What counts for the lifecycle gates: the valid classification, the prohibited block, role, obligations."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from ai_register.classification.models import Classification
from ai_register.classification.validity import (
    classification_gate_facts,
    current_classification_summary,
    effective_role,
    obligations_checklist,
    prohibited_block,
    public_authority,
    valid_classification,
    valid_classification_facts,
)
from ai_register.extensions import db
from ai_register.solutions.lifecycle.facts import ClassificationFact, GateFacts, InvalidClassification
from ai_register.solutions.lifecycle.gates import check_gate
from ai_register.solutions.lifecycle.phases import Phase
from tests.answers import EMPLOYMENT, HIGH_RISK, MINIMAL, PROHIBITED, UNDECIDED


def test_no_decided_classification_is_not_valid(users, solution, classify_as):
    classify_as(solution, users["owner"], MINIMAL)
    assert valid_classification(solution) is None
    assert valid_classification_facts(solution) is None
    facts = classification_gate_facts(solution)
    assert facts["classification_invalid_reason"] is InvalidClassification.NONE_APPROVED


def test_the_latest_approved_version_counts(api, users, solution, decided, classify_as):
    first = decided(solution, HIGH_RISK)
    assert valid_classification(solution).id == first["id"]
    second = decided(solution, MINIMAL)
    classify_as(solution, users["owner"], HIGH_RISK)  # a newer draft does not count
    valid = valid_classification(solution)
    assert valid.id == second["id"]
    fact = valid_classification_facts(solution)
    assert isinstance(fact, ClassificationFact)
    assert fact.category == "minimal_risk"
    assert fact.role == "deployer"
    assert fact.public_authority is True


def test_a_rejected_version_does_not_count(api, users, solution, decided, classify_as):
    approved = decided(solution, EMPLOYMENT)
    record = classify_as(solution, users["owner"], MINIMAL)
    api("post", f"/classifications/{record['id']}/submit", users["owner"])
    api("post", f"/classifications/{record['id']}/reject", users["compliance"], {"justification": "Not so"})
    assert valid_classification(solution).id == approved["id"]


def test_the_officers_values_count_for_an_override(users, solution, decided):
    # Only the AI Act part is open (the device part is decided: no medical purpose).
    decided(solution, {**MINIMAL, "ai_system": "unsure"}, override={"category": "limited_risk"})
    fact = valid_classification_facts(solution)
    assert fact.category == "limited_risk"
    assert fact.needs_review is False
    facts = GateFacts(need_statement="A need", **classification_gate_facts(solution))
    codes = {u.code for u in check_gate(Phase.PILOT, facts, date(2026, 9, 1))}
    assert not codes & {"classification_not_valid", "classification_needs_review",
                        "classification_prohibited"}


def test_a_flagged_solution_has_no_valid_classification(users, solution, decided):
    decided(solution, MINIMAL)
    solution.needs_rereview = True
    db.session.commit()
    assert valid_classification(solution) is None
    facts = classification_gate_facts(solution)
    assert facts["classification"] is None
    assert facts["classification_invalid_reason"] is InvalidClassification.FLAGGED_FOR_REVIEW
    codes = [u.code for u in check_gate(Phase.PILOT, GateFacts(**facts), date(2026, 9, 1))]
    assert "classification_not_valid" in codes


def test_an_undecided_approval_is_valid_but_needs_review_for_the_gate(users, solution, decided):
    decided(solution, UNDECIDED)
    fact = valid_classification_facts(solution)
    assert fact.category == "needs_review"
    codes = [u.code for u in check_gate(Phase.PILOT, GateFacts(classification=fact), date(2026, 9, 1))]
    assert "classification_needs_review" in codes


def test_prohibited_blocks_until_a_later_decision_says_otherwise(api, users, solution, classify_as, decided):
    assert prohibited_block(solution) is False
    classify_as(solution, users["owner"], PROHIBITED)  # even a draft that says prohibited blocks
    assert prohibited_block(solution) is True
    decided(solution, MINIMAL)
    assert prohibited_block(solution) is False
    decided(solution, PROHIBITED)
    assert prohibited_block(solution) is True
    assert valid_classification_facts(solution).category == "prohibited"
    facts = GateFacts(**classification_gate_facts(solution))
    codes = [u.code for u in check_gate(Phase.PILOT, facts, date(2026, 9, 1))]
    assert "classification_prohibited" in codes


def test_an_override_away_from_prohibited_lifts_the_block(users, make_solution, decided):
    solution = make_solution()
    decided(solution, PROHIBITED, override={"category": "minimal_risk"})
    assert prohibited_block(solution) is False
    other = make_solution(name="Other")
    decided(other, MINIMAL, override={"category": "prohibited"})
    assert prohibited_block(other) is True


def test_role_and_public_authority_come_from_the_approved_answers(users, solution, decided, classify_as):
    assert effective_role(solution) is None
    assert public_authority(solution) is None
    decided(solution, {**MINIMAL, "role": "provider", "public_authority": "no"})
    classify_as(solution, users["owner"], {**MINIMAL, "role": "deployer"})  # not approved: does not count
    assert effective_role(solution) == "provider"
    assert public_authority(solution) is False


def test_obligations_checklist_of_the_approved_result(users, solution, decided):
    assert obligations_checklist(solution) == []
    record = decided(solution, EMPLOYMENT)
    checklist = obligations_checklist(solution, today=date(2026, 9, 1))
    assert checklist, "a high-risk deployer has obligations"
    expected_ids = {o["id"] for o in record["result"]["obligations"]}
    assert {item["id"] for item in checklist} == expected_ids
    for item in checklist:
        assert item["due"] == item["applies_from"]
        assert item["in_force"] == (date.fromisoformat(item["due"]) <= date(2026, 9, 1))
        assert item["classification_id"] == record["id"]
    assert [item["due"] for item in checklist] == sorted(item["due"] for item in checklist)


def test_current_classification_summary(users, solution, classify_as, decided):
    assert current_classification_summary(solution) is None
    draft = classify_as(solution, users["owner"], MINIMAL)
    summary = current_classification_summary(solution)
    assert summary["id"] == draft["id"]
    assert summary["valid"] is False
    assert summary["invalid_reason"] == "none_approved"
    record = decided(solution, UNDECIDED, override={"category": "high_risk", "device_class": "IIa"})
    summary = current_classification_summary(solution)
    assert summary["id"] == record["id"]
    assert (summary["category"], summary["device_class"], summary["valid"]) == ("high_risk", "IIa", True)
    assert summary["engine_category"] == "needs_review"
    assert summary["ruleset"] == record["ruleset"]


def test_preview_returns_the_result_and_stores_nothing(api, users):
    response = api("post", "/classifications/preview", users["owner"], {"answers": HIGH_RISK})
    assert response.status_code == 200
    result = response.get_json()
    assert result["ai_act"]["category"] == "high_risk"
    assert set(result) >= {"ai_act", "medical_device", "needs_review", "missing", "obligations",
                           "fired_rules", "ruleset"}
    assert db.session.scalar(select(func.count(Classification.id))) == 0


def test_preview_names_the_invalid_question(api, users):
    response = api("post", "/classifications/preview", users["auditor"],
                   {"answers": {**MINIMAL, "emotion_recognition": "sometimes"}})
    assert response.status_code == 422
    assert response.headers["Content-Type"] == "application/problem+json"
    assert "emotion_recognition" in response.get_json()["detail"]


def test_questionnaire_in_both_languages(api, users):
    sv = api("get", "/classifications/questionnaire?lang=sv", users["owner"]).get_json()
    en = api("get", "/classifications/questionnaire?lang=en", users["owner"]).get_json()
    assert (sv["lang"], en["lang"]) == ("sv", "en")
    assert sv["questionnaire"] != en["questionnaire"]
    assert "ai_system" in str(en["questionnaire"])
    assert api("get", "/classifications/questionnaire?lang=de", users["owner"]).status_code == 422


def test_solution_detail_shows_the_current_classification(api, users, solution, decided):
    before = api("get", f"/solutions/{solution.id}", users["auditor"]).get_json()
    assert before["current_classification"] is None
    record = decided(solution, EMPLOYMENT)
    detail = api("get", f"/solutions/{solution.id}", users["owner"]).get_json()
    current = detail["current_classification"]
    assert (current["id"], current["category"], current["valid"]) == (record["id"], "high_risk", True)
    assert current["ruleset"] == record["ruleset"]
    assert current["obligations"]
    assert detail["ai_act_role"] == "deployer"
    assert detail["public_authority"] is True
    assert detail["current_ai_act_category"] == "high_risk"
