"""the owner index carries the solution's id (issue 22, owner's views)

ix_solutions_owner_id becomes (owner_id, id): an owner's solution ids come from the index alone
(solutions.access.owned_ids), so the owner's portfolio reads its stored scores by key without visiting
the owner's ~2,000 scattered solution rows first.

Revision ID: 9a22c0de0001
Revises: 9a22f0e10001
Create Date: 2026-12-07 03:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "9a22c0de0001"
down_revision = "9a22f0e10001"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_solutions_owner_id", table_name="solutions")
    op.create_index("ix_solutions_owner_id", "solutions", ["owner_id", "id"], unique=False)


def downgrade():
    op.drop_index("ix_solutions_owner_id", table_name="solutions")
    op.create_index("ix_solutions_owner_id", "solutions", ["owner_id"], unique=False)
