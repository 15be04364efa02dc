"""Classification answer sets shared by every area's tests (one definition each; the rules tests keep
their own engine-level sets). Each names the result the rule set gives it."""

from __future__ import annotations

# Golden case p-011: remote biometric identification of staff → high-risk (Annex III 1(a), 4), no device.
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
    **HIGH_RISK, "remote_biometric_identification": "no", "annex_iii_areas": ["emergency_call_triage"],
    "profiling": "no", "art6_3_condition": "preparatory_task",
}

# Minimal risk with no Annex III area at all (the wizard then asks neither Art 6(3) nor profiling).
NOT_LISTED = {
    "ai_system": "yes", "excluded_purpose": "none", "role": "deployer", "public_authority": "yes",
    "prohibited_practices": [], "emotion_recognition": "none", "remote_biometric_identification": "no",
    "biometric_categorisation": "no", "medical_purpose": "no", "other_annex_i_product": "no",
    "annex_iii_areas": [], "interacts_with_persons": "no", "generates_synthetic_content": "no",
    "deep_fake_or_public_text": "no", "gpai_model": "no",
}

# A decision-support device: MDR Rule 11a, serious deterioration → class IIb → high-risk Annex I (MDR).
MDR_DEVICE = {
    **HIGH_RISK, "remote_biometric_identification": "no", "annex_iii_areas": [], "medical_purpose": "yes",
    "data_action": "beyond_storage", "in_vitro_diagnostic": "no", "mdr_decision_support": "yes",
    "mdr_decision_impact": "serious_deterioration_or_surgical_intervention", "mdr_monitoring": "none",
    "mdr_closed_loop_therapy": "no", "mdr_drives_device": "no", "in_house_exemption": "no",
}

# Access to public benefits and services with profiling → high-risk (Annex III 5(a)), deployer.
PUBLIC_BENEFITS = {
    **NOT_LISTED, "annex_iii_areas": ["public_benefits_and_services"], "profiling": "yes",
    "art6_3_condition": "none",
}

PROHIBITED = {**MINIMAL, "prohibited_practices": ["social_scoring"]}

# Only the scope question: the engine never guesses, so this needs review.
UNDECIDED = {"ai_system": "unsure"}
