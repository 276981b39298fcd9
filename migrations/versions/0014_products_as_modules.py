"""products as modules: the application becomes an envelope, the loan's fields its own table

The loan's columns move from ``applications`` to ``loan_applications`` (joined-table
inheritance on ``product``), row for row; ``applications.amount_fen`` is the amount that
counts now (disbursed, else recommended, else requested). ``pure_credit`` (true for every
loan, never set by anyone) gives way to ``security``, which the bank records with its
recommendation: loans recommended before this migration have none recorded (NULL).
Subsidy claims keep their basis under a product-neutral name. Partner roles follow the
institutions' catalogue (``insurer`` -> ``insurer_officer``, ``underwriter`` ->
``underwriter_officer``). No hashed chain names a moved column: the transition log's and
the ledger's hashes stay valid.

Revision ID: 0014_products_as_modules
Revises: 0013_audit_sign_offs
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0014_products_as_modules"
down_revision = "0013_audit_sign_offs"
branch_labels = None
depends_on = None

# The loan's columns, as they move (security takes pure_credit's place, see above).
MOVED = ("requested_term_months", "recommended_amount_fen", "recommended_rate_bp",
         "recommended_term_months", "recommended_by_id", "decided_by_id", "contract_no",
         "contract_signed_on", "disbursed_on", "disbursed_amount_fen", "filed_on", "filing_no",
         "outstanding_fen", "overdue_since", "classification")
ROLES = (("insurer", "insurer_officer"), ("underwriter", "underwriter_officer"))


def upgrade():
    op.create_table(
        "loan_applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requested_term_months", sa.Integer(), nullable=True),
        sa.Column("recommended_amount_fen", sa.BigInteger(), nullable=True),
        sa.Column("recommended_rate_bp", sa.Integer(), nullable=True),
        sa.Column("recommended_term_months", sa.Integer(), nullable=True),
        sa.Column("recommended_by_id", sa.Integer(), nullable=True),
        sa.Column("security", sa.String(length=20), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("contract_no", sa.String(length=60), nullable=True),
        sa.Column("contract_signed_on", sa.Date(), nullable=True),
        sa.Column("disbursed_on", sa.Date(), nullable=True),
        sa.Column("disbursed_amount_fen", sa.BigInteger(), nullable=True),
        sa.Column("filed_on", sa.Date(), nullable=True),
        sa.Column("filing_no", sa.String(length=40), nullable=True),
        sa.Column("outstanding_fen", sa.BigInteger(), nullable=True),
        sa.Column("overdue_since", sa.Date(), nullable=True),
        sa.Column("classification", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"],
                                name=op.f("fk_loan_applications_decided_by_id_users")),
        sa.ForeignKeyConstraint(["id"], ["applications.id"],
                                name=op.f("fk_loan_applications_id_applications")),
        sa.ForeignKeyConstraint(["recommended_by_id"], ["users.id"],
                                name=op.f("fk_loan_applications_recommended_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loan_applications")),
    )
    columns = ", ".join(MOVED)
    op.execute(f"INSERT INTO loan_applications (id, {columns}) "  # noqa: S608 (constants)
               f"SELECT id, {columns} FROM applications WHERE product = 'loan'")
    with op.batch_alter_table("applications") as batch:
        batch.add_column(sa.Column("amount_fen", sa.BigInteger(), nullable=True))
    op.execute("UPDATE applications SET amount_fen = COALESCE(disbursed_amount_fen, "
               "recommended_amount_fen, requested_amount_fen)")
    with op.batch_alter_table("applications") as batch:
        batch.drop_constraint("fk_applications_recommended_by_id_users", type_="foreignkey")
        batch.drop_constraint("fk_applications_decided_by_id_users", type_="foreignkey")
        for column in (*MOVED, "pure_credit"):
            batch.drop_column(column)
    with op.batch_alter_table("subsidy_claims") as batch:
        batch.alter_column("interest_on_time_fen", new_column_name="basis_fen",
                           existing_type=sa.BigInteger(), existing_nullable=False)
    for old, new in ROLES:
        op.execute(f"UPDATE users SET role = '{new}' WHERE role = '{old}'")  # noqa: S608


def downgrade():
    for old, new in ROLES:
        op.execute(f"UPDATE users SET role = '{old}' WHERE role = '{new}'")  # noqa: S608
    with op.batch_alter_table("subsidy_claims") as batch:
        batch.alter_column("basis_fen", new_column_name="interest_on_time_fen",
                           existing_type=sa.BigInteger(), existing_nullable=False)
    with op.batch_alter_table("applications") as batch:
        batch.add_column(sa.Column("requested_term_months", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("recommended_amount_fen", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("recommended_rate_bp", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("recommended_term_months", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("recommended_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("decided_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("contract_no", sa.String(length=60), nullable=True))
        batch.add_column(sa.Column("contract_signed_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("disbursed_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("disbursed_amount_fen", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("filed_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("filing_no", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("outstanding_fen", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("overdue_since", sa.Date(), nullable=True))
        batch.add_column(sa.Column("classification", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("pure_credit", sa.Boolean(), nullable=False,
                                   server_default=sa.true()))
        batch.create_foreign_key("fk_applications_recommended_by_id_users", "users",
                                 ["recommended_by_id"], ["id"])
        batch.create_foreign_key("fk_applications_decided_by_id_users", "users",
                                 ["decided_by_id"], ["id"])
    for column in MOVED:
        op.execute(f"UPDATE applications SET {column} = (SELECT loan_applications.{column} "  # noqa: S608
                   f"FROM loan_applications WHERE loan_applications.id = applications.id)")
    with op.batch_alter_table("applications") as batch:
        batch.drop_column("amount_fen")
    op.drop_table("loan_applications")
