"""indexes for the start page's counts and lists and the solution list's late pages (issue 22, pages)

ix_solutions_lower_name carries the name on PostgreSQL (an index-only scan finds a late page's ids);
ix_solutions_next_review_desc serves `sort=-next_review_on` (PostgreSQL); the start page counts by phase,
category and device class from ix_solutions_phase_category_device and finds the flagged solutions in the
partial ix_solutions_flagged.

Revision ID: 9a22ba9e5001
Revises: b22cac4e0001
Create Date: 2026-12-07 00:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9a22ba9e5001"
down_revision = "b22cac4e0001"
branch_labels = None
depends_on = None


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade():
    if _postgresql():
        op.drop_index("ix_solutions_lower_name", table_name="solutions")
        op.create_index("ix_solutions_lower_name", "solutions", [sa.text("lower(name)"), "id"], unique=False,
                        postgresql_include=["name"])
        op.create_index("ix_solutions_next_review_desc", "solutions",
                        [sa.text("next_review_on DESC NULLS LAST"), "id"], unique=False)
    op.create_index("ix_solutions_phase_category_device", "solutions",
                    ["phase", "current_ai_act_category", "current_device_class"], unique=False)
    op.create_index("ix_solutions_flagged", "solutions", ["name", "id"], unique=False,
                    postgresql_where=sa.text("needs_rereview IS TRUE"),
                    sqlite_where=sa.text("needs_rereview IS TRUE"))


def downgrade():
    op.drop_index("ix_solutions_flagged", table_name="solutions")
    op.drop_index("ix_solutions_phase_category_device", table_name="solutions")
    if _postgresql():
        op.drop_index("ix_solutions_next_review_desc", table_name="solutions")
        op.drop_index("ix_solutions_lower_name", table_name="solutions")
        op.create_index("ix_solutions_lower_name", "solutions", [sa.text("lower(name)"), "id"], unique=False)
