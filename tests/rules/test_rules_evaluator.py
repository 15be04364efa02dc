"""The evaluator beyond the categories: answer validation, obligations, fired rules, speed."""

from __future__ import annotations

import pytest

from ai_register.rules.evaluator import AnswerError, InvalidAnswers, classify, validate_answers

MINIMAL = {
    "ai_system": "yes",
    "excluded_purpose": "none",
    "prohibited_practices": [],
    "emotion_recognition": "none",
    "remote_biometric_identification": "no",
    "biometric_categorisation": "no",
    "medical_purpose": "no",
    "other_annex_i_product": "no",
    "annex_iii_areas": [],
    "interacts_with_persons": "no",
    "generates_synthetic_content": "no",
    "deep_fake_or_public_text": "no",
    "gpai_model": "no",
}
HIGH_RISK_5A = {**MINIMAL, "annex_iii_areas": ["public_benefits_and_services"], "profiling": "yes"}
MDR_IIB = {
    **MINIMAL,
    "medical_purpose": "yes",
    "data_action": "beyond_storage",
    "in_vitro_diagnostic": "no",
    "mdr_decision_support": "no",
    "mdr_monitoring": "vital_parameters_immediate_danger",
    "mdr_closed_loop_therapy": "no",
    "mdr_drives_device": "no",
    "in_house_exemption": "no",
}


def obligation_ids(result: dict) -> list[str]:
    return [obligation["id"] for obligation in result["obligations"]]


# ---- validation ----


@pytest.mark.parametrize(
    ("answers", "question", "message"),
    [
        ({"foo": "yes"}, "foo", "unknown question id 'foo'"),
        (
            {"ai_system": "maybe"},
            "ai_system",
            "question 'ai_system': value 'maybe' not allowed (yes, no, unsure)",
        ),
        (
            {"ai_system": ["yes"]},
            "ai_system",
            "question 'ai_system': expected one value (yes, no, unsure), got a list",
        ),
        (
            {"ai_system": True},
            "ai_system",
            "question 'ai_system': expected one value (yes, no, unsure), got true",
        ),
        (
            {"ai_system": None},
            "ai_system",
            "question 'ai_system': expected one value (yes, no, unsure), got null",
        ),
        (
            {"data_action": "unsure"},
            "data_action",
            "question 'data_action': value 'unsure' not allowed "
            "(beyond_storage, storage_communication_search_only)",
        ),
        (
            {"annex_iii_areas": ["hospitals"]},
            "annex_iii_areas",
            "question 'annex_iii_areas': value 'hospitals' not allowed",
        ),
        (
            {"annex_iii_areas": ["unsure"]},
            "annex_iii_areas",
            "question 'annex_iii_areas': value 'unsure' not allowed",
        ),
        (
            {"annex_iii_areas": "law_enforcement"},
            "annex_iii_areas",
            "question 'annex_iii_areas': value 'law_enforcement' not allowed: expected a list of values",
        ),
        (
            {"prohibited_practices": 3},
            "prohibited_practices",
            "question 'prohibited_practices': expected a list of values",
        ),
    ],
)
def test_invalid_answers_name_the_question(ruleset, answers, question, message):
    errors = validate_answers(answers, ruleset)
    assert len(errors) == 1
    assert errors[0].question == question
    assert errors[0].message.startswith(message)


def test_every_problem_is_reported(ruleset):
    errors = validate_answers({"foo": 1, "ai_system": "maybe", "role": "owner"}, ruleset)
    assert [error.question for error in errors] == ["foo", "ai_system", "role"]


def test_answers_must_be_an_object(ruleset):
    assert validate_answers(["ai_system"], ruleset) == [
        AnswerError(None, "answers must be a JSON object of question id → value, got a list")
    ]


def test_valid_answers_include_unsure_lists_and_empty_lists(ruleset):
    answers = {"prohibited_practices": "unsure", "annex_iii_areas": [], "ai_system": "unsure"}
    assert validate_answers(answers, ruleset) == []
    assert validate_answers({}, ruleset) == []


def test_classify_refuses_invalid_answers(ruleset):
    with pytest.raises(InvalidAnswers) as caught:
        classify({"ai_system": "maybe", "bar": "x"}, ruleset)
    assert [error.question for error in caught.value.errors] == ["ai_system", "bar"]
    with pytest.raises(ValueError, match="lang"):
        classify(MINIMAL, ruleset, lang="de")


# ---- obligations ----


def test_obligations_follow_the_role(ruleset):
    deployer = obligation_ids(
        classify({**HIGH_RISK_5A, "role": "deployer", "public_authority": "yes"}, ruleset)
    )
    provider = obligation_ids(
        classify({**HIGH_RISK_5A, "role": "provider", "public_authority": "yes"}, ruleset)
    )
    both = obligation_ids(
        classify({**HIGH_RISK_5A, "role": "provider_and_deployer", "public_authority": "yes"}, ruleset)
    )
    unanswered = obligation_ids(classify({**HIGH_RISK_5A, "public_authority": "yes"}, ruleset))
    assert {"ai_act_art26", "ai_act_art26_2", "ai_act_art27", "ai_act_art49_3", "ai_act_art86"} <= set(
        deployer
    )
    assert "ai_act_art9" not in deployer
    assert {
        f"ai_act_art{n}" for n in (9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 43, 47, 48, 72, 73)
    } | {"ai_act_art49_1"} <= set(provider)
    assert "ai_act_art26" not in provider
    assert set(both) == set(deployer) | set(provider) == set(unanswered)
    result = classify({**HIGH_RISK_5A, "role": "provider_and_deployer"}, ruleset)
    assert {obligation["role"] for obligation in result["obligations"]} == {"provider", "deployer"}


def test_high_risk_obligations_apply_from_the_route_date(ruleset):
    annex_iii = classify({**HIGH_RISK_5A, "role": "provider"}, ruleset)
    art9 = next(o for o in annex_iii["obligations"] if o["id"] == "ai_act_art9")
    assert (art9["applies_from"], art9["applies_from_original"]) == ("2027-12-02", "2026-08-02")
    assert art9["citation"] == "Regulation (EU) 2024/1689, Art 9(1) and (2)"
    device = classify({**MDR_IIB, "role": "provider"}, ruleset)
    art9 = next(o for o in device["obligations"] if o["id"] == "ai_act_art9")
    assert (art9["applies_from"], art9["applies_from_original"]) == ("2028-08-02", "2027-08-02")
    assert "ai_act_art49_1" not in obligation_ids(device)  # EU-database registration is for Annex III
    both = classify(
        {**MDR_IIB, "annex_iii_areas": ["emergency_call_triage"], "profiling": "yes", "role": "provider"},
        ruleset,
    )
    art9 = next(o for o in both["obligations"] if o["id"] == "ai_act_art9")
    assert art9["applies_from"] == "2027-12-02"


def test_fria_for_public_bodies_and_for_credit_and_insurance(ruleset):
    def fria(answers: dict) -> bool:
        return "ai_act_art27" in obligation_ids(classify({**answers, "role": "deployer"}, ruleset))

    assert fria({**HIGH_RISK_5A, "public_authority": "yes"})
    assert fria({**HIGH_RISK_5A})  # not answered: listed rather than missed
    assert not fria({**HIGH_RISK_5A, "public_authority": "no"})
    assert fria({**HIGH_RISK_5A, "annex_iii_areas": ["creditworthiness"], "public_authority": "no"})
    assert not fria(
        {**HIGH_RISK_5A, "annex_iii_areas": ["critical_infrastructure"], "public_authority": "yes"}
    )
    assert not fria({**MDR_IIB, "public_authority": "yes"})  # Annex I only


def test_prohibited_obligations_carry_the_prohibition_date(ruleset):
    result = classify(
        {**MINIMAL, "prohibited_practices": ["child_sexual_abuse_material"], "role": "deployer"}, ruleset
    )
    (art5,) = [o for o in result["obligations"] if o["id"].startswith("ai_act_art5_")]
    assert (art5["id"], art5["applies_from"]) == ("ai_act_art5_deployer", "2026-12-02")
    older = classify(
        {**MINIMAL, "prohibited_practices": ["social_scoring", "child_sexual_abuse_material"]}, ruleset
    )
    assert {o["applies_from"] for o in older["obligations"]} == {"2025-02-02"}  # Art 4 too


def test_transparency_gpai_and_art6_3_obligations(ruleset):
    result = classify(
        {
            **MINIMAL,
            "interacts_with_persons": "yes",
            "deep_fake_or_public_text": "yes",
            "gpai_model": "systemic_risk",
            "role": "deployer",
        },
        ruleset,
    )
    assert obligation_ids(result) == ["ai_act_art4_deployer", "ai_act_art50_4", "ai_act_art53", "ai_act_art55"]
    exempt = classify(
        {
            **MINIMAL,
            "annex_iii_areas": ["emergency_call_triage"],
            "art6_3_condition": "preparatory_task",
            "profiling": "no",
            "role": "provider",
        },
        ruleset,
    )
    assert exempt["ai_act"]["category"] == "minimal_risk"
    assert obligation_ids(exempt) == ["ai_act_art4_provider", "ai_act_art6_4", "ai_act_art49_2"]
    deployer = classify({**MINIMAL, "annex_iii_areas": ["emergency_call_triage"],
                         "art6_3_condition": "preparatory_task", "profiling": "no", "role": "deployer"}, ruleset)
    # Region policy (said so in the text) and the Art 49(2) registration check, for a deployer.
    assert obligation_ids(deployer) == [
        "ai_act_art4_deployer", "ai_act_art6_4_request_assessment", "ai_act_art49_2_check_registration",
    ]
    assert "riktlinje" in classify({**MINIMAL, "annex_iii_areas": ["emergency_call_triage"],
                                    "art6_3_condition": "preparatory_task", "profiling": "no",
                                    "role": "deployer"}, ruleset, lang="sv")["obligations"][1]["text"]


def test_device_obligations_whatever_the_ai_act_result(ruleset):
    result = classify({**MDR_IIB, "ai_system": "no", "role": "provider"}, ruleset)
    assert result["ai_act"]["category"] == "out_of_scope"
    assert obligation_ids(result) == [
        "mdr_art10",
        "mdr_art52_notified_body",
        "mdr_art20_ce_marking",
        "mdr_art27_udi_eudamed",
        "mdr_art87_vigilance",
    ]
    in_house = classify({**MDR_IIB, "in_house_exemption": "yes", "role": "provider"}, ruleset)
    # In-house devices report incidents to IVO (HSLF-FS 2021:52, 5 kap.), whatever the role.
    assert obligation_ids(in_house) == [
        "ai_act_art4_provider", "mdr_art5_5_in_house", "hslf_fs_2021_52_mdr_in_house_incidents",
    ]
    user = classify({**MDR_IIB, "ai_system": "no", "role": "deployer"}, ruleset, lang="sv")
    assert obligation_ids(user) == ["hslf_fs_2021_52_mdr_device_incidents"]
    (report,) = user["obligations"]
    assert report["citation"] == "HSLF-FS 2021:52, 5 kap. 2–5 §§"
    assert "Läkemedelsverket" in report["text"] and "snarast" in report["text"]


def test_obligation_texts_in_swedish(ruleset):
    result = classify({**HIGH_RISK_5A, "role": "deployer"}, ruleset, lang="sv")
    art26 = next(o for o in result["obligations"] if o["id"] == "ai_act_art26")
    assert art26["text"].startswith("Vidta lämpliga tekniska och organisatoriska åtgärder")
    art26_5 = next(o for o in result["obligations"] if o["id"] == "ai_act_art26_5")
    assert art26_5["citation"] == "Regulation (EU) 2024/1689, Art 26(5)"
    assert "först leverantören" in art26_5["text"] and "artikel 73" in art26_5["text"]
    assert not any("Maria" in o["text"] or "Maria" in o["citation"] for o in result["obligations"])


def test_obligations_can_be_changed_by_the_caller_without_touching_later_results(ruleset):
    first = classify(HIGH_RISK_5A, ruleset)
    first["obligations"][0]["text"] = "changed"
    first["obligations"].clear()
    assert classify(HIGH_RISK_5A, ruleset)["obligations"][0]["text"] != "changed"


# ---- fired rules and the device part ----


def test_fired_rules_name_each_deciding_rule_with_its_citation(ruleset):
    result = classify({**MDR_IIB, "interacts_with_persons": "yes"}, ruleset)
    assert result["fired_rules"] == [
        {
            "id": "annex-i-mdr-notified-body",
            "citation": "Regulation (EU) 2024/1689, Art 6(1); Annex I, Section A, point 11",
        },
        {"id": "art50-1-interaction-with-persons", "citation": "Regulation (EU) 2024/1689, Art 50(1)"},
        {"id": "device-mdr", "citation": "Regulation (EU) 2017/745, Art 2(1)"},
        {
            "id": "mdr-rule-11b-vital-parameters",
            "citation": "Regulation (EU) 2017/745, Annex VIII, Rule 11(b)",
        },
    ]


def test_art6_3_leaves_nothing_of_the_route_it_removed(ruleset):
    result = classify(
        {
            **MINIMAL,
            "biometric_categorisation": "yes",
            "art6_3_condition": "narrow_procedural_task",
            "profiling": "no",
        },
        ruleset,
    )
    # Contract 1.1, change 4: the removed route is not among the fired rules, nor in any date.
    assert [rule["id"] for rule in result["fired_rules"]] == [
        "art6-3-no-significant-risk",
        "art50-3-biometric-categorisation",
        "device-no-medical-purpose",
    ]


def test_the_device_part_names_rule_and_notified_body(ruleset):
    device = classify(MDR_IIB, ruleset)["medical_device"]
    assert device == {
        "regulation": "mdr",
        "class": "IIb",
        "rule": "mdr_rule_11b",
        "notified_body": True,
        "in_house_exemption": False,
    }
    not_a_device = classify(MINIMAL, ruleset)["medical_device"]
    assert not_a_device == {
        "regulation": "none",
        "class": None,
        "rule": None,
        "notified_body": False,
        "in_house_exemption": False,
    }


def test_missing_lists_questions_in_questionnaire_order(ruleset):
    answers = {
        key: value
        for key, value in MINIMAL.items()
        if key not in ("deep_fake_or_public_text", "remote_biometric_identification")
    }
    assert classify(answers, ruleset)["missing"] == [
        "remote_biometric_identification",
        "deep_fake_or_public_text",
    ]
