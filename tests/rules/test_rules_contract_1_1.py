"""Contract 1.1 (rule set 2026.2): the changes the contract's last section lists, one by one, and
that an old rule set (2026.1, kept as a fixture) still classifies the old way."""

from __future__ import annotations

from pathlib import Path

import pytest

from ai_register.rules.evaluator import classify, validate_answers
from ai_register.rules.loader import load_ruleset, load_ruleset_from_snapshot
from ai_register.rules.questionnaire import questionnaire_for, relevant_questions

FIXTURE_2026_1 = Path(__file__).resolve().parent / "fixtures" / "ruleset-2026.1"

IN_SCOPE = {
    "ai_system": "yes",
    "excluded_purpose": "none",
    "role": "deployer",
    "public_authority": "yes",
    "prohibited_practices": [],
    "emotion_recognition": "none",
    "remote_biometric_identification": "no",
    "biometric_categorisation": "no",
    "other_annex_i_product": "no",
    "annex_iii_areas": [],
    "interacts_with_persons": "no",
    "generates_synthetic_content": "no",
    "deep_fake_or_public_text": "no",
    "gpai_model": "no",
    "medical_purpose": "no",
}
MDR_CLASS_I = {
    **IN_SCOPE,
    "medical_purpose": "yes",
    "data_action": "beyond_storage",
    "in_vitro_diagnostic": "no",
    "in_house_exemption": "no",
    "mdr_decision_support": "no",
    "mdr_monitoring": "none",
    "mdr_closed_loop_therapy": "no",
    "mdr_measuring_function": "no",
}
IVDR = {
    **IN_SCOPE,
    "medical_purpose": "yes",
    "data_action": "beyond_storage",
    "in_vitro_diagnostic": "yes",
    "in_house_exemption": "no",
    "ivdr_sterile": "no",
    "ivdr_drives_device": "no",
}
TRIAGE = {**IN_SCOPE, "annex_iii_areas": ["emergency_call_triage"], "profiling": "yes"}


def fired(result: dict) -> list[str]:
    return [rule["id"] for rule in result["fired_rules"]]


def by_id(result: dict) -> dict[str, dict]:
    return {obligation["id"]: obligation for obligation in result["obligations"]}


@pytest.fixture(scope="module")
def old_ruleset():
    return load_ruleset(FIXTURE_2026_1)


def test_the_shipped_rule_set_is_2026_2_under_contract_1_1(ruleset, old_ruleset):
    assert (ruleset.version, ruleset.contract_version) == ("2026.2", "1.1")
    assert (old_ruleset.version, old_ruleset.contract_version) == ("2026.1", "1")
    assert ruleset.sha256 != old_ruleset.sha256
    # Art 111(2) as amended: the Chapter III dates of Art 113 (c).
    assert {group: day.isoformat() for group, day in ruleset.legacy_cutoff.items()} == {
        "annex_iii": "2027-12-02",
        "annex_i": "2028-08-02",
    }
    assert questionnaire_for(ruleset)["contract_version"] == "1.1"


# ---- 1. the class of a driven device; every IVDR rule ----


def test_an_ai_safety_function_of_a_class_iia_ecg_recorder_is_high_risk_class_iia(ruleset):
    result = classify({**MDR_CLASS_I, "mdr_drives_device": "IIa"}, ruleset)
    assert result["ai_act"]["category"] == "high_risk" and result["ai_act"]["routes"] == ["annex_i_mdr"]
    assert result["medical_device"] == {
        "regulation": "mdr", "class": "IIa", "rule": "mdr_annex_viii_3_3", "notified_body": True,
        "in_house_exemption": False,
    }
    assert "mdr-annex-viii-3-3-class-iia" in fired(result)
    # Rule 11(c) gave I, the driven device IIa: the strictest of several (Annex VIII, 3.5).
    strictest = next(rule for rule in result["fired_rules"] if rule["id"] == "mdr-annex-viii-3-5-strictest")
    assert strictest["citation"] == "Regulation (EU) 2017/745, Annex VIII, 3.5"


def test_a_driven_device_never_lowers_the_class_and_a_tie_names_the_classification_rule(ruleset):
    measuring = {**MDR_CLASS_I, "mdr_measuring_function": "yes"}
    assert classify({**measuring, "mdr_drives_device": "I"}, ruleset)["medical_device"]["class"] == "Im"
    vital = {**MDR_CLASS_I, "mdr_monitoring": "vital_parameters_immediate_danger"}
    tie = classify({**vital, "mdr_drives_device": "IIb"}, ruleset)["medical_device"]
    assert (tie["class"], tie["rule"]) == ("IIb", "mdr_rule_11b")
    higher = classify({**vital, "mdr_drives_device": "III"}, ruleset)["medical_device"]
    assert (higher["class"], higher["rule"]) == ("III", "mdr_annex_viii_3_3")
    assert classify({**vital, "mdr_drives_device": "no"}, ruleset)["medical_device"]["class"] == "IIb"


def test_an_open_drives_device_answer_leaves_the_class_open_only_when_it_could_raise_it(ruleset):
    open_i = classify(MDR_CLASS_I, ruleset)
    assert open_i["medical_device"]["class"] is None
    assert open_i["ai_act"]["category"] == "needs_review"
    assert "mdr_drives_device" in open_i["missing"]
    closed_loop = classify({**MDR_CLASS_I, "mdr_closed_loop_therapy": "yes"}, ruleset)
    assert closed_loop["medical_device"]["class"] == "III" and closed_loop["needs_review"] is False
    assert "mdr_drives_device" not in closed_loop["missing"]
    # Every class a IIb device can reach needs a notified body: the route stands, the class is open.
    vital = classify({**MDR_CLASS_I, "mdr_monitoring": "vital_parameters_immediate_danger"}, ruleset)
    assert vital["ai_act"]["category"] == "high_risk" and vital["medical_device"]["class"] is None


def test_a_home_hiv_self_test_reader_is_class_d_under_rule_1(ruleset):
    result = classify(
        {**IVDR, "ivdr_rules": ["rule4_self_testing", "rule1_life_threatening_transmissible"]}, ruleset
    )
    assert (result["medical_device"]["class"], result["medical_device"]["rule"]) == ("D", "ivdr_rule_1")
    assert "ivdr-annex-viii-1-9-strictest" in fired(result)


def test_ivdr_rules_of_the_same_class_name_the_first_value_of_the_contract(ruleset):
    # Both D: rule2_blood_grouping_d comes before rule1_infectious_load_monitoring in the values.
    result = classify({**IVDR, "ivdr_rules": ["rule1_infectious_load_monitoring", "rule2_blood_grouping_d"]},
                      ruleset)
    assert (result["medical_device"]["class"], result["medical_device"]["rule"]) == ("D", "ivdr_rule_2")
    reversed_order = classify(
        {**IVDR, "ivdr_rules": ["rule2_blood_grouping_d", "rule1_infectious_load_monitoring"]}, ruleset
    )
    assert reversed_order == result


def test_ivdr_rule_still_means_a_one_element_list_and_both_together_is_invalid(ruleset):
    old = classify({**IVDR, "ivdr_rule": "rule3"}, ruleset)
    assert old == classify({**IVDR, "ivdr_rules": ["rule3"]}, ruleset)
    assert old["medical_device"]["class"] == "C"
    errors = validate_answers({**IVDR, "ivdr_rule": "rule3", "ivdr_rules": ["rule3"]}, ruleset)
    assert len(errors) == 1
    assert "'ivdr_rule'" in errors[0].message and "'ivdr_rules'" in errors[0].message
    assert (errors[0].question, errors[0].others) == ("ivdr_rule", ("ivdr_rules",))


def test_a_sterile_class_a_and_a_driven_instrument(ruleset):
    general = {**IVDR, "ivdr_rules": ["rule5_general_laboratory"]}
    assert classify(general, ruleset)["medical_device"]["class"] == "A"
    assert classify({**general, "ivdr_sterile": "yes"}, ruleset)["medical_device"]["class"] == "A_sterile"
    driven = classify({**general, "ivdr_drives_device": "C"}, ruleset)
    assert (driven["medical_device"]["class"], driven["medical_device"]["rule"]) == ("C", "ivdr_annex_viii_1_4")
    assert driven["ai_act"]["routes"] == ["annex_i_ivdr"]


# ---- 2. and 3. open source, general-purpose models ----


def test_art2_12_takes_only_a_minimal_result_out_of_scope(ruleset):
    released = classify({**IN_SCOPE, "open_source_release": "yes"}, ruleset)
    assert released["ai_act"]["category"] == "out_of_scope"
    assert "art2-12-open-source" in fired(released)
    assert classify({**IN_SCOPE, "open_source_release": "unsure"}, ruleset)["ai_act"]["category"] == "minimal_risk"
    for answers in (TRIAGE, {**IN_SCOPE, "interacts_with_persons": "yes"}):
        assert classify({**answers, "open_source_release": "yes"}, ruleset)["ai_act"] == classify(
            answers, ruleset
        )["ai_act"]


def test_a_model_is_not_a_system(ruleset):
    model = {"ai_system": "no", "gpai_model": "general_purpose", "role": "deployer"}
    result = classify(model, ruleset)
    assert (result["ai_act"]["category"], result["ai_act"]["gpai"]) == ("out_of_scope", "art53")
    art53 = by_id(result)["ai_act_art53"]
    assert art53["role"] == "provider"  # the organisation provides the model whatever `role` says
    released = classify({**model, "open_source_release": "yes"}, ruleset)
    assert released["ai_act"]["gpai"] == "art53_open_source"
    assert list(by_id(released)) == ["ai_act_art53_open_source"]
    assert classify({**model, "gpai_model": "systemic_risk", "open_source_release": "yes"}, ruleset)[
        "ai_act"]["gpai"] == "art55"
    excluded = classify({**model, "ai_system": "yes", "excluded_purpose": "scientific_research_only"}, ruleset)
    assert excluded["ai_act"]["gpai"] is None
    assert "excluded_purpose" in relevant_questions(model, ruleset)
    assert "gpai_model" in relevant_questions({"ai_system": "no"}, ruleset)


# ---- 4. Art 6(3) leaves nothing of the route it removed ----


def test_an_exempted_annex_iii_route_leaves_the_annex_i_dates(ruleset):
    device = {**MDR_CLASS_I, "mdr_monitoring": "vital_parameters_immediate_danger", "mdr_drives_device": "no",
              "annex_iii_areas": ["emergency_call_triage"], "art6_3_condition": "preparatory_task",
              "profiling": "no", "role": "provider"}
    result = classify(device, ruleset)
    assert result["ai_act"]["routes"] == ["annex_i_mdr"] and result["ai_act"]["art6_3_exemption"] is True
    art9 = by_id(result)["ai_act_art9"]
    assert (art9["applies_from"], art9["applies_from_original"]) == ("2028-08-02", "2027-08-02")
    assert "annex-iii-5d-emergency-call-triage" not in fired(result)


# ---- 5. and 6. Art 25(1) and Art 111(2) ----


def test_a_substantial_modification_brings_the_provider_obligations(ruleset):
    deployer = by_id(classify({**TRIAGE, "substantial_modification": "no"}, ruleset))
    assert "ai_act_art9" not in deployer and "ai_act_art25_1_determine" not in deployer
    modified = classify({**TRIAGE, "substantial_modification": "yes"}, ruleset)
    assert {"ai_act_art9", "ai_act_art16", "ai_act_art26"} <= set(by_id(modified))
    unsure = by_id(classify({**TRIAGE, "substantial_modification": "unsure"}, ruleset))
    assert "ai_act_art25_1_determine" in unsure and "ai_act_art9" not in unsure
    assert unsure["ai_act_art25_1_determine"]["citation"] == "Regulation (EU) 2024/1689, Art 25(1)(a)–(c)"


def test_a_legacy_system_of_a_public_authority_complies_by_2030(ruleset):
    result = classify({**TRIAGE, "legacy_system": "yes", "substantial_modification": "no",
                       "interacts_with_persons": "yes"}, ruleset)
    assert result["ai_act"]["category"] == "high_risk"
    obligations = by_id(result)
    assert (obligations["ai_act_art26"]["applies_from"], obligations["ai_act_art26"]["condition"]) == (
        "2030-08-02", "significant_change")
    assert obligations["ai_act_art26"]["applies_from_original"] == "2026-08-02"
    # Art 4 is not deferred; the Art 50 duties stay listed (this rule set's reading).
    assert "condition" not in obligations["ai_act_art4_deployer"]
    assert result["ai_act"]["transparency"] == ["art50_1"]
    assert "art111-2-legacy-public-authority" in fired(result)


def test_a_private_legacy_system_waits_for_a_significant_change(ruleset):
    result = classify({**TRIAGE, "public_authority": "no", "legacy_system": "yes"}, ruleset)
    art26 = by_id(result)["ai_act_art26"]
    assert (art26["applies_from"], art26["condition"]) == (None, "significant_change")
    modified = by_id(classify({**TRIAGE, "legacy_system": "yes", "substantial_modification": "yes"}, ruleset))
    assert "condition" not in modified["ai_act_art26"]
    prohibited = classify({**TRIAGE, "legacy_system": "yes", "prohibited_practices": ["social_scoring"]},
                          ruleset)
    assert all("condition" not in o for o in prohibited["obligations"])


# ---- the old rule set keeps its own reading ----


def test_the_2026_1_rule_set_still_classifies_the_contract_1_way(ruleset, old_ruleset):
    snapshot = load_ruleset_from_snapshot(old_ruleset.snapshot())
    assert snapshot.sha256 == old_ruleset.sha256
    model = {"ai_system": "no", "gpai_model": "general_purpose"}
    assert classify(model, snapshot)["ai_act"]["gpai"] is None
    assert classify(model, ruleset)["ai_act"]["gpai"] == "art53"
    # Under 2026.1 a class I device with no drives-device question is minimal risk, class I.
    old = classify(MDR_CLASS_I, snapshot)
    assert (old["ai_act"]["category"], old["medical_device"]["class"]) == ("minimal_risk", "I")
    assert "mdr_drives_device" not in snapshot.question_index
    exempt = {**IN_SCOPE, "biometric_categorisation": "yes", "art6_3_condition": "narrow_procedural_task",
              "profiling": "no"}
    assert "annex-iii-1b-biometric-categorisation" in fired(classify(exempt, snapshot))
