"""The trustworthy-AI self-assessment (seven HLEG requirements): recorded per solution with answer,
evidence and open actions; required before the pilot gate (configurable); due again after a review."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from ai_register.audit.models import AuditEvent
from ai_register.extensions import db
from ai_register.reviews.models import Review

from .conftest import API, full_answers, problem


def url(sid: int) -> str:
    return f"{API}/solutions/{sid}/trustworthy-assessment"


def _transition(api, sid, to="pilot"):
    return api.post("owner", f"{API}/solutions/{sid}/transitions", json={"to": to},
                    headers={"If-Match": api.etag(sid)})


def test_pilot_gate_is_blocked_until_the_assessment_answers_every_requirement(api, others_satisfied):
    sid = api.solution(need_statement="Referrals wait 12 days.")["id"]
    body = problem(_transition(api, sid), 409)
    assert [u["code"] for u in body["unmet"]] == ["trustworthy_assessment_missing"]

    partial = full_answers()
    partial["diversity_fairness"] = {"answer": None, "evidence": None,
                                     "open_actions": "Check bias in training data by sex and age"}
    assert api.post("owner", url(sid), json={"answers": partial}).status_code == 201
    body = problem(_transition(api, sid), 409)
    assert body["unmet"][0]["code"] == "trustworthy_assessment_incomplete"
    assert body["unmet"][0]["details"]["unanswered"] == ["diversity_fairness"]
    state = api.get("auditor", url(sid)).get_json()
    assert state["state"] == "incomplete" and state["open_actions"][0]["requirement"] == "diversity_fairness"

    assert api.post("owner", url(sid), json={"answers": full_answers("partly"),
                                             "summary": "Refreshed"}).status_code == 201
    assert _transition(api, sid).status_code == 202
    history = api.get("compliance", f"{API}/solutions/{sid}/trustworthy-assessments").get_json()
    assert history["total"] == 2 and history["items"][0]["summary"] == "Refreshed"
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "trustworthy_assessment")).all()
    assert len(events) == 2 and all(e.solution_id == sid for e in events)


def test_the_requirement_can_be_switched_off(app, api, others_satisfied):
    app.config["TRUSTWORTHY_ASSESSMENT_REQUIRED"] = False
    sid = api.solution(need_statement="Referrals wait 12 days.")["id"]
    assert _transition(api, sid).status_code == 202


def test_a_review_after_the_assessment_makes_a_refresh_due(api, users):
    sid = api.solution()["id"]
    assert api.get("owner", url(sid)).get_json()["state"] == "missing"
    earlier = (date.today() - timedelta(days=30)).isoformat()
    api.post("owner", url(sid), json={"answers": full_answers(), "assessed_on": earlier})
    assert api.get("owner", url(sid)).get_json()["state"] == "current"
    db.session.add(Review(solution_id=sid, reviewed_on=date.today() - timedelta(days=1), checked=[],
                          outcome="satisfactory", interval_months=12, next_review_on=date.today() + timedelta(days=360),
                          reviewed_by_id=users["compliance"].id))
    db.session.commit()
    review_id = db.session.scalar(select(Review.id))
    state = api.get("owner", url(sid)).get_json()
    assert state["state"] == "refresh_due"
    agenda = api.get("owner", f"{API}/follow-up",
                     query_string={"kind": "trustworthy_assessment_refresh"}).get_json()["items"]
    assert [(i["solution_id"], i["overdue"]) for i in agenda] == [(sid, True)]
    row = api.get("compliance", f"{API}/portfolio").get_json()["items"][0]
    assert "trustworthy_assessment_refresh_due" in row["overdue"]
    assert api.post("compliance", url(sid), json={"answers": full_answers(), "review_id": review_id}).status_code == 201
    assert api.get("owner", url(sid)).get_json()["state"] == "current"


def test_roles_and_bad_input(api):
    sid = api.solution()["id"]
    problem(api.post("auditor", url(sid), json={"answers": full_answers()}), 403)
    problem(api.post("owner2", url(sid), json={"answers": full_answers()}), 404)
    problem(api.get("owner2", url(sid)), 404)
    problem(api.get("admin", url(sid)), 403)
    bad_key = {**full_answers(), "happiness": {"answer": "yes"}}
    problem(api.post("owner", url(sid), json={"answers": bad_key}), 422)
    bad_answer = {**full_answers(), "transparency": {"answer": "maybe"}}
    problem(api.post("owner", url(sid), json={"answers": bad_answer}), 422)
    future = (date.today() + timedelta(days=3)).isoformat()
    problem(api.post("owner", url(sid), json={"answers": full_answers(), "assessed_on": future}), 422)
    problem(api.post("owner", url(sid), json={"answers": full_answers(), "review_id": 999}), 422)
    problem(api.post("owner", url(sid), json={"answers": full_answers(), "colour": "red"}), 422)
    assert api.get("owner", url(sid)).get_json()["state"] == "missing"
