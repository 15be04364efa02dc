"""p22units: the portfolio's basis row keeps how many stored rows there are and (PostgreSQL: a trigger on
solutions) how many solutions the register holds, so a portfolio read checks its stored scores without
counting either table (ai_register/portfolio/models.py REGISTER_SIZE_FUNCTION, portfolio/stored.py).
Backfill: both counted once here.

Revision ID: 9a22a66e0002
Revises: 9a22c5a10001
Create Date: 2026-12-07 03:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9a22a66e0002"
down_revision = "9a22c5a10001"
branch_labels = None
depends_on = None

# As ai_register/portfolio/models.py has them (REGISTER_SIZE_FUNCTION, REGISTER_SIZE_TRIGGERS), frozen here.
FUNCTION = """
CREATE OR REPLACE FUNCTION ai_register_portfolio_register_size() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE portfolio_score_basis SET register_size = register_size + (SELECT count(*) FROM new_rows);
    ELSE
        UPDATE portfolio_score_basis SET register_size = register_size - (SELECT count(*) FROM old_rows);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""
TRIGGERS = (
    "CREATE TRIGGER solutions_portfolio_register_size_insert AFTER INSERT ON solutions "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ai_register_portfolio_register_size()",
    "CREATE TRIGGER solutions_portfolio_register_size_delete AFTER DELETE ON solutions "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ai_register_portfolio_register_size()",
)


def upgrade():
    with op.batch_alter_table("portfolio_score_basis") as batch:
        batch.add_column(sa.Column("stored_rows", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("register_size", sa.Integer(), server_default="0", nullable=False))
    op.execute("UPDATE portfolio_score_basis SET stored_rows = (SELECT count(*) FROM portfolio_scores), "
               "register_size = (SELECT count(*) FROM solutions)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(FUNCTION)
        for statement in TRIGGERS:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for statement in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {statement.split()[2]} ON solutions")
        op.execute("DROP FUNCTION IF EXISTS ai_register_portfolio_register_size()")
    with op.batch_alter_table("portfolio_score_basis") as batch:
        batch.drop_column("register_size")
        batch.drop_column("stored_rows")
