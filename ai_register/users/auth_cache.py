"""Per-worker cache of what authentication reads on every request: a bearer token's record (by its jti)
and an account's columns (by id). PostgreSQL only; on SQLite every request reads the database.

DOMAIN.md: a role change, a deactivation or a token revocation takes effect on every worker within one
second. How this cache keeps that promise:

- Every write to `users` or `api_tokens`, whoever makes it (a service, the CLI, the demo's COPY, SSO,
  personal-data erasure, plain SQL), fires a trigger that sends `NOTIFY ai_register_auth` in the same
  transaction (`u:<id>`, `t:<jti>`, or `*` for a TRUNCATE): PostgreSQL delivers it when the transaction
  commits, never when it rolls back.
- Each worker process has one listener thread with a connection of its own (`LISTEN`), started lazily by
  the first request that authenticates (so in a gunicorn worker, never in the master; `os.fork` resets
  it). A notification drops the entries it names.
- The cache is used only while the listener is connected, listening, and has proved itself alive in
  the last `MAX_SILENCE` seconds (a `SELECT 1` every `HEARTBEAT` seconds on its connection). Otherwise
  (not yet connected, connection lost, silent) every request reads the database; after a reconnect the
  listener empties the cache before it is used again, since notifications sent while it was down are lost.
- A read that raced with an invalidation is not stored: every invalidation moves a generation counter,
  and an entry read from the database is stored only if the generation did not move since the read began.
- Changes made by this process clear its whole cache at once (an engine hook sees the statement), and
  again when their transaction ends, so this process never waits for its own notification (a plain
  INSERT clears nothing: a new row's id or jti is in no entry). A read on a connection whose open
  transaction wrote to the two tables is not stored (it may see data that is then rolled back).

Only valid state is needed from the cache: a revoked token or a deactivated account is refused whether
it was read from the cache or the database. The cache holds no password hash.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from time import monotonic
from typing import Any

import psycopg
from flask import current_app
from sqlalchemy import event, inspect, select
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from ai_register.extensions import db, login_manager
from ai_register.users.models import ApiToken, User

log = logging.getLogger(__name__)

CHANNEL = "ai_register_auth"
HEARTBEAT = 0.2  # seconds between the listener's proofs of life (SELECT 1 on its connection)
MAX_SILENCE = 0.8  # the cache is bypassed when the listener has not proved itself alive for this long
RETRY = 0.5  # seconds between attempts to reconnect the listener
LISTENER_NAME = "ai-register auth cache"  # the listener's application_name in pg_stat_activity
WROTE = "ai_register_auth_cache_wrote"  # Connection.info flag: this transaction wrote users/api_tokens
CHANGED = "ai_register_auth_cache_changed"  # … and changed (not only added) rows

# The columns the cache keeps of an account (all but the password hash, which authentication never reads).
USER_COLUMNS = tuple(attr.key for attr in User.__mapper__.column_attrs if attr.key != "password_hash")

# The trigger behind the notifications; the same statements run in the migration (b22cache_auth_notify).
NOTIFY_FUNCTION = f"""
CREATE OR REPLACE FUNCTION ai_register_auth_changed() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify('{CHANNEL}', TG_TABLE_SCHEMA || '|*');
    ELSIF TG_TABLE_NAME = 'users' THEN
        PERFORM pg_notify('{CHANNEL}', TG_TABLE_SCHEMA || '|u:'
                          || CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
        IF TG_OP = 'UPDATE' AND OLD.id <> NEW.id THEN
            PERFORM pg_notify('{CHANNEL}', TG_TABLE_SCHEMA || '|u:' || OLD.id);
        END IF;
    ELSE
        PERFORM pg_notify('{CHANNEL}', TG_TABLE_SCHEMA || '|t:'
                          || CASE WHEN TG_OP = 'DELETE' THEN OLD.jti ELSE NEW.jti END);
        IF TG_OP = 'UPDATE' AND OLD.jti <> NEW.jti THEN
            PERFORM pg_notify('{CHANNEL}', TG_TABLE_SCHEMA || '|t:' || OLD.jti);
        END IF;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""


def trigger_statements(table: str) -> list[str]:
    """PostgreSQL statements that make every write to `table` (users or api_tokens) notify the caches."""
    return [
        NOTIFY_FUNCTION,
        f"CREATE TRIGGER {table}_auth_notify AFTER INSERT OR UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION ai_register_auth_changed()",
        f"CREATE TRIGGER {table}_auth_notify_truncate AFTER TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION ai_register_auth_changed()",
    ]


def _install_trigger(target, connection, **kw):  # noqa: ARG001
    if connection.dialect.name == "postgresql":
        for statement in trigger_statements(target.name):
            connection.exec_driver_sql(statement)


event.listen(User.__table__, "after_create", _install_trigger)
event.listen(ApiToken.__table__, "after_create", _install_trigger)


@dataclass(frozen=True, slots=True)
class TokenState:
    """What authentication reads of a token record."""

    user_id: int
    revoked: bool
    expires_at: datetime


class AuthCache:
    """One process's cache for one database, with its listener thread."""

    def __init__(self, connect: Callable[[], Any]):
        self._connect = connect
        self._reset()

    def _reset(self) -> None:
        self._lock = threading.Lock()
        self._tokens: dict[str, TokenState] = {}
        self._users: dict[int, dict[str, Any]] = {}
        self._generation = 0
        self._ready = False
        self._alive_at = 0.0
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.connection = None  # the listener's connection (tests terminate it to show the bypass)
        # The latest payloads processed, newest last (tests wait for a notification of their own; other
        # registers in the same database notify on the same channel meanwhile).
        self.recent_notifications: deque[str] = deque(maxlen=256)
        self._schema: str | None = None

    # --- the request's side ---

    def generation(self) -> int | None:
        """The generation a read from the database is stored under, or None when the cache may not be
        used now (listener not started, down, or silent for too long): then read and do not store."""
        if self._thread is None:
            self._start()
        if not self._ready or monotonic() - self._alive_at > MAX_SILENCE:
            return None
        return self._generation

    def token(self, jti: str) -> TokenState | None:
        return self._tokens.get(jti)

    def user(self, user_id: int) -> dict[str, Any] | None:
        return self._users.get(user_id)

    def remember(self, generation: int, *, user: dict[str, Any], jti: str | None = None,
                 token: TokenState | None = None) -> None:
        """Store what was read from the database, unless an invalidation happened since the read began."""
        with self._lock:
            if generation != self._generation or not self._ready:
                return
            self._users[user["id"]] = user
            if jti is not None and token is not None:
                self._tokens[jti] = token

    def invalidate(self, payload: str = "*") -> None:
        """Drop what a notification names (`<schema>|u:<id>`, `<schema>|t:<jti>`); a notification about
        another schema's tables (another register in the same database) is not ours; anything else
        drops everything."""
        schema, separator, rest = payload.partition("|")
        if separator and self._schema is not None:
            if schema != self._schema:
                return
            payload = rest
        kind, _, key = payload.partition(":")
        with self._lock:
            self._generation += 1
            if kind == "u" and key.isdigit():
                self._users.pop(int(key), None)
            elif kind == "t" and key:
                self._tokens.pop(key, None)
            else:
                self._tokens.clear()
                self._users.clear()

    def size(self) -> tuple[int, int]:
        return len(self._tokens), len(self._users)

    def listening(self) -> bool:
        return self.generation() is not None

    # --- the listener ---

    def _start(self) -> None:
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._listen, name="auth-cache-listener", daemon=True)
            self._thread.start()

    def _listen(self) -> None:
        outage_logged = False
        while not self._stop.is_set():
            connection = None
            try:
                connection = self._connect()
                connection.execute(f"LISTEN {CHANNEL}")
                # The schema that holds the accounts table, as this application's statements find it
                # (search_path): notifications name it. None (no table yet): every notification counts.
                self._schema = connection.execute(
                    "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE c.oid = to_regclass('users')").fetchone()
                self._schema = self._schema[0] if self._schema else None
                self.connection = connection
                # Whatever changed while nobody listened is unknown: start empty.
                with self._lock:
                    self._generation += 1
                    self._tokens.clear()
                    self._users.clear()
                    self._alive_at = monotonic()
                    self._ready = True
                if outage_logged:
                    log.warning("auth cache listener reconnected; cache emptied")
                    outage_logged = False
                while not self._stop.is_set():
                    for note in connection.notifies(timeout=HEARTBEAT):
                        self.invalidate(note.payload)
                        self.recent_notifications.append(note.payload)
                    connection.execute("SELECT 1")
                    self._alive_at = monotonic()
            except Exception as exc:  # any failure: bypass until reconnected
                if not outage_logged:
                    log.warning("auth cache listener down (%s); every request reads the database", exc)
                    outage_logged = True
            finally:
                with self._lock:
                    self._ready = False
                    self._generation += 1
                    self._tokens.clear()
                    self._users.clear()
                self.connection = None
                if connection is not None:
                    with contextlib.suppress(Exception):  # already broken
                        connection.close()
            self._stop.wait(RETRY)

    def stop(self) -> None:
        self._stop.set()


# --- one cache per process and database ---------------------------------------------------------

_caches: dict[str, AuthCache] = {}
_inherited: list = []  # a parent's listener connections: never closed (nor finalised) in a child


def _after_fork() -> None:
    """A forked worker has no listener thread: start each cache afresh, leaving the parent's socket alone."""
    for cache in _caches.values():
        if cache.connection is not None:
            _inherited.append(cache.connection)
        cache._reset()



def init_app(app) -> None:
    """Use the cache for this application's database when it is PostgreSQL and AUTH_CACHE is on."""
    with app.app_context():
        engine = db.engine
    app.extensions["auth_cache"] = None
    if engine.dialect.name != "postgresql" or not app.config.get("AUTH_CACHE", True):
        return
    key = engine.url.render_as_string(hide_password=False)
    cache = _caches.get(key)
    if not _caches:
        os.register_at_fork(after_in_child=_after_fork)  # once per process: the first cache
    if cache is None:
        cargs, cparams = engine.dialect.create_connect_args(engine.url)

        def connect():
            # Keepalives: a connection lost without a word is noticed in seconds, not hours (meanwhile the
            # cache is bypassed anyway, see MAX_SILENCE).
            return psycopg.connect(*cargs, **{**cparams, "autocommit": True, "application_name": LISTENER_NAME,
                                              "connect_timeout": 5, "keepalives": 1, "keepalives_idle": 5,
                                              "keepalives_interval": 2, "keepalives_count": 2})

        cache = _caches[key] = AuthCache(connect)
    app.extensions["auth_cache"] = cache
    _watch_writes(engine, cache)


def _watch_writes(engine, cache: AuthCache) -> None:
    """Writes from this process to users or api_tokens clear the cache at once and when they end."""
    if event.contains(engine, "before_cursor_execute", _statement_hook):
        return
    event.listen(engine, "before_cursor_execute", _statement_hook)
    event.listen(engine, "commit", _transaction_end_hook)
    event.listen(engine, "rollback", _transaction_end_hook)
    event.listen(engine, "checkin", _checkin_hook)
    _engine_caches[id(engine)] = cache


_engine_caches: dict[int, AuthCache] = {}
_READS = ("SELECT", "SAVEPOI", "RELEASE", "ROLLBAC", "BEGIN", "COMMIT", "SHOW", "SET ", "LISTEN")


def _statement_hook(conn, cursor, statement, parameters, context, executemany):  # noqa: ARG001
    head = statement.lstrip()[:7].upper()
    if head.startswith(_READS):
        return
    lowered = statement.lower()
    if "users" in lowered or "api_tokens" in lowered:
        conn.info[WROTE] = True
        # A new row (a sign-in's token, a new account) changes nothing cached: ids and jtis are new.
        if head.startswith("INSERT") and "on conflict" not in lowered:
            return
        conn.info[CHANGED] = True
        cache = _engine_caches.get(id(conn.engine))
        if cache is not None:
            cache.invalidate()


def _transaction_end_hook(conn) -> None:
    try:
        info = conn.info
    except InvalidRequestError:  # the connection was lost (its flags with it): clear, to be safe
        changed = True
    else:
        info.pop(WROTE, None)
        changed = info.pop(CHANGED, False)
    if changed:
        cache = _engine_caches.get(id(conn.engine))
        if cache is not None:
            cache.invalidate()


def _checkin_hook(dbapi_connection, record) -> None:  # noqa: ARG001
    """A connection back in the pool with the flag still set (its transaction ended unseen): clear."""
    if record is not None and record.info.pop(WROTE, False) | record.info.pop(CHANGED, False):
        for cache in list(_caches.values()):
            cache.invalidate()


def current() -> AuthCache | None:
    return current_app.extensions.get("auth_cache")


def _may_store() -> bool:
    """False when this transaction wrote to users or api_tokens: what it reads may be rolled back."""
    return not db.session.connection().info.get(WROTE)


_USER_TABLE_COLUMNS = tuple(User.__table__.c[key] for key in USER_COLUMNS)
_USER_MANAGER = User.__mapper__.class_manager


def _attach(values: dict[str, Any]) -> User:
    """The account as an object of this request's session, built from the values read (from the cache
    or the database) without a statement. When the session already holds the account (an outer
    application context, as in the tests) that object is brought up to date, unless it has changes
    of its own."""
    existing = db.session.identity_map.get(identity_key(User, values["id"]))
    if existing is not None:
        if not inspect(existing).modified:
            for key in USER_COLUMNS:
                set_committed_value(existing, key, values[key])
        return existing
    # The values go straight into the new object's state, as a load puts them (User(**values) would set each
    # through the attribute events, then mark them unchanged again: half this function's time on every request).
    user = _USER_MANAGER.new_instance()
    user.__dict__.update(values)
    make_transient_to_detached(user)  # as if loaded; the password hash loads when something asks for it
    db.session.add(user)
    return user


def token_and_user(jti: str) -> tuple[TokenState, User] | None:
    """The token record by jti and its account: from the cache when it may be used, else the database
    (one statement, plain columns), kept when nothing raced with the read. None when no token has
    this jti."""
    cache = current()
    generation = cache.generation() if cache is not None else None
    if generation is not None:
        token = cache.token(jti)
        values = cache.user(token.user_id) if token is not None else None
        if values is not None:
            return token, _attach(values)
    row = db.session.execute(
        select(ApiToken.user_id.label("token_user_id"), ApiToken.revoked_at.label("token_revoked_at"),
               ApiToken.expires_at.label("token_expires_at"), *_USER_TABLE_COLUMNS)
        .join(User, User.id == ApiToken.user_id).where(ApiToken.jti == jti)
    ).first()
    if row is None:
        return None
    token = TokenState(row.token_user_id, row.token_revoked_at is not None, row.token_expires_at)
    values = dict(zip(USER_COLUMNS, row[3:], strict=True))
    if generation is not None and _may_store():
        cache.remember(generation, jti=jti, token=token, user=values)
    return token, _attach(values)


def user_by_id(user_id: int) -> User | None:
    """The account by id (a web session's): from the cache when it may be used, else the database."""
    cache = current()
    generation = cache.generation() if cache is not None else None
    values = cache.user(user_id) if generation is not None else None
    if values is None:
        row = db.session.execute(select(*_USER_TABLE_COLUMNS).where(User.id == user_id)).first()
        if row is None:
            return None
        values = dict(zip(USER_COLUMNS, row, strict=True))
        if generation is not None and _may_store():
            cache.remember(generation, user=values)
    return _attach(values)


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """A web session's account, checked on every request, so a role change or deactivation takes effect
    at once (through the cache, see above); a session issued under an earlier session version has ended.
    (A cookie from before session versions carries the bare id and counts as version 0.)"""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not (version or "0").isdigit() or len(user_id) > 10 or len(version) > 10:
        return None
    user = user_by_id(int(user_id))
    if user is None or not user.active or int(version or 0) != (user.session_version or 0):
        return None
    return user
