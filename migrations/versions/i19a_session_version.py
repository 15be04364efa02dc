"""users.session_version: web sessions end on the server (sign-out, password change, deactivation)

Revision ID: 19a5e55104a1
Revises: 126661a4ad57
Create Date: 2026-12-06 15:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '19a5e55104a1'
down_revision = '126661a4ad57'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
