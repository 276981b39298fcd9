"""policy defaults: the programme's numbers from the domain reference

Revision ID: 0002_policy_defaults
Revises: 0001_initial
Create Date: 2026-11-28

The values are written here, not imported, so this migration stays what it was when later
code changes the defaults.
"""
from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0002_policy_defaults"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

DEFAULTS = [
        ('tier_limit_A_fen', '1000000000', 'domain reference: tier A 10,000,000 yuan'),
        ('tier_limit_B_fen', '500000000', 'domain reference: tier B 5,000,000 yuan'),
        ('tier_limit_C_fen', '300000000', 'domain reference: tier C 3,000,000 yuan'),
        ('tier_limit_D_fen', '100000000', 'domain reference: tier D 1,000,000 yuan'),
        ('cap_per_talent_fen', '1000000000', 'Jinan: 10,000,000 per talent across banks'),
        ('cap_per_firm_fen', '5000000000', 'Jinan: 50,000,000 per firm'),
        ('lpr_1y_bp', '300', '1-year LPR 3.00%'),
        ('rate_cap_spread_bp', '80', 'Zhejiang: LPR + 80 bp'),
        ('term_min_months', '12', 'term 1-3 years'),
        ('term_max_months', '36', 'term 1-3 years'),
        ('firm_max_age_years', '5', 'firm age <= 5 years, tier A exempt'),
        ('founder_min_equity_bp', '3000', 'founder holds >= 30%'),
        ('dishonesty_lookback_years', '3', 'no serious dishonesty record in 3 years'),
        ('filing_window_days', '90', 'Shandong: file within 3 months'),
        ('info_request_expiry_working_days', '10', 'common route'),
]


def upgrade():
    table = sa.table(
        "policy_parameters",
        sa.column("key", sa.String),
        sa.column("value", sa.String),
        sa.column("effective_from", sa.Date),
        sa.column("status", sa.String),
        sa.column("source", sa.String),
        sa.column("created_at", sa.DateTime),
    )
    from datetime import datetime

    op.bulk_insert(table, [
        {"key": key, "value": value, "effective_from": date(2020, 1, 1), "status": "in_force",
          "source": source, "created_at": datetime(2026, 11, 28)}
        for key, value, source in DEFAULTS
    ])


def downgrade():
    op.execute(
        sa.text("DELETE FROM policy_parameters WHERE effective_from = :day AND created_by_id IS NULL")
        .bindparams(day=date(2020, 1, 1))
    )
