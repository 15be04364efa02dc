"""the classification wizard keeps the answers so far (a working copy per solution)

Revision ID: a20a0d0f0001
Revises: a20b0d5c0001
Create Date: 2026-12-06 18:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a20a0d0f0001'
down_revision = 'a20b0d5c0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'classification_answer_drafts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('solution_id', sa.Integer(), nullable=False),
        sa.Column('answers', sa.JSON(), nullable=False),
        sa.Column('seen', sa.JSON(), nullable=False),
        sa.Column('ruleset_version', sa.String(length=64), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('stored_version', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['solution_id'], ['solutions.id'],
                                name=op.f('fk_classification_answer_drafts_solution_id_solutions')),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'],
                                name=op.f('fk_classification_answer_drafts_updated_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_classification_answer_drafts')),
        sa.UniqueConstraint('solution_id', name=op.f('uq_classification_answer_drafts_solution_id')),
    )


def downgrade():
    op.drop_table('classification_answer_drafts')
