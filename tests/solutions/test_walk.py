"""A solution walks the whole lifecycle, needs analysis to retired, through the real API of every
module: each gate opens only once its data are recorded, each refusal names what is missing, and
every change is in the audit trail with the solution's sequence numbers unbroken."""

from __future__ import annotations

from datetime import date, timedelta

from ai_register.extensions import db
from ai_register.portfolio.indicators import ensure_default_indicators, indicators
from ai_register.portfolio.trustworthy import REQUIREMENT_KEYS
from ai_register.solutions.lifecycle.facts import DECOMMISSIONING_CHECKLIST
from tests.answers import PUBLIC_BENEFITS

from .conftest import BASE, events, unmet_codes


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.get_json()
    return response.get_json()


def test_whole_lifecycle_through_every_gate(reg, client, users):
    today = date.today()
    owner, officer = reg.h("owner"), reg.h("compliance")
    sid = reg.create(name="Referral triage", need_statement="Out-of-county referrals wait 12 days.",
                     processes_personal_data=True, processes_health_data=True,
                     care_units=["Remisscentralen"])["id"]
    s = f"{BASE}/{sid}"

    # --- needs analysis → pilot: everything the other modules hold is missing.
    assert unmet_codes(reg.transition(sid, "pilot")) == [
        "goal_missing", "benefit_estimate_missing", "classification_not_valid", "oversight_owner_missing",
        "dpia_missing", "trustworthy_assessment_missing"]

    ensure_default_indicators()
    db.session.commit()
    accessibility = next(i.id for i in indicators() if i.code == "accessibility")
    goal = ok(client.post(f"{s}/goals", headers=owner, json={
        "perspective": "operations", "title": "Waiting time", "indicator_id": accessibility,
        "indicator": "Median days to decision",
        "unit": "days", "baseline": 12, "target": 5, "higher_is_better": False}), 201)
    ok(client.put(f"{s}/benefit", headers=owner, json={
        "one_off_cost": 400000, "yearly_cost": 120000, "yearly_savings": 300000,
        "assumptions": "2 FTE"}), 201)

    def evidence(kind: str, **extra) -> None:
        ok(client.post(f"{s}/evidence", headers=owner, json={
            "type": kind, "title": kind.replace("_", " ").title(), "issued_on": today.isoformat(),
            **extra}), 201)

    evidence("dpia")
    ok(client.post(f"{s}/trustworthy-assessment", headers=owner, json={"answers": {
        key: {"answer": "yes", "evidence": "Self-assessment workshop"} for key in REQUIREMENT_KEYS}}), 201)
    ok(client.put(f"{s}/oversight", headers={**owner, "If-Match": reg.etag(sid)}, json={
        "person": {"name": "Dr Sara Tillsyn", "title": "Chief physician", "unit": "Remisscentralen"},
        "authority_to_suspend": True, "accepted_on": today.isoformat(), "training": "AI Act Art 26(2) course",
        "monitors": {"understands_capabilities_limits": True, "aware_of_automation_bias": True,
                     "interprets_output": True, "can_disregard_override_reverse": True,
                     "can_interrupt_stop": True}}), 201)
    classification = ok(client.post(f"{s}/classifications", headers=owner,
                                    json={"answers": PUBLIC_BENEFITS}), 201)
    assert classification["result"]["ai_act"]["category"] == "high_risk"
    # Drafts and submitted ones do not count.
    assert unmet_codes(reg.transition(sid, "pilot")) == ["classification_not_valid"]
    ok(client.post(f"/api/v1/classifications/{classification['id']}/submit", headers=owner))
    ok(client.post(f"/api/v1/classifications/{classification['id']}/approve", headers=officer,
                   json={"justification": "Annex III 5(a) confirmed."}))

    detail = ok(reg.get(sid))
    assert detail["current_ai_act_category"] == "high_risk"
    assert detail["current_classification"]["category"] == "high_risk"
    assert (detail["ai_act_role"], detail["public_authority"]) == ("deployer", True)
    assert detail["oversight_owner"]["person"]["name"] == "Dr Sara Tillsyn"

    request = ok(reg.transition(sid, "pilot", reason="Effekt före insats: goals, benefit, DPIA."), 202)
    ok(reg.approve(request["id"], who="compliance"))
    assert ok(reg.get(sid))["phase"] == "pilot"

    # --- pilot → rollout: pilot evaluation, measurements, and the high-risk evidence of a deployer.
    response = reg.decide(sid, "scale_up", rationale="Pilot looks good.")
    assert response.status_code == 409
    assert set(unmet_codes(response)) == {
        "evidence_missing:pilot_evaluation", "goal_measurement_missing", "evidence_missing:fria",
        "evidence_missing:eu_database_registration", "evidence_missing:instructions_for_use",
        "evidence_missing:oversight_training", "policy_literacy_missing"}
    # Region policy: an AI-literacy measure (Art 4) before a high-risk rollout; region-wide, it reaches every unit.
    ok(client.post("/api/v1/literacy-measures", headers=officer, json={
        "kind": "training", "title": "AI introduction for all staff", "held_on": today.isoformat()}), 201)

    ok(client.post(f"{s}/goals/{goal['id']}/measurements", headers=owner,
                   json={"measured_on": today.isoformat(), "value": 6}), 201)
    for kind in ("pilot_evaluation", "instructions_for_use", "oversight_training"):
        evidence(kind)
    # Evidence counts only while valid on the transition date.
    evidence("eu_database_registration", issued_on="2024-01-01", expires_on=(today - timedelta(days=1)).isoformat())
    # An uploaded FRIA document alone does not count: the FRIA is the register's approved record (Art 27).
    evidence("fria")
    response = reg.decide(sid, "scale_up", rationale="Pilot looks good.")
    assert unmet_codes(response) == ["evidence_missing:fria", "evidence_missing:eu_database_registration"]
    assert response.get_json()["unmet"][1]["details"]["reason"] == "expired"
    evidence("eu_database_registration")
    fria = client.post(f"{s}/fria", headers=owner, json={
        "processes": "Referral sorting at the referral centre.", "period_and_frequency": "Every weekday.",
        "affected_persons": "Referred patients.", "provider_information": "IFU v3, validated on adults.",
        "risks": [{"group": "Children", "description": "Not validated for children.", "likelihood": "low",
                   "severity": "medium"}],
        "oversight_measures": "A nurse checks every ranking.", "materialisation_measures": "Manual sorting.",
        "internal_governance": "The managed object's board.", "complaint_mechanisms": "Patientnämnden."})
    assert fria.status_code == 201, fria.get_json()
    submitted = client.post(f"/api/v1/fria/{fria.get_json()['id']}/submit", json={},
                            headers={**owner, "If-Match": fria.headers["ETag"]})
    ok(client.post(f"/api/v1/fria/{fria.get_json()['id']}/approve", json={},
                   headers={**officer, "If-Match": submitted.headers["ETag"]}))
    decision = ok(reg.decide(sid, "scale_up", rationale="Waiting time down from 12 to 6 days.",
                             follow_up_data={"median_days": 6}, meeting_reference="Styrgrupp 12"), 201)
    request = decision["transition_request"]
    assert (request["status"], request["to_phase"]) == ("pending", "rollout")
    assert reg.approve(request["id"], who="owner").status_code == 403
    ok(reg.approve(request["id"], who="compliance2"))
    assert ok(reg.get(sid))["phase"] == "rollout"

    # --- rollout → management: every planned unit started, a review schedule.
    ok(reg.put_plan(sid, [{"name": "Remisscentralen", "planned_start": "2026-01-01",
                           "actual_start": "2026-01-05"},
                          {"name": "Vårdval", "planned_start": "2026-03-01"}]))
    codes = unmet_codes(reg.transition(sid, "management"))
    assert codes == ["rollout_unit_not_started", "review_schedule_missing"]
    ok(reg.put_plan(sid, [{"name": "Remisscentralen", "planned_start": "2026-01-01",
                           "actual_start": "2026-01-05"},
                          {"name": "Vårdval", "planned_start": "2026-03-01", "actual_start": "2026-03-02"}]))
    ok(reg.patch(sid, {"review_interval_months": 6, "reason": "Review twice a year (high-risk)."}))
    ok(reg.decide(sid, "scale_up", rationale="All units live."), 201)
    assert ok(reg.get(sid))["phase"] == "management"

    # --- management → decommissioning → retired.
    ok(reg.decide(sid, "terminate", rationale="Replaced by the national referral service."), 201)
    detail = ok(reg.get(sid))
    assert (detail["phase"], detail["decommission_rationale"]) == (
        "decommissioning", "Replaced by the national referral service.")
    assert unmet_codes(reg.transition(sid, "retired")) == [
        f"checklist_item_open:{key}" for key in DECOMMISSIONING_CHECKLIST]
    ok(reg.put_checklist(sid, [{"key": key, "done": True} for key in DECOMMISSIONING_CHECKLIST]))
    assert ok(reg.transition(sid, "retired"))["phase"] == "retired"
    assert reg.patch(sid, {"name": "Revived"}).status_code == 409

    # --- the story, in the trail.
    moves = [(m["from_phase"], m["to_phase"], m["status"])
             for m in ok(client.get(f"{s}/transitions", headers=reg.h("auditor")))["items"]]
    assert moves == [("needs_analysis", "pilot", "approved"), ("pilot", "rollout", "approved"),
                     ("rollout", "management", "applied"), ("management", "decommissioning", "applied"),
                     ("decommissioning", "retired", "applied")]
    trail = events(sid)
    assert [e.solution_seq for e in trail] == list(range(1, len(trail) + 1))
    phases = [e.data["changes"]["phase"]["after"] for e in trail
              if e.entity_type == "solution" and "phase" in e.data.get("changes", {})]
    assert phases == ["pilot", "rollout", "management", "decommissioning", "retired"]
    kinds = {e.entity_type for e in trail}
    assert {"solution", "goal", "goal_measurement", "benefit_estimate", "evidence", "classification",
            "transition_request", "decision", "rollout_plan", "decommissioning_item"} <= kinds
    verify = ok(client.get("/api/v1/audit/verify", headers=reg.h("auditor")))
    assert verify["intact"] is True, verify

