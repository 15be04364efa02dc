"""POST /solutions/{id}/decisions: follow-up decisions and their effect, as one atomic change."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from ai_register.audit.models import AuditEvent
from ai_register.extensions import db
from ai_register.solutions import transitions
from ai_register.solutions.models import Decision

from .conftest import BASE, events, unmet_codes

NEED = {"need_statement": "Referrals wait too long."}


def decision_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Decision.id)))


def event_count() -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)))


def in_pilot(reg) -> int:
    sid = reg.create(**NEED)["id"]
    assert reg.approve(reg.transition(sid, "pilot").get_json()["id"]).status_code == 200
    return sid


def test_pause_and_resume(reg, users, open_gates):
    sid = reg.create()["id"]
    response = reg.decide(sid, "pause", rationale="Supplier incident under investigation.",
                          follow_up_data={"incidents": 2, "false_negatives": 5},
                          meeting_reference="Styrgrupp 2026-03")
    assert response.status_code == 201, response.get_json()
    decision = response.get_json()
    assert (decision["kind"], decision["status_before"], decision["status_after"]) == (
        "pause", "active", "paused")
    assert decision["decided_on"] == date.today().isoformat()
    assert decision["decided_by"]["id"] == users["owner"].id and decision["transition_request"] is None
    assert decision["follow_up_data"] == {"incidents": 2, "false_negatives": 5}
    assert response.headers["ETag"] == '"2"'
    detail = reg.get(sid).get_json()
    assert (detail["phase"], detail["status"], detail["allowed_decisions"]) == (
        "needs_analysis", "paused", ["resume", "terminate"])

    *_, created, paused = events(sid)
    assert (created.entity_type, created.action) == ("decision", "create")
    assert created.data["record"]["rationale"] == "Supplier incident under investigation."
    assert (paused.entity_type, paused.action) == ("solution", "pause")
    assert paused.data["changes"] == {"status": {"before": "active", "after": "paused"}}
    assert paused.data["decision_id"] == decision["id"]

    resumed = reg.decide(sid, "resume", who="compliance",
                         follow_up_data="Supplier fixed the model; 0 incidents.")
    assert resumed.status_code == 201 and resumed.get_json()["follow_up_data"].startswith("Supplier fixed")
    assert reg.get(sid).get_json()["status"] == "active"
    listed = reg.client.get(f"{BASE}/{sid}/decisions", headers=reg.h("auditor")).get_json()
    assert [d["kind"] for d in listed["items"]] == ["pause", "resume"] and listed["total"] == 2


@pytest.mark.parametrize(("kind", "code"), [
    ("resume", "decision_not_paused"),
    ("scale_up", "decision_wrong_phase"),
    ("adjust", "decision_wrong_phase"),
])
def test_decisions_that_do_not_fit_are_refused_and_leave_nothing(reg, kind, code):
    sid = reg.create()["id"]
    before = event_count()
    response = reg.decide(sid, kind)
    assert response.status_code == 409 and unmet_codes(response) == [code]
    assert decision_count() == 0 and event_count() == before


def test_adjust_keeps_the_phase_and_moves_the_etag(reg, open_gates):
    sid = in_pilot(reg)
    etag = reg.etag(sid)
    response = reg.decide(sid, "adjust", rationale="Lower the alert threshold.")
    assert response.status_code == 201
    assert response.headers["ETag"] != etag
    detail = reg.get(sid).get_json()
    assert (detail["phase"], detail["status"]) == ("pilot", "active")
    assert events(sid)[-1].entity_type == "decision"


def test_scale_up_in_pilot_requests_rollout(reg, open_gates):
    sid = in_pilot(reg)
    response = reg.decide(sid, "scale_up", rationale="Goals met in two units.",
                          follow_up_data={"waiting_days": {"baseline": 12, "now": 7}})
    assert response.status_code == 201, response.get_json()
    request = response.get_json()["transition_request"]
    assert (request["status"], request["to_phase"]) == ("pending", "rollout")
    assert request["reason"] == "Goals met in two units."
    assert reg.get(sid).get_json()["phase"] == "pilot"
    # The request is the decision's, decided like any other.
    assert reg.decide(sid, "scale_up").status_code == 409
    assert reg.approve(request["id"]).status_code == 200
    assert reg.get(sid).get_json()["phase"] == "rollout"


def test_scale_up_in_rollout_moves_to_management_when_the_gate_holds(reg, open_gates):
    sid = in_pilot(reg)
    reg.approve(reg.decide(sid, "scale_up").get_json()["transition_request"]["id"])
    before = event_count()
    refused = reg.decide(sid, "scale_up", rationale="All units live.")
    assert refused.status_code == 409
    assert unmet_codes(refused) == ["rollout_plan_missing", "review_schedule_missing"]
    # Atomic: the refused transition leaves no decision and no audit event behind.
    assert decision_count() == 1 and event_count() == before

    reg.put_plan(sid, [{"name": "Akuten", "planned_start": "2026-01-01", "actual_start": "2026-01-02"}])
    reg.patch(sid, {"next_review_on": (date.today() + timedelta(days=180)).isoformat()})
    response = reg.decide(sid, "scale_up", rationale="All units live.")
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["transition_request"]["status"] == "applied"
    assert reg.get(sid).get_json()["phase"] == "management"
    *_, request, decision, transition = events(sid)
    assert (request.entity_type, decision.entity_type, transition.action) == (
        "transition_request", "decision", "transition")
    assert decision.data["record"]["transition_request_id"] == int(request.entity_id)


def test_terminate_moves_to_decommissioning_with_the_rationale(reg, open_gates):
    sid = in_pilot(reg)
    reg.decide(sid, "pause")
    response = reg.decide(sid, "terminate", rationale="The pilot did not reach its goals.")
    assert response.status_code == 201
    detail = reg.get(sid).get_json()
    assert (detail["phase"], detail["status"]) == ("decommissioning", "active")
    assert detail["decommission_rationale"] == "The pilot did not reach its goals."
    assert reg.decide(sid, "terminate").status_code == 409


def test_a_failure_inside_the_effect_rolls_back_the_decision(reg, open_gates, monkeypatch):
    """The decision row is written before its transition; when the transition fails, the request
    rolls back both, and the audit trail keeps neither."""
    sid = in_pilot(reg)
    reg.decide(sid, "pause")
    decisions, before = decision_count(), event_count()

    def broken_move(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(transitions, "_move", broken_move)
    response = reg.decide(sid, "terminate", rationale="Stop.")
    assert response.status_code == 500
    assert decision_count() == decisions and event_count() == before
    assert reg.get(sid).get_json()["status"] == "paused"


@pytest.mark.parametrize(("body", "field"), [
    ({"kind": "pause"}, "rationale"),
    ({"kind": "pause", "rationale": "   "}, "rationale"),
    ({"kind": "shrink", "rationale": "x"}, "kind"),
    ({"kind": "pause", "rationale": "x", "decided_on": "soon"}, "decided_on"),
    ({"kind": "pause", "rationale": "x", "decided_on": (date.today() + timedelta(days=2)).isoformat()},
     "decided_on"),
    ({"kind": "pause", "rationale": "x", "follow_up_data": [1, 2]}, "follow_up_data"),
    ({"kind": "pause", "rationale": "x", "follow_up_data": 42}, "follow_up_data"),
    ({"kind": "pause", "rationale": "x", "meeting_reference": "m" * 201}, "meeting_reference"),
    ({"kind": "pause", "rationale": "x", "by": "me"}, "by"),
])
def test_invalid_decisions_are_422_and_write_nothing(reg, client, body, field):
    sid = reg.create()["id"]
    before = event_count()
    response = client.post(f"{BASE}/{sid}/decisions", json=body, headers=reg.h(**{"If-Match": '"1"'}))
    assert response.status_code == 422 and field in response.get_json()["errors"]
    assert decision_count() == 0 and event_count() == before


def test_decisions_need_if_match(reg, client):
    sid = reg.create()["id"]
    response = client.post(f"{BASE}/{sid}/decisions", json={"kind": "pause", "rationale": "x"},
                           headers=reg.h())
    assert response.status_code == 428
    response = client.post(f"{BASE}/{sid}/decisions", json={"kind": "pause", "rationale": "x"},
                           headers=reg.h(**{"If-Match": '"0"'}))
    assert response.status_code == 412
    assert decision_count() == 0


def test_a_decision_may_be_dated_in_the_past(reg):
    sid = reg.create()["id"]
    response = reg.decide(sid, "pause", decided_on="2026-01-15")
    assert response.status_code == 201 and response.get_json()["decided_on"] == "2026-01-15"
