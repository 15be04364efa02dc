"""indexes for the lists' default order and the audit trail's filters paged by position

Revision ID: 9e22a1f0c0de
Revises: 20a1c0de0001
Create Date: 2026-12-06 15:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9e22a1f0c0de"
down_revision = "20a1c0de0001"
branch_labels = None
depends_on = None

TRAIL = (("ix_audit_events_solution_position", "solution_id"), ("ix_audit_events_actor_position", "actor_id"),
         ("ix_audit_events_action_position", "action"), ("ix_audit_events_entity_type_position", "entity_type"))


def upgrade():
    op.create_index("ix_solutions_lower_name", "solutions", [sa.text("lower(name)"), "id"], unique=False)
    for name, column in TRAIL:
        op.create_index(name, "audit_events", [column, "position"], unique=False)


def downgrade():
    for name, _ in reversed(TRAIL):
        op.drop_index(name, table_name="audit_events")
    op.drop_index("ix_solutions_lower_name", table_name="solutions")
