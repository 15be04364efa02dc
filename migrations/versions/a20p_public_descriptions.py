"""a20p public descriptions: the region's plain words for a solution's public page, in Swedish and English

Revision ID: a20b0d5c0001
Revises: d7567cf7e112
Create Date: 2026-12-06 18:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a20b0d5c0001'
down_revision = 'd7567cf7e112'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('public_descriptions',
    sa.Column('solution_id', sa.Integer(), nullable=False),
    sa.Column('what_sv', sa.Text(), nullable=True),
    sa.Column('what_en', sa.Text(), nullable=True),
    sa.Column('why_sv', sa.Text(), nullable=True),
    sa.Column('why_en', sa.Text(), nullable=True),
    sa.Column('data_sv', sa.Text(), nullable=True),
    sa.Column('data_en', sa.Text(), nullable=True),
    sa.Column('legal_basis_sv', sa.Text(), nullable=True),
    sa.Column('legal_basis_en', sa.Text(), nullable=True),
    sa.Column('contact', sa.String(length=200), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['solution_id'], ['solutions.id'], name=op.f('fk_public_descriptions_solution_id_solutions')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_public_descriptions_updated_by_id_users')),
    sa.PrimaryKeyConstraint('solution_id', name=op.f('pk_public_descriptions'))
    )


def downgrade():
    op.drop_table('public_descriptions')
