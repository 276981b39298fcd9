"""人才债: the bond's own table and the firms' allocations of it

``bond_issues`` holds a bond beside the application envelope (the envelope's firm is the
issuer's company, its partner the underwriter): registration, terms, and the amount
allocated, kept within the size by a conditional UPDATE; ``bond_allocations`` a firm's
application for part of a bond, with the underwriter's terms, the contract and the money.

Revision ID: 0019_bond
Revises: 0018_equity
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = '0019_bond'
down_revision = '0018_equity'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('bond_issues',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('issuer_org_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('registration_no', sa.String(length=60), nullable=True),
    sa.Column('registered_on', sa.Date(), nullable=True),
    sa.Column('code', sa.String(length=20), nullable=True),
    sa.Column('size_fen', sa.BigInteger(), nullable=True),
    sa.Column('coupon_bp', sa.Integer(), nullable=True),
    sa.Column('term_months', sa.Integer(), nullable=True),
    sa.Column('coupon_months', sa.Integer(), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('allocated_fen', sa.BigInteger(), nullable=False),
    sa.Column('redeemed_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['id'], ['applications.id'], name=op.f('fk_bond_issues_id_applications')),
    sa.ForeignKeyConstraint(['issuer_org_id'], ['organisations.id'], name=op.f('fk_bond_issues_issuer_org_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bond_issues')),
    sa.UniqueConstraint('code', name=op.f('uq_bond_issues_code')),
    sa.UniqueConstraint('registration_no', name=op.f('uq_bond_issues_registration_no'))
    )
    with op.batch_alter_table('bond_issues', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bond_issues_issuer_org_id'), ['issuer_org_id'], unique=False)

    op.create_table('bond_allocations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bond_id', sa.Integer(), nullable=True),
    sa.Column('requested_term_months', sa.Integer(), nullable=True),
    sa.Column('recommended_amount_fen', sa.BigInteger(), nullable=True),
    sa.Column('onlending_rate_bp', sa.Integer(), nullable=True),
    sa.Column('term_months', sa.Integer(), nullable=True),
    sa.Column('recommended_by_id', sa.Integer(), nullable=True),
    sa.Column('allocated_fen', sa.BigInteger(), nullable=True),
    sa.Column('contract_no', sa.String(length=60), nullable=True),
    sa.Column('contract_signed_on', sa.Date(), nullable=True),
    sa.Column('disbursed_on', sa.Date(), nullable=True),
    sa.Column('disbursed_amount_fen', sa.BigInteger(), nullable=True),
    sa.Column('repaid_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['bond_id'], ['bond_issues.id'], name=op.f('fk_bond_allocations_bond_id_bond_issues')),
    sa.ForeignKeyConstraint(['id'], ['applications.id'], name=op.f('fk_bond_allocations_id_applications')),
    sa.ForeignKeyConstraint(['recommended_by_id'], ['users.id'], name=op.f('fk_bond_allocations_recommended_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bond_allocations'))
    )
    with op.batch_alter_table('bond_allocations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bond_allocations_bond_id'), ['bond_id'], unique=False)



def downgrade():
    with op.batch_alter_table('bond_allocations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bond_allocations_bond_id'))

    op.drop_table('bond_allocations')
    with op.batch_alter_table('bond_issues', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bond_issues_issuer_org_id'))

    op.drop_table('bond_issues')
