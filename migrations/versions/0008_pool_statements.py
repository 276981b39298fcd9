"""pool statements

Revision ID: 0008_pool_statements
Revises: 0007_notifications
Create Date: 2026-11-28 01:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_pool_statements'
down_revision = '0007_notifications'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pool_statements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('made_by_id', sa.Integer(), nullable=True),
    sa.Column('made_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['made_by_id'], ['users.id'], name=op.f('fk_pool_statements_made_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pool_statements')),
    sa.UniqueConstraint('month', 'version', name=op.f('uq_pool_statements_month'))
    )
    with op.batch_alter_table('pool_statements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pool_statements_month'), ['month'], unique=False)


def downgrade():
    with op.batch_alter_table('pool_statements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pool_statements_month'))

    op.drop_table('pool_statements')
