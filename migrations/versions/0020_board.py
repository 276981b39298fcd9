"""人才板: the listing's own table, its financings, annual reports and rewards

``board_listings`` holds a listing beside the application envelope; ``board_financings``
what a listed firm raised (verified by the exchange); ``board_disclosures`` the annual
reports it owes; ``board_rewards`` the financing rewards paid, once per firm and year
(unique), each with its ledger entry (the programme's budget, not the pool's cash).

Revision ID: 0020_board
Revises: 0019_bond
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = '0020_board'
down_revision = '0019_bond'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('board_financings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('instrument', sa.String(length=20), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('investors', sa.Integer(), nullable=False),
    sa.Column('holders_after', sa.Integer(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('verified_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_board_financings_application_id_applications')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_board_financings_enterprise_id_enterprises')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_board_financings_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['verified_by_id'], ['users.id'], name=op.f('fk_board_financings_verified_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_board_financings'))
    )
    with op.batch_alter_table('board_financings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_board_financings_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_board_financings_enterprise_id'), ['enterprise_id'], unique=False)

    op.create_table('board_listings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('requested_tier', sa.String(length=12), nullable=True),
    sa.Column('shareholders', sa.Integer(), nullable=True),
    sa.Column('exchange_routed_at', sa.DateTime(), nullable=True),
    sa.Column('listing_code', sa.String(length=12), nullable=True),
    sa.Column('tier', sa.String(length=12), nullable=True),
    sa.Column('listed_on', sa.Date(), nullable=True),
    sa.Column('reward_year', sa.Integer(), nullable=True),
    sa.Column('reward_requested_at', sa.DateTime(), nullable=True),
    sa.Column('reward_recommended_by_id', sa.Integer(), nullable=True),
    sa.Column('delisting_reason', sa.String(length=20), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('market', sa.String(length=8), nullable=True),
    sa.ForeignKeyConstraint(['id'], ['applications.id'], name=op.f('fk_board_listings_id_applications')),
    sa.ForeignKeyConstraint(['reward_recommended_by_id'], ['users.id'], name=op.f('fk_board_listings_reward_recommended_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_board_listings')),
    sa.UniqueConstraint('listing_code', name=op.f('uq_board_listings_listing_code'))
    )
    op.create_table('board_disclosures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=True),
    sa.Column('filed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_board_disclosures_application_id_applications')),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachments.id'], name=op.f('fk_board_disclosures_attachment_id_attachments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_board_disclosures')),
    sa.UniqueConstraint('application_id', 'year', name=op.f('uq_board_disclosures_application_id'))
    )
    with op.batch_alter_table('board_disclosures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_board_disclosures_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_board_disclosures_due_on'), ['due_on'], unique=False)

    op.create_table('board_rewards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('raised_fen', sa.BigInteger(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('maker_id', sa.Integer(), nullable=False),
    sa.Column('checker_id', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_board_rewards_application_id_applications')),
    sa.ForeignKeyConstraint(['checker_id'], ['users.id'], name=op.f('fk_board_rewards_checker_id_users')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_board_rewards_enterprise_id_enterprises')),
    sa.ForeignKeyConstraint(['entry_id'], ['ledger_entries.id'], name=op.f('fk_board_rewards_entry_id_ledger_entries')),
    sa.ForeignKeyConstraint(['maker_id'], ['users.id'], name=op.f('fk_board_rewards_maker_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_board_rewards')),
    sa.UniqueConstraint('enterprise_id', 'year', name=op.f('uq_board_rewards_enterprise_id')),
    sa.UniqueConstraint('entry_id', name=op.f('uq_board_rewards_entry_id'))
    )
    with op.batch_alter_table('board_rewards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_board_rewards_application_id'), ['application_id'], unique=False)



def downgrade():
    with op.batch_alter_table('board_rewards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_board_rewards_application_id'))

    op.drop_table('board_rewards')
    with op.batch_alter_table('board_disclosures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_board_disclosures_due_on'))
        batch_op.drop_index(batch_op.f('ix_board_disclosures_application_id'))

    op.drop_table('board_disclosures')
    op.drop_table('board_listings')
    with op.batch_alter_table('board_financings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_board_financings_enterprise_id'))
        batch_op.drop_index(batch_op.f('ix_board_financings_application_id'))

    op.drop_table('board_financings')
