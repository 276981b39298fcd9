"""when a file reached the pool and the exchange, on the envelope, with their queue indexes

Revision ID: 0037_reached_pool_and_exchange
Revises: 0036_standing_reason_code
Create Date: 2026-12-01

The pool sees a loan once it is paid out, a policy once its subsidy is asked for, a
listing once it asks for a reward; the exchange sees a listing once it is recommended.
Those moments are the products' own columns, so the pool's queue read every loan's
payout date to know which loans it sees: 85-160 ms for its first page at a million
applications on SQLite. The envelope now keeps a copy (``pool_since``,
``exchange_since``; talentfin.workflows.reach keeps it), filled here from the products'
columns, and partial indexes hold only the files that reached each. A listing that asked
for a reward more than once gets its latest request's moment (the first is not kept on the
row): only whether the copy is set decides what the pool sees.

The auditors' indexes by product and state cover ``submitted_at`` (what they see): their
last page's exact count at a million read every row for it, 3 s on SQLite.

SQLite does not reflect indexes on expressions: a later migration that rebuilds
``applications`` with batch_alter_table on SQLite must create the amount indexes again.
"""
import sqlalchemy as sa
from alembic import op

revision = "0037_reached_pool_and_exchange"
down_revision = "0036_standing_reason_code"
branch_labels = None
depends_on = None

AMOUNT_KEY = sa.text("coalesce(requested_amount_fen, 0)")
# (envelope column, product, product table, its column, whether that column is a day)
COPIES = (
    ("pool_since", "loan", "loan_applications", "disbursed_on", True),
    ("pool_since", "insurance", "insurance_applications", "subsidy_requested_at", False),
    ("pool_since", "board", "board_listings", "reward_requested_at", False),
    ("exchange_since", "board", "board_listings", "exchange_routed_at", False),
)


def _moment(column: str, is_day: bool, dialect: str) -> str:
    """The product's column as the envelope's timestamp (a day as its first moment)."""
    if not is_day:
        return f"p.{column}"
    if dialect == "postgresql":
        return f"CAST(p.{column} AS TIMESTAMP)"
    return f"p.{column} || ' 00:00:00.000000'"  # SQLAlchemy's SQLite DATETIME text


def _programme_indexes(by_status: list, by_amount: list) -> None:
    """The auditors' two indexes, made again with these columns."""
    for name in ("ix_applications_product_status", "ix_applications_product_amount"):
        op.drop_index(name, table_name="applications")
    op.create_index("ix_applications_product_status", "applications", by_status)
    op.create_index("ix_applications_product_amount", "applications", by_amount)


def upgrade():
    covered = ["id", "submitted_at", "talent_tier", "requested_amount_fen"]
    _programme_indexes(["product", "status", "status_changed_at", *covered],
                       ["product", "status", AMOUNT_KEY, *covered])
    for since in ("pool_since", "exchange_since"):
        op.add_column("applications", sa.Column(since, sa.DateTime(), nullable=True))
    dialect = op.get_bind().dialect.name
    for since, product, table, column, is_day in COPIES:
        op.execute(
            f"UPDATE applications SET {since} = (SELECT {_moment(column, is_day, dialect)} "  # noqa: S608
            f"FROM {table} p WHERE p.id = applications.id) "
            f"WHERE product = '{product}' AND {since} IS NULL AND id IN "
            f"(SELECT id FROM {table} WHERE {column} IS NOT NULL)")
    for since in ("pool_since", "exchange_since"):
        kind = since.removesuffix("_since")
        where = sa.text(f"{since} IS NOT NULL")
        covered = ["id", since, "talent_tier", "requested_amount_fen"]
        op.create_index(f"ix_applications_{kind}_queue", "applications",
                        ["product", "status", "status_changed_at", *covered],
                        sqlite_where=where, postgresql_where=where)
        op.create_index(f"ix_applications_{kind}_amount", "applications",
                        ["product", "status", AMOUNT_KEY, *covered],
                        sqlite_where=where, postgresql_where=where)


def downgrade():
    _programme_indexes(["product", "status", "status_changed_at"],
                       ["product", "status", AMOUNT_KEY, "id", "talent_tier",
                        "requested_amount_fen"])
    for kind in ("pool", "exchange"):
        op.drop_index(f"ix_applications_{kind}_amount", table_name="applications")
        op.drop_index(f"ix_applications_{kind}_queue", table_name="applications")
    # A plain DROP COLUMN (SQLite 3.35 and later): a batch rebuild of the table would lose
    # the expression indexes, which SQLite does not reflect.
    op.drop_column("applications", "exchange_since")
    op.drop_column("applications", "pool_since")
