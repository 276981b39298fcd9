"""A company's identity once applications are submitted on it

``applications.firm_name`` and ``firm_uscc`` keep the company's name and credit code an
application was submitted on (filled here for every submitted application from the
company's present identity, the only one recorded so far); ``identity_changes`` holds the
changes the founder asks for and the park decides, the identity's history.

Revision ID: 0023_identity_changes
Revises: 0022_account_security
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = '0023_identity_changes'
down_revision = '0022_account_security'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('firm_name', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('firm_uscc', sa.String(length=18), nullable=True))
    applications = sa.table('applications', sa.column('enterprise_id', sa.Integer()),
                            sa.column('submitted_at', sa.DateTime()),
                            sa.column('firm_name', sa.String()),
                            sa.column('firm_uscc', sa.String()))
    enterprises = sa.table('enterprises', sa.column('id', sa.Integer()),
                           sa.column('name', sa.String()), sa.column('uscc', sa.String()))
    for column in ('name', 'uscc'):
        op.execute(applications.update()
                   .where(applications.c.submitted_at.is_not(None))
                   .values({f'firm_{column}': sa.select(enterprises.c[column])
                            .where(enterprises.c.id == applications.c.enterprise_id)
                            .scalar_subquery()}))
    op.create_table('identity_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('old_name', sa.String(length=120), nullable=False),
    sa.Column('old_uscc', sa.String(length=18), nullable=False),
    sa.Column('new_name', sa.String(length=120), nullable=False),
    sa.Column('new_uscc', sa.String(length=18), nullable=False),
    sa.Column('reason', sa.String(length=2000), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('note', sa.String(length=2000), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_identity_changes_decided_by_id_users')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_identity_changes_enterprise_id_enterprises')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_identity_changes_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_identity_changes'))
    )
    with op.batch_alter_table('identity_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_identity_changes_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_identity_changes_status'), ['status'], unique=False)


def downgrade():
    op.drop_table('identity_changes')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_column('firm_uscc')
        batch_op.drop_column('firm_name')
