"""queue indexes name the product after the organisation

Every visibility condition now names the product (``workflows.access``), so the park's
queue index takes it after the park (as the partner's index already did), and the index
for the kinds of organisation the programme has one of (the pool) leads with it. The caps'
index takes it after the firm: with a (product, status) index beside it, SQLite's planner
would otherwise scan every application of the product for one firm's caps.

Revision ID: 0015_product_first_indexes
Revises: 0014_products_as_modules
Create Date: 2026-11-30
"""
from alembic import op

revision = "0015_product_first_indexes"
down_revision = "0014_products_as_modules"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("applications") as batch:
        batch.drop_index("ix_applications_park_queue")
        batch.drop_index("ix_applications_status_changed")
        batch.drop_index("ix_applications_enterprise_status")
        batch.create_index("ix_applications_enterprise_status",
                           ["enterprise_id", "product", "status"])
        batch.create_index("ix_applications_park_queue",
                           ["park_id", "product", "status", "status_changed_at", "id",
                            "submitted_at", "talent_tier", "requested_amount_fen"])
        batch.create_index("ix_applications_product_status",
                           ["product", "status", "status_changed_at"])


def downgrade():
    with op.batch_alter_table("applications") as batch:
        batch.drop_index("ix_applications_product_status")
        batch.drop_index("ix_applications_park_queue")
        batch.drop_index("ix_applications_enterprise_status")
        batch.create_index("ix_applications_enterprise_status", ["enterprise_id", "status"])
        batch.create_index("ix_applications_status_changed", ["status", "status_changed_at"])
        batch.create_index("ix_applications_park_queue",
                           ["park_id", "status", "status_changed_at", "id", "submitted_at",
                            "talent_tier", "requested_amount_fen"])
