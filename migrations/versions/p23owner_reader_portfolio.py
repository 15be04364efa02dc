"""p23owner: the portfolio kept per reader who sees a part of the register (an owner): their scores against
their own largest benefit and cost (portfolio_reader_scores), what those are relative to
(portfolio_reader_basis) and their aggregate lines (portfolio_reader_aggregates), kept in step by
ai_register/portfolio/readers.py.

Backfill: none; each reader's first portfolio view writes their rows (stored.reader_current), computed by the
one definition in the application.

Revision ID: 9a23c0de0001
Revises: 9a22a66e0002
Create Date: 2026-12-07 06:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9a23c0de0001"
down_revision = "9a22a66e0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "portfolio_reader_scores",
        sa.Column("reader_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("solution_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("tenths", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["reader_id"], ["users.id"], name=op.f("fk_portfolio_reader_scores_reader_id_users")),
        sa.ForeignKeyConstraint(["solution_id"], ["solutions.id"],
                                name=op.f("fk_portfolio_reader_scores_solution_id_solutions")),
        sa.PrimaryKeyConstraint("reader_id", "solution_id", name=op.f("pk_portfolio_reader_scores")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.create_index("ix_portfolio_reader_scores_rank", "portfolio_reader_scores",
                        ["reader_id", sa.text("tenths DESC"), "solution_id"], unique=False)
    op.create_table(
        "portfolio_reader_basis",
        sa.Column("reader_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("weights", sa.Text(), nullable=False),
        sa.Column("max_benefit", sa.Numeric(precision=30, scale=0), nullable=True),
        sa.Column("max_cost", sa.Numeric(precision=30, scale=0), nullable=True),
        sa.Column("stored_rows", sa.Integer(), server_default="0", nullable=False),
        sa.Column("id_sum", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("id_squares", sa.BigInteger(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(["reader_id"], ["users.id"], name=op.f("fk_portfolio_reader_basis_reader_id_users")),
        sa.PrimaryKeyConstraint("reader_id", name=op.f("pk_portfolio_reader_basis")),
    )
    op.create_table(
        "portfolio_reader_aggregates",
        sa.Column("reader_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("solutions", sa.BigInteger(), nullable=False),
        sa.Column("goals", sa.BigInteger(), nullable=False),
        sa.Column("goals_measured", sa.BigInteger(), nullable=False),
        sa.Column("goals_on_target", sa.BigInteger(), nullable=False),
        sa.Column("critical", sa.BigInteger(), nullable=False),
        sa.Column("tenths", sa.BigInteger(), nullable=False),
        sa.Column("benefit", sa.Numeric(precision=30, scale=0), nullable=False),
        sa.ForeignKeyConstraint(["reader_id"], ["users.id"],
                                name=op.f("fk_portfolio_reader_aggregates_reader_id_users")),
        sa.PrimaryKeyConstraint("reader_id", "kind", "key", name=op.f("pk_portfolio_reader_aggregates")),
    )


def downgrade():
    op.drop_table("portfolio_reader_aggregates")
    op.drop_table("portfolio_reader_basis")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_portfolio_reader_scores_rank", table_name="portfolio_reader_scores")
    op.drop_table("portfolio_reader_scores")
