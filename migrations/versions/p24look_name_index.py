"""p24look: the solutions in name order (name, id), for the solution fields' search as you type (issue 22)

solutions.views.lookup reads the matches among the first 1,000 solutions in name order first
(solutions.name_order.first_matches): a walk of this index instead of reading and sorting every match.

Revision ID: a7c3e91d24b0
Revises: 24c5ea4c0002
Create Date: 2026-12-07 09:55:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7c3e91d24b0"
down_revision = "24c5ea4c0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_solutions_name_id", "solutions", ["name", "id"])


def downgrade():
    op.drop_index("ix_solutions_name_id", table_name="solutions")
