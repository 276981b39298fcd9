"""queue indexes in the amount sorts' order

Revision ID: 0032_queue_amount_indexes
Revises: 0031_chain_per_application
Create Date: 2026-12-01

The amount sorts read each (organisation, product, status) range in the order of the
amount asked for (a missing amount counting as 0), so a page reads a page of index entries
per range instead of sorting the whole queue.

SQLite does not reflect indexes on expressions: a later migration that rebuilds
``applications`` with batch_alter_table on SQLite must create these two again.
"""
import sqlalchemy as sa
from alembic import op

revision = "0032_queue_amount_indexes"
down_revision = "0031_chain_per_application"
branch_labels = None
depends_on = None

AMOUNT_KEY = sa.text("coalesce(requested_amount_fen, 0)")


def upgrade():
    op.create_index("ix_applications_partner_amount", "applications",
                    ["partner_org_id", "product", "status", AMOUNT_KEY, "id",
                     "partner_routed_at", "talent_tier", "requested_amount_fen"])
    op.create_index("ix_applications_park_amount", "applications",
                    ["park_id", "product", "status", AMOUNT_KEY, "id", "submitted_at",
                     "talent_tier", "requested_amount_fen"])


def downgrade():
    op.drop_index("ix_applications_park_amount", table_name="applications")
    op.drop_index("ix_applications_partner_amount", table_name="applications")
