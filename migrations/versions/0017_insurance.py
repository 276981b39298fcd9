"""人才险: the insurers' terms, the policy's own table, premiums and claims

``insurance_applications`` holds the insurance product's fields beside the application
envelope (joined-table inheritance, as ``loan_applications``); ``insurance_offers`` an
insurer's rate per cover; ``premium_payments`` each policy year's premium with its subsidy
(the ledger entry unique: a premium is subsidised once); ``insurance_claims`` the claims on
a policy. ``claims.insured_fen`` keeps what a guarantee insurer paid on a loan's loss, read
from those records at each decision of the pool's claim (0 on the existing claims).

Revision ID: 0017_insurance
Revises: 0016_draft_opening_token
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = '0017_insurance'
down_revision = '0016_draft_opening_token'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('insurance_offers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('cover', sa.String(length=20), nullable=False),
    sa.Column('premium_rate_bp', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_insurance_offers_org_id_organisations')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_insurance_offers_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_insurance_offers')),
    sa.UniqueConstraint('org_id', 'cover', name=op.f('uq_insurance_offers_org_id'))
    )
    op.create_table('insurance_applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cover', sa.String(length=20), nullable=True),
    sa.Column('loan_id', sa.Integer(), nullable=True),
    sa.Column('requested_period_months', sa.Integer(), nullable=True),
    sa.Column('offered_rate_bp', sa.Integer(), nullable=True),
    sa.Column('insured_name', sa.String(length=60), nullable=True),
    sa.Column('insured_id_number', sa.String(length=18), nullable=True),
    sa.Column('insured_position', sa.String(length=60), nullable=True),
    sa.Column('project_name', sa.String(length=120), nullable=True),
    sa.Column('proposal', sa.String(length=10), nullable=True),
    sa.Column('proposed_sum_insured_fen', sa.BigInteger(), nullable=True),
    sa.Column('proposed_rate_bp', sa.Integer(), nullable=True),
    sa.Column('proposed_period_months', sa.Integer(), nullable=True),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('policy_no', sa.String(length=40), nullable=True),
    sa.Column('sum_insured_fen', sa.BigInteger(), nullable=True),
    sa.Column('premium_rate_bp', sa.Integer(), nullable=True),
    sa.Column('annual_premium_fen', sa.BigInteger(), nullable=True),
    sa.Column('period_months', sa.Integer(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('subsidy_requested_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_insurance_applications_decided_by_id_users')),
    sa.ForeignKeyConstraint(['id'], ['applications.id'], name=op.f('fk_insurance_applications_id_applications')),
    sa.ForeignKeyConstraint(['loan_id'], ['applications.id'], name=op.f('fk_insurance_applications_loan_id_applications')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['users.id'], name=op.f('fk_insurance_applications_proposed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_insurance_applications')),
    sa.UniqueConstraint('policy_no', name=op.f('uq_insurance_applications_policy_no'))
    )
    with op.batch_alter_table('insurance_applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_insurance_applications_loan_id'), ['loan_id'], unique=False)

    op.create_table('insurance_claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('loss_on', sa.Date(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('claimed_fen', sa.BigInteger(), nullable=False),
    sa.Column('notified_by_id', sa.Integer(), nullable=False),
    sa.Column('notified_at', sa.DateTime(), nullable=False),
    sa.Column('assessed_loss_fen', sa.BigInteger(), nullable=True),
    sa.Column('agreed_fen', sa.BigInteger(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('paid_fen', sa.BigInteger(), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_insurance_claims_application_id_applications')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_insurance_claims_decided_by_id_users')),
    sa.ForeignKeyConstraint(['notified_by_id'], ['users.id'], name=op.f('fk_insurance_claims_notified_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_insurance_claims'))
    )
    with op.batch_alter_table('insurance_claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_insurance_claims_application_id'), ['application_id'], unique=False)

    op.create_table('premium_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('policy_year', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('invoice_no', sa.String(length=40), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('subsidy_status', sa.String(length=12), nullable=True),
    sa.Column('subsidy_rate_bp', sa.Integer(), nullable=True),
    sa.Column('subsidy_fen', sa.BigInteger(), nullable=True),
    sa.Column('subsidy_entry_id', sa.Integer(), nullable=True),
    sa.Column('subsidy_decided_by_id', sa.Integer(), nullable=True),
    sa.Column('subsidy_decided_at', sa.DateTime(), nullable=True),
    sa.Column('subsidy_note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_premium_payments_application_id_applications')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_premium_payments_enterprise_id_enterprises')),
    sa.ForeignKeyConstraint(['invoice_id'], ['attachments.id'], name=op.f('fk_premium_payments_invoice_id_attachments')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_premium_payments_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['subsidy_decided_by_id'], ['users.id'], name=op.f('fk_premium_payments_subsidy_decided_by_id_users')),
    sa.ForeignKeyConstraint(['subsidy_entry_id'], ['ledger_entries.id'], name=op.f('fk_premium_payments_subsidy_entry_id_ledger_entries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_premium_payments')),
    sa.UniqueConstraint('application_id', 'policy_year', name=op.f('uq_premium_payments_application_id')),
    sa.UniqueConstraint('subsidy_entry_id', name=op.f('uq_premium_payments_subsidy_entry_id'))
    )
    with op.batch_alter_table('premium_payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_premium_payments_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_premium_payments_enterprise_id'), ['enterprise_id'], unique=False)

    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.add_column(sa.Column('insured_fen', sa.BigInteger(), server_default='0', nullable=False))



def downgrade():
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_column('insured_fen')

    with op.batch_alter_table('premium_payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_premium_payments_enterprise_id'))
        batch_op.drop_index(batch_op.f('ix_premium_payments_application_id'))

    op.drop_table('premium_payments')
    with op.batch_alter_table('insurance_claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_insurance_claims_application_id'))

    op.drop_table('insurance_claims')
    with op.batch_alter_table('insurance_applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_insurance_applications_loan_id'))

    op.drop_table('insurance_applications')
    op.drop_table('insurance_offers')
