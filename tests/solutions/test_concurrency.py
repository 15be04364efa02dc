"""No lost updates: two writers holding the same ETag, each with its own app and database connection,
against one PostgreSQL database. One wins (200), the other gets 412, and the trail holds one update."""

from __future__ import annotations

import threading

import pytest

from ai_register import create_app
from ai_register.extensions import db
from ai_register.solutions import services

from .conftest import BASE, events

pytestmark = pytest.mark.postgres


@pytest.fixture
def two_clients(app_config, is_postgres):
    if not is_postgres:
        pytest.skip("the race needs PostgreSQL's row locks (set TEST_DATABASE_URL)")
    apps = [create_app(app_config), create_app(app_config)]
    yield [a.test_client() for a in apps]
    for other in apps:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def race(clients, sid: int, headers: dict, etag: str) -> list[tuple[int, dict]]:
    start = threading.Barrier(len(clients))
    results: list[tuple[int, dict]] = []

    def patch(client, name):
        start.wait()
        response = client.patch(f"{BASE}/{sid}", json={"name": name}, headers={**headers, "If-Match": etag})
        results.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=patch, args=(c, f"Writer {i}")) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(t.is_alive() for t in threads), "a writer hung"
    return sorted(results, key=lambda r: r[0])


def test_two_concurrent_patches_with_the_same_etag(reg, two_clients):
    sid = reg.create()["id"]
    etag = reg.etag(sid)
    (ok, body), (stale, problem) = race(two_clients, sid, reg.h(), etag)
    assert (ok, stale) == (200, 412)
    assert problem["current_version"] == 2 and body["version"] == 2
    assert reg.get(sid).get_json()["name"] == body["name"]
    assert [e.action for e in events(sid)] == ["create", "update"]


def test_a_write_that_loses_between_read_and_write_is_412(reg, two_clients, monkeypatch):
    """Both writers pass the If-Match check before either writes; the version column catches the
    loser at its UPDATE (StaleDataError), which also answers 412."""
    sid = reg.create()["id"]
    checked = threading.Barrier(2)
    update = services.update_solution

    def update_after_both_checked(*args, **kwargs):
        checked.wait(timeout=10)
        return update(*args, **kwargs)

    monkeypatch.setattr(services, "update_solution", update_after_both_checked)
    (ok, body), (stale, problem) = race(two_clients, sid, reg.h(), '"1"')
    assert (ok, stale) == (200, 412), problem
    assert "meanwhile" in problem["detail"] and problem["current_version"] == 2
    assert reg.get(sid).get_json()["name"] == body["name"]
    assert [e.action for e in events(sid)] == ["create", "update"]
