"""covering indexes for the review queues and the outstanding caps

Revision ID: 0010_queue_indexes
Revises: 0009_policy_changes
Create Date: 2026-11-28
"""
from alembic import op

revision = "0010_queue_indexes"
down_revision = "0009_policy_changes"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("applications") as batch:
        batch.drop_index("ix_applications_partner_queue")
        batch.drop_index("ix_applications_park_queue")
        batch.drop_index("ix_applications_enterprise_id")
        batch.create_index("ix_applications_partner_queue",
                           ["partner_org_id", "product", "status", "status_changed_at", "id",
                            "partner_routed_at", "talent_tier", "requested_amount_fen"])
        batch.create_index("ix_applications_park_queue",
                           ["park_id", "status", "status_changed_at", "id", "submitted_at",
                            "talent_tier", "requested_amount_fen"])
        batch.create_index("ix_applications_enterprise_status", ["enterprise_id", "status"])


def downgrade():
    with op.batch_alter_table("applications") as batch:
        batch.drop_index("ix_applications_enterprise_status")
        batch.drop_index("ix_applications_park_queue")
        batch.drop_index("ix_applications_partner_queue")
        batch.create_index("ix_applications_enterprise_id", ["enterprise_id"])
        batch.create_index("ix_applications_park_queue", ["park_id", "status", "status_changed_at"])
        batch.create_index("ix_applications_partner_queue",
                           ["partner_org_id", "status", "status_changed_at"])
