"""a draft remembers the page it was opened from

``applications.opened_with``: the one-time token of the founder's page that opened the
draft, unique, so that the same page sent twice (a double click, or back and again) opens
the same draft instead of a second one. Existing rows keep NULL.

Revision ID: 0016_draft_opening_token
Revises: 0015_product_first_indexes
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0016_draft_opening_token"
down_revision = "0015_product_first_indexes"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("applications") as batch:
        batch.add_column(sa.Column("opened_with", sa.String(length=32), nullable=True))
        batch.create_unique_constraint("uq_applications_opened_with", ["opened_with"])


def downgrade():
    with op.batch_alter_table("applications") as batch:
        batch.drop_constraint("uq_applications_opened_with", type_="unique")
        batch.drop_column("opened_with")
