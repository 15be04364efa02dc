"""b21 monitoring metric: the provider's stated value from the instructions for use

Revision ID: b21c0de50001
Revises: a21s5b010001
Create Date: 2026-12-06 21:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b21c0de50001'
down_revision = 'a21s5b010001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('monitoring_metrics', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stated_value', sa.Numeric(precision=20, scale=6), nullable=True))
        batch_op.add_column(sa.Column('stated_document_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('stated_reference', sa.String(length=200), nullable=True))
        batch_op.create_foreign_key(op.f('fk_monitoring_metrics_stated_document_id_supplier_documents'),
                                    'supplier_documents', ['stated_document_id'], ['id'])


def downgrade():
    with op.batch_alter_table('monitoring_metrics', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('fk_monitoring_metrics_stated_document_id_supplier_documents'), type_='foreignkey')
        batch_op.drop_column('stated_reference')
        batch_op.drop_column('stated_document_id')
        batch_op.drop_column('stated_value')
