"""an index for counting the follow-up agenda's due reviews by phase

The agenda counts every due review of the solutions in reviewed phases on each page; with the phase
first, the count reads one range per phase and filters no entry (docs/performance.md, "The follow-up
agenda pages").

Revision ID: 5c22a9e2a001
Revises: 9a22a66e0001
Create Date: 2026-12-07 03:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "5c22a9e2a001"
down_revision = "9a22a66e0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_solutions_phase_review", "solutions", ["phase", "next_review_on"], unique=False)


def downgrade():
    op.drop_index("ix_solutions_phase_review", table_name="solutions")
