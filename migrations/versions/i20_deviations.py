"""deviation reports by any member of staff

Revision ID: 20a1c0de0002
Revises: 19b5f1a2b3c4
Create Date: 2026-12-06 15:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = '20a1c0de0002'
down_revision = '19b5f1a2b3c4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'deviations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('reported_by_id', sa.Integer(), nullable=False),
        sa.Column('reported_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('what_happened', sa.Text(), nullable=False),
        sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('solution_id', sa.Integer(), nullable=True),
        sa.Column('patient_harm', sa.String(length=8), nullable=False),
        sa.Column('case_number', sa.String(length=64), nullable=True),
        sa.Column('care_unit', sa.String(length=200), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('incident_id', sa.Integer(), nullable=True),
        sa.Column('triaged_by_id', sa.Integer(), nullable=True),
        sa.Column('triaged_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('triage_note', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], ),
        sa.ForeignKeyConstraint(['reported_by_id'], ['users.id'], ),
        sa.ForeignKeyConstraint(['solution_id'], ['solutions.id'], ),
        sa.ForeignKeyConstraint(['triaged_by_id'], ['users.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('deviations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deviations_reported_by_id'), ['reported_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deviations_solution_id'), ['solution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deviations_status'), ['status'], unique=False)


def downgrade():
    op.drop_table('deviations')
