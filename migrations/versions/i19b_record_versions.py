"""Record versions: incidents, goals, benefit estimates and indicators carry a version (their ETag) so
every write names the version it read (If-Match; issue 19).

Revision ID: 19b0a1c2d3e4
Revises: 19a5e55104a1
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = "19b0a1c2d3e4"
down_revision = "19a5e55104a1"
branch_labels = None
depends_on = None

TABLES = ("incidents", "goals", "benefit_estimates", "indicators")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("version")
