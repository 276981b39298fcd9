"""人才债: the on-lent loan's repayments, arrears and default

An allocation paid out keeps its principal still owed, its arrears and classification as
the underwriter reports them, and, on default, the day and the loss the layers absorbed
(the draws themselves are ledger entries). Allocations paid out before this revision owe
what was paid out, less nothing: their repayments were not recorded.

Revision ID: 0021_bond_servicing
Revises: 0020_board
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = '0021_bond_servicing'
down_revision = '0020_board'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('bond_allocations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outstanding_fen', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('overdue_since', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('classification', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('defaulted_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('loss_fen', sa.BigInteger(), nullable=True))
    allocations = sa.table('bond_allocations', sa.column('outstanding_fen', sa.BigInteger()),
                           sa.column('disbursed_amount_fen', sa.BigInteger()),
                           sa.column('repaid_on', sa.Date()))
    op.execute(allocations.update()
               .where(allocations.c.disbursed_amount_fen.is_not(None),
                      allocations.c.repaid_on.is_(None))
               .values(outstanding_fen=allocations.c.disbursed_amount_fen))
    op.execute(allocations.update().where(allocations.c.repaid_on.is_not(None))
               .values(outstanding_fen=0))


def downgrade():
    with op.batch_alter_table('bond_allocations', schema=None) as batch_op:
        batch_op.drop_column('loss_fen')
        batch_op.drop_column('defaulted_on')
        batch_op.drop_column('classification')
        batch_op.drop_column('overdue_since')
        batch_op.drop_column('outstanding_fen')
