"""POST /api/v1/portfolio/decisions: a portfolio meeting's decisions, one per solution with the meeting
reference, through the solutions module's decisions (same rules, same audit); all or nothing."""

from __future__ import annotations

from sqlalchemy import select

from ai_register.audit.models import AuditEvent
from ai_register.extensions import db
from ai_register.solutions.models import Decision, Solution

from .conftest import API, problem, set_phase

URL = f"{API}/portfolio/decisions"


def test_meeting_records_one_decision_per_solution(api, users):
    first, second = api.solution(name="One")["id"], api.solution(name="Two", who="owner2")["id"]
    set_phase(first, "pilot")
    version = db.session.get(Solution, second).version
    response = api.post("compliance", URL, json={
        "meeting_reference": "Portföljråd 2026-11 §4", "decided_on": "2026-11-20",
        "decisions": [
            {"solution_id": first, "kind": "adjust", "rationale": "Goals not yet met; tune the threshold."},
            {"solution_id": second, "kind": "pause", "rationale": "Capacity in the unit.", "version": version},
        ]})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["total"] == 2 and {d["meeting_reference"] for d in body["items"]} == {"Portföljråd 2026-11 §4"}
    assert db.session.get(Solution, second).status == "paused"
    decisions = db.session.scalars(select(Decision).order_by(Decision.id)).all()
    assert [(d.solution_id, d.kind, str(d.decided_on)) for d in decisions] == [
        (first, "adjust", "2026-11-20"), (second, "pause", "2026-11-20")]
    for decision in decisions:
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "decision",
                                                            AuditEvent.entity_id == str(decision.id))).one()
        assert event.solution_id == decision.solution_id and event.action == "create"
        assert event.data["record"]["meeting_reference"] == "Portföljråd 2026-11 §4"


def test_one_refused_decision_records_none(api):
    first, second = api.solution(name="One")["id"], api.solution(name="Two")["id"]
    events_before = db.session.scalar(select(db.func.count()).select_from(AuditEvent))
    body = problem(api.post("compliance", URL, json={"meeting_reference": "PR 12", "decisions": [
        {"solution_id": first, "kind": "pause", "rationale": "Wait for staff."},
        {"solution_id": second, "kind": "scale_up", "rationale": "Going well."}]}), 409)
    assert [r["solution_id"] for r in body["refused"]] == [second]
    assert body["refused"][0]["unmet"][0]["code"] == "decision_wrong_phase"
    db.session.expire_all()
    assert db.session.scalars(select(Decision)).all() == []
    assert db.session.get(Solution, first).status == "active"
    assert db.session.scalar(select(db.func.count()).select_from(AuditEvent)) == events_before


def test_stale_version_is_412(api):
    sid = api.solution()["id"]
    problem(api.post("compliance", URL, json={"meeting_reference": "PR 1", "decisions": [
        {"solution_id": sid, "kind": "pause", "rationale": "x", "version": 99}]}), 412)


def test_only_compliance_records_meeting_decisions(api):
    sid = api.solution()["id"]
    body = {"meeting_reference": "PR 1", "decisions": [{"solution_id": sid, "kind": "pause", "rationale": "x"}]}
    for who in ("owner", "auditor", "admin"):
        problem(api.post(who, URL, json=body), 403)
    problem(api.client.post(URL, json=body), 401)
    body["decisions"][0]["solution_id"] = 999999
    problem(api.post("compliance", URL, json=body), 404)


def test_bad_input_is_422(api):
    sid = api.solution()["id"]
    item = {"solution_id": sid, "kind": "pause", "rationale": "x"}
    for bad in ({"decisions": [item]},
                {"meeting_reference": "  ", "decisions": [item]},
                {"meeting_reference": "PR", "decisions": []},
                {"meeting_reference": "PR", "decisions": [{**item, "kind": "celebrate"}]},
                {"meeting_reference": "PR", "decisions": [{**item, "colour": "red"}]},
                {"meeting_reference": "PR", "decisions": [item, item]}):
        problem(api.post("compliance", URL, json=bad), 422)
    assert db.session.scalars(select(Decision)).all() == []
