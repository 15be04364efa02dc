"""Failed sign-ins counted per account and per client address in the database (issue 19, item 9).

Revision ID: 19b5f1a2b3c4
Revises: 70e6e3882f87
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = "19b5f1a2b3c4"
down_revision = "70e6e3882f87"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sign_in_throttles",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sign_in_throttles")),
    )


def downgrade():
    op.drop_table("sign_in_throttles")
