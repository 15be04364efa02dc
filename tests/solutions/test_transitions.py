"""POST /solutions/{id}/transitions, the request / approve / reject flow with four eyes, and the
refusals that name every unmet condition."""

from __future__ import annotations

from sqlalchemy import func, select

from ai_register.extensions import db
from ai_register.solutions.lifecycle.facts import DECOMMISSIONING_CHECKLIST
from ai_register.solutions.models import TransitionRequest
from tests.helpers import four_eyes_bar

from .conftest import BASE, events, unmet_codes


def request_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(TransitionRequest.id)))


# --------------------------------------------------------------------------- refused, with every reason


def test_pilot_gate_lists_every_unmet_condition_and_writes_nothing(reg):
    sid = reg.create()["id"]
    response = reg.transition(sid, "pilot")
    assert response.status_code == 409 and response.mimetype == "application/problem+json"
    assert unmet_codes(response) == ["need_statement_missing", "goal_missing", "benefit_estimate_missing",
                                     "classification_not_valid", "oversight_owner_missing", "dpia_missing",
                                     "trustworthy_assessment_missing"]
    for unmet in response.get_json()["unmet"]:
        assert unmet["message"] and isinstance(unmet["details"], dict)
    assert request_count() == 0 and len(events(sid)) == 1
    assert reg.get(sid).headers["ETag"] == '"1"'


def test_what_the_solution_itself_records_counts_at_once(reg):
    sid = reg.create(need_statement="Referrals wait too long.", processes_personal_data=False)["id"]
    codes = unmet_codes(reg.transition(sid, "pilot"))
    assert "need_statement_missing" not in codes and "dpia_missing" not in codes
    assert "classification_not_valid" in codes


def test_health_data_asks_for_a_dpia_even_when_personal_data_says_no(reg):
    sid = reg.create(processes_health_data=True)["id"]
    assert "dpia_missing" in unmet_codes(reg.transition(sid, "pilot"))


def test_illegal_moves_are_named(reg):
    sid = reg.create()["id"]
    for to, code in (("rollout", "move_skips_phase"), ("management", "move_skips_phase"),
                     ("retired", "move_skips_phase"), ("needs_analysis", "move_same_phase")):
        response = reg.transition(sid, to)
        assert response.status_code == 409 and unmet_codes(response) == [code], to
        assert response.get_json()["unmet"][0]["details"]["allowed"] == ["pilot", "decommissioning"]


def test_decommissioning_needs_a_rationale_then_takes_effect_at_once(reg):
    sid = reg.create()["id"]
    assert unmet_codes(reg.transition(sid, "decommissioning")) == ["decommission_rationale_missing"]
    response = reg.transition(sid, "decommissioning", reason="Replaced by the national service.")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["phase"] == "decommissioning"
    assert body["decommission_rationale"] == "Replaced by the national service."
    assert response.headers["ETag"] == f'"{body["version"]}"' and body["version"] == 2
    assert body["allowed_transitions"] == ["retired"]
    [move] = reg.client.get(f"{BASE}/{sid}/transitions", headers=reg.h()).get_json()["items"]
    assert (move["status"], move["approval_required"], move["from_phase"], move["to_phase"]) == (
        "applied", False, "needs_analysis", "decommissioning")
    create, request, transition = events(sid)
    assert (request.entity_type, request.action) == ("transition_request", "create")
    assert (transition.entity_type, transition.action) == ("solution", "transition")
    assert transition.data["changes"]["phase"] == {"before": "needs_analysis", "after": "decommissioning"}
    assert transition.data["transition_request_id"] == move["id"]
    assert transition.reason == "Replaced by the national service."

    assert unmet_codes(reg.transition(sid, "pilot")) == ["move_backwards"]
    retired = reg.transition(sid, "retired")
    assert unmet_codes(retired) == [f"checklist_item_open:{key}" for key in DECOMMISSIONING_CHECKLIST]


def test_paused_solution_can_only_resume_or_terminate(reg, open_gates):
    sid = reg.create(need_statement="Need.")["id"]
    assert reg.decide(sid, "pause").status_code == 201
    assert unmet_codes(reg.transition(sid, "pilot")) == ["move_paused"]
    response = reg.transition(sid, "decommissioning", reason="Stopped for good.")
    assert response.status_code == 200 and response.get_json()["status"] == "active"


def test_transition_input_is_checked(reg, client):
    sid = reg.create()["id"]
    headers = reg.h(**{"If-Match": '"1"'})
    for body, field in (({"to": "heaven"}, "to"), ({}, "to"), ({"to": "pilot", "when": "now"}, "when")):
        response = client.post(f"{BASE}/{sid}/transitions", json=body, headers=headers)
        assert response.status_code == 422 and field in response.get_json()["errors"]
    response = client.post(f"{BASE}/{sid}/transitions", json={"to": "pilot"}, headers=reg.h())
    assert response.status_code == 428
    response = client.post(f"{BASE}/{sid}/transitions", json={"to": "pilot"},
                           headers=reg.h(**{"If-Match": '"7"'}))
    assert response.status_code == 412 and response.get_json()["current_version"] == 1
    assert request_count() == 0


# --------------------------------------------------------------------------- request and approval


def test_owner_requests_pilot_and_another_compliance_officer_approves(reg, users, open_gates):
    sid = reg.create(need_statement="Need.")["id"]
    response = reg.transition(sid, "pilot", reason="Goals and classification in place.")
    assert response.status_code == 202, response.get_json()
    request = response.get_json()
    assert (request["status"], request["approval_required"]) == ("pending", True)
    assert request["to_phase"] == "pilot"
    assert request["requested_by"] == {"id": users["owner"].id, "display_name": "Olga Owner"}
    assert response.headers["Location"].endswith(f"/api/v1/transitions/{request['id']}")
    assert response.headers["ETag"] == '"2"'

    detail = reg.get(sid).get_json()
    assert detail["phase"] == "needs_analysis" and detail["pending_transition"]["id"] == request["id"]

    second = reg.transition(sid, "pilot")
    assert second.status_code == 409 and unmet_codes(second) == ["transition_pending"]
    assert second.get_json()["pending_request_id"] == request["id"]

    approved = reg.approve(request["id"], reason="Four eyes ok.")
    assert approved.status_code == 200, approved.get_json()
    body = approved.get_json()
    assert (body["status"], body["decided_by"]["id"], body["decision_reason"]) == (
        "approved", users["compliance"].id, "Four eyes ok.")
    detail = reg.get(sid).get_json()
    assert (detail["phase"], detail["pending_transition"]) == ("pilot", None)

    trail = [(e.entity_type, e.action) for e in events(sid)]
    assert trail == [("solution", "create"), ("transition_request", "create"),
                     ("transition_request", "approve"), ("solution", "transition")]
    approve_event = events(sid)[2]
    assert approve_event.data["changes"]["status"] == {"before": "pending", "after": "approved"}
    assert approve_event.actor_id == users["compliance"].id
    assert reg.approve(request["id"]).status_code == 409  # no longer pending


def test_four_eyes(reg, users, open_gates):
    # Registered by compliance for the owner, with compliance2 as co-owner.
    sid = reg.create("compliance", owner_id=users["owner"].id, co_owner_ids=[users["compliance2"].id],
                     need_statement="Need.")["id"]
    request = reg.transition(sid, "pilot", who="compliance").get_json()
    requester = reg.approve(request["id"], who="compliance")
    assert four_eyes_bar(requester) == "requested"
    co_owner = reg.approve(request["id"], who="compliance2")
    assert four_eyes_bar(co_owner) == "owner"
    assert reg.reject(request["id"], who="compliance2").status_code == 403
    assert reg.get(sid).get_json()["phase"] == "needs_analysis"
    assert reg.approve(request["id"], who=_third_officer()).status_code == 200
    assert reg.get(sid).get_json()["phase"] == "pilot"


def test_four_eyes_holds_after_stepping_down_as_co_owner(reg, users, open_gates):
    sid = reg.create("compliance", owner_id=users["owner"].id, co_owner_ids=[users["compliance2"].id],
                     need_statement="Need.")["id"]
    request = reg.transition(sid, "pilot").get_json()
    assert reg.patch(sid, {"co_owner_ids": []}, who="compliance2").status_code == 200
    stepped_down = reg.approve(request["id"], who="compliance2")
    assert four_eyes_bar(stepped_down) == "owner"
    assert reg.get(sid).get_json()["phase"] == "needs_analysis"
    assert reg.approve(request["id"], who="compliance").status_code == 200


def _third_officer():
    from ai_register.users import services

    user = services.create_user("compliance3@region.example", "compliance", display_name="Cleo Compliance")
    db.session.commit()
    return user


def test_reject_needs_a_reason_and_leaves_the_phase(reg, client, open_gates):
    sid = reg.create(need_statement="Need.")["id"]
    tid = reg.transition(sid, "pilot").get_json()["id"]
    response = client.post(f"/api/v1/transitions/{tid}/reject", json={}, headers=reg.h("compliance"))
    assert response.status_code == 422 and "reason" in response.get_json()["errors"]
    response = reg.reject(tid, reason="Goals lack baselines.")
    assert response.status_code == 200
    assert (response.get_json()["status"], response.get_json()["decision_reason"]) == (
        "rejected", "Goals lack baselines.")
    assert reg.get(sid).get_json()["phase"] == "needs_analysis"
    assert events(sid)[-1].action == "reject" and events(sid)[-1].reason == "Goals lack baselines."
    # A new request may follow a rejection.
    assert reg.transition(sid, "pilot").status_code == 202


def test_the_gate_is_checked_again_at_approval(reg, open_gates):
    sid = reg.create(need_statement="Need.")["id"]
    tid = reg.transition(sid, "pilot").get_json()["id"]
    assert reg.patch(sid, {"need_statement": None}).status_code == 200
    response = reg.approve(tid)
    assert response.status_code == 409 and unmet_codes(response) == ["need_statement_missing"]
    assert reg.client.get(f"/api/v1/transitions/{tid}", headers=reg.h()).get_json()["status"] == "pending"
    assert reg.get(sid).get_json()["phase"] == "needs_analysis"


def test_withdraw_and_read_requests(reg, client, open_gates):
    sid = reg.create(need_statement="Need.")["id"]
    tid = reg.transition(sid, "pilot").get_json()["id"]
    assert client.get(f"/api/v1/transitions/{tid}", headers=reg.h("owner2")).status_code == 404
    response = client.post(f"/api/v1/transitions/{tid}/withdraw", json={}, headers=reg.h("owner2"))
    assert response.status_code == 404
    assert client.get(f"/api/v1/transitions/{tid}", headers=reg.h("auditor")).status_code == 200
    response = client.post(f"/api/v1/transitions/{tid}/withdraw", json={"reason": "Too early."},
                           headers=reg.h())
    assert response.status_code == 200 and response.get_json()["status"] == "withdrawn"
    assert reg.approve(tid).status_code == 409
    listed = client.get(f"{BASE}/{sid}/transitions", headers=reg.h("auditor")).get_json()
    assert listed["total"] == 1 and listed["items"][0]["status"] == "withdrawn"


def test_a_move_ends_a_pending_request(reg, open_gates):
    sid = reg.create(need_statement="Need.")["id"]
    tid = reg.transition(sid, "pilot").get_json()["id"]
    assert reg.transition(sid, "decommissioning", reason="Cancelled.").status_code == 200
    request = reg.client.get(f"/api/v1/transitions/{tid}", headers=reg.h()).get_json()
    assert request["status"] == "withdrawn" and "decommissioning" in request["decision_reason"]
    assert reg.approve(tid).status_code == 409


def test_rollout_into_management_needs_started_units_and_a_review_schedule(reg, open_gates):
    sid = reg.create(need_statement="Need.")["id"]
    reg.approve(reg.transition(sid, "pilot").get_json()["id"])
    reg.approve(reg.transition(sid, "rollout").get_json()["id"])
    codes = unmet_codes(reg.transition(sid, "management"))
    assert codes == ["rollout_plan_missing", "review_schedule_missing"]
    reg.put_plan(sid, [{"name": "Akuten", "planned_start": "2026-01-10", "actual_start": "2026-01-12"},
                       {"name": "BUP", "planned_start": "2026-02-01"}])
    response = reg.transition(sid, "management")
    assert unmet_codes(response) == ["rollout_unit_not_started", "review_schedule_missing"]
    assert response.get_json()["unmet"][0]["details"] == {"unit": "BUP", "planned_start": "2026-02-01"}
    reg.put_plan(sid, [{"name": "Akuten", "planned_start": "2026-01-10", "actual_start": "2026-01-12"},
                       {"name": "BUP", "planned_start": "2026-02-01", "actual_start": "2026-02-03"}])
    reg.patch(sid, {"review_interval_months": 6})
    response = reg.transition(sid, "management")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    # The first review date follows from the interval when none was set.
    assert body["phase"] == "management" and body["next_review_on"] is not None
    assert events(sid)[-1].data["changes"]["next_review_on"]["before"] is None
