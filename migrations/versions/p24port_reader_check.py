"""p24port: a reader's kept portfolio is checked set against set (portfolio/readers.check: the solutions they see
full-joined with their kept rows' solutions), so the basis row no longer keeps how many rows they have, the sum
of their ids and of the ids' squares (a fingerprint that a swap of solutions with equal sums did not change).

Revision ID: 9a24b0c70001
Revises: 23de0a5e0001
Create Date: 2026-12-07 09:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9a24b0c70001"
down_revision = "23de0a5e0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("portfolio_reader_basis") as batch:
        batch.drop_column("id_squares")
        batch.drop_column("id_sum")
        batch.drop_column("stored_rows")


def downgrade():
    # The figures are written again at each reader's next view: zero never equals a reader's rows, so it
    # rewrites them (and a reader who sees nothing has zero of each).
    with op.batch_alter_table("portfolio_reader_basis") as batch:
        batch.add_column(sa.Column("stored_rows", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("id_sum", sa.BigInteger(), server_default="0", nullable=False))
        batch.add_column(sa.Column("id_squares", sa.BigInteger(), server_default="0", nullable=False))
