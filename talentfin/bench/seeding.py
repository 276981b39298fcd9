"""Synthetic but realistic data for the benchmark, bulk-inserted with SQLAlchemy Core.

Applications stand in every state of every product that has a workflow, reached by a real
path of that workflow: each step is a transition-log row, each deciding step a rendered
dossier and its finished outbox task, and the effects of the path fill the columns the
engine would have filled. Open applications are recent, closed ones span three years, as
in a live system whose history keeps growing.
"""

import random
from dataclasses import dataclass
from dataclasses import field
from types import SimpleNamespace

from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy import update
from werkzeug.security import generate_password_hash

from talentfin.bench.scratch import CHEAP_HASH
from talentfin.bench.synthetic import application_paths
from talentfin.bench.synthetic import application_rows
from talentfin.bench.synthetic import company_rows
from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import Dossier
from talentfin.models import Enterprise
from talentfin.models import Organisation
from talentfin.models import OutboxTask
from talentfin.models import TalentProfile
from talentfin.models import TransitionLog
from talentfin.models import User
from talentfin.models.base import utcnow
from talentfin.workflows.registry import PRODUCT_MODULES

STAFF_PASSWORD = "bench-pass-2026"  # noqa: S105 (scratch accounts, dropped after the run)
PARKS = 6
# Banks of different sizes; the measured officer works at the largest one.
BANK_SHARES = (35, 25, 20, 12, 8)
STAFF_PER_ORG = {"park_reviewer": 3, "bank_officer": 4, "bank_approver": 2, "pool_admin": 2}
CHUNK = 2000
SEEDED_TABLES = (Enterprise, User, TalentProfile, Application, TransitionLog, Dossier,
                 OutboxTask)


@dataclass
class Cast:
    """The organisations and staff every synthetic application meets."""

    parks: list[int]
    banks: list[int]
    pool: int
    staff: dict[tuple[int, str], list[int]] = field(default_factory=dict)
    password_hash: str = ""

    def officer_email(self, bank_index: int = 0) -> str:
        """Login of the first credit officer of a bank (bank 0 is the largest)."""
        return f"bank_officer1@bank-{bank_index + 1}.bench.cn"

    def approver_id(self, bank_id: int) -> int:
        """The first approver of a bank."""
        return self.staff[(bank_id, "bank_approver")][0]


def seed_cast(extra_banks: int = 1) -> Cast:
    """Parks, banks (plus ``extra_banks`` kept out of the queues), the pool and staff."""
    now = utcnow()
    orgs = [("park", f"park-{n + 1}", f"第{n + 1}人才园区") for n in range(PARKS)]
    orgs += [("bank", f"bank-{n + 1}", f"第{n + 1}合作银行")
             for n in range(len(BANK_SHARES) + extra_banks)]
    orgs.append(("pool", "pool", "人才金融风险补偿资金池"))
    with db.engine.begin() as connection:
        connection.execute(insert(Organisation), [
            {"kind": kind, "code": code, "name": name, "name_en": code, "district": "崂山区",
             "active": True, "created_at": now, "updated_at": now}
            for kind, code, name in orgs
        ])
        rows = connection.execute(select(Organisation.id, Organisation.kind, Organisation.code)
                                  .order_by(Organisation.id)).all()
    cast = Cast(parks=[r.id for r in rows if r.kind == "park"],
                banks=[r.id for r in rows if r.kind == "bank"],
                pool=next(r.id for r in rows if r.kind == "pool"),
                password_hash=generate_password_hash(STAFF_PASSWORD, method=CHEAP_HASH))
    _seed_staff(cast, {r.id: r.code for r in rows}, now)
    return cast


def _seed_staff(cast: Cast, codes: dict[int, str], now) -> None:
    members = [(park, "park_reviewer") for park in cast.parks]
    members += [(bank, role) for bank in cast.banks for role in ("bank_officer", "bank_approver")]
    members.append((cast.pool, "pool_admin"))
    rows = [
        {"email": f"{role}{n + 1}@{codes[org]}.bench.cn", "name": f"{role}{n + 1}",
         "password_hash": cast.password_hash, "role": role, "org_id": org, "locale": "zh",
         "active": True, "created_at": now, "updated_at": now}
        for org, role in members for n in range(STAFF_PER_ORG[role])
    ]
    with db.engine.begin() as connection:
        connection.execute(insert(User), rows)
        for user_id, role, org_id in connection.execute(
                select(User.id, User.role, User.org_id).order_by(User.id)):
            cast.staff.setdefault((org_id, role), []).append(user_id)


def application_count() -> int:
    """Applications in the scratch database."""
    return db.session.scalar(select(func.count(Application.id)))


def top_up(cast: Cast, size: int, rng: random.Random) -> int:
    """Add applications until there are ``size``; returns how many were added."""
    missing = size - application_count()
    added = 0
    while added < missing:
        batch = min(CHUNK, missing - added)
        seed_batch(cast, batch, rng)
        added += batch
    finish_load()
    return max(0, missing)


def seed_batch(cast: Cast, count: int, rng: random.Random, *, state: str | None = None,
               bank_id: int | None = None, per_company: int = 2) -> list[int]:
    """Insert ``count`` applications (in ``state`` at ``bank_id`` if given); returns ids."""
    ids = _next_ids()
    products = tuple(PRODUCT_MODULES)
    companies = company_rows(ids, -(-count // per_company), cast, rng)
    rows = {table: [] for table in ("applications", "transition_logs", "dossiers", "outbox")}
    for n in range(count):
        product = rng.choice(products)
        wanted_state, path = application_paths(product, rng, state)
        company = companies.pick(n // per_company)
        bank = bank_id or rng.choices(cast.banks[:len(BANK_SHARES)], weights=BANK_SHARES)[0]
        for table, new_rows in application_rows(
                ids, product, wanted_state, path, company, bank, cast, rng).items():
            rows[table].extend(new_rows)
    with db.engine.begin() as connection:
        for table, model in (("enterprises", Enterprise), ("users", User),
                             ("talent_profiles", TalentProfile)):
            connection.execute(insert(model), companies.rows[table])
        link_logs(connection, rows["transition_logs"])
        for table, model in (("applications", Application), ("transition_logs", TransitionLog),
                             ("dossiers", Dossier), ("outbox", OutboxTask)):
            if rows[table]:
                connection.execute(insert(model), rows[table])
    return [row["id"] for row in rows["applications"]]


def link_logs(connection, logs: list[dict]) -> None:
    """Give new log rows their links in the tamper-evident chain, as the engine does."""
    if not logs or "seq" not in TransitionLog.__table__.c:
        return
    from talentfin import audit
    from talentfin.models import ChainHead
    from talentfin.workflows.engine import LOG_CHAIN

    head = connection.execute(select(ChainHead.seq, ChainHead.last_hash)
                              .where(ChainHead.name == LOG_CHAIN)).first()
    seq, previous = head if head else (0, audit.GENESIS)
    for row in logs:
        seq += 1
        # The model's own method on the plain row, so the hashes match what it verifies.
        content = TransitionLog.chain_payload(SimpleNamespace(**row))
        row.update(seq=seq, prev_hash=previous,
                   row_hash=audit.link_hash(previous, seq, content))
        previous = row["row_hash"]
    if head:
        connection.execute(update(ChainHead).where(ChainHead.name == LOG_CHAIN)
                           .values(seq=seq, last_hash=previous))
    else:
        connection.execute(insert(ChainHead).values(name=LOG_CHAIN, seq=seq,
                                                    last_hash=previous))


def _next_ids() -> dict[str, int]:
    """The next free id of every seeded table (rows get explicit ids so they link up)."""
    with db.engine.connect() as connection:
        return {model.__tablename__: (connection.scalar(select(func.max(model.id))) or 0) + 1
                for model in SEEDED_TABLES}


def finish_load() -> None:
    """After a bulk load: move PostgreSQL's sequences past the explicit ids, vacuum.

    PostgreSQL's autovacuum would vacuum and analyse the new rows within minutes (insert-only
    tables too): VACUUM ANALYZE now gives the planner a live system's statistics and the
    visibility map index-only scans need. SQLite gets no ANALYZE, because the app never runs
    one, and its planner's choices without statistics are part of what is measured.
    """
    if db.engine.dialect.name != "postgresql":
        return
    with db.engine.begin() as connection:
        for model in SEEDED_TABLES:
            name = model.__tablename__
            connection.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608
                f"(SELECT COALESCE(MAX(id), 1) FROM {name}))"
            ))
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))


