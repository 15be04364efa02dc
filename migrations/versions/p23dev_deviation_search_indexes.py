"""indexes for the deviation form's solution search (issue 22)

The form's search (incidents.deviations.search_solutions) lists the solutions in use (pilot, rollout,
management) by name: the first twenty without a search from ix_solutions_in_use_name (it sorted all ~50,000
in use at 100,000 solutions: 33 ms), a search's matches through trigram indexes of the names and care
units in lower case (PostgreSQL; it scanned every solution in use, 45-98 ms for a rare word).

Revision ID: 23de0a5e0001
Revises: 9a23c0a70001
Create Date: 2026-12-07 06:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "23de0a5e0001"
down_revision = "9a23c0a70001"
branch_labels = None
depends_on = None

# As ai_register/solutions/models.py has it (IN_USE_PREDICATE), frozen here.
IN_USE = "phase IN ('pilot', 'rollout', 'management')"


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade():
    op.create_index("ix_solutions_in_use_name", "solutions", ["name", "id"], unique=False,
                    postgresql_where=sa.text(IN_USE), sqlite_where=sa.text(IN_USE))
    if _postgresql():
        op.create_index("ix_solutions_in_use_name_trgm", "solutions", [sa.text("lower(name) public.gin_trgm_ops")],
                        unique=False, postgresql_using="gin", postgresql_where=sa.text(IN_USE))
        op.create_index("ix_solutions_in_use_units_trgm", "solutions",
                        [sa.text("lower(CAST(care_units AS VARCHAR)) public.gin_trgm_ops")],
                        unique=False, postgresql_using="gin", postgresql_where=sa.text(IN_USE))


def downgrade():
    if _postgresql():
        op.drop_index("ix_solutions_in_use_units_trgm", table_name="solutions")
        op.drop_index("ix_solutions_in_use_name_trgm", table_name="solutions")
    op.drop_index("ix_solutions_in_use_name", table_name="solutions")
