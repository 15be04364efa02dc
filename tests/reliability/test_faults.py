"""Faults: the database going away mid-request gives 503 problem+json and /readyz fails; nothing is
half-written; a restart loses nothing that was committed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import pytest
from sqlalchemy import create_engine, event, func, select, text

from ai_register import create_app
from ai_register.audit import services as audit
from ai_register.audit.models import AuditEvent
from ai_register.extensions import db
from ai_register.solutions.models import Solution

from .conftest import BASE


@contextmanager
def database_gone() -> Iterator[None]:
    """Every statement and every new connection fails as if the server were gone, until the block ends."""
    engine = db.engine
    error = engine.dialect.loaded_dbapi.OperationalError

    def refuse_statement(conn, cursor, statement, parameters, context, executemany):  # noqa: ARG001
        raise error("server closed the connection unexpectedly")

    def refuse_connect(dialect, conn_rec, cargs, cparams):  # noqa: ARG001
        raise error("connection refused")

    event.listen(engine, "before_cursor_execute", refuse_statement)
    event.listen(engine, "do_connect", refuse_connect)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", refuse_statement)
        event.remove(engine, "do_connect", refuse_connect)


def state(sid: int) -> tuple:
    db.session.expire_all()
    solution = db.session.get(Solution, sid)
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    return solution.name, solution.version, events


def assert_unavailable(response) -> None:
    assert response.status_code == 503, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/problem+json"
    assert "database" in response.get_json()["detail"].lower()


@pytest.fixture
def solution_id(client, users, auth) -> int:
    response = client.post(BASE, json={"name": "Triagestöd", "purpose": "Sorterar remisser."},
                           headers=auth(users["owner"]))
    assert response.status_code == 201
    return response.get_json()["id"]


def test_database_gone_mid_request_is_503_and_nothing_is_half_written(client, users, auth, solution_id,
                                                                     monkeypatch):
    """The solution's UPDATE is flushed; then the database goes away before the audit event is written
    (and stays away until the answer is sent: the error handler finds it unreachable too)."""
    headers = auth(users["owner"])
    etag = client.get(f"{BASE}/{solution_id}", headers=headers).headers["ETag"]
    before = state(solution_id)
    real_record = audit.record
    gone = ExitStack()

    def record_after_the_database_went_away(*args, **kwargs):
        gone.enter_context(database_gone())
        return real_record(*args, **kwargs)

    monkeypatch.setattr(audit, "record", record_after_the_database_went_away)
    with gone:
        response = client.patch(f"{BASE}/{solution_id}", json={"name": "Halvskriven"},
                                headers={**headers, "If-Match": etag})
    assert_unavailable(response)
    monkeypatch.undo()
    assert state(solution_id) == before
    assert audit.verify_stored_chain().intact


def test_readyz_fails_while_the_database_is_gone_and_recovers(client, users, auth):
    headers = auth(users["compliance"])
    with database_gone():
        db.engine.dispose()  # pooled connections went with the server
        response = client.get("/readyz")
        assert response.status_code == 503 and response.get_json()["database"] == "unreachable"
        assert client.get("/healthz").status_code == 200  # alive, just not ready
        assert_unavailable(client.get(BASE, headers=headers))
    assert client.get(BASE, headers=headers).status_code == 200


def test_a_dead_database_address_is_503_everywhere(app_config, users, auth, is_postgres, tmp_path):
    headers = auth(users["compliance"])
    dead = ("postgresql+psycopg://app@127.0.0.1:1/none?connect_timeout=2" if is_postgres
            else f"sqlite:///{tmp_path}/missing-directory/none.db")
    other = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": dead})
    client = other.test_client()
    response = client.get("/readyz")
    assert response.status_code == 503 and response.get_json()["database"] == "unreachable"
    assert_unavailable(client.get(BASE, headers=headers))
    with other.app_context():
        db.engine.dispose()


def test_postgres_backend_killed_mid_request_is_503_and_rolled_back(client, users, auth, solution_id,
                                                                   monkeypatch, is_postgres):
    """The real thing on PostgreSQL: the server terminates our session between two statements."""
    if not is_postgres:
        pytest.skip("needs PostgreSQL")
    headers = auth(users["owner"])
    etag = client.get(f"{BASE}/{solution_id}", headers=headers).headers["ETag"]
    before = state(solution_id)
    killer = create_engine(db.engine.url)
    real_record = audit.record

    def record_after_the_backend_was_killed(*args, **kwargs):
        pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
        with killer.begin() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        return real_record(*args, **kwargs)

    monkeypatch.setattr(audit, "record", record_after_the_backend_was_killed)
    try:
        response = client.patch(f"{BASE}/{solution_id}", json={"name": "Halvskriven"},
                                headers={**headers, "If-Match": etag})
    finally:
        killer.dispose()
    assert_unavailable(response)
    monkeypatch.undo()
    assert state(solution_id) == before
    assert client.patch(f"{BASE}/{solution_id}", json={"name": "Hel"},
                        headers={**headers, "If-Match": etag}).status_code == 200  # the pool recovered


def test_a_restart_loses_nothing_committed(app, app_config, client, users, auth, solution_id):
    headers = auth(users["owner"])
    etag = client.get(f"{BASE}/{solution_id}", headers=headers).headers["ETag"]
    assert client.patch(f"{BASE}/{solution_id}", json={"name": "Efter omstart"},
                        headers={**headers, "If-Match": etag}).status_code == 200
    head = audit.chain_head()
    db.session.remove()
    db.engine.dispose()  # the process ends: every connection closed
    restarted = create_app(app_config)
    with restarted.app_context():
        assert db.session.get(Solution, solution_id).name == "Efter omstart"
        assert audit.chain_head() == head and audit.verify_stored_chain().intact
        db.session.remove()
        db.engine.dispose()
