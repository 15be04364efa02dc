"""Backup and restore, as docs/operations.md describes them: SQLite with the sqlite3 backup API,
PostgreSQL with pg_dump / pg_restore (when the binaries are installed). After the restore the data
are there and the audit chain verifies."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from ai_register import create_app
from ai_register.audit import services as audit
from ai_register.extensions import db
from ai_register.solutions.models import Solution

from .conftest import BASE


@pytest.fixture
def register_with_history(client, users, auth) -> dict:
    headers = auth(users["owner"])
    ids = []
    for n in range(3):
        response = client.post(BASE, json={"name": f"Lösning {n} – åäö", "purpose": "Sorterar remisser."},
                               headers=headers)
        ids.append(response.get_json()["id"])
        etag = response.headers["ETag"]
        assert client.patch(f"{BASE}/{ids[-1]}", json={"supplier": "Leverantör AB"},
                            headers={**headers, "If-Match": etag}).status_code == 200
    report = audit.verify_stored_chain()
    assert report.intact
    return {"ids": ids, "head": report.head, "events": report.events}


def assert_restored(config: dict, expected: dict) -> None:
    restored = create_app(config)
    with restored.app_context():
        try:
            report = audit.verify_stored_chain()
            assert report.intact and (report.events, report.head) == (expected["events"], expected["head"])
            assert [db.session.get(Solution, i).supplier for i in expected["ids"]] == ["Leverantör AB"] * 3
        finally:
            db.session.remove()
            db.engine.dispose()


def test_sqlite_backup_api_and_restore(app, app_config, register_with_history, is_postgres, tmp_path):
    if is_postgres:
        pytest.skip("the SQLite backup API needs the SQLite database")
    live = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database
    backup = tmp_path / "backup.db"
    # Online backup: consistent even while the app writes (the API copies page by page under a lock).
    with sqlite3.connect(live) as source, sqlite3.connect(backup) as target:
        source.backup(target)
    source.close()
    target.close()
    db.session.remove()
    db.engine.dispose()
    restored = tmp_path / "restored.db"
    shutil.copyfile(backup, restored)  # restore = put the backup file in place
    assert_restored({**app_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{restored}"}, register_with_history)


def test_postgres_pg_dump_and_pg_restore(app, app_config, register_with_history, is_postgres, worker_schema,
                                         tmp_path):
    if not is_postgres:
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL)")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump / pg_restore not installed")
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    libpq = url.set(drivername="postgresql", query={}).render_as_string(hide_password=False)
    dump = tmp_path / "register.dump"
    subprocess.run(["pg_dump", "--format=custom", f"--schema={worker_schema}", f"--file={dump}", libpq],
                   check=True, capture_output=True)
    db.session.remove()
    restore_db = f"restore_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url.set(query={}), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{restore_db}"'))
    target = url.set(database=restore_db, query={})
    try:
        engine = create_engine(target)
        with engine.begin() as connection:  # a whole-database dump carries this; a one-schema dump does not
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS btree_gin SCHEMA public"))
        engine.dispose()
        subprocess.run(["pg_restore", "--exit-on-error", "--no-owner",
                        f"--dbname={target.set(drivername='postgresql').render_as_string(hide_password=False)}",
                        str(dump)], check=True, capture_output=True)
        restored_url = url.set(database=restore_db).render_as_string(hide_password=False)
        assert_restored({**app_config, "SQLALCHEMY_DATABASE_URI": restored_url}, register_with_history)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{restore_db}" WITH (FORCE)'))
        admin.dispose()
