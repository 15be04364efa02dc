"""The wizard under contract 1.1 (rule set 2026.2): the new questions where the contract puts them,
`legacy_system` suggested from the in-service date for the owner to confirm, `ivdr_rules` as a
multi-select, the contradictory pair flagged, and the corrected texts in Swedish and English."""

from __future__ import annotations

import json
import re
from datetime import date

from ai_register.classification.models import Classification
from ai_register.extensions import db
from ai_register.solutions.models import Solution
from tests.answers import NOT_LISTED as MINIMAL_ANSWERS
from tests.webclient import answer_wizard, text
from tests.webclient import register_solution as _register


def hidden_answers(page: str) -> dict:
    match = re.search(r'name="answers" value="([^"]*)"', page)
    return json.loads(match.group(1).replace("&#34;", '"').replace("&quot;", '"'))


def test_legacy_system_is_suggested_from_the_in_service_date(web):
    owner = web("owner")
    solution = _register(owner)
    solution.in_service_since = date(2025, 3, 1)
    db.session.commit()
    url = f"/solutions/{solution.id}/classify"
    page = text(owner.get(url))
    assert hidden_answers(page)["legacy_system"] == "yes"
    page = text(owner.post(url, {"answers": json.dumps(hidden_answers(page)), "step": "0",
                                 "shown": "ai_system,excluded_purpose", "q-ai_system": "yes",
                                 "q-excluded_purpose": "none", "action": "next"}))
    assert 'id="q-legacy_system-yes" name="q-legacy_system" value="yes" checked' in page
    # Swedish first: the owner is told where the suggestion comes from and asked to confirm it.
    assert "Förslag utifrån lösningens datum för driftstart (2025-03-01, före 2027-12-02): ja" in page


def test_no_suggestion_without_an_in_service_date(web):
    owner = web("owner")
    solution = _register(owner)
    page = text(owner.get(f"/solutions/{solution.id}/classify"))
    assert "legacy_system" not in hidden_answers(page)


def test_the_contradictory_pair_is_flagged(web):
    owner = web("owner")
    solution = _register(owner)
    url = f"/solutions/{solution.id}/classify"
    response = owner.post(url, {
        "answers": json.dumps({"ai_system": "yes", "excluded_purpose": "none"}),
        "step": "1", "shown": "role,public_authority,substantial_modification,legacy_system",
        "q-role": "deployer", "q-public_authority": "yes", "q-substantial_modification": "yes",
        "q-legacy_system": "yes", "action": "next",
    })
    assert response.status_code == 200
    page = text(response)
    assert 'data-test="contradiction"' in page and "Motstridiga svar" in page
    calm = owner.post(url, {
        "answers": json.dumps({"ai_system": "yes", "excluded_purpose": "none"}),
        "step": "1", "shown": "role,public_authority,substantial_modification,legacy_system",
        "q-role": "deployer", "q-public_authority": "yes", "q-substantial_modification": "no",
        "q-legacy_system": "yes", "action": "next",
    })
    assert 'data-test="contradiction"' not in text(calm)


def test_an_ivd_product_answers_every_rule_and_the_driven_instrument(web):
    owner = web("owner")
    solution = _register(owner)
    answers = {
        **MINIMAL_ANSWERS, "medical_purpose": "yes", "data_action": "beyond_storage", "in_vitro_diagnostic": "yes",
        "ivdr_rules": ["rule4_self_testing", "rule1_life_threatening_transmissible"], "ivdr_drives_device": "no",
        "in_house_exemption": "no", "substantial_modification": "no", "legacy_system": "no",
        "open_source_release": "no",
    }
    response, sections = answer_wizard(owner, solution.id, answers, final="save")
    assert response.status_code == 302
    shown = [qid for section in sections for qid in section]
    assert {"ivdr_rules", "ivdr_drives_device", "substantial_modification", "legacy_system"} <= set(shown)
    assert "ivdr_rule" not in shown and "mdr_drives_device" not in shown
    stored = db.session.scalars(db.select(Classification)).one()
    assert stored.answers["ivdr_rules"] == ["rule4_self_testing", "rule1_life_threatening_transmissible"]
    # The home HIV self-test reader: Rule 1 makes it D (IVDR Annex VIII 1.9).
    assert stored.result["medical_device"]["class"] == "D"
    assert stored.result["ruleset"]["version"] == "2026.2"
    page = text(owner.get(f"/solutions/{solution.id}/classify"))
    assert hidden_answers(page)["ivdr_rules"] == ["rule4_self_testing", "rule1_life_threatening_transmissible"]


def test_an_old_single_ivdr_rule_is_carried_into_the_multi_select(web, users):
    from ai_register.acting import acting_as
    from ai_register.classification import services

    owner = web("owner")
    solution = _register(owner)
    answers = {**MINIMAL_ANSWERS, "medical_purpose": "yes", "data_action": "beyond_storage",
               "in_vitro_diagnostic": "yes", "ivdr_rule": "rule3", "in_house_exemption": "no"}
    with acting_as(users["owner"]):
        services.store_classification(db.session.get(Solution, solution.id), answers, by=users["owner"])
    db.session.commit()
    page = text(owner.get(f"/solutions/{solution.id}/classify"))
    carried = hidden_answers(page)
    assert carried["ivdr_rules"] == ["rule3"] and "ivdr_rule" not in carried


def test_the_corrected_questions_in_swedish_and_english(web):
    owner = web("owner")
    solution = _register(owner)
    url = f"/solutions/{solution.id}/classify"
    last = {"answers": json.dumps({"ai_system": "no", "medical_purpose": "no"}), "step": "8", "shown": "",
            "action": "back"}
    page = text(owner.post(url, last))
    assert "Släpper organisationen ut en AI-modell för allmänna ändamål på marknaden" in page
    assert "Tillhandahåller organisationen en AI-modell" not in page
    owner.language("en")
    page = text(owner.post(url, last))
    assert "Does the organisation place a general-purpose AI model on the market" in page


def test_the_ivdr_rules_step_is_a_multi_select_without_none_of_these(web):
    owner = web("owner")
    solution = _register(owner)
    url = f"/solutions/{solution.id}/classify"
    answers = {"ai_system": "yes", "excluded_purpose": "none", "medical_purpose": "yes",
               "data_action": "beyond_storage", "in_vitro_diagnostic": "yes"}
    page = text(owner.post(url, {"answers": json.dumps(answers), "step": "5", "shown": "", "action": "back"}))
    assert 'type="checkbox" id="q-ivdr_rules-rule3"' in page
    assert "Välj alla regler som är tillämpliga" in page
    assert 'id="q-ivdr_rules-none"' not in page and 'id="q-ivdr_rules-unsure"' in page
    assert 'name="q-ivdr_drives_device"' in page and 'name="q-ivdr_rule"' not in page
