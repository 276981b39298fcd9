"""Room for sealed second-factor secrets (a Fernet token of the base32 secret); a secret
stored before is sealed at its owner's next login

Revision ID: 0027_sealed_totp_secrets
Revises: 0026_job_run_attempts
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = '0027_sealed_totp_secrets'
down_revision = '0026_job_run_attempts'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('totp_secret', existing_type=sa.String(length=64),
                              type_=sa.String(length=255), existing_nullable=True)


def downgrade():
    # A sealed secret does not fit the old column: the second factors are removed (each
    # user enrols again), as an administrator's reset would.
    op.execute("UPDATE users SET totp_secret = NULL, totp_enabled_at = NULL, "
               "totp_last_step = NULL, recovery_codes = NULL "
               "WHERE length(totp_secret) > 64")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('totp_secret', existing_type=sa.String(length=255),
                              type_=sa.String(length=64), existing_nullable=True)
