"""the lists' care-unit filter from a GIN index (issue 22)

The solution lists' care-unit filter (solutions.services.json_list_contains) is JSONB containment on
PostgreSQL, `care_units::jsonb @> '["unit"]'`, answered by this index as a bitmap of its own: the API's
list filtered by phase, status, care unit and a search read every row the other filters kept (1,600 rows
on 1,400 pages at 100,000 solutions) to test its care units; now the ~330 rows every filter keeps.

Revision ID: 24c5ea4c0001
Revises: 24a0c0de0002
Create Date: 2026-12-07 09:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "24c5ea4c0001"
down_revision = "24a0c0de0002"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.create_index("ix_solutions_care_units_gin", "solutions",
                        [sa.text("(CAST(care_units AS JSONB)) jsonb_path_ops")],
                        unique=False, postgresql_using="gin")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_solutions_care_units_gin", table_name="solutions")
