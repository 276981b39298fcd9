"""Account security: a logout ends every session, rate limits, registration by mail

``users.session_generation`` is raised by each logout and is part of the session token, so
a copied session cookie stops working once its owner logs out (0 keeps the tokens of the
sessions signed before this revision). ``rate_events`` counts requests against rate limits
(dossier lookups, registrations) in the database, so they hold across processes.
``pending_registrations`` holds a founder's registration until the link mailed to the
address is followed.

Revision ID: 0022_account_security
Revises: 0021_bond_servicing
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = '0022_account_security'
down_revision = '0021_bond_servicing'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), server_default='0',
                                      nullable=False))
    op.create_table('rate_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bucket', sa.String(length=20), nullable=False),
    sa.Column('key', sa.String(length=254), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rate_events'))
    )
    with op.batch_alter_table('rate_events', schema=None) as batch_op:
        batch_op.create_index('ix_rate_events_bucket_key_at', ['bucket', 'key', 'created_at'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_rate_events_created_at'), ['created_at'],
                              unique=False)
    op.create_table('pending_registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('company_name', sa.String(length=120), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_registrations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_pending_registrations_token_hash'))
    )
    with op.batch_alter_table('pending_registrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pending_registrations_email'), ['email'],
                              unique=False)


def downgrade():
    op.drop_table('pending_registrations')
    op.drop_table('rate_events')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_generation')
