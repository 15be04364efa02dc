"""The rollout plan and the decommissioning checklist."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ai_register.solutions.lifecycle.facts import DECOMMISSIONING_CHECKLIST

from .conftest import BASE, events

AKUTEN = {"name": "Akuten", "planned_start": "2026-01-10", "actual_start": "2026-01-12"}
BUP = {"name": "BUP", "planned_start": "2026-02-01", "actual_start": None}


# --------------------------------------------------------------------------- rollout plan


def test_rollout_plan_is_replaced_and_audited(reg):
    sid = reg.create()["id"]
    empty = reg.client.get(f"{BASE}/{sid}/rollout-plan", headers=reg.h())
    assert empty.status_code == 200
    assert empty.get_json() == {"solution_id": sid, "units": [], "all_started": False}

    response = reg.put_plan(sid, [AKUTEN, BUP])
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert [(u["name"], u["started"]) for u in body["units"]] == [("Akuten", True), ("BUP", False)]
    assert body["all_started"] is False and response.headers["ETag"] == '"2"'
    event = events(sid)[-1]
    assert (event.entity_type, event.action, event.entity_id) == ("rollout_plan", "update", str(sid))
    assert event.data["changes"]["units"]["before"] == []
    assert event.data["changes"]["units"]["after"] == [AKUTEN, BUP]

    started = {**BUP, "actual_start": "2026-02-02"}
    body = reg.put_plan(sid, [started]).get_json()
    assert [u["name"] for u in body["units"]] == ["BUP"] and body["all_started"] is True
    change = events(sid)[-1].data["changes"]["units"]
    assert change == {"before": [AKUTEN, BUP], "after": [started]}
    assert reg.client.get(f"{BASE}/{sid}/rollout-plan", headers=reg.h("auditor")).get_json()["units"][0][
        "actual_start"] == "2026-02-02"


def test_the_same_plan_again_writes_nothing(reg):
    sid = reg.create()["id"]
    reg.put_plan(sid, [AKUTEN])
    count = len(events(sid))
    response = reg.put_plan(sid, [AKUTEN])
    assert response.status_code == 200 and len(events(sid)) == count


@pytest.mark.parametrize(("units", "problem"), [
    ([AKUTEN, {**BUP, "name": "akuten"}], "units"),
    ([{"name": "", "planned_start": "2026-01-01"}], "units"),
    ([{"name": "X", "planned_start": "2026-13-01"}], "units"),
    ([{"name": "X"}], "units"),
    ([{"name": "X", "planned_start": "2026-01-01", "go_live": "2026-01-02"}], "units"),
    ([{"name": "X", "planned_start": "2026-01-01",
       "actual_start": (date.today() + timedelta(days=3)).isoformat()}], "units"),
])
def test_invalid_plans_are_422_and_change_nothing(reg, units, problem):
    sid = reg.create()["id"]
    reg.put_plan(sid, [AKUTEN])
    count = len(events(sid))
    response = reg.put_plan(sid, units)
    assert response.status_code == 422 and problem in response.get_json()["errors"], response.get_json()
    assert len(events(sid)) == count
    plan = reg.client.get(f"{BASE}/{sid}/rollout-plan", headers=reg.h()).get_json()
    assert [u["name"] for u in plan["units"]] == ["Akuten"]


def test_rollout_plan_honours_if_match_when_sent(reg, client):
    sid = reg.create()["id"]
    response = client.put(f"{BASE}/{sid}/rollout-plan", json={"units": [AKUTEN]},
                          headers=reg.h(**{"If-Match": '"5"'}))
    assert response.status_code == 412
    response = client.put(f"{BASE}/{sid}/rollout-plan", json={"units": [AKUTEN]},
                          headers=reg.h(**{"If-Match": '"1"'}))
    assert response.status_code == 200


# --------------------------------------------------------------------------- decommissioning checklist


def decommissioning(reg) -> int:
    sid = reg.create()["id"]
    assert reg.transition(sid, "decommissioning", reason="Replaced.").status_code == 200
    return sid


def test_checklist_lists_every_item(reg):
    sid = reg.create()["id"]
    body = reg.client.get(f"{BASE}/{sid}/decommissioning-checklist", headers=reg.h("auditor")).get_json()
    assert [i["key"] for i in body["items"]] == list(DECOMMISSIONING_CHECKLIST)
    assert body["items"][1]["label_sv"] == "Behörigheter borttagna" and body["complete"] is False
    assert all(i["done"] is False and i["done_by"] is None for i in body["items"])


def test_checklist_is_written_only_while_decommissioning(reg):
    sid = reg.create()["id"]
    response = reg.put_checklist(sid, [{"key": "access_removed", "done": True}])
    assert response.status_code == 409 and len(events(sid)) == 1


def test_who_ticked_what_and_when(reg, users):
    sid = decommissioning(reg)
    response = reg.put_checklist(sid, [{"key": "access_removed", "done": True, "note": "AD group removed"},
                                       {"key": "users_patients_informed", "done": True}])
    assert response.status_code == 200, response.get_json()
    items = {i["key"]: i for i in response.get_json()["items"]}
    assert items["access_removed"]["done_by"] == {"id": users["owner"].id, "display_name": "Olga Owner"}
    assert items["access_removed"]["done_at"] and items["access_removed"]["note"] == "AD group removed"
    created = events(sid)[-2:]
    assert [(e.entity_type, e.action) for e in created] == [("decommissioning_item", "create")] * 2
    assert created[0].data["record"]["done_by_id"] == users["owner"].id

    response = reg.put_checklist(sid, [{"key": "access_removed", "done": False}], who="compliance")
    item = next(i for i in response.get_json()["items"] if i["key"] == "access_removed")
    assert (item["done"], item["done_by"], item["note"]) == (False, None, "AD group removed")
    untick = events(sid)[-1]
    assert untick.action == "update" and untick.actor_id == users["compliance"].id
    assert untick.data["changes"]["done"] == {"before": True, "after": False}

    response = reg.put_checklist(sid, [{"key": "access_removed", "done": True}], who="compliance")
    item = next(i for i in response.get_json()["items"] if i["key"] == "access_removed")
    assert item["done_by"]["id"] == users["compliance"].id and events(sid)[-1].action == "tick"


@pytest.mark.parametrize(("items", "field"), [
    ([{"key": "coffee_machine_off", "done": True}], "items"),
    ([{"key": "access_removed"}], "items"),
    ([{"key": "access_removed", "done": True}, {"key": "access_removed", "done": False}], "items"),
    ([], "items"),
])
def test_invalid_checklist_changes_are_422(reg, items, field):
    sid = decommissioning(reg)
    count = len(events(sid))
    response = reg.put_checklist(sid, items)
    assert response.status_code == 422 and field in response.get_json()["errors"]
    assert len(events(sid)) == count


def test_retired_needs_the_whole_checklist_then_is_read_only(reg, client):
    sid = decommissioning(reg)
    keys = list(DECOMMISSIONING_CHECKLIST)
    reg.put_checklist(sid, [{"key": k, "done": True} for k in keys[:-1]])
    response = reg.transition(sid, "retired")
    assert response.status_code == 409
    assert [u["code"] for u in response.get_json()["unmet"]] == [f"checklist_item_open:{keys[-1]}"]
    reg.put_checklist(sid, [{"key": keys[-1], "done": True, "note": "Released 2026-11-01"}])
    oversight = client.put(f"/api/v1/solutions/{sid}/oversight", headers=reg.h("owner", **{"If-Match": reg.etag(sid)}),
                           json={"person": {"name": "Eva Ek", "title": "Överläkare"}, "authority_to_suspend": True,
                                 "monitors": {"can_interrupt_stop": True}})
    assert oversight.status_code == 201, oversight.get_json()
    response = reg.transition(sid, "retired")
    assert response.status_code == 200 and response.get_json()["phase"] == "retired"
    assert response.get_json()["allowed_transitions"] == [] and response.get_json()["allowed_decisions"] == []
    # The oversight owner is released with the retirement, and kept in the history.
    assert response.get_json()["oversight_owner"] is None
    assert client.get(f"/api/v1/solutions/{sid}/oversight", headers=reg.h("auditor")).status_code == 404
    history = client.get(f"/api/v1/solutions/{sid}/oversight/history", headers=reg.h("auditor")).get_json()
    assert history["total"] == 1 and history["items"][0]["current"] is False
    assert events(sid)[-1].action == "end" and events(sid)[-1].reason == "the solution is retired"

    etag = reg.etag(sid)
    assert reg.patch(sid, {"name": "Back"}, etag=etag).status_code == 409
    assert reg.put_checklist(sid, [{"key": keys[0], "done": False}]).status_code == 409
    assert reg.put_plan(sid, [AKUTEN]).status_code == 409
    assert reg.decide(sid, "resume").status_code == 409
    assert reg.transition(sid, "decommissioning", reason="again").status_code == 409
    assert reg.get(sid, "auditor").status_code == 200
    checklist = client.get(f"{BASE}/{sid}/decommissioning-checklist", headers=reg.h()).get_json()
    assert checklist["complete"] is True
