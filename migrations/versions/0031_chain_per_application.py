"""audit chain per application, sealed by checkpoints

Revision ID: 0031_chain_per_application
Revises: 0030_webhooks
Create Date: 2026-12-01

The transition log's one global chain becomes one chain per application, its head on the
application row, and a checkpoint seals every chain's head into a Merkle root. The upgrade
first verifies the old chain (and every sign-off given on it) and refuses to convert one
that does not verify; then re-links each application's rows in their old order, records
the heads, and makes the conversion checkpoint, which also attests the old chain's head and
the sign-offs given on it; then verifies the converted chains against that checkpoint.
The hashing is written out here (not imported) so this migration never changes meaning.
"""
import hashlib
import json
from datetime import UTC
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0031_chain_per_application"
down_revision = "0030_webhooks"
branch_labels = None
depends_on = None

GENESIS = "0" * 64
LOG_CHAIN = "transition_log"
CHECKPOINT_CHAIN = "checkpoints"
_BATCH = 2000

logs = sa.table(
    "transition_logs", sa.column("id"), sa.column("application_id"), sa.column("trigger"),
    sa.column("from_state"), sa.column("to_state"), sa.column("actor_id"),
    sa.column("comment"), sa.column("payload", sa.JSON), sa.column("created_at", sa.DateTime),
    sa.column("seq"), sa.column("prev_hash"), sa.column("row_hash"),
    sa.column("checkpoint_id"),
)
applications = sa.table("applications", sa.column("id"), sa.column("log_seq"),
                        sa.column("log_hash"))
heads = sa.table("chain_heads", sa.column("name"), sa.column("seq"), sa.column("last_hash"))
sign_offs = sa.table("audit_sign_offs", sa.column("id"), sa.column("log_seq"),
                     sa.column("log_hash"))
checkpoints = sa.table(
    "audit_checkpoints", sa.column("id"), sa.column("seq"), sa.column("root"),
    sa.column("leaves"), sa.column("legacy", sa.JSON), sa.column("created_at", sa.DateTime),
    sa.column("prev_hash"), sa.column("row_hash"))
leaves = sa.table("audit_checkpoint_leaves", sa.column("checkpoint_id"), sa.column("chain"),
                  sa.column("application_id"), sa.column("seq"), sa.column("hash"))


def _hash(prev_hash, seq, payload):
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(str(seq).encode("ascii"))
    digest.update(json.dumps(payload, sort_keys=True, separators=(",", ":"),
                             ensure_ascii=False, default=str).encode("utf-8"))
    return digest.hexdigest()


def _payload(row):
    return {
        "application_id": row["application_id"], "trigger": row["trigger"],
        "from_state": row["from_state"], "to_state": row["to_state"],
        "actor_id": row["actor_id"], "comment": row["comment"], "payload": row["payload"],
        "created_at": row["created_at"].isoformat(timespec="microseconds"),
    }


def _leaf(chain, application_id, seq, head_hash):
    key = f"{chain}:{application_id or 0:012d}"
    return hashlib.sha256(f"leaf:{key}:{seq}:{head_hash}".encode("ascii")).hexdigest()


def _root(hashes):
    level = list(hashes)
    if not level:
        return GENESIS
    while len(level) > 1:
        if len(level) % 2:
            level.append(level[-1])
        level = [hashlib.sha256(f"node:{a}:{b}".encode("ascii")).hexdigest()
                 for a, b in zip(level[::2], level[1::2], strict=True)]
    return level[0]


def _rows(connection, order):
    columns = [column for column in logs.c if column.name != "checkpoint_id"]
    return connection.execute(sa.select(*columns).order_by(*order)).mappings()


def _verify_global(connection):
    """The old chain's head (seq, hash), after checking every link; raises if broken."""
    prev, seq = GENESIS, 0
    for row in _rows(connection, [logs.c.seq]):
        seq += 1
        if (row["seq"] != seq or row["prev_hash"] != prev
                or _hash(prev, seq, _payload(row)) != row["row_hash"]):
            raise RuntimeError(f"transition log row {row['id']} (seq {row['seq']}) does not "
                               "verify; run `flask audit verify` and resolve it first")
        prev = row["row_hash"]
    head = connection.execute(sa.select(heads.c.seq, heads.c.last_hash)
                              .where(heads.c.name == LOG_CHAIN)).first()
    if head is not None and tuple(head) != (seq, prev):
        raise RuntimeError("rows are missing at the end of the transition log chain")
    return seq, prev


def _verified_sign_offs(connection):
    """Every sign-off on the old chain, checked against the row it attested."""
    hashes = dict(connection.execute(sa.select(logs.c.seq, logs.c.row_hash)).all())
    attested = {}
    for id_, seq, digest in connection.execute(
            sa.select(sign_offs.c.id, sign_offs.c.log_seq, sign_offs.c.log_hash)):
        if seq and hashes.get(seq) != digest:
            raise RuntimeError(f"sign-off {id_}: transition log seq {seq} no longer matches")
        if seq:
            attested[str(id_)] = [seq, digest]
    return attested


def _relink(connection):
    """Each application's rows re-linked in their old order; the heads, by application."""
    chain_heads = {}
    updates = []
    for row in _rows(connection, [logs.c.application_id, logs.c.seq]):
        seq, prev = chain_heads.get(row["application_id"], (0, GENESIS))
        seq += 1
        row_hash = _hash(prev, seq, _payload(row))
        updates.append({"row_id": row["id"], "new_seq": seq, "new_prev": prev,
                        "new_hash": row_hash})
        chain_heads[row["application_id"]] = (seq, row_hash)
    statement = (sa.update(logs).where(logs.c.id == sa.bindparam("row_id"))
                 .values(seq=sa.bindparam("new_seq"), prev_hash=sa.bindparam("new_prev"),
                         row_hash=sa.bindparam("new_hash")))
    for start in range(0, len(updates), _BATCH):
        connection.execute(statement, updates[start:start + _BATCH])
    head_updates = [{"app_id": app_id, "new_seq": seq, "new_hash": digest}
                    for app_id, (seq, digest) in chain_heads.items()]
    statement = (sa.update(applications).where(applications.c.id == sa.bindparam("app_id"))
                 .values(log_seq=sa.bindparam("new_seq"), log_hash=sa.bindparam("new_hash")))
    for start in range(0, len(head_updates), _BATCH):
        connection.execute(statement, head_updates[start:start + _BATCH])
    return chain_heads


def _conversion_checkpoint(connection, chain_heads, legacy):
    """Seal every application's head and the ledger's into the first checkpoint."""
    sealed = [("transition_log", app_id, seq, digest)
              for app_id, (seq, digest) in chain_heads.items()]
    ledger = connection.execute(sa.select(heads.c.seq, heads.c.last_hash)
                                .where(heads.c.name == "ledger")).first()
    if ledger is not None and ledger[0]:
        sealed.append(("ledger", None, ledger[0], ledger[1]))
    sealed.sort(key=lambda leaf: f"{leaf[0]}:{leaf[1] or 0:012d}")
    root = _root([_leaf(*leaf) for leaf in sealed])
    created_at = datetime.now(UTC).replace(tzinfo=None)
    payload = {"root": root, "leaves": len(sealed), "legacy": legacy,
               "created_at": created_at.isoformat(timespec="microseconds")}
    row_hash = _hash(GENESIS, 1, payload)
    connection.execute(sa.insert(checkpoints).values(
        id=1, seq=1, root=root, leaves=len(sealed), legacy=legacy, created_at=created_at,
        prev_hash=GENESIS, row_hash=row_hash))
    for start in range(0, len(sealed), _BATCH):
        connection.execute(sa.insert(leaves), [
            {"checkpoint_id": 1, "chain": chain, "application_id": app_id, "seq": seq,
             "hash": digest} for chain, app_id, seq, digest in sealed[start:start + _BATCH]])
    connection.execute(sa.update(logs).values(checkpoint_id=1))
    connection.execute(sa.delete(heads).where(heads.c.name.in_([LOG_CHAIN, CHECKPOINT_CHAIN])))
    connection.execute(sa.insert(heads).values(name=CHECKPOINT_CHAIN, seq=1,
                                               last_hash=row_hash))
    return root


def _verify_converted(connection, root):
    """Every application's chain links and ends at its head; the checkpoint's root holds."""
    recorded = {app_id: (seq, digest) for app_id, seq, digest in connection.execute(
        sa.select(applications.c.id, applications.c.log_seq, applications.c.log_hash))}
    found = {}
    for row in _rows(connection, [logs.c.application_id, logs.c.seq]):
        seq, prev = found.get(row["application_id"], (0, GENESIS))
        seq += 1
        if (row["seq"] != seq or row["prev_hash"] != prev
                or _hash(prev, seq, _payload(row)) != row["row_hash"]):
            raise RuntimeError(f"converted row {row['id']} does not verify")
        found[row["application_id"]] = (seq, row["row_hash"])
    for app_id, head in found.items():
        if recorded.get(app_id) != head:
            raise RuntimeError(f"application {app_id}: head does not match its chain")
    stored = connection.execute(
        sa.select(leaves.c.chain, leaves.c.application_id, leaves.c.seq, leaves.c.hash)
        .where(leaves.c.checkpoint_id == 1)).all()
    stored.sort(key=lambda leaf: f"{leaf[0]}:{leaf[1] or 0:012d}")
    if _root([_leaf(*leaf) for leaf in stored]) != root:
        raise RuntimeError("the conversion checkpoint does not verify")


def upgrade():
    connection = op.get_bind()
    legacy_head = _verify_global(connection)
    attested = _verified_sign_offs(connection)
    with op.batch_alter_table("applications") as batch:
        batch.add_column(sa.Column("log_seq", sa.Integer(), nullable=False,
                                   server_default="0"))
        batch.add_column(sa.Column("log_hash", sa.String(length=64), nullable=False,
                                   server_default=GENESIS))
    with op.batch_alter_table("transition_logs") as batch:
        batch.drop_constraint("uq_transition_logs_seq", type_="unique")
        batch.add_column(sa.Column("checkpoint_id", sa.Integer(), nullable=True))
        batch.create_index("ix_transition_logs_checkpoint_id", ["checkpoint_id"])
    with op.batch_alter_table("audit_sign_offs") as batch:
        batch.add_column(sa.Column("checkpoint_seq", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("checkpoint_hash", sa.String(length=64), nullable=True))
    op.create_table(
        "audit_checkpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("root", sa.String(length=64), nullable=False),
        sa.Column("leaves", sa.Integer(), nullable=False),
        sa.Column("legacy", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_checkpoints")),
        sa.UniqueConstraint("seq", name=op.f("uq_audit_checkpoints_seq")),
    )
    op.create_table(
        "audit_checkpoint_leaves",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("checkpoint_id", sa.Integer(), nullable=False),
        sa.Column("chain", sa.String(length=40), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["checkpoint_id"], ["audit_checkpoints.id"],
                                name=op.f("fk_audit_checkpoint_leaves_checkpoint_id_"
                                          "audit_checkpoints")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_checkpoint_leaves")),
    )
    op.create_index("ix_audit_checkpoint_leaves_checkpoint_id", "audit_checkpoint_leaves",
                    ["checkpoint_id"])
    chain_heads = _relink(connection)
    legacy = {"head": list(legacy_head), "sign_offs": attested}
    root = _conversion_checkpoint(connection, chain_heads, legacy)
    with op.batch_alter_table("transition_logs") as batch:
        batch.create_unique_constraint("uq_transition_logs_application_seq",
                                       ["application_id", "seq"])
    _verify_converted(connection, root)
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text(
            "SELECT setval(pg_get_serial_sequence('audit_checkpoints', 'id'), 1)"))


def downgrade():
    """Back to one global chain, re-linked in id order (as migration 0004 chained it).

    Sign-offs given on checkpoints have nothing to point at in the old scheme: their
    ``log_seq`` stays 0 (the old check skips it); sign-offs from before 0031 keep theirs.
    """
    connection = op.get_bind()
    with op.batch_alter_table("transition_logs") as batch:
        batch.drop_constraint("uq_transition_logs_application_seq", type_="unique")
    prev, seq, updates = GENESIS, 0, []
    for row in _rows(connection, [logs.c.id]):
        seq += 1
        row_hash = _hash(prev, seq, _payload(row))
        updates.append({"row_id": row["id"], "new_seq": seq, "new_prev": prev,
                        "new_hash": row_hash})
        prev = row_hash
    statement = (sa.update(logs).where(logs.c.id == sa.bindparam("row_id"))
                 .values(seq=sa.bindparam("new_seq"), prev_hash=sa.bindparam("new_prev"),
                         row_hash=sa.bindparam("new_hash")))
    for start in range(0, len(updates), _BATCH):
        connection.execute(statement, updates[start:start + _BATCH])
    connection.execute(sa.delete(heads).where(heads.c.name.in_([LOG_CHAIN, CHECKPOINT_CHAIN])))
    connection.execute(sa.insert(heads).values(name=LOG_CHAIN, seq=seq, last_hash=prev))
    op.drop_index("ix_audit_checkpoint_leaves_checkpoint_id",
                  table_name="audit_checkpoint_leaves")
    op.drop_table("audit_checkpoint_leaves")
    op.drop_table("audit_checkpoints")
    with op.batch_alter_table("audit_sign_offs") as batch:
        batch.drop_column("checkpoint_hash")
        batch.drop_column("checkpoint_seq")
    with op.batch_alter_table("transition_logs") as batch:
        batch.drop_index("ix_transition_logs_checkpoint_id")
        batch.drop_column("checkpoint_id")
        batch.create_unique_constraint("uq_transition_logs_seq", ["seq"])
    with op.batch_alter_table("applications") as batch:
        batch.drop_column("log_hash")
        batch.drop_column("log_seq")
