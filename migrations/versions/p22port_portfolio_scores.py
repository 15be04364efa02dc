"""p22port: the portfolio score kept per solution (portfolio_scores) and what it is relative to
(portfolio_score_basis). Filled by the first portfolio view (ai_register/portfolio/stored.py rebuilds
what is missing), then kept in step by the writes that change a score's inputs.

Revision ID: 9a22f0e10001
Revises: 9a22ba9e5002
Create Date: 2026-12-07 00:20:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9a22f0e10001"
down_revision = "9a22ba9e5002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "portfolio_scores",
        sa.Column("solution_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("category", sa.String(length=32), nullable=True),
        sa.Column("benefit", sa.Numeric(precision=30, scale=0), nullable=True),
        sa.Column("cost", sa.Numeric(precision=30, scale=0), nullable=True),
        sa.Column("perspectives", sa.Integer(), nullable=False),
        sa.Column("tenths", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["solution_id"], ["solutions.id"],
                                name=op.f("fk_portfolio_scores_solution_id_solutions")),
        sa.PrimaryKeyConstraint("solution_id", name=op.f("pk_portfolio_scores")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.create_index("ix_portfolio_scores_rank", "portfolio_scores", [sa.text("tenths DESC"), "solution_id"],
                        unique=False)
    op.create_index("ix_portfolio_scores_benefit", "portfolio_scores", ["benefit"], unique=False)
    op.create_index("ix_portfolio_scores_cost", "portfolio_scores", ["cost"], unique=False)
    op.create_table(
        "portfolio_score_basis",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("weights", sa.Text(), nullable=False),
        sa.Column("max_benefit", sa.Numeric(precision=30, scale=0), nullable=True),
        sa.Column("max_cost", sa.Numeric(precision=30, scale=0), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portfolio_score_basis")),
    )


def downgrade():
    op.drop_table("portfolio_score_basis")
    op.drop_index("ix_portfolio_scores_cost", table_name="portfolio_scores")
    op.drop_index("ix_portfolio_scores_benefit", table_name="portfolio_scores")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_portfolio_scores_rank", table_name="portfolio_scores")
    op.drop_table("portfolio_scores")
