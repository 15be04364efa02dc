"""Rebuilding past states from audit events, pure: no Flask, no database."""

from __future__ import annotations

from datetime import UTC, datetime

from ai_register.reports.replay import Replay


def event(position, action, entity_type, entity_id, data, minute=0):
    return {"position": position, "occurred_at": datetime(2026, 11, 23, 8, minute, tzinfo=UTC),
            "action": action, "entity_type": entity_type, "entity_id": str(entity_id), "data": data,
            "hash": f"h{position}"}


def test_create_then_updates_give_the_latest_state():
    replay = Replay()
    record = {"id": 7, "title": "Kortare väntetid", "target": "20"}
    replay.apply(event(1, "create", "goal", 7, {"record": record}))
    replay.apply(event(2, "update", "goal", 7, {"changes": {"target": {"before": "20", "after": "15"}}}, 1))
    # Neither a record nor a diff: nothing to apply.
    replay.apply(event(3, "transition", "solution", 1, {"to": "pilot"}, 2))
    (goal,) = replay.records("goal")
    assert goal.fields == {"id": 7, "title": "Kortare väntetid", "target": "15"}
    assert goal.created_at == "2026-11-23T08:00:00.000000Z"
    assert goal.changed_at == "2026-11-23T08:01:00.000000Z"
    assert replay.records("solution") == [] and replay.events_applied == 3 and replay.last_hash == "h3"


def test_history_is_kept_only_where_asked():
    replay = Replay(keep_history=["oversight_assignment"])
    replay.apply(event(1, "create", "oversight_assignment", 1, {"record": {"id": 1, "confirmed_on": None}}))
    replay.apply(event(2, "confirm", "oversight_assignment", 1,
                       {"changes": {"confirmed_on": {"before": None, "after": "2026-06-01"}}}, 5))
    replay.apply(event(3, "create", "goal", 2, {"record": {"id": 2}}))
    assignment = replay.record("oversight_assignment", 1)
    assert [(v.action, v.fields["confirmed_on"]) for v in assignment.history] == [("create", None),
                                                                                  ("confirm", "2026-06-01")]
    assert replay.record("goal", 2).history == []


def test_a_removed_record_is_gone_and_ids_sort_numerically():
    replay = Replay()
    for n in (10, 9, 2):
        replay.apply(event(n, "create", "evidence", n, {"record": {"id": n}}))
    replay.apply(event(11, "delete", "evidence", 9, {}))
    assert [r.entity_id for r in replay.records("evidence")] == ["2", "10"]
    assert replay.record("evidence", 9) is None


def test_an_update_of_a_record_older_than_the_trail_starts_from_what_it_tells():
    replay = Replay()
    replay.apply(event(1, "update", "solution", 3, {"changes": {"name": {"before": "a", "after": "b"}}}))
    assert replay.record("solution", 3).fields == {"name": "b"}
