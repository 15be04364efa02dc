"""p22read2: the classification summary kept per solution (classification_summaries), so a solution's
detail reads it in the statement that reads the solution. Backfilled here from the stored versions by the
application's own computation (ai_register/classification/summaries.py), then kept in step by every write
of a classification.

Revision ID: 9a22c5a10001
Revises: 5c22a9e2a001
Create Date: 2026-12-07 03:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9a22c5a10001"
down_revision = "5c22a9e2a001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "classification_summaries",
        sa.Column("solution_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("shown_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("engine_category", sa.String(length=32), nullable=False),
        sa.Column("device_class", sa.String(length=16), nullable=True),
        sa.Column("needs_review", sa.Boolean(), nullable=False),
        sa.Column("ruleset_version", sa.String(length=64), nullable=False),
        sa.Column("ruleset_sha256", sa.String(length=64), nullable=False),
        sa.Column("decided_id", sa.Integer(), nullable=True),
        sa.Column("ai_act_role", sa.JSON(), nullable=True),
        sa.Column("public_authority", sa.Boolean(), nullable=True),
        sa.Column("obligations", sa.JSON(), nullable=False),
        sa.Column("prohibited_block", sa.Boolean(), nullable=False),
        sa.Column("checked_sha256", sa.String(length=64), nullable=True),
        sa.Column("result_changed", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(["decided_id"], ["classifications.id"],
                                name=op.f("fk_classification_summaries_decided_id_classifications")),
        sa.ForeignKeyConstraint(["shown_id"], ["classifications.id"],
                                name=op.f("fk_classification_summaries_shown_id_classifications")),
        sa.ForeignKeyConstraint(["solution_id"], ["solutions.id"],
                                name=op.f("fk_classification_summaries_solution_id_solutions")),
        sa.PrimaryKeyConstraint("solution_id", name=op.f("pk_classification_summaries")),
    )
    with op.batch_alter_table("classification_summaries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_classification_summaries_decided_id"), ["decided_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_classification_summaries_shown_id"), ["shown_id"], unique=False)
    # The rows of the solutions classified so far, as the application computes them (the engine's verdict
    # under the active rule set included); the migration runs in the application's context (flask db upgrade).
    from ai_register.classification import summaries

    summaries.backfill(op.get_bind())


def downgrade():
    with op.batch_alter_table("classification_summaries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_classification_summaries_shown_id"))
        batch_op.drop_index(batch_op.f("ix_classification_summaries_decided_id"))
    op.drop_table("classification_summaries")
