"""The questionnaire keeps the contract's question ids, values and kinds, and its branching."""

from __future__ import annotations

import json

import pytest

from ai_register.rules.questionnaire import questionnaire_for, relevant_questions

# Classification contract v1, "Answers object" (lists: the list values; `unsure` separately).
CONTRACT_VALUES = {
    "ai_system": ["yes", "no", "unsure"],
    "excluded_purpose": [
        "none",
        "military_defence_national_security",
        "scientific_research_only",
        "pre_market_research_testing",
        "personal_non_professional",
    ],
    "role": ["provider", "deployer", "provider_and_deployer"],
    "public_authority": ["yes", "no"],
    "prohibited_practices": [
        "subliminal_manipulation",
        "exploiting_vulnerabilities",
        "social_scoring",
        "predictive_policing_profiling",
        "untargeted_facial_scraping",
        "biometric_categorisation_sensitive",
        "realtime_remote_biometric_identification_law_enforcement",
        "non_consensual_intimate_imagery",
        "child_sexual_abuse_material",
    ],
    "emotion_recognition": [
        "none",
        "workplace_or_education",
        "workplace_or_education_medical_or_safety",
        "other_setting",
        "unsure",
    ],
    "remote_biometric_identification": ["no", "yes", "verification_only", "unsure"],
    "biometric_categorisation": ["no", "yes", "unsure"],
    "medical_purpose": ["yes", "no", "unsure"],
    "data_action": ["beyond_storage", "storage_communication_search_only"],
    "in_vitro_diagnostic": ["yes", "no"],
    "mdr_decision_support": ["yes", "no"],
    "mdr_decision_impact": [
        "death_or_irreversible_deterioration",
        "serious_deterioration_or_surgical_intervention",
        "other",
    ],
    "mdr_monitoring": ["none", "vital_parameters_immediate_danger", "physiological_processes"],
    "mdr_closed_loop_therapy": ["yes", "no"],
    "mdr_measuring_function": ["yes", "no"],
    "ivdr_rule": [
        "rule1_transmissible_agent_blood_tissue",
        "rule1_life_threatening_transmissible",
        "rule2_blood_grouping_d",
        "rule2_blood_grouping_c",
        "rule3",
        "rule4_self_testing",
        "rule4_self_testing_low_risk",
        "rule5_general_laboratory",
        "rule6_other",
        "rule7_controls_without_value",
        "rule1_infectious_load_monitoring",
    ],
    "ivdr_sterile": ["yes", "no"],
    "in_house_exemption": ["yes", "no"],
    "other_annex_i_product": ["yes", "no"],
    "annex_iii_areas": [
        "critical_infrastructure",
        "education_vocational_training",
        "employment_workers_management",
        "public_benefits_and_services",
        "creditworthiness",
        "life_health_insurance_pricing",
        "emergency_call_triage",
        "law_enforcement",
        "migration_border",
        "justice_democratic_processes",
    ],
    "profiling": ["yes", "no", "unsure"],
    "art6_3_condition": [
        "none",
        "narrow_procedural_task",
        "improves_completed_human_activity",
        "detects_decision_patterns_without_replacing_review",
        "preparatory_task",
        "unsure",
    ],
    "interacts_with_persons": ["yes", "no"],
    "generates_synthetic_content": ["yes", "no"],
    "deep_fake_or_public_text": ["yes", "no"],
    "gpai_model": ["no", "general_purpose", "systemic_risk"],
}
EXEMPTIONS = {"excluded_purpose", "in_house_exemption", "art6_3_condition", "profiling"}
NO_EFFECT = {"role", "public_authority", "gpai_model"}
LISTS = {"prohibited_practices", "annex_iii_areas"}


def test_questions_and_values_are_exactly_the_contract(ruleset):
    assert {question.id: list(question.value_ids) for question in ruleset.questions} == CONTRACT_VALUES


def test_kinds_and_list_questions_follow_the_contract(ruleset):
    for question in ruleset.questions:
        expected = (
            "exemption"
            if question.id in EXEMPTIONS
            else "no_effect"
            if question.id in NO_EFFECT
            else "trigger"
        )
        assert question.kind == expected, question.id
        assert question.multiple == (question.id in LISTS), question.id
    assert all(ruleset.question_index[question_id].accepts_unsure for question_id in LISTS)
    assert ruleset.question_index["excluded_purpose"].omitted_means == "none"


@pytest.mark.parametrize("lang", [None, "sv", "en"])
def test_the_questionnaire_renders_every_question_once(ruleset, lang):
    data = questionnaire_for(ruleset, lang)
    json.dumps(data)  # serialisable as it is
    assert data["ruleset"] == {"version": ruleset.version, "sha256": ruleset.sha256}
    questions = [question for section in data["sections"] for question in section["questions"]]
    assert [question["id"] for question in questions] == [question.id for question in ruleset.questions]
    for question in questions:
        assert question["citation"].startswith(("Regulation (EU) ", "MDCG "))
        for field in ("text", "help"):
            if lang is None:
                assert question[field]["sv"] and question[field]["en"]
            else:
                assert isinstance(question[field], str) and question[field]
        assert question["type"] == ("multiple" if question["id"] in LISTS else "single")
        assert (question["unsure"] is not None) == (question["id"] in LISTS)
    by_id = {question["id"]: question for question in questions}
    assert by_id["mdr_decision_impact"]["relevant_when"] == {
        "all": [
            {
                "all": [
                    {"question": "medical_purpose", "not_in": ["no"]},
                    {"question": "data_action", "not_in": ["storage_communication_search_only"]},
                    {"question": "in_vitro_diagnostic", "not_in": ["yes"]},
                ]
            },
            {"question": "mdr_decision_support", "not_in": ["no"]},
        ]
    }


def test_swedish_texts_are_swedish(ruleset):
    data = questionnaire_for(ruleset, "sv")
    first = data["sections"][0]["questions"][0]
    assert first["text"].startswith("Är lösningen ett AI-system")
    assert first["values"][0] == {"value": "yes", "label": "Ja"}


def test_unknown_language_is_refused(ruleset):
    with pytest.raises(ValueError, match="lang"):
        questionnaire_for(ruleset, "de")


def test_everything_is_asked_at_the_start(ruleset):
    assert relevant_questions({}, ruleset) == [
        question.id for question in ruleset.questions if question.id != "profiling"
    ]  # profiling only matters once an Art 6(3) condition is claimed


def test_no_ai_system_leaves_only_the_device_questions(ruleset):
    relevant = relevant_questions({"ai_system": "no", "medical_purpose": "no"}, ruleset)
    assert relevant == ["ai_system", "role", "medical_purpose"]


def test_device_branching(ruleset):
    base = {"ai_system": "yes", "medical_purpose": "yes", "data_action": "beyond_storage"}
    ivdr = relevant_questions({**base, "in_vitro_diagnostic": "yes"}, ruleset)
    assert "ivdr_rule" in ivdr and "mdr_decision_support" not in ivdr and "ivdr_sterile" in ivdr
    ivdr_rule3 = relevant_questions({**base, "in_vitro_diagnostic": "yes", "ivdr_rule": "rule3"}, ruleset)
    assert "ivdr_sterile" not in ivdr_rule3
    mdr = relevant_questions({**base, "in_vitro_diagnostic": "no", "mdr_decision_support": "no"}, ruleset)
    assert "ivdr_rule" not in mdr and "mdr_decision_impact" not in mdr and "mdr_measuring_function" in mdr
    class_iia = relevant_questions(
        {**base, "in_vitro_diagnostic": "no", "mdr_decision_support": "yes"}, ruleset
    )
    assert "mdr_decision_impact" in class_iia and "mdr_measuring_function" not in class_iia
    stored = relevant_questions({**base, "data_action": "storage_communication_search_only"}, ruleset)
    assert not {"in_vitro_diagnostic", "in_house_exemption", "ivdr_rule"} & set(stored)


def test_art6_3_branching(ruleset):
    base = {
        "ai_system": "yes",
        "remote_biometric_identification": "no",
        "biometric_categorisation": "no",
        "emotion_recognition": "none",
    }
    none = relevant_questions({**base, "annex_iii_areas": []}, ruleset)
    assert "art6_3_condition" not in none and "profiling" not in none
    area = {**base, "annex_iii_areas": ["creditworthiness"]}
    assert "art6_3_condition" in relevant_questions(area, ruleset)
    assert "profiling" not in relevant_questions({**area, "art6_3_condition": "none"}, ruleset)
    assert "profiling" in relevant_questions({**area, "art6_3_condition": "preparatory_task"}, ruleset)
    assert "art6_3_condition" in relevant_questions({**base, "annex_iii_areas": "unsure"}, ruleset)


def test_deep_fake_question_is_asked_even_without_generated_content(ruleset):
    """Contract: "`deep_fake_or_public_text` is still asked when `generates_synthetic_content` is `no`"."""
    answers = {"ai_system": "yes", "generates_synthetic_content": "no"}
    assert "deep_fake_or_public_text" in relevant_questions(answers, ruleset)


def test_invalid_answers_count_as_unanswered_for_branching(ruleset):
    assert relevant_questions(
        {"ai_system": "maybe", "foo": 1, "annex_iii_areas": 3}, ruleset
    ) == relevant_questions({}, ruleset)
