"""Periodic reviews: the interval from risk, review records, the schedule, the agenda, benefit realisation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from ai_register.audit.models import AuditEvent
from ai_register.extensions import db
from ai_register.notifications.models import Notification
from ai_register.reviews import realisation, schedule
from ai_register.reviews.models import Review
from ai_register.solutions.models import Solution
from tests.answers import HIGH_RISK, MINIMAL

TABLE = {"high_risk": 6, "limited_risk": 12, "minimal_risk": 24, "unclassified": 6}


# --------------------------------------------------------------------------- pure schedule


def test_interval_from_risk_with_override_and_device_class():
    assert schedule.interval_months(TABLE, category="high_risk") == 6
    assert schedule.interval_months(TABLE, category="minimal_risk") == 24
    assert schedule.interval_months(TABLE, category=None) == 6
    assert schedule.interval_months(TABLE, category="minimal_risk", device_class="IIb") == 6
    assert schedule.interval_months(TABLE, category="minimal_risk", override=3) == 3


def test_next_review_and_state():
    assert schedule.next_review_on(date(2026, 8, 31), 6) == date(2027, 2, 28)
    today = date(2026, 5, 4)
    assert schedule.review_state(None, today, 30) == "unscheduled"
    assert schedule.review_state(date(2026, 5, 3), today, 30) == "overdue"
    assert schedule.review_state(date(2026, 5, 4), today, 30) == "due"
    assert schedule.review_state(date(2026, 6, 3), today, 30) == "due"
    assert schedule.review_state(date(2026, 6, 4), today, 30) == "scheduled"


# --------------------------------------------------------------------------- API


def test_review_sets_the_next_date_from_the_risk_class(api, solution, classify, users):
    classify(solution, HIGH_RISK)
    db.session.refresh(solution)
    assert solution.current_ai_act_category == "high_risk"
    version = solution.version
    with freeze_time("2026-05-04 08:00:00"):
        response = api.post("owner", f"/api/v1/solutions/{solution.id}/reviews", json={
            "checked": ["classification", "oversight", "incidents"], "outcome": "satisfactory",
            "notes": "No deviations."})
    assert response.status_code == 201, response.get_json()
    review = response.get_json()
    assert review["reviewed_on"] == "2026-05-04"
    assert review["interval_months"] == 6 and review["next_review_on"] == "2026-11-04"
    db.session.expire_all()
    solution = db.session.get(Solution, solution.id)
    assert solution.next_review_on == date(2026, 11, 4)
    assert solution.version > version  # the ETag moves on
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.solution_id == solution.id)
                                .order_by(AuditEvent.position)).all()
    assert ("review", "create") in {(e.entity_type, e.action) for e in events}
    changed = [e for e in events
               if e.entity_type == "solution" and "next_review_on" in e.data.get("changes", {})]
    assert changed and changed[-1].data["changes"]["next_review_on"]["after"] == "2026-11-04"
    # The owners are asked for a follow-up decision.
    prompt = db.session.scalar(select(Notification).where(Notification.kind == "follow_up_decision"))
    assert prompt.user_id == users["owner"].id and prompt.subject_type == "review"

    listed = api.get("auditor", f"/api/v1/solutions/{solution.id}/reviews").get_json()
    assert listed["total"] == 1
    assert listed["items"][0]["checked"] == ["classification", "oversight", "incidents"]
    assert listed["schedule"]["interval_months"] == 6 and listed["schedule"]["next_review_on"] == "2026-11-04"


def test_minimal_risk_reviews_every_two_years_and_the_solution_may_override(api, make_solution, classify):
    minimal = make_solution()
    classify(minimal, MINIMAL)
    with freeze_time("2026-05-04 08:00:00"):
        review = api.post("owner", f"/api/v1/solutions/{minimal.id}/reviews",
                          json={"checked": ["goals"], "outcome": "satisfactory"}).get_json()
        assert review["next_review_on"] == "2028-05-04"
        quarterly = make_solution(review_interval_months=3)
        review = api.post("compliance", f"/api/v1/solutions/{quarterly.id}/reviews",
                          json={"checked": ["goals"], "outcome": "actions_required",
                                "reviewed_on": "2026-04-30"}).get_json()
        assert review["next_review_on"] == "2026-07-30"
        chosen = api.post("owner", f"/api/v1/solutions/{quarterly.id}/reviews",
                          json={"checked": ["goals"], "outcome": "satisfactory",
                                "next_review_on": "2026-06-01"}).get_json()
        assert chosen["next_review_on"] == "2026-06-01"


def test_bad_review_input_writes_nothing(api, solution):
    path = f"/api/v1/solutions/{solution.id}/reviews"
    with freeze_time("2026-05-04 08:00:00"):
        assert api.post("owner", path, json={"checked": ["x"], "outcome": "fine"}).status_code == 422
        assert api.post("owner", path, json={"checked": [], "outcome": "satisfactory"}).status_code == 422
        future = api.post("owner", path, json={"checked": ["x"], "outcome": "satisfactory",
                                               "reviewed_on": "2026-05-05"})
        assert future.status_code == 422 and "reviewed_on" in future.get_json()["errors"]
        backwards = api.post("owner", path, json={"checked": ["x"], "outcome": "satisfactory",
                                                  "next_review_on": "2026-05-04"})
        assert backwards.status_code == 422 and "next_review_on" in backwards.get_json()["errors"]
    assert db.session.scalar(select(Review.id)) is None
    assert db.session.get(Solution, solution.id).next_review_on is None


def test_review_roles(api, solution, make_solution, users):
    path = f"/api/v1/solutions/{solution.id}/reviews"
    body = {"checked": ["incidents"], "outcome": "satisfactory"}
    assert api.post("auditor", path, json=body).status_code == 403
    assert api.post("admin", path, json=body).status_code == 403
    assert api.post("owner2", path, json=body).status_code == 404
    assert api.get("owner2", path).status_code == 404
    assert api.get("admin", path).status_code == 403
    assert api.get("auditor", path).status_code == 200
    assert api.post("compliance", path, json=body).status_code == 201
    assert api.post("owner", path, json=body).status_code == 201
    retired = make_solution(phase="retired")
    assert api.post("compliance", f"/api/v1/solutions/{retired.id}/reviews", json=body).status_code == 409


def test_schedule_lists_due_and_overdue_reviews_by_role(api, make_solution, users):
    with freeze_time("2026-05-04 08:00:00"):
        overdue = make_solution(name="Late", phase="management", next_review_on=date(2026, 4, 1))
        due = make_solution(name="Soon", phase="management", next_review_on=date(2026, 5, 20))
        make_solution(name="Later", phase="management", next_review_on=date(2026, 12, 1))
        make_solution(name="Unscheduled", phase="management")
        other = make_solution(owner=users["owner2"], name="Theirs", phase="pilot",
                              next_review_on=date(2026, 1, 1))
        listed = api.get("compliance", "/api/v1/reviews/schedule").get_json()
        assert [i["solution_id"] for i in listed["items"]] == [other.id, overdue.id, due.id]
        assert [i["state"] for i in listed["items"]] == ["overdue", "overdue", "due"]
        only_overdue = api.get("auditor", "/api/v1/reviews/schedule?state=overdue").get_json()
        assert {i["solution_id"] for i in only_overdue["items"]} == {other.id, overdue.id}
        mine = api.get("owner", "/api/v1/reviews/schedule").get_json()
        assert [i["solution_id"] for i in mine["items"]] == [overdue.id, due.id]
        unscheduled = api.get("owner", "/api/v1/reviews/schedule?state=unscheduled").get_json()
        assert [i["solution_name"] for i in unscheduled["items"]] == ["Unscheduled"]
        assert api.get("admin", "/api/v1/reviews/schedule").status_code == 403
        assert api.get("owner", "/api/v1/reviews/schedule?state=late").status_code == 422


def test_follow_up_agenda(api, make_solution, report, users):
    from ai_register.evidence.models import Evidence
    from ai_register.oversight.models import OversightAssignment

    with freeze_time("2026-05-04 08:00:00"):
        solution = make_solution(phase="management", next_review_on=date(2026, 5, 1))
        db.session.add(Evidence(solution_id=solution.id, type="ce_certificate", title="CE certificate",
                                issued_on=date(2021, 6, 1), expires_on=date(2026, 6, 30),
                                created_by_id=users["owner"].id))
        db.session.add(Evidence(solution_id=solution.id, type="dpia", title="DPIA",
                                issued_on=date(2024, 1, 1),
                                expires_on=date(2027, 1, 1), created_by_id=users["owner"].id))
        db.session.add(OversightAssignment(solution_id=solution.id, user_id=users["owner"].id,
                                           created_by_id=users["owner"].id, authority_to_suspend=True,
                                           accepted_on=date(2025, 5, 20)))
        db.session.commit()
        report(solution, patient_harm="death")
        agenda = api.get("owner", "/api/v1/follow-up").get_json()
        kinds = {item["kind"] for item in agenda["items"]}
        assert {"review_overdue", "evidence_expiring", "oversight_confirmation_due", "incident_duty_due",
                "incident_serious_consider_pause"} <= kinds
        assert "DPIA" not in {i["details"].get("evidence") for i in agenda["items"]}
        oversight = next(i for i in agenda["items"] if i["kind"] == "oversight_confirmation_due")
        assert oversight["due_on"] == "2026-05-20"
        assert agenda["overdue"] == sum(1 for i in agenda["items"] if i["overdue"])
        assert agenda["items"][0]["overdue"] is True  # overdue first
        only = api.get("owner", "/api/v1/follow-up?overdue=true").get_json()
        assert {i["kind"] for i in only["items"]} == {"review_overdue"}
        assert api.get("owner2", "/api/v1/follow-up").get_json()["total"] == 0
        assert api.get("auditor", f"/api/v1/follow-up?solution_id={solution.id}").get_json()["total"] == \
            agenda["total"]
        assert api.get("admin", "/api/v1/follow-up").status_code == 403


# --------------------------------------------------------------------------- benefit realisation


def test_realisation_is_pure_progress_and_trend():
    goals = [
        {"id": 1, "perspective": "operations", "title": "Shorter waits", "baseline": Decimal(60),
         "target": Decimal(30), "higher_is_better": False,
         "measurements": [(date(2026, 3, 1), Decimal(50)), (date(2026, 1, 1), Decimal(55)),
                          (date(2026, 5, 1), Decimal(40))]},
        {"id": 2, "perspective": "operations", "title": "More screened", "baseline": 100, "target": 200,
         "higher_is_better": True, "measurements": [(date(2026, 1, 1), 150), (date(2026, 5, 1), 120)]},
        {"id": 3, "perspective": "economy", "title": "Cost", "baseline": 10, "target": 8,
         "higher_is_better": False, "measurements": []},
    ]
    result = realisation.realisation(goals)
    waits, screened, cost = result["goals"]
    assert waits["latest_value"] == 40 and waits["progress_pct"] == 66.7 and waits["trend"] == "improving"
    assert [p["measured_on"] for p in waits["series"]] == ["2026-01-01", "2026-03-01", "2026-05-01"]
    assert screened["progress_pct"] == 20.0 and screened["trend"] == "worsening"
    assert cost["progress_pct"] is None and cost["trend"] == "insufficient_data"
    operations = next(p for p in result["perspectives"] if p["perspective"] == "operations")
    assert operations["progress_pct"] == pytest.approx(43.35, abs=0.06)
    assert operations["goals"] == 2 and operations["trend"] == "stable"
    assert [p["perspective"] for p in result["perspectives"]][:5] == list(realisation.PERSPECTIVES)
    earlier = realisation.realisation(goals, as_of=date(2026, 3, 31))
    assert earlier["goals"][0]["latest_value"] == 50


def test_realisation_endpoint(api, solution, users):
    from ai_register.goals.models import Goal, Measurement

    goal = Goal(solution_id=solution.id, perspective="staff_managers", title="Time freed",
                indicator="hours/week",
                baseline=Decimal(0), target=Decimal(10), created_by_id=users["owner"].id)
    db.session.add(goal)
    db.session.flush()
    for day, value in ((date(2026, 2, 1), 2), (date(2026, 4, 1), 5)):
        db.session.add(Measurement(goal_id=goal.id, measured_on=day, value=Decimal(value),
                                   recorded_by_id=users["owner"].id))
    db.session.commit()
    body = api.get("auditor", f"/api/v1/solutions/{solution.id}/benefit-realisation").get_json()
    assert body["goals"][0]["progress_pct"] == 50.0 and body["goals"][0]["trend"] == "improving"
    staff = next(p for p in body["perspectives"] if p["perspective"] == "staff_managers")
    assert staff["progress_pct"] == 50.0
    assert api.get("owner2", f"/api/v1/solutions/{solution.id}/benefit-realisation").status_code == 404
    assert api.get("admin", f"/api/v1/solutions/{solution.id}/benefit-realisation").status_code == 403


def test_follow_up_agenda_pages_are_the_whole_agenda_in_order(api, make_solution, users):
    """Each source reads only the first items a page needs and counts the rest in SQL: the pages, put
    together, are the agenda the reminders run collects, in its order, with the same counts and filters."""
    from datetime import timedelta

    from ai_register.evidence.models import Evidence
    from ai_register.oversight.models import OversightAssignment
    from ai_register.reviews import agenda

    owner = users["owner"].id
    with freeze_time("2026-05-04 08:00:00"):
        for n in range(7):
            solution = make_solution(phase=("management", "pilot", "rollout")[n % 3],
                                     next_review_on=date(2026, 4, 20) + timedelta(days=5 * n),
                                     critical_for_patient_care=n % 2 == 0)
            db.session.add(Evidence(solution_id=solution.id, type="dpia", title=f"DPIA {n}",
                                    issued_on=date(2024, 1, 1), expires_on=date(2026, 4, 28) + timedelta(days=4 * n),
                                    created_by_id=owner))
            if solution.phase == "pilot":
                db.session.add(Evidence(solution_id=solution.id, type="pilot_evaluation", title="Evaluation",
                                        issued_on=date(2026, 3, 1 + n), created_by_id=owner))
            db.session.add(OversightAssignment(solution_id=solution.id, user_id=owner, created_by_id=owner,
                                               authority_to_suspend=True,
                                               accepted_on=date(2025, 4, 25) + timedelta(days=6 * n)))
        db.session.commit()
        everything = agenda.collect()
        whole = api.get("compliance", "/api/v1/follow-up?per_page=200").get_json()
        assert len(everything) == whole["total"] >= 20
        assert len({item.kind for item in everything}) >= 8
        expected = [(i.kind, i.subject_id) for i in everything]
        assert [(i["kind"], i["subject_id"]) for i in whole["items"]] == expected
        assert whole["overdue"] == sum(1 for i in everything if i.overdue)
        pages = []
        for number in range(1, 20):
            body = api.get("compliance", f"/api/v1/follow-up?per_page=4&page={number}").get_json()
            assert (body["total"], body["overdue"], body["page"]) == (whole["total"], whole["overdue"], number)
            pages += [(i["kind"], i["subject_id"]) for i in body["items"]]
        assert pages == expected
        for query, keep in (("overdue=true", lambda i: i.overdue), ("overdue=false", lambda i: not i.overdue),
                            ("kind=evidence_expiring", lambda i: i.kind == "evidence_expiring"),
                            ("kind=oversight_confirmation_overdue&overdue=true",
                             lambda i: i.kind == "oversight_confirmation_overdue"),
                            ("kind=review_due&overdue=true", lambda i: False)):
            wanted = [(i.kind, i.subject_id) for i in everything if keep(i)]
            body = api.get("owner", f"/api/v1/follow-up?{query}&per_page=3&page=2").get_json()
            assert body["total"] == len(wanted), query
            assert [(i["kind"], i["subject_id"]) for i in body["items"]] == wanted[3:6], query


def test_serious_incidents_on_the_agenda_are_the_ones_suggesting_a_pause(api, make_solution, report, users):
    """The agenda finds serious incidents awaiting a pause decision in SQL, a page at a time: exactly the
    open incidents for which `suggested_decision` says "pause"."""
    from ai_register.incidents.models import Incident
    from ai_register.incidents.services import suggested_decision
    from ai_register.reviews import agenda
    from ai_register.solutions.models import Decision

    with freeze_time("2026-05-04 08:00:00"):
        solutions = [make_solution(name=f"Serious {n}", phase="management") for n in range(6)]
        for solution in solutions:
            assert report(solution, patient_harm="death").status_code == 201
        assert report(solutions[0]).status_code == 201  # not serious: no pause prompted
        solutions[1].status = "paused"
        solutions[2].phase = "decommissioning"
        db.session.add(Decision(solution_id=solutions[3].id, kind="pause", rationale="Paused at once",
                                decided_on=date(2026, 5, 4), decided_by_id=users["compliance"].id,
                                phase="management", status_before="active", status_after="paused"))
        closed = db.session.scalars(select(Incident).where(Incident.solution_id == solutions[4].id)).one()
        closed.status = "closed"
        db.session.commit()
        expected = [i.id for i in db.session.scalars(select(Incident).order_by(Incident.id))
                    if suggested_decision(i) == "pause"]
        assert len(expected) == 2  # solutions 0 and 5
        found = [item.subject_id for item in agenda.collect() if item.kind == "incident_serious_consider_pause"]
        assert found == expected
        first = api.get("compliance", "/api/v1/follow-up?kind=incident_serious_consider_pause&per_page=1").get_json()
        assert first["total"] == 2 and [i["subject_id"] for i in first["items"]] == expected[:1]
