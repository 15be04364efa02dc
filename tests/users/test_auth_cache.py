"""The per-worker cache of token and account state (users/auth_cache.py) on PostgreSQL: a cached token
costs no statement; a write committed anywhere reaches the cache through the database's notification
within a second; while the listener is down every request reads the database; a read of uncommitted
data is never kept. (Across gunicorn workers: test_auth_cache_workers.py.)"""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, event, text

from ai_register.extensions import db
from ai_register.users import auth_cache
from ai_register.users.models import ApiToken, User
from tests.helpers import settle_auth_cache, until

TOKENS, USERS = "/api/v1/tokens", "/api/v1/users"


@pytest.fixture
def cache(app, is_postgres, steady_auth_cache):
    if not is_postgres:
        pytest.skip("the token and account cache is PostgreSQL's (LISTEN/NOTIFY); on SQLite every request "
                    "reads the database")
    cache = app.extensions["auth_cache"]
    assert cache is not None
    until(cache.listening, "the listener to connect")
    return cache


def elsewhere(app, sql: str, *, notify: bool = True, **params) -> None:
    """A write committed by another connection than this process's engine (as another worker's would be).
    notify=False switches the database's triggers off for it: the write nobody is told of."""
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with engine.begin() as connection:
            if not notify:
                connection.execute(text("SET LOCAL session_replication_role = replica"))
            connection.execute(text(sql), params)
    finally:
        engine.dispose()


def terminate_listener(cache) -> None:
    backend = cache.connection.info.backend_pid
    with db.engine.begin() as connection:
        assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend}).scalar()


def statements_of(client, url: str, headers: dict) -> tuple[int, list[str]]:
    statements: list[str] = []

    def remember(conn, cursor, statement, *args):  # noqa: ARG001
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        status = client.get(url, headers=headers).status_code
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    return status, statements


def test_a_cached_token_costs_no_statement_and_only_notifications_change_it(app, client, cache, make_user, auth):
    user = make_user("compliance")
    headers = auth(user)
    settle_auth_cache(cache)
    assert client.get(TOKENS, headers=headers).status_code == 200  # read and kept
    status, statements = statements_of(client, TOKENS, headers)
    assert status == 200
    assert not [s for s in statements if "api_tokens.jti =" in s], statements  # no token read
    # A revocation nobody is told of stays unseen: the answer really came from the cache …
    elsewhere(app, "UPDATE api_tokens SET revoked_at = now() WHERE user_id = :u", notify=False, u=user.id)
    assert client.get(TOKENS, headers=headers).status_code == 200
    # … which a listener that lost its connection empties when it is back.
    terminate_listener(cache)
    until(lambda: client.get(TOKENS, headers=headers).status_code == 401, "the revocation to be seen")
    until(cache.listening, "the listener to reconnect")
    assert client.get(TOKENS, headers=headers).status_code == 401


def test_a_revocation_role_change_or_deactivation_committed_elsewhere_is_seen_within_a_second(
        app, client, cache, make_user, auth):
    make_user("admin")
    admin, other = make_user("admin"), make_user("owner")
    admin_headers, other_headers = auth(admin), auth(other)
    settle_auth_cache(cache)
    for headers, url in ((admin_headers, USERS), (other_headers, TOKENS)):
        assert client.get(url, headers=headers).status_code == 200
        assert client.get(url, headers=headers).status_code == 200

    elsewhere(app, "UPDATE api_tokens SET revoked_at = now() WHERE user_id = :u", u=other.id)
    assert until(lambda: client.get(TOKENS, headers=other_headers).status_code == 401, "revocation") < 1.0

    elsewhere(app, "UPDATE users SET role = 'auditor' WHERE id = :u", u=admin.id)
    assert until(lambda: client.get(USERS, headers=admin_headers).status_code == 403, "role change") < 1.0
    assert client.get(TOKENS, headers=admin_headers).status_code == 200  # an auditor still reads own tokens

    elsewhere(app, "UPDATE users SET active = false WHERE id = :u", u=admin.id)
    assert until(lambda: client.get(TOKENS, headers=admin_headers).status_code == 401, "deactivation") < 1.0


def test_while_the_listener_is_down_every_request_reads_the_database(app, client, cache, make_user, auth,
                                                                    monkeypatch):
    user = make_user("compliance")
    headers = auth(user)
    settle_auth_cache(cache)
    assert client.get(TOKENS, headers=headers).status_code == 200
    assert client.get(TOKENS, headers=headers).status_code == 200

    def unreachable():
        raise OSError("the listener cannot reach the database (test)")

    monkeypatch.setattr(cache, "_connect", unreachable)
    terminate_listener(cache)
    until(lambda: not cache.listening(), "the listener to notice")
    assert cache.size() == (0, 0)
    status, statements = statements_of(client, TOKENS, headers)
    assert status == 200 and [s for s in statements if "api_tokens.jti =" in s], statements
    assert cache.size() == (0, 0)  # nothing kept while nobody listens
    # A write nobody is told of is seen at once: the cache is bypassed.
    elsewhere(app, "UPDATE api_tokens SET revoked_at = now() WHERE user_id = :u", notify=False, u=user.id)
    assert client.get(TOKENS, headers=headers).status_code == 401
    monkeypatch.undo()
    until(cache.listening, "the listener to reconnect")


def test_a_read_of_uncommitted_changes_is_not_kept(app, client, cache, make_user, auth):
    make_user("admin")
    admin = make_user("admin")
    headers = auth(admin)
    settle_auth_cache(cache)
    assert client.get(USERS, headers=headers).status_code == 200
    jti = db.session.query(ApiToken.jti).filter_by(user_id=admin.id).scalar()
    user = db.session.get(User, admin.id)
    user.role = "auditor"
    db.session.flush()  # this transaction wrote to users: the cache was emptied at once
    assert cache.user(admin.id) is None
    token, read = auth_cache.token_and_user(jti)
    assert read.role == "auditor" and not token.revoked
    assert cache.user(admin.id) is None and cache.token(jti) is None  # not kept: it may be rolled back
    db.session.rollback()
    assert client.get(USERS, headers=headers).status_code == 200
    assert cache.user(admin.id)["role"] == "admin"


def test_a_web_session_reads_its_account_through_the_cache(app, cache, users, web):
    officer, user_id = web("compliance"), users["compliance"].id
    settle_auth_cache(cache)
    db.session.expunge_all()  # as in a worker: the request's session does not hold the account already
    assert officer.get("/").status_code == 200
    assert cache.user(user_id)["role"] == "compliance"
    db.session.expunge_all()
    assert officer.get("/").status_code == 200  # from the cache
    elsewhere(app, "UPDATE users SET active = false WHERE id = :u", u=user_id)
    until(lambda: officer.get("/").status_code == 302, "the deactivation to end the session", timeout=1.0)


def test_a_notification_about_another_schemas_tables_is_not_ours(app, client, cache, make_user, auth):
    """Two registers in one database (or the tests' workers, one schema each) do not empty each other's
    caches; a notification about this schema's tables does."""
    headers = auth(make_user("compliance"))
    settle_auth_cache(cache)
    assert client.get(TOKENS, headers=headers).status_code == 200
    assert cache.size() != (0, 0)
    own = db.session.execute(text("SELECT current_schema()")).scalar()

    def seen(payload: str) -> int:  # the same payload may have come before (the test's own writes)
        return list(cache.recent_notifications).count(payload)

    for payload, emptied in ((f"{own}_elsewhere|*", False), (f"{own}|*", True)):
        before = seen(payload)
        with db.engine.begin() as connection:
            connection.execute(text("SELECT pg_notify(:channel, :payload)"),
                               {"channel": auth_cache.CHANNEL, "payload": payload})
        until(lambda payload=payload, before=before: seen(payload) > before, "the notification")
        assert (cache.size() == (0, 0)) is emptied, payload
