"""Storing classifications and their review through the API: versions, four eyes, justifications."""

from __future__ import annotations

from sqlalchemy import func, select

from ai_register.audit.models import AuditEvent
from ai_register.classification.models import Classification, RuleSetSnapshot
from ai_register.extensions import db
from tests.answers import EMPLOYMENT, HIGH_RISK, MINIMAL, UNDECIDED
from tests.helpers import four_eyes_bar


def test_store_returns_the_record_with_result_and_ruleset(api, users, solution):
    url = f"/solutions/{solution.id}/classifications"
    response = api("post", url, users["owner"], {"answers": HIGH_RISK})
    assert response.status_code == 201
    record = response.get_json()
    assert record["version"] == 1
    assert record["status"] == "draft"
    assert record["answers"] == HIGH_RISK
    assert record["result"]["ai_act"]["category"] == "high_risk"
    assert record["result"]["ai_act"]["routes"] == ["annex_iii_1a", "annex_iii_4"]
    assert record["result"]["fired_rules"], "fired rules are stored with the result"
    assert record["ruleset"] == record["result"]["ruleset"]
    assert len(record["ruleset"]["sha256"]) == 64
    assert record["answered_by"] == {"id": users["owner"].id, "display_name": "Olga Owner"}
    assert record["created_at"]
    assert record["override"] is None
    assert record["effective"] == {"category": "high_risk", "device_class": None, "needs_review": False}

    snapshot = db.session.scalar(select(RuleSetSnapshot))
    assert snapshot.sha256 == record["ruleset"]["sha256"]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "classification")).all()
    assert [(e.action, e.solution_id) for e in events] == [("create", solution.id)]


def test_compliance_may_store_answers(api, users, solution):
    url = f"/solutions/{solution.id}/classifications"
    response = api("post", url, users["compliance"], {"answers": MINIMAL})
    assert response.status_code == 201
    assert response.get_json()["answered_by"]["id"] == users["compliance"].id


def test_submit_then_approve_by_another_compliance_officer(api, users, solution, classify_as):
    record = classify_as(solution, users["owner"], HIGH_RISK)
    submitted = api("post", f"/classifications/{record['id']}/submit", users["owner"])
    assert submitted.status_code == 200
    assert submitted.get_json()["status"] == "submitted"
    assert submitted.get_json()["submitted_by"]["id"] == users["owner"].id

    approved = api("post", f"/classifications/{record['id']}/approve", users["compliance"], {})
    assert approved.status_code == 200
    body = approved.get_json()
    assert body["status"] == "approved"
    assert body["reviewed_by"]["id"] == users["compliance"].id
    assert body["reviewed_at"]

    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity_type == "classification")
        .order_by(AuditEvent.position)
    ).all()
    assert actions == ["create", "submit", "approve"]
    db.session.expire_all()
    assert db.session.get(type(solution), solution.id).needs_rereview is False


def test_new_answers_are_a_new_version_and_nothing_is_overwritten(api, users, solution, classify_as):
    first = classify_as(solution, users["owner"], HIGH_RISK)
    second = classify_as(solution, users["owner"], MINIMAL)
    assert (first["version"], second["version"]) == (1, 2)
    listed = api("get", f"/solutions/{solution.id}/classifications", users["owner"]).get_json()
    assert listed["total"] == 2
    assert [item["version"] for item in listed["items"]] == [2, 1]
    again = api("get", f"/classifications/{first['id']}", users["owner"]).get_json()
    assert again["answers"] == HIGH_RISK
    assert again["result"] == first["result"]


def test_superseded_draft_can_no_longer_be_submitted(api, users, solution, classify_as):
    first = classify_as(solution, users["owner"], HIGH_RISK)
    classify_as(solution, users["owner"], MINIMAL)
    response = api("post", f"/classifications/{first['id']}/submit", users["owner"])
    assert response.status_code == 409
    assert response.get_json()["latest_version"] == 2


def test_co_owner_may_submit(api, users, make_solution, classify_as):
    solution = make_solution(co_owners=[users["owner2"]])
    record = classify_as(solution, users["owner"], MINIMAL)
    response = api("post", f"/classifications/{record['id']}/submit", users["owner2"])
    assert response.status_code == 200


def test_only_drafts_are_submitted_and_only_submitted_ones_reviewed(api, users, solution, classify_as):
    record = classify_as(solution, users["owner"], MINIMAL)
    early = api("post", f"/classifications/{record['id']}/approve", users["compliance"], {})
    assert early.status_code == 409
    assert early.headers["Content-Type"] == "application/problem+json"
    api("post", f"/classifications/{record['id']}/submit", users["owner"])
    twice = api("post", f"/classifications/{record['id']}/submit", users["owner"])
    assert twice.status_code == 409
    api("post", f"/classifications/{record['id']}/approve", users["compliance"], {})
    again = api("post", f"/classifications/{record['id']}/reject", users["compliance2"],
                {"justification": "No"})
    assert again.status_code == 409


# --- four eyes ----------------------------------------------------------------------------------


def test_the_officer_who_answered_may_not_review(api, users, solution, classify_as):
    record = classify_as(solution, users["compliance"], MINIMAL)
    api("post", f"/classifications/{record['id']}/submit", users["owner"])
    response = api("post", f"/classifications/{record['id']}/approve", users["compliance"], {})
    assert four_eyes_bar(response) == "answered"
    other = api("post", f"/classifications/{record['id']}/approve", users["compliance2"], {})
    assert other.status_code == 200


def test_an_owning_officer_may_not_review(api, users, make_user, make_solution, classify_as):
    officer = make_user("compliance", name="Owning Officer")
    for solution in (make_solution(owner=officer, name="Own"), make_solution(co_owners=[officer], name="Co")):
        record = classify_as(solution, users["compliance2"], MINIMAL)
        db.session.get(Classification, record["id"]).status = "submitted"  # the owner is an officer here
        db.session.commit()
        for action, body in (("approve", {}), ("reject", {"justification": "x"}),
                             ("override", {"justification": "x", "category": "high_risk"})):
            response = api("post", f"/classifications/{record['id']}/{action}", officer, body)
            assert four_eyes_bar(response) == "owner", action


def test_stepping_down_as_co_owner_does_not_open_the_review(client, auth, api, users, make_solution, classify_as):
    solution = make_solution(co_owners=[users["compliance2"]])
    record = classify_as(solution, users["owner"], MINIMAL)
    assert api("post", f"/classifications/{record['id']}/submit", users["owner"]).status_code == 200
    version = api("get", f"/solutions/{solution.id}", users["compliance2"]).headers["ETag"]
    stepped_down = client.patch(f"/api/v1/solutions/{solution.id}", json={"co_owner_ids": []},
                                headers=auth(users["compliance2"], **{"If-Match": version}))
    assert stepped_down.status_code == 200, stepped_down.get_json()
    response = api("post", f"/classifications/{record['id']}/approve", users["compliance2"], {})
    assert four_eyes_bar(response) == "owner"
    assert api("post", f"/classifications/{record['id']}/approve", users["compliance"], {}).status_code == 200


def test_the_submitter_may_not_review(app, api, users, solution, classify_as):
    from ai_register.classification.validity import latest_decided
    from ai_register.security import COMPLIANCE

    record = classify_as(solution, users["owner"], MINIMAL)
    api("post", f"/classifications/{record['id']}/submit", users["owner"])
    classification = db.session.get(Classification, record["id"])
    # An owner who has since become a compliance officer submitted it: still not the reviewer.
    users["owner"].role = COMPLIANCE
    db.session.commit()
    solution.owner_id = users["owner2"].id
    db.session.commit()
    classification.answered_by_id = users["owner2"].id
    db.session.commit()
    response = api("post", f"/classifications/{record['id']}/approve", users["owner"], {})
    assert four_eyes_bar(response) == "submitted"
    assert latest_decided(solution.id) is None


# --- justification and override -------------------------------------------------------------------


def test_reject_needs_a_justification(api, users, solution, classify_as):
    record = classify_as(solution, users["owner"], MINIMAL)
    api("post", f"/classifications/{record['id']}/submit", users["owner"])
    for body in ({}, {"justification": "   "}, {"justification": None}):
        response = api("post", f"/classifications/{record['id']}/reject", users["compliance"], body)
        assert response.status_code == 422, body
        assert "justification" in response.get_json()["errors"]
    assert db.session.get(Classification, record["id"]).status == "submitted"
    ok = api("post", f"/classifications/{record['id']}/reject", users["compliance"],
             {"justification": "The intended purpose includes triage; answer Annex III again."})
    assert ok.status_code == 200
    assert ok.get_json()["status"] == "rejected"
    assert ok.get_json()["review_justification"].startswith("The intended purpose")


def test_override_needs_a_justification_and_a_value(api, users, solution, classify_as):
    record = classify_as(solution, users["owner"], UNDECIDED)
    api("post", f"/classifications/{record['id']}/submit", users["owner"])
    url = f"/classifications/{record['id']}/override"
    assert api("post", url, users["compliance"], {"category": "high_risk"}).status_code == 422
    blank = api("post", url, users["compliance"], {"justification": "", "category": "high_risk"})
    assert blank.status_code == 422
    missing = api("post", url, users["compliance"], {"justification": "Because"})
    assert missing.status_code == 422
    assert "category" in missing.get_json()["errors"]
    bad = api("post", url, users["compliance"], {"justification": "Because", "category": "needs_review"})
    assert bad.status_code == 422
    assert db.session.get(Classification, record["id"]).status == "submitted"


def test_override_keeps_the_engine_result_beside_the_officers(api, users, solution, decided):
    record = decided(solution, UNDECIDED, override={"category": "high_risk", "device_class": "IIb"})
    assert record["status"] == "overridden"
    assert record["result"]["ai_act"]["category"] == "needs_review"
    assert record["override"] == {"category": "high_risk", "device_class": "IIb",
                                  "justification": "Officer's reading of the intended purpose"}
    assert record["effective"] == {"category": "high_risk", "device_class": "IIb", "needs_review": False}


def test_an_override_of_the_category_leaves_an_undecided_device_part_open(client, auth, api, users, solution,
                                                                          decided):
    record = decided(solution, UNDECIDED, override={"category": "minimal_risk"})
    assert record["result"]["medical_device"]["regulation"] == "needs_review"
    assert record["effective"] == {"category": "minimal_risk", "device_class": None, "needs_review": True}
    detail = api("get", f"/solutions/{solution.id}", users["owner"]).get_json()
    assert detail["current_classification"]["needs_review"] is True
    request = client.post(f"/api/v1/solutions/{solution.id}/transitions", json={"to": "pilot"},
                          headers=auth(users["owner"], **{"If-Match": f'"{detail["version"]}"'}))
    assert request.status_code == 409, request.get_json()
    assert "classification_needs_review" in [unmet["code"] for unmet in request.get_json()["unmet"]]


def test_invalid_answers_name_the_question_and_store_nothing(api, users, solution):
    for answers, question in (({**MINIMAL, "role": "maybe"}, "role"), ({"ai_systm": "yes"}, "ai_systm")):
        url = f"/solutions/{solution.id}/classifications"
        response = api("post", url, users["owner"], {"answers": answers})
        assert response.status_code == 422
        assert response.headers["Content-Type"] == "application/problem+json"
        body = response.get_json()
        assert question in body["detail"]
        assert question in body["questions"]
    assert db.session.scalar(select(func.count(Classification.id))) == 0
    assert db.session.scalar(select(func.count(RuleSetSnapshot.id))) == 0


def test_body_must_hold_answers_only(api, users, solution):
    response = api("post", f"/solutions/{solution.id}/classifications", users["owner"],
                   {"answers": MINIMAL, "status": "approved"})
    assert response.status_code == 422
    assert "status" in response.get_json()["errors"]
    assert api("post", f"/solutions/{solution.id}/classifications", users["owner"], {}).status_code == 422


def test_approval_updates_the_solution_and_clears_rereview(api, users, solution, decided):
    from ai_register.solutions.models import Solution

    solution.needs_rereview = True
    db.session.commit()
    decided(solution, EMPLOYMENT)
    db.session.expire_all()
    stored = db.session.get(Solution, solution.id)
    assert stored.needs_rereview is False
    if hasattr(Solution, "current_ai_act_category"):
        assert stored.current_ai_act_category == "high_risk"
    solution_events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity_type == "solution", AuditEvent.solution_id == solution.id)
    ).all()
    assert any("needs_rereview" in e.data.get("changes", {}) for e in solution_events)


def test_a_broken_rule_set_classifies_nothing(app, api, users, solution, tmp_path):
    import shutil

    from ai_register.config import PROJECT_ROOT

    broken = tmp_path / "broken_rules"
    shutil.copytree(PROJECT_ROOT / "risk_rules", broken)
    (broken / "ai_act.yaml").write_text("rules: [\n", encoding="utf-8")
    app.config["RISK_RULES_DIR"] = str(broken)
    response = api("post", f"/solutions/{solution.id}/classifications", users["owner"], {"answers": MINIMAL})
    assert response.status_code == 503
    assert "ai_act.yaml" in response.get_json()["detail"]
    assert api("post", "/classifications/preview", users["owner"], {"answers": MINIMAL}).status_code == 503
    assert db.session.scalar(select(func.count(Classification.id))) == 0
