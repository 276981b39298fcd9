"""How many times a job's run for its period was started (a run the scheduler's death cut
short is taken over and finished when the scheduler starts again)

Revision ID: 0026_job_run_attempts
Revises: 0025_second_factor
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = '0026_job_run_attempts'
down_revision = '0025_second_factor'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=False,
                                      server_default='1'))


def downgrade():
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.drop_column('attempts')
