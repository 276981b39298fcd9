"""人才投: the deal's own table, due diligence, the committee, cash flows and reports

``equity_applications`` holds the equity product's fields beside the application envelope
(joined-table inheritance, as the loan's and insurance's); ``equity_workstreams`` the three
due diligence workstreams of a deal; ``equity_committees`` a fund's committee chair;
``equity_meetings`` and ``equity_votes`` the committee's meetings and named votes (one vote
a member, one open meeting an application); ``equity_cash_flows`` the fund's dated money
with the firm; ``equity_obligations`` the reports a portfolio firm owes.

Revision ID: 0018_equity
Revises: 0017_insurance
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = '0018_equity'
down_revision = '0017_insurance'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('equity_committees',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('chair_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['chair_id'], ['users.id'], name=op.f('fk_equity_committees_chair_id_users')),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_equity_committees_org_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_equity_committees')),
    sa.UniqueConstraint('org_id', name=op.f('uq_equity_committees_org_id'))
    )
    op.create_table('equity_applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('asked_pre_money_fen', sa.BigInteger(), nullable=True),
    sa.Column('staff', sa.Integer(), nullable=True),
    sa.Column('rd_staff', sa.Integer(), nullable=True),
    sa.Column('total_assets_fen', sa.BigInteger(), nullable=True),
    sa.Column('revenue_fen', sa.BigInteger(), nullable=True),
    sa.Column('cap_table', sa.JSON(), nullable=False),
    sa.Column('pre_money_fen', sa.BigInteger(), nullable=True),
    sa.Column('ticket_fen', sa.BigInteger(), nullable=True),
    sa.Column('stake_bp', sa.Integer(), nullable=True),
    sa.Column('valued_by_id', sa.Integer(), nullable=True),
    sa.Column('publicity_ends_on', sa.Date(), nullable=True),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('funded_on', sa.Date(), nullable=True),
    sa.Column('exit_method', sa.String(length=12), nullable=True),
    sa.Column('exited_on', sa.Date(), nullable=True),
    sa.Column('exit_proceeds_fen', sa.BigInteger(), nullable=True),
    sa.Column('exit_proposed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['exit_proposed_by_id'], ['users.id'], name=op.f('fk_equity_applications_exit_proposed_by_id_users')),
    sa.ForeignKeyConstraint(['id'], ['applications.id'], name=op.f('fk_equity_applications_id_applications')),
    sa.ForeignKeyConstraint(['valued_by_id'], ['users.id'], name=op.f('fk_equity_applications_valued_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_equity_applications'))
    )
    op.create_table('equity_cash_flows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_equity_cash_flows_application_id_applications')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_equity_cash_flows_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_equity_cash_flows')),
    sa.UniqueConstraint('application_id', 'kind', name=op.f('uq_equity_cash_flows_application_id'))
    )
    with op.batch_alter_table('equity_cash_flows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_equity_cash_flows_application_id'), ['application_id'], unique=False)

    op.create_table('equity_meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('chair_id', sa.Integer(), nullable=False),
    sa.Column('agenda', sa.Text(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('member_ids', sa.JSON(), nullable=False),
    sa.Column('quorum_bp', sa.Integer(), nullable=False),
    sa.Column('approval_bp', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.Column('open_for', sa.Integer(), nullable=True),
    sa.Column('votes_cast', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_equity_meetings_application_id_applications')),
    sa.ForeignKeyConstraint(['chair_id'], ['users.id'], name=op.f('fk_equity_meetings_chair_id_users')),
    sa.ForeignKeyConstraint(['open_for'], ['applications.id'], name=op.f('fk_equity_meetings_open_for_applications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_equity_meetings')),
    sa.UniqueConstraint('open_for', name=op.f('uq_equity_meetings_open_for'))
    )
    with op.batch_alter_table('equity_meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_equity_meetings_application_id'), ['application_id'], unique=False)

    op.create_table('equity_obligations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('period', sa.String(length=8), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_equity_obligations_application_id_applications')),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachments.id'], name=op.f('fk_equity_obligations_attachment_id_attachments')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_equity_obligations_submitted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_equity_obligations')),
    sa.UniqueConstraint('application_id', 'kind', 'period', name=op.f('uq_equity_obligations_application_id'))
    )
    with op.batch_alter_table('equity_obligations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_equity_obligations_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_equity_obligations_due_on'), ['due_on'], unique=False)

    op.create_table('equity_votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('vote', sa.String(length=8), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('cast_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['equity_meetings.id'], name=op.f('fk_equity_votes_meeting_id_equity_meetings')),
    sa.ForeignKeyConstraint(['member_id'], ['users.id'], name=op.f('fk_equity_votes_member_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_equity_votes')),
    sa.UniqueConstraint('meeting_id', 'member_id', name=op.f('uq_equity_votes_meeting_id'))
    )
    with op.batch_alter_table('equity_votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_equity_votes_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('equity_workstreams',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.Column('finding', sa.String(length=10), nullable=True),
    sa.Column('finding_text', sa.Text(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_equity_workstreams_application_id_applications')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_equity_workstreams_closed_by_id_users')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_equity_workstreams_owner_id_users')),
    sa.ForeignKeyConstraint(['report_id'], ['attachments.id'], name=op.f('fk_equity_workstreams_report_id_attachments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_equity_workstreams')),
    sa.UniqueConstraint('application_id', 'kind', name=op.f('uq_equity_workstreams_application_id'))
    )
    with op.batch_alter_table('equity_workstreams', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_equity_workstreams_application_id'), ['application_id'], unique=False)



def downgrade():
    with op.batch_alter_table('equity_workstreams', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_equity_workstreams_application_id'))

    op.drop_table('equity_workstreams')
    with op.batch_alter_table('equity_votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_equity_votes_meeting_id'))

    op.drop_table('equity_votes')
    with op.batch_alter_table('equity_obligations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_equity_obligations_due_on'))
        batch_op.drop_index(batch_op.f('ix_equity_obligations_application_id'))

    op.drop_table('equity_obligations')
    with op.batch_alter_table('equity_meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_equity_meetings_application_id'))

    op.drop_table('equity_meetings')
    with op.batch_alter_table('equity_cash_flows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_equity_cash_flows_application_id'))

    op.drop_table('equity_cash_flows')
    op.drop_table('equity_applications')
    op.drop_table('equity_committees')
