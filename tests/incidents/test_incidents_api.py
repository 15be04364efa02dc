"""Incidents through the HTTP API: reporting, duties for the region's role, deadlines in frozen time,
status flow, overdue list, the pause prompt, and who may do what."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from ai_register.audit.models import AuditEvent
from ai_register.audit.services import verify_stored_chain
from ai_register.extensions import db
from ai_register.incidents.models import Incident, IncidentDuty
from ai_register.notifications.models import Notification
from tests.answers import HIGH_RISK, MDR_DEVICE, MINIMAL


def duty(incident: dict, key: str) -> dict | None:
    return next((d for d in incident["duties"] if d["key"] == key and d["applies"]), None)


def duty_keys(incident: dict) -> set[str]:
    return {d["key"] for d in incident["duties"] if d["applies"]}


STOCKHOLM = ZoneInfo("Europe/Stockholm")


def local(*args) -> str:
    return datetime(*args, tzinfo=STOCKHOLM).isoformat()


def overdue_ids(api, who="compliance") -> list[int]:
    response = api.get(who, "/api/v1/incidents?overdue=true")
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["items"]]


# --------------------------------------------------------------------------- reporting


def test_report_with_only_what_happened(api, solution, report):
    with freeze_time("2026-05-04 08:00:00"):
        response = report(solution)
    assert response.status_code == 201, response.get_json()
    incident = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/incidents/{incident['id']}")
    assert incident["status"] == "reported"
    assert incident["became_aware_at"].startswith("2026-05-04T08:00:00")
    assert incident["occurred_at"] == incident["became_aware_at"]
    assert incident["patient_harm"] == "none"
    assert incident["serious"] is False and incident["duties"] == []
    assert incident["suggested_decision"] is None


def test_death_gets_ten_days_from_awareness_and_is_overdue_on_day_eleven(api, solution, classify, report):
    classify(solution, HIGH_RISK, role="provider")
    with freeze_time("2026-05-04 08:00:00") as clock:  # 10:00 in Stockholm
        response = report(solution, patient_harm="death", occurred_at=local(2026, 5, 2, 14, 0),
                          care_unit="Akutmottagningen")
        assert response.status_code == 201, response.get_json()
        incident = response.get_json()
        assert incident["serious"] is True
        assert incident["regulatory_context"]["role"] == "provider"
        art73 = duty(incident, "ai_act_art73")
        assert art73["deadline_days"] == 10 and art73["ground"] == "death"
        assert "Art 73(4)" in art73["citation"]
        # Counted from awareness (4 May), not from the event (2 May).
        assert art73["due_on"] == "2026-05-14"
        assert art73["due_at"].startswith("2026-05-14T21:59:59")
        assert duty(incident, "lex_maria")["recipient"] == "ivo"
        assert "ai_act_art26_5_provider" not in duty_keys(incident)

        # Lex Maria's own target (7 days) is met on day 5; the Art 73 report is what remains.
        clock.move_to("2026-05-09 08:00:00")
        lex_maria = [{"key": "lex_maria", "status": "done", "reference": "IVO 3.1-1/2026"},
                     {"key": "lex_maria_investigation", "status": "done", "reference": "Utredning 2026-17"},
                     {"key": "lex_maria_patient_information", "status": "done", "reference": "Journal 2026-05-08"}]
        assert api.patch_current("owner", f"/api/v1/incidents/{incident['id']}",
                         json={"duties": lex_maria}).status_code == 200
        clock.move_to("2026-05-14 21:59:00")  # 23:59 on day 10 in Stockholm
        assert incident["id"] not in overdue_ids(api)
        clock.move_to("2026-05-14 22:00:01")  # 00:00:01 on day 11
        assert incident["id"] in overdue_ids(api)
        current = api.get("owner", f"/api/v1/incidents/{incident['id']}").get_json()
        assert current["overdue"] is True
        assert duty(current, "ai_act_art73")["overdue"] is True


def test_deployer_serious_incident_shows_the_duty_to_inform_the_provider(api, solution, classify, report):
    classify(solution, HIGH_RISK, role="deployer")
    incident = report(solution, patient_harm="serious").get_json()
    assert incident["regulatory_context"]["role"] == "deployer"
    inform = duty(incident, "ai_act_art26_5_provider")
    assert inform["recipient"] == "provider" and inform["deadline_kind"] == "immediately"
    assert inform["due_at"] == incident["became_aware_at"]
    assert "Art 26(5)" in inform["citation"]
    assert "cannot be reached" in inform["fallback"]
    assert "ai_act_art73" not in duty_keys(incident)


@pytest.mark.parametrize(("fields", "days"), [
    ({"patient_harm": "serious"}, 15),
    ({"patient_harm": "death"}, 10),
    ({"widespread_or_critical_infrastructure": True}, 2),
])
def test_provider_art_73_variants(api, solution, classify, report, fields, days):
    classify(solution, HIGH_RISK, role="provider")
    incident = report(solution, **fields).get_json()
    assert duty(incident, "ai_act_art73")["deadline_days"] == days


def test_device_takes_the_mdr_route_and_art_73_10_limits_the_ai_act_report(api, solution, classify, report):
    classify(solution, MDR_DEVICE, role="provider")
    incident = report(solution, patient_harm="death", device_malfunction=True).get_json()
    assert incident["regulatory_context"]["device"] == "mdr"
    keys = duty_keys(incident)
    assert "mdr_art87" in keys and "ai_act_art73" not in keys and "ai_act_art73_10" not in keys
    assert "Art 87(5)" in duty(incident, "mdr_art87")["citation"]
    assert duty(incident, "mdr_art87")["recipient"] == "lakemedelsverket"
    # A fundamental-rights infringement of a device is the one AI Act notification (Art 73(10)).
    rights = report(solution, fundamental_rights_concern=True, patient_harm="serious").get_json()
    assert "ai_act_art73_10" in duty_keys(rights)
    assert "ai_act_art73" not in duty_keys(rights)


def test_device_deployer_reports_under_hslf_fs_2021_52(api, solution, classify, report):
    classify(solution, MDR_DEVICE, role="deployer")
    incident = report(solution, patient_harm="serious", device_malfunction=True).get_json()
    assert {"hslf_fs_2021_52_manufacturer", "hslf_fs_2021_52_lakemedelsverket",
            "ai_act_art26_5_provider"} <= duty_keys(incident)


def test_without_an_approved_classification_both_duty_sets_are_listed(api, solution, report):
    incident = report(solution, patient_harm="death").get_json()
    assert incident["regulatory_context"]["role"] is None
    assert incident["regulatory_context"]["source"] == "no approved classification"
    assert {"ai_act_art73", "ai_act_art26_5_provider", "mdr_art87", "hslf_fs_2021_52_manufacturer",
            "lex_maria"} <= duty_keys(incident)
    assert "provider" in duty(incident, "ai_act_art73")["condition"]


def test_minimal_risk_death_is_a_lex_maria_case_only(api, solution, classify, report):
    classify(solution, MINIMAL)
    incident = report(solution, patient_harm="death").get_json()
    # Lex Maria follows from the event, whatever the class (PSL 3 kap. 3 §, 5 §, 8 §).
    assert duty_keys(incident) == {"lex_maria", "lex_maria_investigation", "lex_maria_patient_information"}
    assert duty(incident, "lex_maria")["citation"] == "Patientsäkerhetslagen (2010:659), 3 kap. 5 §; HSLF-FS 2017:41"
    assert any("high-risk systems only" in note for note in incident["assessment"]["notes"])


def test_awareness_before_the_event_and_in_the_future_are_refused(api, solution, report):
    with freeze_time("2026-05-04 08:00:00"):
        bad = report(solution, occurred_at=local(2026, 5, 4, 9), became_aware_at=local(2026, 5, 4, 8))
        assert bad.status_code == 422
        assert bad.headers["Content-Type"].startswith("application/problem+json")
        assert "became_aware_at" in bad.get_json()["errors"]
        future = report(solution, became_aware_at=local(2026, 5, 5, 9))
        assert future.status_code == 422
        naive = report(solution, became_aware_at="2026-05-04T09:00:00")
        assert naive.status_code == 422
        unknown = report(solution, patient_harm="catastrophic")
        assert unknown.status_code == 422 and "patient_harm" in unknown.get_json()["errors"]
        extra = report(solution, severity="high")
        assert extra.status_code == 422
        missing = api.post("owner", f"/api/v1/solutions/{solution.id}/incidents", json={})
        assert missing.status_code == 422 and "what_happened" in missing.get_json()["errors"]
    assert db.session.scalar(select(Incident.id)) is None


def test_report_is_audited_with_its_duties(api, solution, report):
    incident = report(solution, patient_harm="death").get_json()
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.solution_id == solution.id)).all()
    created = {(e.entity_type, e.action) for e in events}
    assert ("incident", "create") in created and ("incident_duty", "create") in created
    record = next(e for e in events if e.entity_type == "incident")
    assert record.entity_id == str(incident["id"])
    assert record.data["record"]["patient_harm"] == "death"
    assert verify_stored_chain().intact


# --------------------------------------------------------------------------- managing


def test_status_flow_and_duties(api, solution, classify, report):
    classify(solution, HIGH_RISK, role="provider")
    incident = report(solution, patient_harm="death").get_json()
    path = f"/api/v1/incidents/{incident['id']}"

    skip = api.patch_current("owner", path, json={"status": "closed"})
    assert skip.status_code == 409 and skip.get_json()["allowed"] == ["assessed"]
    assessed = api.patch_current("compliance", path, json={"status": "assessed", "assessment_notes": "Confirmed."})
    assert assessed.status_code == 200, assessed.get_json()
    assert assessed.get_json()["status"] == "assessed"

    early = api.patch_current("owner", path, json={"status": "reported_to_authority"})
    assert early.status_code == 409
    done = api.patch_current("owner", path, json={
        "status": "reported_to_authority",
        "duties": [{"key": "ai_act_art73", "status": "done", "reference": "MSA-2026-17"}]})
    assert done.status_code == 200, done.get_json()
    body = done.get_json()
    assert body["status"] == "reported_to_authority"
    assert duty(body, "ai_act_art73")["status"] == "done"
    assert duty(body, "ai_act_art73")["reference"] == "MSA-2026-17"

    still_open = api.patch_current("owner", path, json={"status": "closed"})
    assert still_open.status_code == 409
    assert set(still_open.get_json()["open_duties"]) == {"lex_maria", "lex_maria_investigation",
                                                         "lex_maria_patient_information"}
    no_reason = api.patch_current("owner", path, json={"duties": [{"key": "lex_maria", "status": "not_applicable"}]})
    assert no_reason.status_code == 422
    closed = api.patch_current("owner", path, json={
        "status": "closed",
        "duties": [{"key": "lex_maria", "status": "done", "reference": "IVO 3.1-1234/2026"},
                   {"key": "lex_maria_investigation", "status": "done", "reference": "Utredning 12"},
                   {"key": "lex_maria_patient_information", "status": "done", "reference": "Journal"}]})
    assert closed.status_code == 200, closed.get_json()
    assert closed.get_json()["status"] == "closed" and closed.get_json()["closed_at"]
    assert api.patch_current("owner", path, json={"care_unit": "Avd 12"}).status_code == 409

    actions = [e.action for e in db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity_type == "incident", AuditEvent.entity_id == str(incident["id"]))
        .order_by(AuditEvent.position))]
    assert actions == ["create", "transition", "transition", "transition"]
    duty_updates = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "incident_duty",
                                                               AuditEvent.action == "update")).all()
    assert {e.data["changes"]["status"]["after"] for e in duty_updates} == {"done"}


def test_reassessment_recomputes_duties_and_keeps_what_was_done(api, solution, classify, report):
    classify(solution, HIGH_RISK, role="provider")
    incident = report(solution, patient_harm="serious").get_json()
    path = f"/api/v1/incidents/{incident['id']}"
    assert duty(incident, "ai_act_art73")["deadline_days"] == 15
    api.patch_current("owner", path, json={"duties": [{"key": "lex_maria", "status": "done", "reference": "IVO-1"}]})
    worse = api.patch_current("compliance", path,
                      json={"patient_harm": "death", "reason": "The patient died."}).get_json()
    assert duty(worse, "ai_act_art73")["deadline_days"] == 10
    assert duty(worse, "lex_maria")["status"] == "done"
    milder = api.patch_current("compliance", path, json={"patient_harm": "harm"}).get_json()
    # Still patient harm: the Lex Maria duties stay (the IVO report if it could have been serious).
    assert duty_keys(milder) == {"lex_maria", "lex_maria_investigation", "lex_maria_patient_information"}
    kept = {d["key"]: d for d in milder["duties"]}
    assert kept["ai_act_art73"]["applies"] is False  # kept for the record
    assert milder["serious"] is False


def test_unknown_duty_key_is_refused_and_nothing_changes(api, solution, report):
    incident = report(solution, patient_harm="death").get_json()
    response = api.patch_current("owner", f"/api/v1/incidents/{incident['id']}",
                         json={"status": "assessed", "duties": [{"key": "nope", "status": "done"}]})
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(Incident, incident["id"]).status == "reported"


# --------------------------------------------------------------------------- pause prompt


def test_serious_incident_prompts_the_oversight_owner_to_consider_a_pause(api, solution, report, users):
    from ai_register.oversight.models import OversightAssignment

    db.session.add(OversightAssignment(solution_id=solution.id, user_id=users["compliance2"].id,
                                       created_by_id=users["owner"].id, authority_to_suspend=True))
    db.session.commit()
    incident = report(solution, patient_harm="death").get_json()
    assert incident["suggested_decision"] == "pause"
    prompts = db.session.scalars(
        select(Notification).where(Notification.kind == "incident_serious_consider_pause")).all()
    assert [n.user_id for n in prompts] == [users["compliance2"].id]
    mine = api.get("compliance2", "/api/v1/notifications").get_json()
    assert mine["items"][0]["kind"] == "incident_serious_consider_pause"
    assert "överväg att pausa" in mine["items"][0]["message"]
    # Nothing is decided until someone decides, through the decisions API.
    assert solution.status == "active"
    from ai_register.solutions.models import Decision

    assert db.session.scalar(select(Decision.id)) is None


def test_pause_suggestion_ends_when_a_pause_is_decided(api, solution, report, make_solution):
    incident = report(solution, patient_harm="serious").get_json()
    assert incident["suggested_decision"] == "pause"
    etag = api.get("owner", f"/api/v1/solutions/{solution.id}").headers["ETag"]
    decided = api.post("owner", f"/api/v1/solutions/{solution.id}/decisions", headers={"If-Match": etag},
                       json={"kind": "pause", "rationale": f"Serious incident {incident['id']}"})
    assert decided.status_code in (200, 201), decided.get_json()
    again = api.get("owner", f"/api/v1/incidents/{incident['id']}").get_json()
    assert again["suggested_decision"] is None


def test_without_an_oversight_account_the_owners_are_prompted(api, solution, report, users):
    report(solution, patient_harm="death")
    prompts = db.session.scalars(select(Notification.user_id).where(
        Notification.kind == "incident_serious_consider_pause")).all()
    assert prompts == [users["owner"].id]


# --------------------------------------------------------------------------- lists


def test_lists_and_overdue_list_by_role(api, make_solution, report, users):
    mine = make_solution()
    theirs = make_solution(owner=users["owner2"], name="Other")
    with freeze_time("2026-05-04 08:00:00") as clock:
        a = report(mine, patient_harm="death").get_json()
        b = report(theirs, "owner2", patient_harm="death").get_json()
        c = report(mine).get_json()
        clock.move_to("2026-06-01 08:00:00")
        assert sorted(overdue_ids(api, "compliance")) == sorted([a["id"], b["id"]])
        assert sorted(overdue_ids(api, "auditor")) == sorted([a["id"], b["id"]])
        assert overdue_ids(api, "owner") == [a["id"]]
        assert overdue_ids(api, "owner2") == [b["id"]]
        everything = api.get("owner", "/api/v1/incidents").get_json()
        assert {i["id"] for i in everything["items"]} == {a["id"], c["id"]} and everything["total"] == 2
        not_overdue = api.get("owner", "/api/v1/incidents?overdue=false").get_json()
        assert [i["id"] for i in not_overdue["items"]] == [c["id"]]
        per_solution = api.get("auditor", f"/api/v1/solutions/{mine.id}/incidents?serious=true").get_json()
        assert [i["id"] for i in per_solution["items"]] == [a["id"]]
        paged = api.get("compliance", "/api/v1/incidents?per_page=1&page=2").get_json()
        assert paged["total"] == 3 and len(paged["items"]) == 1
        assert api.get("owner", "/api/v1/incidents?bogus=1").status_code == 422


# --------------------------------------------------------------------------- who may do what


def test_roles_on_every_incident_endpoint(api, solution, report, users):
    incident = report(solution, patient_harm="death").get_json()
    one = f"/api/v1/incidents/{incident['id']}"
    many = f"/api/v1/solutions/{solution.id}/incidents"
    body = {"what_happened": "Wrong output shown."}

    # Auditors read everything and change nothing, not even incidents.
    assert api.get("auditor", many).status_code == 200
    assert api.get("auditor", one).status_code == 200
    assert api.post("auditor", many, json=body).status_code == 403
    assert api.patch("auditor", one, json={"status": "assessed"}).status_code == 403
    # Another owner's solution does not exist for them.
    assert api.get("owner2", many).status_code == 404
    assert api.get("owner2", one).status_code == 404
    assert api.post("owner2", many, json=body).status_code == 404
    assert api.patch("owner2", one, json={"status": "assessed"}).status_code == 404
    assert api.get("owner2", "/api/v1/incidents").get_json()["total"] == 0
    # Admins hold no register content.
    for method, path in (("GET", many), ("GET", one), ("GET", "/api/v1/incidents")):
        assert api.open(method, "admin", path).status_code == 403
    assert api.post("admin", many, json=body).status_code == 403
    assert api.patch("admin", one, json={"status": "assessed"}).status_code == 403
    # No token.
    assert api.client.get("/api/v1/incidents").status_code == 401
    # Owners and compliance report and manage.
    assert api.post("compliance", many, json=body).status_code == 201
    assert api.patch_current("owner", one, json={"status": "assessed"}).status_code == 200
    assert api.get("owner", "/api/v1/incidents/999999").status_code == 404
    duties = select(IncidentDuty.id).where(IncidentDuty.incident_id == incident["id"])
    assert db.session.scalar(duties) is not None


def test_co_owner_may_report(api, make_solution, report, users):
    from ai_register.users.models import User

    shared = make_solution()
    shared.co_owners.append(db.session.get(User, users["owner2"].id))
    db.session.commit()
    assert report(shared, "owner2").status_code == 201


def test_retired_solution_takes_no_new_incident(api, make_solution, report):
    retired = make_solution(phase="retired")
    assert report(retired).status_code == 409
    assert api.get("auditor", f"/api/v1/solutions/{retired.id}/incidents").status_code == 200


def test_dst_edge_awareness_just_after_midnight_stockholm(api, solution, classify, report):
    """00:30 on 29 March in Stockholm is still 28 March in UTC; the days count from the local day,
    across the change to summer time."""
    classify(solution, HIGH_RISK, role="provider")
    with freeze_time("2026-03-29 06:00:00"):
        incident = report(solution, patient_harm="death",
                          became_aware_at=local(2026, 3, 29, 0, 30)).get_json()
    assert incident["became_aware_at"].startswith("2026-03-28T23:30:00")
    art73 = duty(incident, "ai_act_art73")
    assert art73["due_on"] == "2026-04-08"
    assert art73["due_at"].startswith("2026-04-08T21:59:59")  # the end of the day in CEST
    with freeze_time("2026-04-08 21:59:00"):  # 23:59 in Stockholm
        current = api.get("owner", f"/api/v1/incidents/{incident['id']}").get_json()
        assert duty(current, "ai_act_art73")["overdue"] is False
    with freeze_time("2026-04-08 22:00:01"):
        current = api.get("owner", f"/api/v1/incidents/{incident['id']}").get_json()
        assert duty(current, "ai_act_art73")["overdue"] is True


def test_awareness_just_before_midnight_stockholm_counts_that_day(api, solution, classify, report):
    classify(solution, HIGH_RISK, role="provider")
    with freeze_time("2026-10-24 22:00:00"):  # 00:00 on 25 October in Stockholm (CEST)
        incident = report(solution, patient_harm="death",
                          became_aware_at=local(2026, 10, 24, 23, 59)).get_json()
    assert incident["became_aware_at"].startswith("2026-10-24T21:59:00")
    art73 = duty(incident, "ai_act_art73")
    assert art73["due_on"] == "2026-11-03"
    assert art73["due_at"].startswith("2026-11-03T22:59:59")  # the end of the day in CET, after the change


def test_assessment_picks_up_a_classification_approved_after_the_report(api, solution, classify, report):
    incident = report(solution, patient_harm="death").get_json()
    assert "provider" in duty(incident, "ai_act_art73")["condition"]
    classify(solution, HIGH_RISK, role="deployer")
    assessed = api.patch_current("compliance", f"/api/v1/incidents/{incident['id']}", json={"status": "assessed"})
    body = assessed.get_json()
    assert body["regulatory_context"]["role"] == "deployer"
    assert "ai_act_art73" not in duty_keys(body) and "mdr_art87" not in duty_keys(body)
    assert duty(body, "ai_act_art26_5_provider")["condition"] is None
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "incident",
                                                        AuditEvent.action == "transition")).one()
    assert "updated_at" not in event.data["changes"]
    assert event.data["changes"]["status"] == {"before": "reported", "after": "assessed"}
