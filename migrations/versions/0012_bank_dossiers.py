"""bank dossiers: a dossier belongs to an application or to a bank (suspension notice)

Revision ID: 0012_bank_dossiers
Revises: 0011_subsidies
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

revision = "0012_bank_dossiers"
down_revision = "0011_subsidies"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("dossiers") as batch:
        batch.alter_column("application_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("bank_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_dossiers_bank_id_organisations", "organisations",
                                 ["bank_id"], ["id"])
        batch.create_index("ix_dossiers_bank_id", ["bank_id"])


def downgrade():
    with op.batch_alter_table("dossiers") as batch:
        batch.drop_index("ix_dossiers_bank_id")
        batch.drop_constraint("fk_dossiers_bank_id_organisations", type_="foreignkey")
        batch.drop_column("bank_id")
        batch.alter_column("application_id", existing_type=sa.Integer(), nullable=False)
