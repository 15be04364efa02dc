"""The questionnaire keeps the contract's question ids, values and kinds, and its branching."""

from __future__ import annotations

import json

import pytest

from ai_register.rules.questionnaire import questionnaire_for, relevant_questions

# Classification contract v1, "Answers object", and v1.1, "New questions" (lists: the list values;
# `unsure` separately).
IVDR_RULES = [
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
    ]
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
    "mdr_drives_device": ["no", "I", "Im", "IIa", "IIb", "III", "unsure"],
    "ivdr_rule": IVDR_RULES,
    "ivdr_rules": IVDR_RULES,
    "ivdr_drives_device": ["no", "A", "A_sterile", "B", "C", "D", "unsure"],
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
    "open_source_release": ["yes", "no", "unsure"],
    "substantial_modification": ["yes", "no", "unsure"],
    "legacy_system": ["yes", "no", "unsure"],
}
EXEMPTIONS = {"excluded_purpose", "in_house_exemption", "art6_3_condition", "profiling", "open_source_release"}
NO_EFFECT = {"role", "public_authority", "gpai_model", "substantial_modification", "legacy_system"}
LISTS = {"prohibited_practices", "annex_iii_areas", "ivdr_rules"}
# Accepted in answers, never asked (contract 1.1: `ivdr_rules` replaces it in the questionnaire).
SUPERSEDED = {"ivdr_rule": "ivdr_rules"}


def test_questions_and_values_are_exactly_the_contract(ruleset):
    assert {question.id: list(question.value_ids) for question in ruleset.questions} == CONTRACT_VALUES
    assert dict(ruleset.superseded) == SUPERSEDED
    assert [q.id for q in ruleset.asked_questions] == [q.id for q in ruleset.questions if q.id not in SUPERSEDED]


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
    assert [question["id"] for question in questions] == [question.id for question in ruleset.asked_questions]
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
        question.id for question in ruleset.asked_questions if question.id != "profiling"
    ]  # profiling only matters once an Art 6(3) condition is claimed


def test_no_ai_system_leaves_only_the_device_questions(ruleset):
    relevant = relevant_questions({"ai_system": "no", "medical_purpose": "no"}, ruleset)
    # Contract 1.1: a model is not a system, so the GPAI question stays (and with it the exclusions).
    assert relevant == ["ai_system", "excluded_purpose", "role", "medical_purpose", "gpai_model"]
    no_model = relevant_questions({"ai_system": "no", "medical_purpose": "no", "gpai_model": "no"}, ruleset)
    assert no_model == ["ai_system", "role", "medical_purpose", "gpai_model"]
    model = relevant_questions({"ai_system": "no", "medical_purpose": "no", "gpai_model": "general_purpose"},
                               ruleset)
    assert "open_source_release" in model


def test_device_branching(ruleset):
    base = {"ai_system": "yes", "medical_purpose": "yes", "data_action": "beyond_storage"}
    ivdr = relevant_questions({**base, "in_vitro_diagnostic": "yes"}, ruleset)
    assert "ivdr_rules" in ivdr and "mdr_decision_support" not in ivdr and "ivdr_sterile" in ivdr
    assert "ivdr_drives_device" in ivdr and "mdr_drives_device" not in ivdr and "ivdr_rule" not in ivdr
    ivdr_rule3 = relevant_questions({**base, "in_vitro_diagnostic": "yes", "ivdr_rule": "rule3"}, ruleset)
    assert "ivdr_sterile" not in ivdr_rule3
    several = relevant_questions(
        {**base, "in_vitro_diagnostic": "yes", "ivdr_rules": ["rule3", "rule5_general_laboratory"]}, ruleset
    )
    assert "ivdr_sterile" in several
    mdr = relevant_questions({**base, "in_vitro_diagnostic": "no", "mdr_decision_support": "no"}, ruleset)
    assert "ivdr_rules" not in mdr and "mdr_decision_impact" not in mdr and "mdr_measuring_function" in mdr
    assert "mdr_drives_device" in mdr
    class_iia = relevant_questions(
        {**base, "in_vitro_diagnostic": "no", "mdr_decision_support": "yes"}, ruleset
    )
    assert "mdr_decision_impact" in class_iia and "mdr_measuring_function" not in class_iia
    stored = relevant_questions({**base, "data_action": "storage_communication_search_only"}, ruleset)
    assert not {"in_vitro_diagnostic", "in_house_exemption", "ivdr_rules", "mdr_drives_device"} & set(stored)


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


# ---- contract 1.1 corrections of the texts (issue 17, section 3) ----


def texts(ruleset, lang: str) -> dict[str, dict]:
    data = questionnaire_for(ruleset, lang)
    return {question["id"]: question for section in data["sections"] for question in section["questions"]}


def labels(question: dict) -> dict[str, str]:
    return {value["value"]: value["label"] for value in question["values"]}


def test_the_gpai_question_asks_about_placing_a_model_on_the_market(ruleset):
    sv, en = texts(ruleset, "sv")["gpai_model"], texts(ruleset, "en")["gpai_model"]
    # "Tillhandahålla" is the questionnaire's word for a deployer; a model provider places it on the market.
    assert "Tillhandahåller" not in sv["text"] and "släpper organisationen ut" in sv["text"].lower()
    assert "place a general-purpose AI model on the market" in en["text"]


def test_rule_22_the_art6_3_c_condition_and_the_deep_fake_question(ruleset):
    sv, en = texts(ruleset, "sv"), texts(ruleset, "en")
    assert "avgör hur patienten ska behandlas av produkten" in sv["mdr_closed_loop_therapy"]["text"]
    assert "patient management by the device" in en["mdr_closed_loop_therapy"]["text"]
    assert "tidigare slutförda mänskliga bedömningen" in labels(sv["art6_3_condition"])[
        "detects_decision_patterns_without_replacing_review"]
    assert "previously completed human assessment" in labels(en["art6_3_condition"])[
        "detects_decision_patterns_without_replacing_review"]
    assert "publicerar regionen" in sv["deep_fake_or_public_text"]["text"]
    assert "does the region publish" in en["deep_fake_or_public_text"]["text"]


def test_help_texts_for_measuring_function_research_and_annex_i(ruleset):
    sv, en = texts(ruleset, "sv"), texts(ruleset, "en")
    assert "inte en mätfunktion" in sv["mdr_measuring_function"]["help"]
    assert "computed score" in en["mdr_measuring_function"]["help"]
    for lang in (sv, en):
        research = lang["excluded_purpose"]["help"]
        assert research.index("2(6)") < research.index("2(8)")
    assert "maskiner" not in sv["other_annex_i_product"]["text"].lower()
    assert "machinery" not in en["other_annex_i_product"]["text"].lower()
    assert {"hissar", "radioutrustning", "leksaker", "tryckbärande"} <= set(
        sv["other_annex_i_product"]["text"].replace(",", " ").split()
    )


def test_swedish_legal_terms(ruleset):
    sv = texts(ruleset, "sv")
    assert "test för behandlingsval" in labels(sv["ivdr_rules"])["rule3"]
    every_text = json.dumps(questionnaire_for(ruleset, "sv"), ensure_ascii=False)
    assert "är högrisk" not in every_text and "följeslagardiagnostik" not in every_text
    explanations = " ".join(rule.explanation.sv for rule in ruleset.all_rules())
    assert "är högrisk" not in explanations and "AI-system med hög risk" in explanations


def test_ivdr_rules_is_a_multi_select_and_legacy_system_explains_the_prefill(ruleset):
    sv, en = texts(ruleset, "sv"), texts(ruleset, "en")
    assert sv["ivdr_rules"]["type"] == "multiple" and "Välj alla regler" in sv["ivdr_rules"]["text"]
    assert "Choose every rule that applies" in en["ivdr_rules"]["text"]
    assert "datum för driftstart" in sv["legacy_system"]["help"]
    assert "in-service date" in en["legacy_system"]["help"]
