"""`flask db upgrade` builds the schema from nothing, `flask db check` finds no drift, and the
append-only guard the migration installs holds."""

from __future__ import annotations

import pytest
from alembic.script import ScriptDirectory
from flask_migrate import check, downgrade, stamp, upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from ai_register import create_app
from ai_register.extensions import db
from ai_register.health import MIGRATIONS_DIR

from .conftest import TEST_DATABASE_URL, _pg_url, _test_config


@pytest.fixture
def migrated_app(tmp_path, worker_schema):
    if TEST_DATABASE_URL:
        from ai_register.config import _normalise_database_url

        schema = f"{worker_schema}_migrations"
        engine = create_engine(_normalise_database_url(TEST_DATABASE_URL))
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = _pg_url(schema)
    else:
        url = f"sqlite:///{tmp_path / 'migrated.db'}"
    app = create_app(_test_config(url, str(tmp_path)))
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()
    if TEST_DATABASE_URL:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


def test_upgrade_reaches_head_and_check_finds_no_drift(migrated_app, capsys):
    check()  # raises SystemExit / prints when the models and the migrations disagree
    assert "New upgrade operations detected" not in capsys.readouterr().out
    response = migrated_app.test_client().get("/readyz")
    assert response.status_code == 200, response.get_json()
    # The heads are read from the scripts once per process; a schema behind them is still told.
    head = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
    stamp(revision=ScriptDirectory(str(MIGRATIONS_DIR)).get_revision(head).down_revision)
    behind = migrated_app.test_client().get("/readyz")
    assert behind.status_code == 503 and behind.get_json()["migrations"] == "behind"
    assert behind.get_json()["expected"] == [head]
    stamp(revision="head")
    assert migrated_app.test_client().get("/readyz").status_code == 200


def test_migrated_audit_table_refuses_update_and_delete(migrated_app, runner=None):
    from ai_register.audit import services as audit

    audit.record("test", "thing", 1, data={"a": 1})
    db.session.commit()
    for statement in ("UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
    assert db.session.execute(text("SELECT count(*) FROM audit_events")).scalar() == 1


def test_a_migration_run_leaves_the_apps_loggers_on(migrated_app):
    """Alembic's env.py configures logging from alembic.ini; it must not disable the loggers that exist
    already, or the error handler's log lines vanish for the rest of the process (a test after this one)."""
    import logging

    from ai_register import errors

    assert not errors.log.disabled
    assert not logging.getLogger("ai_register").disabled


def test_downgrade_to_base_and_up_again(migrated_app):
    downgrade(revision="base")
    upgrade()
    check()
