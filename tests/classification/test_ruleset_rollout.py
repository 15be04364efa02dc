"""The first real rule-set change, rolled out as every later one will be: classifications stored under
2026.1 (a copy of its rule files is kept as a fixture), `rules impact --rules` previews 2026.2
before it is active, `rules impact --apply` flags exactly the device solutions that must answer the
drives-device question, their owners are told what changed and which new questions to answer, the
gates stop counting those classifications, and nothing old is lost."""

from __future__ import annotations

import json
import shutil

import pytest
from sqlalchemy import select

from ai_register.classification.validity import classification_validity, valid_classification
from ai_register.config import PROJECT_ROOT
from ai_register.extensions import db
from ai_register.notifications.models import Notification
from ai_register.solutions.lifecycle.facts import InvalidClassification
from ai_register.solutions.models import Solution
from tests.answers import EMPLOYMENT, MINIMAL
from tests.rules.test_rules_contract_1_1 import FIXTURE_2026_1

CHATBOT = {**MINIMAL, "annex_iii_areas": [], "interacts_with_persons": "yes", "generates_synthetic_content": "yes"}
NOT_AI = {"ai_system": "no", "role": "deployer", "medical_purpose": "no", "gpai_model": "no"}
MDR = {
    **MINIMAL, "annex_iii_areas": [], "medical_purpose": "yes", "data_action": "beyond_storage",
    "in_vitro_diagnostic": "no", "in_house_exemption": "no", "mdr_decision_support": "no",
    "mdr_monitoring": "none", "mdr_closed_loop_therapy": "no", "mdr_measuring_function": "no",
}
# Rule 11(a), serious deterioration: class IIb, high-risk under Art 6(1).
DEVICE_IIB = {**MDR, "mdr_decision_support": "yes",
              "mdr_decision_impact": "serious_deterioration_or_surgical_intervention"}
# Rule 11(c): class I, minimal risk under 2026.1.
DEVICE_I = MDR
# Rule 22: class III; no driven device can make it stricter.
DEVICE_III = {**MDR, "mdr_closed_loop_therapy": "yes"}
# IVDR Rule 3: class C.
IVD_C = {**MDR, "in_vitro_diagnostic": "yes", "ivdr_rule": "rule3", "ivdr_sterile": "no"}


@pytest.fixture
def rollout(app, users, make_solution, decided, tmp_path):
    """A register classified under 2026.1: four device solutions and four others, all approved."""
    old = tmp_path / "ruleset-2026.1"
    shutil.copytree(FIXTURE_2026_1, old)
    app.config["RISK_RULES_DIR"] = str(old)
    register = {}
    for name, answers in (("Dose advice", DEVICE_IIB), ("Wound photos", DEVICE_I),
                          ("Sedation loop", DEVICE_III), ("Cytology reader", IVD_C),
                          ("Shift planner", EMPLOYMENT), ("Call transcription", MINIMAL),
                          ("Switchboard bot", CHATBOT), ("Interaction tables", NOT_AI)):
        solution = make_solution(name=name)
        record = decided(solution, answers)
        assert record["ruleset"]["version"] == "2026.1"
        register[name] = (solution, record)
    return register


def cli(runner, *args):
    from ai_register.rules.cli import rules_cli

    result = runner.invoke(rules_cli, ["impact", *args])
    return result


def test_the_2026_2_rollout_flags_the_device_solutions_and_tells_their_owners(
    app, api, client, auth, users, runner, rollout, decided
):
    def notifications(lang: str) -> list[dict]:
        from flask_babel import refresh

        refresh()  # the tests share one app context, where Flask-Babel keeps the last locale
        response = client.get("/api/v1/notifications", headers={**auth(users["owner"]), "Accept-Language": lang})
        assert response.status_code == 200
        return response.get_json()["items"]

    device_ids = {rollout[name][0].id for name in ("Dose advice", "Wound photos", "Cytology reader")}

    # 1. Preview the candidate while 2026.1 is still active: nothing is flagged, nothing is stored.
    preview = cli(runner, "--rules", str(PROJECT_ROOT / "risk_rules"))
    assert preview.exit_code == 0, preview.output
    report = json.loads(preview.output)
    assert report["candidate"] is True and report["applied"] is False
    assert report["ruleset"]["version"] == "2026.2" and report["active_ruleset"]["version"] == "2026.1"
    assert set(report["flag"]) == device_ids
    assert report["checked"] == 8
    by_solution = {change["solution_id"]: change for change in report["changed"]}
    dose = by_solution[rollout["Dose advice"][0].id]
    assert {"field": "device_class", "old": "IIb", "new": None} in dose["what_changed"]
    assert "mdr_drives_device" in dose["new_questions"]
    assert "ivdr_drives_device" in by_solution[rollout["Cytology reader"][0].id]["new_questions"]
    # ivdr_rule was answered: its successor ivdr_rules is not a question to answer again.
    assert "ivdr_rules" not in by_solution[rollout["Cytology reader"][0].id]["new_questions"]
    db.session.expire_all()
    assert not any(s.needs_rereview for s in db.session.scalars(select(Solution)))
    refused = cli(runner, "--rules", str(PROJECT_ROOT / "risk_rules"), "--apply")
    assert refused.exit_code == 2 and "active rule set only" in refused.output

    # 2. The upgrade: 2026.2 becomes active. The changed results stop counting at once.
    app.config["RISK_RULES_DIR"] = str(PROJECT_ROOT / "risk_rules")
    dose_solution = db.session.get(Solution, rollout["Dose advice"][0].id)
    assert classification_validity(dose_solution).reason is InvalidClassification.RESULT_CHANGED

    # 3. Apply: exactly the device solutions that must answer the drives-device question are flagged.
    applied = cli(runner, "--apply")
    assert applied.exit_code == 0, applied.output
    report = json.loads(applied.output)
    assert report["candidate"] is False and set(report["flagged"]) == device_ids
    db.session.expire_all()
    flagged = {s.id for s in db.session.scalars(select(Solution).where(Solution.needs_rereview.is_(True)))}
    assert flagged == device_ids
    for solution_id in device_ids:
        validity = classification_validity(db.session.get(Solution, solution_id))
        assert validity.reason is InvalidClassification.FLAGGED_FOR_REVIEW and validity.valid is None
    for name in ("Sedation loop", "Shift planner", "Call transcription", "Switchboard bot", "Interaction tables"):
        assert valid_classification(db.session.get(Solution, rollout[name][0].id)) is not None, name

    # 4. The owners hear what changed and which new questions to answer, in Swedish and English.
    notes = db.session.scalars(select(Notification).where(Notification.kind == "classification_rereview")).all()
    assert {(n.user_id, n.solution_id) for n in notes} == {(users["owner"].id, sid) for sid in device_ids}
    dose_sv = next(item["message"] for item in notifications("sv") if item["solution_id"] == dose_solution.id)
    assert "Dose advice" in dose_sv and "2026.2" in dose_sv
    assert "produktklass: IIb → inte avgjord" in dose_sv
    assert "Styr eller påverkar lösningen användningen av en (fysisk) medicinteknisk produkt" in dose_sv
    english = notifications("en")
    dose_en = next(item["message"] for item in english if item["solution_id"] == dose_solution.id)
    assert "device class: IIb → not decided" in dose_en
    assert "Does the solution drive or influence the use of a (hardware) medical device" in dose_en
    assert "mdr_drives_device" not in dose_en and "device_class" not in dose_en
    cytology_en = next(item["message"] for item in english
                       if item["solution_id"] == rollout["Cytology reader"][0].id)
    assert "instrument or another in-vitro diagnostic device" in cytology_en

    # 5. Nothing old is lost: the old result keeps its rule set, and both rule sets are listed.
    old = api("get", f"/classifications/{rollout['Dose advice'][1]['id']}", users["auditor"]).get_json()
    assert old["ruleset"] == rollout["Dose advice"][1]["ruleset"] and old["result"]["medical_device"]["class"] == "IIb"
    versions = {(item["version"], item["active"])
                for item in api("get", "/rulesets", users["auditor"]).get_json()["items"]}
    assert {("2026.2", True), ("2026.1", False)} <= versions

    # 6. The owner answers the new question; once approved again the flag is gone and the gate counts it.
    record = decided(dose_solution, {**DEVICE_IIB, "mdr_drives_device": "no"})
    assert record["ruleset"]["version"] == "2026.2" and record["result"]["medical_device"]["class"] == "IIb"
    db.session.expire_all()
    solution = db.session.get(Solution, dose_solution.id)
    assert solution.needs_rereview is False and valid_classification(solution).id == record["id"]
    again = json.loads(cli(runner, "--apply").output)
    assert again["flagged"] == [] and dose_solution.id not in again["flag"]


def test_the_api_previews_only_installed_candidates(app, api, users, rollout, tmp_path):
    installed = tmp_path / "installed"
    shutil.copytree(PROJECT_ROOT / "risk_rules", installed / "2026.2")
    app.config["RISK_RULES_CANDIDATES_DIR"] = str(installed)
    response = api("post", "/rulesets/impact", users["auditor"], {"candidate": "2026.2"})
    assert response.status_code == 200, response.get_json()
    report = response.get_json()
    assert report["ruleset"]["version"] == "2026.2" and report["applied"] is False
    assert len(report["flag"]) == 3
    assert api("post", "/rulesets/impact", users["auditor"], {"candidate": "2099.1"}).status_code == 404
    traversal = api("post", "/rulesets/impact", users["compliance"], {"candidate": "../installed"})
    assert traversal.status_code == 422
    assert traversal.headers["Content-Type"].startswith("application/problem+json")
    apply = api("post", "/rulesets/impact", users["compliance"], {"candidate": "2026.2", "apply": True})
    assert apply.status_code == 422 and "candidate" in apply.get_json()["errors"]
    db.session.expire_all()
    assert not any(s.needs_rereview for s in db.session.scalars(select(Solution)))
