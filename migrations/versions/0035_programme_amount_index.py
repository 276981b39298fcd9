"""the programme's readers' amount sort on an index

Revision ID: 0035_programme_amount_index
Revises: 0034_programme_api_clients
Create Date: 2026-12-01

The pool's staff and the auditors read every product's applications by (product, status)
(``ix_applications_product_status``, in the waiting order). Sorted by the amount asked
for, each of those ranges was read whole and sorted; this index holds them in the
amount's order, as the banks' and the parks' amount indexes do for theirs.

SQLite does not reflect indexes on expressions: a later migration that rebuilds
``applications`` with batch_alter_table on SQLite must create this one again.
"""
import sqlalchemy as sa
from alembic import op

revision = "0035_programme_amount_index"
down_revision = "0034_programme_api_clients"
branch_labels = None
depends_on = None

AMOUNT_KEY = sa.text("coalesce(requested_amount_fen, 0)")


def upgrade():
    op.create_index("ix_applications_product_amount", "applications",
                    ["product", "status", AMOUNT_KEY, "id", "talent_tier",
                     "requested_amount_fen"])


def downgrade():
    op.drop_index("ix_applications_product_amount", table_name="applications")
