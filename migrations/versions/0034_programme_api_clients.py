"""API clients for the programme's auditors (no organisation)

Revision ID: 0034_programme_api_clients
Revises: 0033_claims_index
Create Date: 2026-12-01

A client was registered for one organisation, so the auditors and the administrators (who
belong to none) could not read through the API what they read in the pages. A client
registered for the programme has no organisation, holds the read scope only, and acts for
the programme's own staff alone.
"""
import sqlalchemy as sa
from alembic import op

revision = "0034_programme_api_clients"
down_revision = "0033_claims_index"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("api_clients", schema=None) as batch_op:
        batch_op.alter_column("org_id", existing_type=sa.Integer(), nullable=True)


def downgrade():
    # A programme client has no organisation to go back to: it goes, with its tokens and
    # idempotency keys, before the column is NOT NULL again.
    programme = "SELECT id FROM api_clients WHERE org_id IS NULL"
    op.execute(f"DELETE FROM api_tokens WHERE client_pk IN ({programme})")
    op.execute(f"DELETE FROM idempotency_keys WHERE client_pk IN ({programme})")
    op.execute("DELETE FROM api_clients WHERE org_id IS NULL")
    with op.batch_alter_table("api_clients", schema=None) as batch_op:
        batch_op.alter_column("org_id", existing_type=sa.Integer(), nullable=False)
