"""p22units: the portfolio's aggregates kept per solution (portfolio_contributions) and summed
(portfolio_aggregates), kept in step by ai_register/portfolio/contributions.py with the stored scores.

Backfill: the stored scores' basis row is removed, so the next portfolio view rebuilds the stored scores
and, with them, every contribution and total (ai_register/portfolio/stored.py `ensure_current`), computed by
the one definition in the application rather than a copy of it here.

Revision ID: 9a22a66e0001
Revises: 9a22c0de0001
Create Date: 2026-12-07 03:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9a22a66e0001"
down_revision = "9a22c0de0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "portfolio_contributions",
        sa.Column("solution_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("listed", sa.Integer(), nullable=False),
        sa.Column("goals", sa.Integer(), nullable=False),
        sa.Column("goals_measured", sa.Integer(), nullable=False),
        sa.Column("goals_on_target", sa.Integer(), nullable=False),
        sa.Column("critical", sa.Integer(), nullable=False),
        sa.Column("tenths", sa.Integer(), nullable=False),
        sa.Column("benefit", sa.Numeric(precision=30, scale=0), nullable=False),
        sa.ForeignKeyConstraint(["solution_id"], ["solutions.id"],
                                name=op.f("fk_portfolio_contributions_solution_id_solutions")),
        sa.PrimaryKeyConstraint("solution_id", "kind", "key", name=op.f("pk_portfolio_contributions")),
    )
    op.create_table(
        "portfolio_aggregates",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("solutions", sa.BigInteger(), nullable=False),
        sa.Column("goals", sa.BigInteger(), nullable=False),
        sa.Column("goals_measured", sa.BigInteger(), nullable=False),
        sa.Column("goals_on_target", sa.BigInteger(), nullable=False),
        sa.Column("critical", sa.BigInteger(), nullable=False),
        sa.Column("tenths", sa.BigInteger(), nullable=False),
        sa.Column("benefit", sa.Numeric(precision=30, scale=0), nullable=False),
        sa.PrimaryKeyConstraint("kind", "key", name=op.f("pk_portfolio_aggregates")),
    )
    # The next read rebuilds the stored scores with their contributions and totals (the backfill).
    op.execute("DELETE FROM portfolio_score_basis")


def downgrade():
    op.drop_table("portfolio_aggregates")
    op.drop_table("portfolio_contributions")
