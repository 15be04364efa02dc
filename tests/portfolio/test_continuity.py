"""Criticality and continuity: a solution critical for patient care cannot pass the rollout gate without
a fallback routine and a recovery plan that are valid and a recorded test of the plan."""

from __future__ import annotations

from datetime import date, timedelta

from ai_register.extensions import db
from ai_register.solutions.models import Solution

from .conftest import API, full_answers, problem, set_phase


def _rollout(api, sid):
    return api.post("owner", f"{API}/solutions/{sid}/transitions", json={"to": "rollout"},
                    headers={"If-Match": api.etag(sid)})


def _evidence(api, sid, kind, **dates):
    body = {"type": kind, "title": kind.replace("_", " ").title(),
            "issued_on": (date.today() - timedelta(days=10)).isoformat(), **dates}
    response = api.post("owner", f"{API}/solutions/{sid}/evidence", json=body)
    assert response.status_code == 201, response.get_json()


def test_critical_solution_needs_a_tested_recovery_plan_for_rollout(api, others_satisfied):
    sid = api.solution(critical_for_patient_care=True, max_tolerable_outage_hours=4)["id"]
    api.post("owner", f"{API}/solutions/{sid}/trustworthy-assessment", json={"answers": full_answers()})
    set_phase(sid, "pilot")

    body = problem(_rollout(api, sid), 409)
    assert [u["code"] for u in body["unmet"]] == [
        "evidence_missing:fallback_routine", "evidence_missing:recovery_plan", "recovery_plan_test_missing"]

    _evidence(api, sid, "fallback_routine")
    _evidence(api, sid, "recovery_plan", expires_on=(date.today() - timedelta(days=1)).isoformat())
    body = problem(_rollout(api, sid), 409)
    assert [(u["code"], u["details"].get("reason")) for u in body["unmet"]] == [
        ("evidence_missing:recovery_plan", "expired"), ("recovery_plan_test_missing", None)]
    row = api.get("compliance", f"{API}/portfolio").get_json()["items"][0]
    assert "continuity:evidence_missing:recovery_plan" in row["overdue"]
    assert "evidence_expired:recovery_plan" in row["overdue"]

    _evidence(api, sid, "recovery_plan", expires_on=(date.today() + timedelta(days=365)).isoformat())
    assert [u["code"] for u in problem(_rollout(api, sid), 409)["unmet"]] == ["recovery_plan_test_missing"]
    assert api.get("compliance", f"{API}/portfolio").get_json()["items"][0]["overdue"] == [
        "continuity:recovery_plan_test_missing"]
    future = (date.today() + timedelta(days=2)).isoformat()
    problem(api.patch("owner", f"{API}/solutions/{sid}", json={"recovery_plan_tested_on": future},
                      headers={"If-Match": api.etag(sid)}), 422)
    tested = api.patch("owner", f"{API}/solutions/{sid}",
                       json={"recovery_plan_tested_on": date.today().isoformat()}, headers={"If-Match": api.etag(sid)})
    assert tested.status_code == 200 and tested.get_json()["recovery_plan_tested_on"] == date.today().isoformat()
    assert _rollout(api, sid).status_code == 202
    assert api.get("compliance", f"{API}/portfolio").get_json()["items"][0]["continuity_gaps"] == []


def test_a_solution_not_critical_needs_no_continuity_evidence(api, others_satisfied):
    sid = api.solution(critical_for_patient_care=False)["id"]
    set_phase(sid, "pilot")
    assert _rollout(api, sid).status_code == 202
    assert db.session.get(Solution, sid).critical_for_patient_care is False


def test_criticality_fields_are_validated(api):
    problem(api.post("owner", f"{API}/solutions", json={"name": "x", "purpose": "y",
                                                        "max_tolerable_outage_hours": -1}), 422)
    problem(api.post("owner", f"{API}/solutions", json={"name": "x", "purpose": "y",
                                                        "critical_for_patient_care": "very"}), 422)


def test_overdue_continuity_is_on_the_follow_up_agenda(api, runner):
    sid = api.solution(name="Sepsis alert", critical_for_patient_care=True)["id"]
    calm = api.solution(name="Not critical")["id"]
    set_phase(sid, "management")
    set_phase(calm, "management")
    agenda = api.get("compliance", f"{API}/follow-up", query_string={"kind": "continuity_overdue"}).get_json()
    assert [(i["solution_id"], i["overdue"]) for i in agenda["items"]] == [(sid, True)]
    assert "recovery_plan_test_missing" in agenda["items"][0]["details"]["gaps"]
    assert runner.invoke(args=["reminders", "run"]).exit_code == 0
    mine = api.get("owner", f"{API}/notifications").get_json()["items"]
    assert any("Sepsis alert" in n["message"] and n["kind"] == "continuity_overdue" for n in mine)
    _evidence(api, sid, "fallback_routine")
    _evidence(api, sid, "recovery_plan")
    db.session.get(Solution, sid).recovery_plan_tested_on = date.today()
    db.session.commit()
    assert api.get("compliance", f"{API}/follow-up",
                   query_string={"kind": "continuity_overdue"}).get_json()["items"] == []
