"""Parallel writers on PostgreSQL, each with its own app and connection: no duplicate transition.
(Lost updates and the audit chain's fork are covered in tests/solutions/test_concurrency.py and
tests/test_audit.py.)"""

from __future__ import annotations

import contextlib
import threading

import pytest
from sqlalchemy import func, select

from ai_register.audit import services as audit
from ai_register.audit.models import AuditEvent
from ai_register.extensions import db
from ai_register.solutions import transitions
from ai_register.solutions.models import TransitionRequest
from tests.solutions.conftest import Register, open_gates  # noqa: F401 - the fixture is used below

pytestmark = pytest.mark.postgres


@pytest.fixture
def clients(two_apps):
    return [a.test_client() for a in two_apps]


@pytest.fixture
def reg(client, auth, users) -> Register:
    return Register(client, auth, users)


def together(calls) -> list:
    """Run the calls in parallel threads, released at once; their responses by status."""
    start = threading.Barrier(len(calls))
    results = []

    def run(call):
        start.wait(timeout=10)
        response = call()
        results.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(t.is_alive() for t in threads), "a writer hung"
    return sorted(results, key=lambda r: r[0])


def both_past_the_checks(monkeypatch, module, name: str) -> None:
    """Hold each writer after reading (and checking) until both have, so the database must decide."""
    checked = threading.Barrier(2)
    real = getattr(module, name)

    def held(*args, **kwargs):
        with contextlib.suppress(threading.BrokenBarrierError):  # the other writer was refused earlier
            checked.wait(timeout=5)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, held)


def transition_events(sid: int, entity_type: str, action: str) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.solution_id == sid, AuditEvent.entity_type == entity_type, AuditEvent.action == action))


def test_two_parallel_requests_for_the_same_move_make_one_request(reg, clients, open_gates, monkeypatch):  # noqa: F811
    sid = reg.create(need_statement="Behov.")["id"]
    etag = reg.etag(sid)
    both_past_the_checks(monkeypatch, transitions, "_new_request")
    headers = reg.h("owner", **{"If-Match": etag})
    results = together([lambda c=c: c.post(f"/api/v1/solutions/{sid}/transitions", json={"to": "pilot"},
                                           headers=headers) for c in clients])
    statuses = [status for status, _ in results]
    assert statuses[0] == 202 and statuses[1] in (409, 412), results
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(TransitionRequest)
                             .where(TransitionRequest.solution_id == sid)) == 1
    assert transition_events(sid, "transition_request", "create") == 1
    assert audit.verify_stored_chain().intact


def test_two_officers_approving_at_once_move_the_solution_once(reg, clients, users, open_gates,  # noqa: F811
                                                               monkeypatch):
    sid = reg.create(need_statement="Behov.")["id"]
    response = reg.transition(sid, "pilot")
    assert response.status_code == 202, response.get_json()
    tid = response.get_json()["id"]
    both_past_the_checks(monkeypatch, transitions, "require_four_eyes")
    officers = [reg.h(who) for who in ("compliance", "compliance2")]  # tokens issued here, not in the threads
    calls = [lambda c=c, h=h: c.post(f"/api/v1/transitions/{tid}/approve", json={}, headers=h)
             for c, h in zip(clients, officers, strict=True)]
    results = together(calls)
    statuses = [status for status, _ in results]
    assert statuses[0] == 200 and statuses[1] in (409, 412), results
    assert reg.get(sid).get_json()["phase"] == "pilot"
    assert transition_events(sid, "solution", "transition") == 1
    assert transition_events(sid, "transition_request", "approve") == 1
    assert audit.verify_stored_chain().intact
