"""transition log hash chain

Revision ID: 0004_transition_log_chain
Revises: 0003_ledger
Create Date: 2026-11-28

Existing rows are chained in id order, so a database upgraded with history verifies.
The hashing is written out here (not imported) so this migration never changes meaning.
"""
import hashlib
import json

import sqlalchemy as sa
from alembic import op

revision = "0004_transition_log_chain"
down_revision = "0003_ledger"
branch_labels = None
depends_on = None

GENESIS = "0" * 64
CHAIN = "transition_log"


def _hash(prev_hash, seq, payload):
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(str(seq).encode("ascii"))
    digest.update(json.dumps(payload, sort_keys=True, separators=(",", ":"),
                             ensure_ascii=False, default=str).encode("utf-8"))
    return digest.hexdigest()


def upgrade():
    with op.batch_alter_table("transition_logs") as batch:
        batch.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("row_hash", sa.String(length=64), nullable=True))
    connection = op.get_bind()
    logs = sa.table(
        "transition_logs", sa.column("id"), sa.column("application_id"), sa.column("trigger"),
        sa.column("from_state"), sa.column("to_state"), sa.column("actor_id"),
        sa.column("comment"), sa.column("payload", sa.JSON), sa.column("created_at", sa.DateTime),
        sa.column("seq"), sa.column("prev_hash"), sa.column("row_hash"),
    )
    prev, seq = GENESIS, 0
    for row in connection.execute(sa.select(logs).order_by(logs.c.id)).mappings().all():
        seq += 1
        payload = {
            "application_id": row["application_id"], "trigger": row["trigger"],
            "from_state": row["from_state"], "to_state": row["to_state"],
            "actor_id": row["actor_id"], "comment": row["comment"], "payload": row["payload"],
            "created_at": row["created_at"].isoformat(timespec="microseconds"),
        }
        row_hash = _hash(prev, seq, payload)
        connection.execute(sa.update(logs).where(logs.c.id == row["id"])
                           .values(seq=seq, prev_hash=prev, row_hash=row_hash))
        prev = row_hash
    heads = sa.table("chain_heads", sa.column("name"), sa.column("seq"), sa.column("last_hash"))
    connection.execute(sa.delete(heads).where(heads.c.name == CHAIN))
    connection.execute(sa.insert(heads).values(name=CHAIN, seq=seq, last_hash=prev))
    with op.batch_alter_table("transition_logs") as batch:
        batch.alter_column("seq", nullable=False)
        batch.alter_column("prev_hash", nullable=False)
        batch.alter_column("row_hash", nullable=False)
        batch.create_unique_constraint("uq_transition_logs_seq", ["seq"])


def downgrade():
    with op.batch_alter_table("transition_logs") as batch:
        batch.drop_constraint("uq_transition_logs_seq", type_="unique")
        batch.drop_column("row_hash")
        batch.drop_column("prev_hash")
        batch.drop_column("seq")
    op.execute(sa.text("DELETE FROM chain_heads WHERE name = 'transition_log'"))
