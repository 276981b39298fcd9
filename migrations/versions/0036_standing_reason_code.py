"""a bank's automatic suspension keeps a reason code, worded for the reader

``standing_changes.reason_code``: why the system changed a bank's standing (for now
"npl_above_threshold"), which the pages word in the reader's language from the change's
figures, instead of a sentence stored in the language of the job that ran it. Rows the
daily check wrote before carry its sentence in Chinese or English: they get the code and
lose the sentence; any other reason (the committee's, as typed) stays as it is.

Revision ID: 0036_standing_reason_code
Revises: 0035_programme_amount_index
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0036_standing_reason_code"
down_revision = "0035_programme_amount_index"
branch_labels = None
depends_on = None

CODE = "npl_above_threshold"
# The sentence the daily check stored, in the languages it could run in.
STORED = ("备案贷款不良率超过阈值。", "Covered NPL ratio above the threshold.")

changes = sa.table("standing_changes", sa.column("reason", sa.Text),
                   sa.column("reason_code", sa.String), sa.column("to_standing", sa.String),
                   sa.column("decided_by_id", sa.Integer))


def upgrade():
    with op.batch_alter_table("standing_changes") as batch:
        batch.add_column(sa.Column("reason_code", sa.String(length=40), nullable=False,
                                   server_default=""))
    op.execute(changes.update()
               .where(changes.c.to_standing == "suspended",
                      changes.c.decided_by_id.is_(None), changes.c.reason.in_(STORED))
               .values(reason_code=CODE, reason=""))


def downgrade():
    op.execute(changes.update().where(changes.c.reason_code == CODE)
               .values(reason=STORED[0]))
    with op.batch_alter_table("standing_changes") as batch:
        batch.drop_column("reason_code")
