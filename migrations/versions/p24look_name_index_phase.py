"""p24look: the lookup's name index carries the phase (PostgreSQL), so its first read is an index-only scan

solutions.name_order.first_matches reads the first 1,000 solutions by name with their id, name and phase:
from ix_solutions_name_id alone when it includes the phase (1.7 → 0.5 ms at 100k when nothing matches there,
which a search for a word whose solutions sort late pays before the trigram search). SQLite keeps (name, id).

Revision ID: b8d4f02e35c1
Revises: a7c3e91d24b0
Create Date: 2026-12-07 10:05:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "b8d4f02e35c1"
down_revision = "a7c3e91d24b0"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_solutions_name_id", table_name="solutions")
    op.create_index("ix_solutions_name_id", "solutions", ["name", "id"], postgresql_include=["phase"])


def downgrade():
    op.drop_index("ix_solutions_name_id", table_name="solutions")
    op.create_index("ix_solutions_name_id", "solutions", ["name", "id"])
