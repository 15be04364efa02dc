"""b22cache: users and api_tokens notify the per-worker authentication caches (PostgreSQL)

Every write to users or api_tokens sends NOTIFY ai_register_auth in its transaction, so each worker's
cache of token and account state (ai_register/users/auth_cache.py) drops what changed when it commits.

Revision ID: b22cac4e0001
Revises: b21c0de50001
Create Date: 2026-12-06 21:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b22cac4e0001'
down_revision = 'b21c0de50001'
branch_labels = None
depends_on = None

TABLES = ("users", "api_tokens")
# As in ai_register/users/auth_cache.py (NOTIFY_FUNCTION, trigger_statements), frozen here.
FUNCTION = """
CREATE OR REPLACE FUNCTION ai_register_auth_changed() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify('ai_register_auth', TG_TABLE_SCHEMA || '|*');
    ELSIF TG_TABLE_NAME = 'users' THEN
        PERFORM pg_notify('ai_register_auth', TG_TABLE_SCHEMA || '|u:'
                          || CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
        IF TG_OP = 'UPDATE' AND OLD.id <> NEW.id THEN
            PERFORM pg_notify('ai_register_auth', TG_TABLE_SCHEMA || '|u:' || OLD.id);
        END IF;
    ELSE
        PERFORM pg_notify('ai_register_auth', TG_TABLE_SCHEMA || '|t:'
                          || CASE WHEN TG_OP = 'DELETE' THEN OLD.jti ELSE NEW.jti END);
        IF TG_OP = 'UPDATE' AND OLD.jti <> NEW.jti THEN
            PERFORM pg_notify('ai_register_auth', TG_TABLE_SCHEMA || '|t:' || OLD.jti);
        END IF;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""


def trigger_statements(table):
    return [
        FUNCTION,
        f"CREATE TRIGGER {table}_auth_notify AFTER INSERT OR UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION ai_register_auth_changed()",
        f"CREATE TRIGGER {table}_auth_notify_truncate AFTER TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION ai_register_auth_changed()",
    ]


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        for statement in trigger_statements(table):
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_auth_notify ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_auth_notify_truncate ON {table}")
    op.execute("DROP FUNCTION IF EXISTS ai_register_auth_changed()")
