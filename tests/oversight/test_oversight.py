"""The human-oversight owner through the API: naming (If-Match), history, re-confirmation and who
may confirm."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from ai_register.extensions import db
from ai_register.oversight import services as oversight_services
from ai_register.oversight.models import OversightAssignment, Person
from ai_register.oversight.rules import add_months, confirmation_due_on
from ai_register.solutions.lifecycle.facts import GateFacts
from ai_register.solutions.lifecycle.gates import oversight_confirmed
from ai_register.solutions.services import region_today
from tests.helpers import events, problem

MONITORS = {"understands_capabilities_limits": True, "aware_of_automation_bias": True,
            "interprets_output": True, "can_disregard_override_reverse": True, "can_interrupt_stop": True}
NURSE = {"name": "Nils Nurse", "title": "Specialist nurse", "unit": "Akutmottagningen Sunderby",
         "contact": "nils.nurse@region.example"}


IN_THREE_DAYS = (date.today() + timedelta(days=3)).isoformat()


def body(person: dict, **changes) -> dict:
    """An assignment; a person with an account records their acceptance themself (so none here)."""
    return {"person": person, "deputy": None, "competence": "Ten years in triage",
            "training": "Region AI oversight course", "training_completed_on": "2026-01-20",
            "authority_to_suspend": True, "monitors": MONITORS,
            "accepted_on": None if "user_id" in person else "2026-02-01", **changes}


def url(sid: int, tail: str = "") -> str:
    return f"/api/v1/solutions/{sid}/oversight{tail}"


def etag(api, sid: int) -> str:
    return api.get("compliance", url(sid)).headers["ETag"]


def put(api, sid: int, data: dict, who: str = "owner", if_match: str | None = '"1"'):
    headers = {"If-Match": if_match} if if_match is not None else {}
    return api.put(who, url(sid), json=data, headers=headers)


def assign(api, sid: int, data: dict, who: str = "owner") -> dict:
    response = put(api, sid, data, who, if_match=etag(api, sid))
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()


# --- naming the owner -------------------------------------------------------------------------------

def test_name_a_person_without_an_account(api, solution, users):
    problem(api.get("owner", url(solution.id)), 404)
    assert api.get("owner", url(solution.id)).headers["ETag"] == '"1"'
    response = put(api, solution.id, body(NURSE, deputy={"user_id": users["owner2"].id}))
    assert response.status_code == 201, response.get_json()
    assert response.headers["ETag"] == '"2"'
    record = response.get_json()
    assert record["person"] == {"kind": "person", "user_id": None, "person_id": record["person"]["person_id"],
                                **NURSE}
    assert record["deputy"]["kind"] == "user" and record["deputy"]["name"] == "Otto Owner"
    assert record["monitors"] == MONITORS and record["authority_to_suspend"] is True
    assert record["accepted_on"] == "2026-02-01" and record["confirmed_on"] is None
    assert record["confirmation_due_on"] == "2027-02-01"
    assert record["counts_as_oversight_owner"] is True and record["current"] is True
    assert record["created_by_id"] == users["owner"].id
    current = api.get("auditor", url(solution.id))
    assert current.status_code == 200 and current.get_json()["id"] == record["id"]
    assert current.headers["ETag"] == '"2"'


def test_name_a_user_account(api, solution, users):
    record = assign(api, solution.id, body({"user_id": users["compliance2"].id}, accepted_on=None))
    assert record["person"] == {"kind": "user", "user_id": users["compliance2"].id, "person_id": None,
                                "name": "Carl Compliance", "title": None, "unit": None,
                                "contact": "compliance2@region.example"}
    assert record["accepted_on"] is None and record["confirmation_overdue"] is True


def test_only_the_person_records_their_acceptance(api, solution, users):
    """Naming someone with an account cannot start their 12 months for them; for a person without
    one, the date once recorded moves only by compliance's hand."""
    for who in ("owner", "compliance"):
        refused = problem(put(api, solution.id, body({"user_id": users["owner2"].id}, accepted_on="2026-11-01"),
                              who=who, if_match=etag(api, solution.id)), 422)
        assert "accepted_on" in refused["errors"]
    assert api.get("auditor", url(solution.id)).status_code == 404
    assign(api, solution.id, body({"user_id": users["owner"].id}, accepted_on="2026-02-01"))  # herself
    assign(api, solution.id, body(NURSE))
    redated = problem(put(api, solution.id, body(NURSE, accepted_on="2026-11-01"),
                          if_match=etag(api, solution.id)), 422)
    assert "accepted_on" in redated["errors"]
    assert api.get("auditor", url(solution.id)).get_json()["accepted_on"] == "2026-02-01"
    assert assign(api, solution.id, body(NURSE, accepted_on="2026-03-01"), who="compliance")["accepted_on"] \
        == "2026-03-01"
    # An account holder's own acceptance, sent back unchanged by whoever edits the assignment, stands.
    assign(api, solution.id, body({"user_id": users["owner2"].id}))
    api.post("owner2", url(solution.id, "/confirm"), json={"confirmed_on": "2026-04-01"})
    edited = assign(api, solution.id, body({"user_id": users["owner2"].id}, accepted_on="2026-04-01",
                                           training="Refresher"))
    assert (edited["accepted_on"], edited["training"]) == ("2026-04-01", "Refresher")


def test_if_match_is_required_and_checked(api, solution):
    problem(put(api, solution.id, body(NURSE), if_match=None), 428)
    stale = problem(put(api, solution.id, body(NURSE), if_match='"7"'), 412)
    assert stale["current_version"] == 1
    first = put(api, solution.id, body(NURSE), if_match='"1"')
    assert first.status_code == 201 and first.headers["ETag"] == '"2"'
    problem(put(api, solution.id, body(NURSE), if_match='"1"'), 412)  # the ETag the first writer used
    second = put(api, solution.id, body(NURSE), if_match=first.headers["ETag"])
    assert second.status_code == 200 and second.headers["ETag"] == '"3"'
    db.session.expire_all()
    assert solution.version == 3


def test_a_new_owner_ends_the_current_and_history_is_kept(api, solution, users):
    first = assign(api, solution.id, body(NURSE))
    second = assign(api, solution.id, body({"user_id": users["owner2"].id}, accepted_on=None),
                    who="compliance")
    history = api.get("auditor", url(solution.id, "/history")).get_json()
    assert history["total"] == 2 and [a["id"] for a in history["items"]] == [second["id"], first["id"]]
    ended = history["items"][1]
    assert ended["current"] is False and ended["ended_at"] and ended["ended_by_id"] == users["compliance"].id
    assert ended["counts_as_oversight_owner"] is False
    assert history["items"][0]["current"] is True
    assert api.get("owner", url(solution.id)).get_json()["id"] == second["id"]
    assert db.session.scalar(select(db.func.count()).select_from(OversightAssignment).where(
        OversightAssignment.solution_id == solution.id, OversightAssignment.ended_at.is_(None))) == 1
    paged = api.get("owner", url(solution.id, "/history"), query_string={"per_page": 1, "page": 2}).get_json()
    assert [a["id"] for a in paged["items"]] == [first["id"]]


def test_the_same_person_keeps_acceptance_and_confirmation(api, solution, users):
    assign(api, solution.id, body({"user_id": users["owner2"].id}, accepted_on=None))
    api.post("owner2", url(solution.id, "/confirm"), json={"confirmed_on": "2026-04-01"})
    data = body({"user_id": users["owner2"].id}, training="Refresher course")
    del data["accepted_on"]
    record = assign(api, solution.id, data)
    assert record["training"] == "Refresher course"
    assert (record["accepted_on"], record["confirmed_on"]) == ("2026-04-01", "2026-04-01")
    assert record["confirmed_by_id"] == users["owner2"].id
    # Someone else starts from scratch.
    other = body(NURSE)
    del other["accepted_on"]
    record = assign(api, solution.id, other)
    assert record["accepted_on"] is None and record["confirmed_on"] is None
    assert record["confirmation_due_on"] is None
    assert record["confirmation_overdue"] is True


def test_person_records_are_reused(api, make_solution):
    first, second = make_solution(), make_solution()
    a = assign(api, first.id, body(NURSE))
    b = assign(api, second.id, body(NURSE, deputy={"name": "Dora Deputy", "unit": "Akutmottagningen"}))
    assert a["person"]["person_id"] == b["person"]["person_id"]
    assert db.session.scalar(select(db.func.count()).select_from(Person)) == 2  # Nils and Dora
    assert [e.entity_type for e in events(first.id)] == ["person", "oversight_assignment"]
    assert [e.entity_type for e in events(second.id)] == ["person", "oversight_assignment"]  # Dora


@pytest.mark.parametrize(("data", "field"), [
    ({k: v for k, v in body(NURSE).items() if k != "person"}, "person"),
    (body({}), "person"),
    (body({"user_id": 1, "name": "Both"}), "person"),
    (body({"name": "  "}), "person"),
    (body(NURSE, authority_to_suspend=None), "authority_to_suspend"),
    ({k: v for k, v in body(NURSE).items() if k != "authority_to_suspend"}, "authority_to_suspend"),
    (body(NURSE, monitors={**MONITORS, "reads_minds": True}), "monitors"),
    ({k: v for k, v in body(NURSE).items() if k != "monitors"}, "monitors"),
    (body(NURSE, accepted_on="01/02/2026"), "accepted_on"),
    (body(NURSE, competence="x" * 5001), "competence"),
    (body(NURSE, colour="red"), "colour"),
    (body(NURSE, deputy=NURSE), "deputy"),
    (body(NURSE, accepted_on=IN_THREE_DAYS), "accepted_on"),
    (body(NURSE, training_completed_on=IN_THREE_DAYS), "training_completed_on"),
    (body({"user_id": 999999}), "person"),
])
def test_validation_errors_name_the_fields_and_write_nothing(api, solution, data, field):
    response = put(api, solution.id, data, if_match='"1"')
    assert field in problem(response, 422)["errors"]
    assert events(solution.id) == [] and etag(api, solution.id) == '"1"'


def test_account_must_be_active_and_able_to_confirm(api, solution, users, make_user):
    for who in (users["auditor"], users["admin"]):
        body_ = problem(put(api, solution.id, body({"user_id": who.id})), 422)
        assert "user_id" in body_["errors"]["person"]
    gone = make_user("owner")
    gone.active = False
    db.session.commit()
    problem(put(api, solution.id, body({"user_id": gone.id})), 422)
    body_ = problem(put(api, solution.id, body(NURSE, deputy={"user_id": users["admin"].id})), 422)
    assert "user_id" in body_["errors"]["deputy"]
    problem(put(api, solution.id, body({"user_id": users["owner2"].id},
                                       deputy={"user_id": users["owner2"].id})), 422)
    problem(put(api, solution.id, body({"user_id": users["owner2"].id, "title": "Dr"})), 422)


def test_authority_to_suspend_must_be_true_to_count(api, solution):
    record = assign(api, solution.id, body(NURSE, authority_to_suspend=False))
    assert record["counts_as_oversight_owner"] is False
    assert oversight_services.current_oversight(solution.id).id == record["id"]
    assert oversight_services.oversight_fact(solution.id) is None
    assign(api, solution.id, body(NURSE))
    fact = oversight_services.oversight_fact(solution.id)
    assert fact is not None and fact.confirmed_on == date(2026, 2, 1)


def test_confirmation_due_is_twelve_months_after_the_last_confirmation():
    assert confirmation_due_on(date(2026, 2, 1), None) == date(2027, 2, 1)
    assert confirmation_due_on(date(2026, 2, 1), date(2026, 9, 30)) == date(2027, 9, 30)
    assert confirmation_due_on(date(2028, 2, 29), None) == date(2029, 2, 28)
    assert confirmation_due_on(None, None) is None
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)


def test_due_date_agrees_with_the_rollout_gate(api, solution):
    today = region_today()
    accepted = add_months(today, -12) - timedelta(days=1)  # one day past the anniversary
    record = assign(api, solution.id, body(NURSE, accepted_on=accepted.isoformat()))
    assert record["confirmation_overdue"] is True
    fact = oversight_services.oversight_fact(solution.id)
    assert [u.code for u in oversight_confirmed(GateFacts(oversight_owner=fact), today, None)] == [
        "oversight_confirmation_expired"]
    # On the due day itself the gate still accepts the confirmation.
    due = date.fromisoformat(record["confirmation_due_on"])
    assert oversight_confirmed(GateFacts(oversight_owner=fact), due, None) == []
    assert oversight_confirmed(GateFacts(oversight_owner=fact), due + timedelta(days=1), None) != []


def test_the_recorded_training_meets_the_rollout_gates_art_26_2_row(api, solution):
    """DOMAIN.md's high-risk table asks for "the oversight owner's training recorded (Art 26(2))": the
    assignment's completed training counts from that day, as an uploaded training record would."""
    from ai_register.solutions.gate_facts import build_gate_facts
    from ai_register.solutions.lifecycle.facts import EvidenceType

    assign(api, solution.id, body(NURSE, training_completed_on=None))
    facts = build_gate_facts(solution, on=region_today())
    assert EvidenceType.OVERSIGHT_TRAINING not in {e.type for e in facts.evidence}
    assign(api, solution.id, body(NURSE))  # training completed 2026-01-20
    trained = [e for e in build_gate_facts(solution, on=region_today()).evidence
               if e.type == EvidenceType.OVERSIGHT_TRAINING]
    assert [(e.issued_on, e.valid_on(date(2026, 1, 19)), e.valid_on(date(2026, 1, 20))) for e in trained] == [
        (date(2026, 1, 20), False, True)]


# --- re-confirmation ----------------------------------------------------------------------------------

def test_person_with_an_account_confirms_themself(api, solution, users):
    assign(api, solution.id, body({"user_id": users["owner2"].id}))
    # owner2 owns nothing here, yet as the oversight owner may confirm.
    problem(api.get("owner2", url(solution.id)), 404)
    for who in ("owner", "compliance"):
        problem(api.post(who, url(solution.id, "/confirm"), json={}), 403)
    problem(api.post("auditor", url(solution.id, "/confirm"), json={}), 403)
    response = api.post("owner2", url(solution.id, "/confirm"), json={"reason": "Yearly confirmation"})
    assert response.status_code == 200, response.get_json()
    record = response.get_json()
    today = region_today()
    assert record["confirmed_on"] == today.isoformat() and record["confirmed_by_id"] == users["owner2"].id
    assert record["confirmation_due_on"] == add_months(today, 12).isoformat()
    assert record["confirmation_overdue"] is False
    assert response.headers["ETag"] == '"3"' and etag(api, solution.id) == '"3"'
    event = events(solution.id, "oversight_assignment")[-1]
    assert event.action == "confirm" and event.actor_id == users["owner2"].id
    assert event.reason == "Yearly confirmation"
    assert event.data["changes"]["confirmed_on"] == {"before": None, "after": today.isoformat()}
    # The same confirmation again changes nothing: no event, no new version.
    again = api.post("owner2", url(solution.id, "/confirm"), json={})
    assert again.status_code == 200 and again.headers["ETag"] == '"3"'
    assert len(events(solution.id, "oversight_assignment")) == 2


def test_compliance_records_the_confirmation_of_a_person_without_an_account(api, solution, users):
    record = assign(api, solution.id, body(NURSE))
    problem(api.post("owner", url(solution.id, "/confirm"), json={}), 403)
    problem(api.post("owner2", url(solution.id, "/confirm"), json={}), 404)
    response = api.post("compliance", url(solution.id, "/confirm"),
                        json={"confirmed_on": "2026-05-04", "reason": "Confirmed by e-mail"})
    assert response.status_code == 200, response.get_json()
    confirmed = response.get_json()
    assert confirmed["id"] == record["id"] and confirmed["confirmed_on"] == "2026-05-04"
    assert confirmed["confirmed_by_id"] == users["compliance"].id
    assert confirmed["confirmation_due_on"] == "2027-05-04"


def test_confirmation_dates_are_checked(api, solution, users):
    assign(api, solution.id, body({"user_id": users["owner2"].id}))
    assert api.post("owner2", url(solution.id, "/confirm"), json={"confirmed_on": "2026-02-01"}).status_code == 200
    tomorrow = (region_today() + timedelta(days=1)).isoformat()
    for confirmed_on in (tomorrow, "2026-01-31"):  # in the future; before the acceptance
        response = api.post("owner2", url(solution.id, "/confirm"), json={"confirmed_on": confirmed_on})
        body_ = problem(response, 422)
        assert "confirmed_on" in body_["errors"]
    problem(api.post("owner2", url(solution.id, "/confirm"), json={"when": "now"}), 422)


def test_first_confirmation_is_the_acceptance(api, solution, users):
    data = body({"user_id": users["owner2"].id})
    del data["accepted_on"]
    assert assign(api, solution.id, data)["accepted_on"] is None
    record = api.post("owner2", url(solution.id, "/confirm"), json={}).get_json()
    assert record["accepted_on"] == record["confirmed_on"] == region_today().isoformat()


def test_confirm_without_an_owner_or_on_a_retired_solution(api, solution, make_solution, users):
    problem(api.post("compliance", url(solution.id, "/confirm"), json={}), 404)
    problem(api.post("compliance", url(999999, "/confirm"), json={}), 404)
    retired = make_solution(phase="needs_analysis")
    assign(api, retired.id, body({"user_id": users["owner2"].id}))
    retired.phase = "retired"
    db.session.commit()
    problem(api.post("owner2", url(retired.id, "/confirm"), json={}), 409)


# --- access, audit and the solution view --------------------------------------------------------------

def test_auditor_reads_but_cannot_write(api, solution):
    assign(api, solution.id, body(NURSE))
    problem(put(api, solution.id, body(NURSE), who="auditor", if_match=etag(api, solution.id)), 403)
    problem(api.post("auditor", url(solution.id, "/confirm"), json={}), 403)
    assert api.get("auditor", url(solution.id)).status_code == 200
    assert api.get("auditor", url(solution.id, "/history")).status_code == 200
    for path in (url(solution.id), url(solution.id, "/history")):
        problem(api.get("admin", path), 403)


def test_another_owners_solution_is_404(api, solution):
    assign(api, solution.id, body(NURSE))
    problem(api.get("owner2", url(solution.id)), 404)
    problem(api.get("owner2", url(solution.id, "/history")), 404)
    problem(put(api, solution.id, body(NURSE), who="owner2", if_match='"2"'), 404)
    problem(api.post("owner2", url(solution.id, "/confirm"), json={}), 404)


def test_every_change_is_audited_with_the_solution(api, solution, users):
    first = assign(api, solution.id, body(NURSE, reason="Named at the needs analysis"))
    second = assign(api, solution.id, body({"user_id": users["owner2"].id}), who="compliance")
    api.post("owner2", url(solution.id, "/confirm"), json={})
    trail = events(solution.id)
    assert [(e.entity_type, e.action, e.entity_id) for e in trail] == [
        ("person", "create", str(first["person"]["person_id"])),
        ("oversight_assignment", "create", str(first["id"])),
        ("oversight_assignment", "end", str(first["id"])),
        ("oversight_assignment", "create", str(second["id"])),
        ("oversight_assignment", "confirm", str(second["id"])),
    ]
    assert all(e.solution_id == solution.id for e in trail)
    assert [e.actor_id for e in trail] == [users["owner"].id] * 2 + [users["compliance"].id] * 2 + [
        users["owner2"].id]
    assert trail[1].data["record"]["authority_to_suspend"] is True
    assert trail[1].reason == "Named at the needs analysis"
    assert "ended_at" in trail[2].data["changes"]


def test_the_solution_detail_shows_the_oversight_owner(api, solution, app):
    if not any(rule.rule == "/api/v1/solutions/<int:solution_id>" for rule in app.url_map.iter_rules()):
        pytest.skip("the solutions API is not there yet")
    assert api.get("owner", f"/api/v1/solutions/{solution.id}").get_json()["oversight_owner"] is None
    record = assign(api, solution.id, body(NURSE))
    detail = api.get("auditor", f"/api/v1/solutions/{solution.id}")
    assert detail.get_json()["oversight_owner"]["id"] == record["id"]
    assert detail.get_json()["oversight_owner"]["person"]["name"] == NURSE["name"]


@pytest.mark.postgres
def test_two_concurrent_puts_with_the_same_etag_give_one_success_and_one_412(app, api, solution, is_postgres):
    if not is_postgres:
        pytest.skip("needs PostgreSQL")
    headers = {who: api.headers(who, **{"If-Match": '"1"'}) for who in ("owner", "compliance")}
    barrier, statuses = threading.Barrier(2), []

    def writer(who: str) -> None:
        with app.app_context():
            client = app.test_client()
            barrier.wait()
            response = client.put(url(solution.id), json=body(NURSE), headers=headers[who])
            statuses.append(response.status_code)
            db.session.remove()

    threads = [threading.Thread(target=writer, args=(who,)) for who in headers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(statuses) == [201, 412]
    db.session.expire_all()
    assert db.session.scalar(select(db.func.count()).select_from(OversightAssignment)) == 1
