"""p24list: a searched list's phase, care unit and words in one GIN index (issue 22)

The API list filtered by phase, status, care unit and a search built a bitmap each of the phase (16,700
entries at 100,000 solutions), the care unit (20,000) and the name's and the purpose's trigrams (10,000 each)
and ANDed them: 4.9 ms of a 5.3 ms statement. One multi-column GIN index (btree_gin for the phase) finds the
~340 rows matching all of them in one scan: 2.1-2.6 ms (solutions.services.list_solutions; PostgreSQL only).

Revision ID: 24c5ea4c0003
Revises: b8d4f02e35c1
Create Date: 2026-12-07 10:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "24c5ea4c0003"
down_revision = "b8d4f02e35c1"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        # As solutions.models._install_pg_trgm does it: serialised against a concurrent twin.
        op.execute("SELECT pg_advisory_xact_lock(hashtext('ai_register:pg_trgm'))")
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gin SCHEMA public")
        op.create_index("ix_solutions_filtered_search", "solutions",
                        ["phase", sa.text("(CAST(care_units AS JSONB)) jsonb_path_ops"),
                         sa.text("((lower(name) || E'\\n') || lower(purpose)) public.gin_trgm_ops")],
                        unique=False, postgresql_using="gin")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_solutions_filtered_search", table_name="solutions")
