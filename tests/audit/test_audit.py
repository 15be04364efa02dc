"""The audit trail: canonical hash chain, append-only in every layer, verification, the API."""

from __future__ import annotations

import hashlib
import html
import json
import threading
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from ai_register.audit import services as audit
from ai_register.audit.chain import (
    GENESIS_HASH,
    STORED_FIELDS,
    canonical,
    canonical_json,
    format_timestamp,
    link_hash,
    stored_canonical,
    verify_chain,
    verify_stored,
)
from ai_register.audit.models import AppendOnlyViolation, AuditEvent
from ai_register.extensions import db


def _event(position, prev, **overrides):
    fields = {"position": position, "occurred_at": datetime(2026, 11, 23, 8, 0, 0, 123456, tzinfo=UTC),
              "actor_id": 7, "channel": "api", "action": "update", "entity_type": "solution",
              "entity_id": "3", "solution_id": 3, "solution_seq": position, "data": {"å": "ö"},
              "reason": None, "request_id": "r1", **overrides}
    return {**fields, "prev_hash": prev, "hash": link_hash(prev, fields)}


def test_hash_is_sha256_of_prev_hash_and_canonical_json():
    event = _event(1, GENESIS_HASH)
    expected_canonical = json.dumps(
        {k: event[k] if k != "occurred_at" else "2026-11-23T08:00:00.123456Z"
         for k in ("position", "occurred_at", "actor_id", "channel", "action", "entity_type", "entity_id",
                   "solution_id", "solution_seq", "data", "reason", "request_id")},
        sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    assert canonical(event) == expected_canonical
    assert event["hash"] == hashlib.sha256(GENESIS_HASH.encode() + expected_canonical).hexdigest()
    assert GENESIS_HASH == "0" * 64


def test_verify_chain_finds_the_first_broken_link():
    first = _event(1, GENESIS_HASH)
    second = _event(2, first["hash"])
    third = _event(3, second["hash"])
    assert verify_chain([first, second, third]).intact
    tampered = {**second, "data": {"å": "x"}}
    report = verify_chain([first, tampered, third])
    assert not report.intact and report.first_broken_position == 2 and "content" in report.reason
    report = verify_chain([first, third])
    assert not report.intact and report.first_broken_position == 3


@given(st.lists(st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=5), max_size=3),
                min_size=1, max_size=8), st.data())
def test_any_single_change_to_any_event_breaks_verification(payloads, data):
    events, prev = [], GENESIS_HASH
    for i, payload in enumerate(payloads, start=1):
        event = _event(i, prev, data=payload)
        events.append(event)
        prev = event["hash"]
    assert verify_chain(events).intact
    victim = data.draw(st.integers(min_value=0, max_value=len(events) - 1))
    field = data.draw(st.sampled_from(["action", "entity_id", "reason", "actor_id"]))
    events[victim] = {**events[victim], field: "tampered" if field != "actor_id" else 999}
    assert not verify_chain(events).intact


texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)  # any character but lone surrogates
json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | texts,
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
                           max_leaves=8)


@given(data=st.dictionaries(texts, json_values, max_size=4), action=texts, reason=st.none() | texts,
       actor_id=st.none() | st.integers(min_value=0, max_value=2**31 - 1),
       moment=st.datetimes(timezones=st.just(UTC)))
def test_bytes_spliced_from_stored_text_equal_the_canonical_bytes(data, action, reason, actor_id, moment):
    event = _event(4, GENESIS_HASH, data=data, action=action, reason=reason, actor_id=actor_id,
                   occurred_at=moment)
    stored = {**event, "data": canonical_json(data), "occurred_at": format_timestamp(moment)}
    assert stored_canonical([stored[name] for name in STORED_FIELDS]) == canonical(event)


def _stored_row(event, data_text=None):
    stored = {**event, "data": data_text if data_text is not None else canonical_json(event["data"]),
              "occurred_at": format_timestamp(event["occurred_at"])}
    return (event.get("id", event["position"]), event["prev_hash"], event["hash"],
            *(stored[name] for name in STORED_FIELDS))


def test_verify_stored_decides_on_the_decoded_event_when_the_stored_text_is_not_canonical():
    first = _event(1, GENESIS_HASH, data={"b": 1, "a": "ö"})
    second = _event(2, first["hash"])
    asked = []

    def verify(first_data_text):
        rows = [_stored_row(first, data_text=first_data_text), _stored_row(second)]

        def decoded(event_id):  # the event as the database decodes the stored text
            asked.append(event_id)
            return {**first, "data": json.loads(first_data_text)}

        return verify_stored(rows, decoded)

    assert verify('{"b": 1, "a": "\\u00f6"}').intact and asked == [1]  # how an older writer stored it
    report = verify('{"a":"ö","b":2}')
    assert not report.intact and report.first_broken_position == 1 and "content" in report.reason


def test_events_written_by_the_service_verify_from_their_stored_text(app):
    """Nothing the service writes needs decoding to verify: that is what makes verification cheap."""
    audit.record("update", "solution", 1, solution_id=1, data={"name": "Sepsis\u00e5 \"x\"\n", "n": [1, None]},
                 reason="tab\there")
    audit.record("create", "user", 9, data={})
    db.session.commit()
    rows = db.session.execute(select(*audit.stored_event_columns()).order_by(AuditEvent.position)).all()

    def refuse_decoding(event_id):
        raise AssertionError(f"event {event_id} had to be decoded")

    report = verify_stored(rows, refuse_decoding)
    assert report.intact and report.events == len(rows) == 2


def test_stored_events_chain_with_per_solution_sequence(app):
    for n in range(3):
        audit.record("update", "solution", 1, solution_id=1, data={"n": n})
        audit.record("update", "solution", 2, solution_id=2, data={"n": n})
    audit.record("create", "user", 9)
    db.session.commit()
    rows = db.session.query(AuditEvent).order_by(AuditEvent.position).all()
    assert [r.position for r in rows] == list(range(1, 8))
    assert [r.solution_seq for r in rows if r.solution_id == 1] == [1, 2, 3]
    assert rows[-1].solution_seq is None
    assert rows[0].prev_hash == GENESIS_HASH
    assert all(b.prev_hash == a.hash for a, b in zip(rows, rows[1:], strict=False))
    report = audit.verify_stored_chain()
    assert report.intact and report.events == 7 and report.head == rows[-1].hash


def test_orm_refuses_update_and_delete(app):
    event = audit.record("create", "user", 1)
    db.session.commit()
    event.action = "forged"
    with pytest.raises(AppendOnlyViolation):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, event.id))
    with pytest.raises(AppendOnlyViolation):
        db.session.flush()
    db.session.rollback()


def test_database_refuses_update_and_delete(app):
    audit.record("create", "user", 1)
    db.session.commit()
    for statement in ("UPDATE audit_events SET action = 'forged'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()


def test_postgres_refuses_truncate(app, is_postgres):
    if not is_postgres:
        pytest.skip("TRUNCATE guard is PostgreSQL's")
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text("TRUNCATE audit_events"))
    db.session.rollback()


def _tamper(sql: str, is_postgres: bool) -> None:
    """What an attacker with the database owner's rights can do: lift the guard, edit a row."""
    with db.engine.begin() as connection:
        if is_postgres:
            connection.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete"))
            connection.execute(text(sql))
            connection.execute(text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete"))
        else:
            connection.execute(text("DROP TRIGGER audit_events_no_update"))
            connection.execute(text("DROP TRIGGER audit_events_no_delete"))
            connection.execute(text(sql))


@pytest.mark.parametrize("sql", [
    "UPDATE audit_events SET data = '{\"changes\": {}}' WHERE position = 2",
    "UPDATE audit_events SET actor_id = 99 WHERE position = 3",
    # In the canonical form the fast check reads, the stored text itself:
    "UPDATE audit_events SET data = '{\"n\"\\:7}' WHERE position = 2",  # the backslash: ":7" is no bind parameter
    "UPDATE audit_events SET reason = 'ändrad' WHERE position = 3",
    "UPDATE audit_events SET occurred_at = (SELECT occurred_at FROM audit_events WHERE position = 1) "
    "WHERE position = 2",
    "DELETE FROM audit_events WHERE position = 2",
])
def test_tampering_past_the_database_is_detected_by_verify(app, client, users, auth, runner, is_postgres, sql):
    for n in range(4):
        audit.record("update", "solution", 5, solution_id=5, data={"n": n})
    db.session.commit()
    _tamper(sql, is_postgres)
    db.session.expire_all()
    response = client.get("/api/v1/audit/verify", headers=auth(users["auditor"]))
    body = response.get_json()
    assert response.status_code == 200 and body["intact"] is False
    assert body["first_broken"]["position"] in (2, 3)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and '"intact": false' in result.output


def test_a_timestamp_moved_to_another_era_is_detected(app, client, users, auth, is_postgres):
    """PostgreSQL's to_char drops the era: 2026 BC would render like 2026 AD. It must not pass."""
    if not is_postgres:
        pytest.skip("BC timestamps are PostgreSQL's")
    for n in range(3):
        audit.record("update", "solution", 5, solution_id=5, data={"n": n})
    db.session.commit()
    _tamper("UPDATE audit_events SET occurred_at = "
            "((occurred_at AT TIME ZONE 'UTC')::text || ' BC')::timestamp AT TIME ZONE 'UTC' WHERE position = 2",
            is_postgres)
    db.session.expire_all()
    body = client.get("/api/v1/audit/verify", headers=auth(users["auditor"])).get_json()
    assert body["intact"] is False and body["first_broken"]["position"] == 2


def test_audit_api_filters_and_cursor(app, client, users, auth):
    for n in range(5):
        audit.record("update", "solution", 1, solution_id=1, data={"n": n})
    audit.record("approve", "classification", 4, solution_id=2)
    db.session.commit()
    headers = auth(users["auditor"])
    page = client.get("/api/v1/audit/events?solution_id=1&per_page=2", headers=headers).get_json()
    assert [e["solution_seq"] for e in page["items"]] == [1, 2] and page["next_cursor"] is not None
    rest = client.get(f"/api/v1/audit/events?solution_id=1&after={page['next_cursor']}&per_page=10",
                      headers=headers).get_json()
    assert [e["solution_seq"] for e in rest["items"]] == [3, 4, 5] and rest["next_cursor"] is None
    approvals = client.get("/api/v1/audit/events?action=approve", headers=headers).get_json()["items"]
    assert len(approvals) == 1 and approvals[0]["occurred_at"].endswith("Z")
    assert page["chain_head"]["hash"] == audit.chain_head()["hash"]
    # Pages, with the total, as every list of the API.
    second = client.get("/api/v1/audit/events?solution_id=1&page=2&per_page=2", headers=headers).get_json()
    assert [e["solution_seq"] for e in second["items"]] == [3, 4]
    assert (second["total"], second["page"], second["per_page"]) == (5, 2, 2) and page["total"] == 5
    # A cursor and a page together: the page counts from the cursor (the spec says so; no conflict to refuse).
    from_cursor = client.get(f"/api/v1/audit/events?solution_id=1&after={page['next_cursor']}&page=2&per_page=2",
                             headers=headers).get_json()
    assert [e["solution_seq"] for e in from_cursor["items"]] == [5] and from_cursor["next_cursor"] is None
    for bad in ("cursor=3", "per_page=500", "page=0", "page=1.5", "page=%203", "per_page=1e3", "after=2.0"):
        response = client.get(f"/api/v1/audit/events?{bad}", headers=headers)
        assert response.status_code == 422 and response.mimetype == "application/problem+json", bad


@pytest.mark.parametrize("role,status", [("owner", 403), ("admin", 403), ("compliance", 200), ("auditor", 200)])
def test_audit_endpoints_role_check(client, users, auth, role, status):
    for path in ("/api/v1/audit/events", "/api/v1/audit/verify"):
        assert client.get(path, headers=auth(users[role])).status_code == status
    assert client.get("/api/v1/audit/verify").status_code == 401


def test_user_changes_are_audited_without_password_hash(client, users, auth):
    response = client.post("/api/v1/users", json={"email": "new@region.example", "role": "owner",
                                                  "password": "a-long-enough-password"},
                           headers=auth(users["admin"]))
    assert response.status_code == 201
    created = db.session.query(AuditEvent).filter_by(entity_type="user", entity_id=str(response.get_json()["id"])).one()
    assert created.actor_id == users["admin"].id and created.channel == "api"
    assert "password_hash" not in created.data["record"]
    client.patch(f"/api/v1/users/{response.get_json()['id']}", json={"role": "auditor", "reason": "moved"},
                 headers=auth(users["admin"]))
    update = db.session.query(AuditEvent).filter_by(entity_type="user", action="update").one()
    assert update.data["changes"] == {"role": {"before": "owner", "after": "auditor"}} and update.reason == "moved"


def test_concurrent_appends_do_not_fork_the_chain(app, is_postgres):
    if not is_postgres:
        pytest.skip("concurrent writers need PostgreSQL")
    errors = []

    def writer(n):
        with app.app_context():
            try:
                for i in range(10):
                    audit.record("update", "solution", n, solution_id=n % 2 + 1, data={"i": i})
                    db.session.commit()
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    db.session.expire_all()
    report = audit.verify_stored_chain()
    assert report.intact and report.events == 60
    seqs = [s for (s,) in db.session.execute(text(
        "SELECT solution_seq FROM audit_events WHERE solution_id = 1 ORDER BY solution_seq"))]
    assert seqs == list(range(1, len(seqs) + 1))


@pytest.mark.parametrize("sql,swedish,english", [
    ("UPDATE audit_events SET reason = 'edited' WHERE position = 2",
     "den lagrade hashen stämmer inte med händelsens innehåll",
     "the stored hash does not match the event's content"),
    ("UPDATE audit_events SET position = 100000 WHERE position = 2",
     "förväntade position 2, fann 3 (en lucka eller ändrad ordning)",
     "expected position 2, found 3 (a gap or a changed order)"),
])
def test_the_audit_page_gives_the_broken_link_in_the_readers_language(app, users, is_postgres, sql, swedish,
                                                                      english):
    from tests.web.conftest import WebClient

    for n in range(3):
        audit.record("update", "solution", 1, solution_id=1, data={"n": n})
    db.session.commit()
    _tamper(sql, is_postgres)
    db.session.expire_all()
    auditor = WebClient(app, users["auditor"])
    page = html.unescape(auditor.get("/audit?verify=1").get_data(as_text=True))
    assert 'data-test="chain-broken"' in page and swedish in page and "does not match" not in page
    auditor.language("en")
    assert english in html.unescape(auditor.get("/audit?verify=1").get_data(as_text=True))
