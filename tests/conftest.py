"""Fixtures: the app on SQLite (a fresh file per test) or on PostgreSQL (TEST_DATABASE_URL, one
schema per xdist worker, tables truncated between tests)."""

from __future__ import annotations

import functools
import os
import shutil
import sqlite3
import time
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import pytest
from apispec import APISpec
from argon2 import PasswordHasher
from flask_smorest import Blueprint
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from werkzeug.routing.rules import Rule

from ai_register import create_app, security
from ai_register.extensions import db
from ai_register.users import auth_cache
from tests.webclient import compile_catalogs

# The tests' "today" (date.today()) is the region's today, as the product's (config TIMEZONE,
# Europe/Stockholm): between midnight in Sweden and midnight UTC the two dates differ. A POSIX rule, so
# it needs no time-zone database on the machine.
os.environ["TZ"] = "CET-1CEST,M3.5.0,M10.5.0/3"
time.tzset()

# Generation speed depends on the machine's load (CI shares its cores): a slow draw is not a failure of the
# property, so the health check for it is off; properties keep their example counts.
settings.register_profile("shared-cores", suppress_health_check=[HealthCheck.too_slow], deadline=None)
settings.load_profile("shared-cores")


def _document_the_api_when_read() -> None:
    """Every test makes an app, and flask-smorest documents each API view in the app's OpenAPI spec as the
    app is made: about two thirds of create_app's time, while few tests read the spec. Here each app's spec
    is written when it is first read (APISpec.to_dict: /api/v1/openapi.json, `flask openapi`), by the same
    calls in the same order from the same app and blueprints, so it reads the same: the spec snapshot test
    compares it with docs/openapi.json, which tools/openapi_snapshot.py writes without this deferral."""
    document, write = Blueprint.register_views_in_doc, APISpec.to_dict

    def register_views_in_doc(self, api, app, spec, *, name, parameters):
        spec.__dict__.setdefault("_undocumented", []).append(
            functools.partial(document, self, api, app, spec, name=name, parameters=parameters))

    def to_dict(self):
        for step in self.__dict__.pop("_undocumented", ()):
            step()
        return write(self)

    Blueprint.register_views_in_doc = register_views_in_doc
    APISpec.to_dict = to_dict


_document_the_api_when_read()


def _url_builders_compiled_once() -> None:
    """werkzeug compiles two URL-building functions per route (an AST built and compiled) each time a rule
    joins an app's URL map: with every test making an app of ~220 routes, most of what is left of
    create_app's time. The function is the same for the same rule text (it reaches its rule and the rule's
    converters through its first argument, and default values only when a default fills a part of the
    path, which is left to werkzeug here), so a worker compiles each once. Only for the werkzeug whose
    Rule._compile_builder this was read from: another version keeps its own."""
    if not version("werkzeug").startswith("3.1."):
        return
    compile_builder = Rule._compile_builder
    compiled: dict = {}

    def _compile_builder(self, append_unknown: bool = True):
        defaults = self.defaults or {}
        if any(is_dynamic and data in defaults for is_dynamic, data in self._trace):
            return compile_builder(self, append_unknown)
        key = (append_unknown, self.rule, tuple(self._trace), tuple(sorted(defaults)))
        if key not in compiled:
            compiled[key] = compile_builder(self, append_unknown)
        return compiled[key]

    Rule._compile_builder = _compile_builder


_url_builders_compiled_once()


def _cheap_password_hashes() -> None:
    """Production hashes passwords with argon2's defaults (64 MiB, 3 passes, 4 lanes: 0.1-0.2 s a hash or
    a check on these machines), as it should. The tests make and check hundreds of passwords (the browser
    suite six accounts per test); here they use argon2id with the smallest cost. The parameters travel in
    each hash, so checking works the same; the gunicorn workers some tests start keep production's (and the
    fixture `production_password_hasher` hands production's to the test that checks its cost)."""
    global _PRODUCTION_HASHER
    _PRODUCTION_HASHER = security._hasher
    security._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    security._DUMMY_HASH = security._hasher.hash("not-a-password-of-anyone")


_PRODUCTION_HASHER: PasswordHasher
_cheap_password_hashes()


@pytest.fixture
def production_password_hasher() -> PasswordHasher:
    """The password hasher production uses (the tests' own is the cheapest argon2id)."""
    return _PRODUCTION_HASHER


@event.listens_for(Engine, "connect")
def _sqlite_without_fsync(dbapi_connection, _record) -> None:
    """A test's SQLite file is thrown away after the test: its commits need not wait for the disk
    (each one did a file sync, the larger part of the SQLite run's time). PostgreSQL runs as configured."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.close()


# AI_REGISTER_TEST_BACKEND=sqlite forces SQLite even when TEST_DATABASE_URL is exported (make test runs
# both suites under one throwaway PostgreSQL); =postgres insists on TEST_DATABASE_URL.
TEST_DATABASE_URL = (None if os.environ.get("AI_REGISTER_TEST_BACKEND") == "sqlite"
                     else os.environ.get("TEST_DATABASE_URL"))
TEST_SECRET = "test-secret-key-that-is-long-enough-for-hs256-0123456789"


def pytest_sessionstart(session):
    if os.environ.get("AI_REGISTER_TEST_BACKEND") == "postgres" and not TEST_DATABASE_URL:
        raise pytest.UsageError("AI_REGISTER_TEST_BACKEND=postgres but TEST_DATABASE_URL is not set")


def _pg_url(schema: str) -> str:
    from ai_register.config import _normalise_database_url

    base = _normalise_database_url(TEST_DATABASE_URL)
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options=-csearch_path%3D{schema}"


@pytest.fixture(scope="session")
def worker_schema(worker_id: str) -> str:
    prefix = os.environ.get("AI_REGISTER_TEST_SCHEMA", "test")
    return f"{prefix}_{worker_id}".replace("-", "_")


@pytest.fixture(scope="session")
def pg_schema(worker_schema) -> Iterator[str | None]:
    """A clean schema of this worker's own, built once per session with create_all."""
    if not TEST_DATABASE_URL:
        yield None
        return
    from ai_register.config import _normalise_database_url

    engine = create_engine(_normalise_database_url(TEST_DATABASE_URL))
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{worker_schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{worker_schema}"'))
    engine.dispose()
    app = create_app(_test_config(_pg_url(worker_schema), "/tmp"))
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    yield worker_schema


def _test_config(database_url: str, instance_dir: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "JWT_SECRET": TEST_SECRET,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "RATELIMIT_ENABLED": False,
        "INSTANCE_DIR": instance_dir,
        "SIGNING_KEY_PATH": os.path.join(instance_dir, "signing_key.pem"),
        "UPLOAD_DIR": os.path.join(instance_dir, "uploads"),
        "CHECKPOINT_DIR": os.path.join(instance_dir, "checkpoints"),
        "SERVER_NAME": None,
    }


def _truncate_all() -> None:
    """Empty the tables the previous test wrote to and restart their sequences. Only those: a test
    touches a few of the schema's tables, and TRUNCATE costs per table named."""
    tables = [t.name for t in db.metadata.sorted_tables]
    probes = ", ".join(f"""CASE WHEN EXISTS (SELECT 1 FROM "{name}") THEN '{name}' END""" for name in tables)
    with db.engine.begin() as connection:
        with_rows = {name for name in connection.execute(text(f"SELECT unnest(ARRAY[{probes}])")).scalars()
                     if name}
        # A sequence that was read (an insert, rolled back or not) must restart too, so ids start at 1.
        sequences_used = set(connection.execute(text(
            "SELECT t.relname FROM pg_sequences q "
            "JOIN pg_class s ON s.relname = q.sequencename AND s.relkind = 'S' "
            "JOIN pg_namespace n ON n.oid = s.relnamespace AND n.nspname = q.schemaname "
            "JOIN pg_depend d ON d.objid = s.oid JOIN pg_class t ON t.oid = d.refobjid AND t.relkind = 'r' "
            "WHERE q.schemaname = current_schema() AND q.last_value IS NOT NULL")).scalars())
        dirty = [name for name in tables if name in with_rows or name in sequences_used]
        if not dirty:
            return
        # The append-only guard refuses TRUNCATE; the tests own the schema and lift it between tests.
        connection.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_truncate"))
        connection.execute(text("TRUNCATE " + ", ".join(f'"{name}"' for name in dirty)
                                + " RESTART IDENTITY CASCADE"))
        connection.execute(text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_truncate"))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory, pg_schema) -> Path | None:
    """On SQLite, the schema is built once per worker and copied for each test: create_all commits each
    CREATE (a file sync each), which cost more than most tests themselves."""
    if pg_schema:
        return None
    directory = tmp_path_factory.mktemp("schema")
    path = directory / "template.db"
    template_app = create_app(_test_config(f"sqlite:///{path}", str(directory)))
    with template_app.app_context():
        db.create_all()
        db.engine.dispose()
    return path


@pytest.fixture
def app_config(tmp_path, pg_schema) -> dict:
    url = _pg_url(pg_schema) if pg_schema else f"sqlite:///{tmp_path / 'test.db'}"
    return _test_config(url, str(tmp_path))


@pytest.fixture
def app(app_config, pg_schema, sqlite_template):
    uri = app_config["SQLALCHEMY_DATABASE_URI"]
    copied = False
    if sqlite_template is not None and uri.startswith("sqlite:///"):
        target = Path(uri.removeprefix("sqlite:///"))
        if not target.exists():
            shutil.copyfile(sqlite_template, target)
            copied = True
    app = create_app(app_config)
    with app.app_context():
        if pg_schema:
            _truncate_all()
        elif not copied:
            db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def without_auth_cache(app, monkeypatch):
    """Every request reads its token and account from the database (as on SQLite), for tests that compare
    statement counts: on PostgreSQL a token cache hit on one request and a miss on the other
    (users/auth_cache.py) is not what they measure."""
    monkeypatch.setitem(app.extensions, "auth_cache", None)


@pytest.fixture
def steady_auth_cache(monkeypatch):
    """For tests that show what the token and account cache keeps: a loaded test machine may leave the
    listener's heartbeat thread unscheduled for longer than MAX_SILENCE, and the cache (rightly) bypasses
    itself then. Losing the listener's connection still empties and bypasses it at once."""
    monkeypatch.setattr(auth_cache, "MAX_SILENCE", 10.0)


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def is_postgres(pg_schema) -> bool:
    return pg_schema is not None


# --- users and tokens ---------------------------------------------------------------------------

@pytest.fixture
def make_user(app):
    from ai_register.users import services

    counter = {"n": 0}

    def make(role: str = "owner", email: str | None = None, password: str | None = None, name: str | None = None):
        counter["n"] += 1
        user = services.create_user(email or f"{role}{counter['n']}@region.example", role,
                                    display_name=name or f"{role.title()} {counter['n']}", password=password)
        db.session.commit()
        return user

    return make


@pytest.fixture
def auth(app):
    """auth(user) → headers with a fresh bearer token."""
    from ai_register.users import services

    def headers(user, **extra) -> dict:
        token, _ = services.issue_access_token(user)
        db.session.commit()
        return {"Authorization": f"Bearer {token}", **extra}

    return headers


@pytest.fixture
def users(make_user) -> dict:
    """One user per role, plus a second owner and a second compliance officer (four eyes)."""
    return {
        "owner": make_user("owner", "owner@region.example", name="Olga Owner"),
        "owner2": make_user("owner", "owner2@region.example", name="Otto Owner"),
        "compliance": make_user("compliance", "compliance@region.example", name="Cecilia Compliance"),
        "compliance2": make_user("compliance", "compliance2@region.example", name="Carl Compliance"),
        "auditor": make_user("auditor", "auditor@region.example", name="Agnes Auditor"),
        "admin": make_user("admin", "admin@region.example", name="Adam Admin"),
    }


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    """Pages, e-mails and PDFs are checked in Swedish: compile the catalogs when `make translations` has not."""
    compile_catalogs()
