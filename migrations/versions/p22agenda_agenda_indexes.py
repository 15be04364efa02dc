"""indexes for the follow-up agenda's reviews and continuity gaps

The agenda counts every due review and every critical solution in service on each page; without
these the counts read every solution (docs/performance.md, "The follow-up agenda pages").

Revision ID: 2a9e0da00001
Revises: 9a22ba9e5001
Create Date: 2026-12-07 00:10:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "2a9e0da00001"
down_revision = "9a22ba9e5001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_solutions_review_agenda", "solutions", ["next_review_on", "id", "phase"], unique=False)
    op.create_index("ix_solutions_critical_phase", "solutions", ["critical_for_patient_care", "phase"], unique=False)


def downgrade():
    op.drop_index("ix_solutions_critical_phase", table_name="solutions")
    op.drop_index("ix_solutions_review_agenda", table_name="solutions")
