"""policy changes and bank standing: proposals, decisions, the pool rules' defaults

Revision ID: 0009_policy_changes
Revises: 0008_pool_statements
Create Date: 2026-11-28

The pool's numbers of the domain reference are written as data (not imported) so the
migration keeps its meaning when code changes.
"""
from datetime import date
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0009_policy_changes"
down_revision = "0008_pool_statements"
branch_labels = None
depends_on = None

POOL_DEFAULTS = [
    ("compensation_ratio_bp", "7000", "Jinan: the pool compensates 70 % of the principal loss"),
    ("first_loan_bonus_bp", "500", "Anhui: +5 points for a first loan or a pure credit loan"),
    ("public_ceiling_bp", "8000", "Anhui: all public compensation at most 80 % of a loss"),
    ("leverage_limit", "10", "covered outstanding at most 10x the pool balance"),
    ("bank_annual_cap_fen", "1000000000", "per-bank annual compensation cap 10,000,000"),
    ("suspension_npl_bp", "300", "suspend a bank above 3 % covered NPL ..."),
    ("suspension_balance_fen", "2000000000", "... while its covered balance exceeds 20,000,000"),
    ("npl_band_bp", "500", "losses beyond a 5 % NPL band are not compensated"),
    ("npl_days_overdue", "90", "overdue 90 days or more is non-performing"),
    ("claim_admin_working_days", "5", "pool administrator reviews a claim within 5 working days"),
    ("claim_committee_working_days", "25", "the committee decides within 25 working days"),
    ("interest_subsidy_bp", "5000", "interest subsidy: 50 % of interest paid on time"),
    ("interest_subsidy_cap_fen", "50000000", "at most 500,000 per firm per year"),
]


def upgrade():
    op.create_table(
        "standing_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bank_id", sa.Integer(), nullable=False),
        sa.Column("from_standing", sa.String(length=12), nullable=False),
        sa.Column("to_standing", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["bank_id"], ["organisations.id"],
                                name="fk_standing_changes_bank_id_organisations"),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"],
                                name="fk_standing_changes_decided_by_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_standing_changes"),
    )
    with op.batch_alter_table("standing_changes") as batch:
        batch.create_index("ix_standing_changes_bank_id", ["bank_id"], unique=False)
    with op.batch_alter_table("policy_parameters") as batch:
        batch.add_column(sa.Column("reason", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("decided_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("decided_at", sa.DateTime(), nullable=True))
        batch.create_foreign_key("fk_policy_parameters_decided_by_id_users", "users",
                                 ["decided_by_id"], ["id"])
    table = sa.table("policy_parameters", sa.column("key", sa.String),
                     sa.column("value", sa.String), sa.column("effective_from", sa.Date),
                     sa.column("status", sa.String), sa.column("source", sa.String),
                     sa.column("created_at", sa.DateTime), sa.column("reason", sa.Text))
    present = {row[0] for row in op.get_bind().execute(sa.select(table.c.key).distinct())}
    op.bulk_insert(table, [
        {"key": key, "value": value, "effective_from": date(2020, 1, 1), "status": "in_force",
         "source": source, "created_at": datetime(2026, 11, 28), "reason": ""}
        for key, value, source in POOL_DEFAULTS if key not in present
    ])


def downgrade():
    op.drop_table("standing_changes")
    with op.batch_alter_table("policy_parameters") as batch:
        batch.drop_constraint("fk_policy_parameters_decided_by_id_users", type_="foreignkey")
        batch.drop_column("decided_at")
        batch.drop_column("decided_by_id")
        batch.drop_column("reason")
