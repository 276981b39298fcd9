"""the whole queue of the auditor and of a park in each sort's order

Revision ID: 0038_whole_queue_orders
Revises: 0037_reached_pool_and_exchange
Create Date: 2026-12-02

"All I can see" of a reader whose queue spans every product (the auditor: every submitted
file; a park's reviewer: its park's files) was read as a hundred (product, state) ranges,
a page from each, merged for every page. These indexes hold that whole queue in the order
of each sort (the waiting time, the amount), so a page reads a page
(talentfin.services.queue_whole). Partial: only what was submitted (a draft is seen by its
founder alone).

SQLite does not reflect indexes on expressions: a later migration that rebuilds
``applications`` with batch_alter_table on SQLite must create the amount orders again.
"""
from alembic import op
from sqlalchemy import text

revision = "0038_whole_queue_orders"
down_revision = "0037_reached_pool_and_exchange"
branch_labels = None
depends_on = None

AMOUNT_KEY = text("coalesce(requested_amount_fen, 0)")
SUBMITTED = text("submitted_at IS NOT NULL")
ORDERS = (("programme", []), ("park", ["park_id"]))  # (name, leading columns)
COVERED = ["id", "product", "submitted_at", "talent_tier", "requested_amount_fen"]


def upgrade():
    partial = {"sqlite_where": SUBMITTED, "postgresql_where": SUBMITTED}
    for name, leading in ORDERS:
        op.create_index(f"ix_applications_{name}_order", "applications",
                        [*leading, "status_changed_at", *COVERED], **partial)
        op.create_index(f"ix_applications_{name}_amount_order", "applications",
                        [*leading, AMOUNT_KEY, *COVERED], **partial)


def downgrade():
    for name, _leading in ORDERS:
        op.drop_index(f"ix_applications_{name}_amount_order", table_name="applications")
        op.drop_index(f"ix_applications_{name}_order", table_name="applications")
