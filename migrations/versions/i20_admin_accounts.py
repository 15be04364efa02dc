"""accounts administered in the web: last sign-in, one-time password

Revision ID: 20a1c0de0001
Revises: 19b0a1c2d3e4
Create Date: 2026-12-06 15:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '20a1c0de0001'
down_revision = '19b0a1c2d3e4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_sign_in_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('password_must_change', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('password_must_change')
        batch_op.drop_column('last_sign_in_at')
