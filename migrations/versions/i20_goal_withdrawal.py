"""goals are withdrawn, never erased

Revision ID: 20a1c0de0003
Revises: d5bb3bb4efae
Create Date: 2026-12-06 16:15:00

"""
from alembic import op
import sqlalchemy as sa


revision = '20a1c0de0003'
down_revision = 'd5bb3bb4efae'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('goals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('withdrawal_reason', sa.Text(), nullable=True))
        batch_op.create_foreign_key('fk_goals_withdrawn_by_id_users', 'users', ['withdrawn_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('goals', schema=None) as batch_op:
        batch_op.drop_constraint('fk_goals_withdrawn_by_id_users', type_='foreignkey')
        batch_op.drop_column('withdrawal_reason')
        batch_op.drop_column('withdrawn_by_id')
        batch_op.drop_column('withdrawn_at')
