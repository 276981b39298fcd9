"""Synthetic but realistic data for the benchmark, bulk-inserted with SQLAlchemy Core.

Applications stand in every state of every product with a benchmark profile, reached by a
real path of that product's workflow: each step is a transition-log row, each deciding
step a rendered dossier and its finished outbox task, and the effects of the path fill the
columns the engine would have filled. Open applications are recent, closed ones span three
years, as in a live system whose history keeps growing. An application is built as one
row and inserted in two: the envelope's columns into ``applications``, then the product's
own into its table, under the same id.
"""

import random
from dataclasses import dataclass
from dataclasses import field
from types import SimpleNamespace

from sqlalchemy import Table
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import text
from werkzeug.security import generate_password_hash

from talentfin import audit
from talentfin.bench.profile import benched
from talentfin.bench.profile import own_table
from talentfin.bench.profile import partner_kinds
from talentfin.bench.profile import partner_staff
from talentfin.bench.profile import product_tables
from talentfin.bench.scratch import CHEAP_HASH
from talentfin.bench.synthetic import application_paths
from talentfin.bench.synthetic import application_rows
from talentfin.bench.synthetic import company_rows
from talentfin.bench.synthetic import split
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
from talentfin.workflows.reach import copies
from talentfin.workflows.spec import Product

STAFF_PASSWORD = "bench-pass-2026"  # noqa: S105 (scratch accounts, dropped after the run)
PARKS = 6
# Partner organisations of different sizes; the measured queue is at the largest one.
PARTNER_SHARES = (35, 25, 20, 12, 8)
# Staff of the programme's own organisations; partners get their products' PARTNER_STAFF.
CORE_STAFF = {"park": {"park_reviewer": 3}, "pool": {"pool_admin": 2}}
# Staff of no organisation who work queues: the auditor reads every submitted application.
PROGRAMME_STAFF = {"auditor": 1}
PROGRAMME_CODE = "programme"  # the auditor's address: auditor1@programme.bench.cn
CHUNK = 2000
COMPANY_TABLES = (Enterprise.__table__, User.__table__, TalentProfile.__table__)
HISTORY_TABLES = (TransitionLog.__table__, Dossier.__table__, OutboxTask.__table__)


def seeded_tables() -> tuple[Table, ...]:
    """Every table the benchmark fills, in insertion order (products' own tables too)."""
    return (*COMPANY_TABLES, Application.__table__, *product_tables(), *HISTORY_TABLES)


@dataclass
class Cast:
    """The organisations and staff every synthetic application meets."""

    parks: list[int]
    partners: dict[str, list[int]]  # kind -> ids, the largest first, the extra ones last
    pool: int
    codes: dict[int, str] = field(default_factory=dict)
    staff: dict[tuple[int, str], list[int]] = field(default_factory=dict)
    password_hash: str = ""

    def queue_email(self, product: Product) -> str:
        """Login of the first member of the measured queue's role at the largest partner."""
        org = self.partners[product.partner_kind][0]
        return f"{product.bench.QUEUE_ROLE}1@{self.codes[org]}.bench.cn"

    def member(self, org_id: int, role: str) -> int:
        """The first account of a role at an organisation."""
        return self.staff[(org_id, role)][0]


def seed_cast(extra_partners: int = 1) -> Cast:
    """Parks, partners of each kind (plus ``extra_partners`` kept out of the queues), the
    pool and their staff."""
    now = utcnow()
    orgs = [("park", f"park-{n + 1}", f"第{n + 1}人才园区") for n in range(PARKS)]
    orgs += [(kind, f"{kind}-{n + 1}", f"第{n + 1}合作机构") for kind in partner_kinds()
             for n in range(len(PARTNER_SHARES) + extra_partners)]
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
                partners={kind: [r.id for r in rows if r.kind == kind]
                          for kind in partner_kinds()},
                pool=next(r.id for r in rows if r.kind == "pool"),
                codes={r.id: r.code for r in rows},
                password_hash=generate_password_hash(STAFF_PASSWORD, method=CHEAP_HASH))
    _seed_staff(cast, now)
    return cast


def _seed_staff(cast: Cast, now) -> None:
    members = [(org, role, count) for org in cast.parks
               for role, count in CORE_STAFF["park"].items()]
    members += [(org, role, count) for kind, orgs in cast.partners.items() for org in orgs
                for role, count in partner_staff(kind).items()]
    members += [(cast.pool, role, count) for role, count in CORE_STAFF["pool"].items()]
    members += [(None, role, count) for role, count in PROGRAMME_STAFF.items()]
    rows = [
        {"email": f"{role}{n + 1}@{cast.codes.get(org, PROGRAMME_CODE)}.bench.cn",
         "name": f"{role}{n + 1}",
         "password_hash": cast.password_hash, "role": role, "org_id": org, "locale": "zh",
         "active": True, "created_at": now, "updated_at": now}
        for org, role, count in members for n in range(count)
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


def seed_batch(cast: Cast, count: int, rng: random.Random, *, product: Product | None = None,
               state: str | None = None, partner_id: int | None = None,
               per_company: int = 2) -> list[int]:
    """Insert ``count`` applications (of ``product``, in ``state``, at ``partner_id`` if
    given, else of every product, in states weighted as in a live book); returns ids."""
    ids = _next_ids()
    products = (product,) if product else benched()
    companies = company_rows(ids, -(-count // per_company), cast, rng)
    rows = {table: [] for table in ("applications", "transition_logs", "dossiers", "outbox")}
    owners = []  # the product of each application row
    for n in range(count):
        chosen = rng.choice(products)
        wanted_state, path = application_paths(chosen, rng, state)
        company = companies.pick(n // per_company)
        partners = cast.partners[chosen.partner_kind]
        partner = partner_id or rng.choices(partners[:len(PARTNER_SHARES)],
                                            weights=PARTNER_SHARES)[0]
        for table, new_rows in application_rows(
                ids, chosen, wanted_state, path, company, partner, cast, rng).items():
            rows[table].extend(new_rows)
        owners.append(chosen)
    with db.engine.begin() as connection:
        for table in COMPANY_TABLES:
            connection.execute(insert(table), companies.rows[table.name])
        link_logs(rows["transition_logs"], rows["applications"])
        _insert_applications(connection, rows["applications"], owners)
        for table, name in zip(HISTORY_TABLES, ("transition_logs", "dossiers", "outbox"),
                               strict=True):
            if rows[name]:
                connection.execute(insert(table), rows[name])
    return [row["id"] for row in rows["applications"]]


def _insert_applications(connection, rows: list[dict], owners: list[Product]) -> None:
    """The envelope rows, then each product's own rows (same ids) into its table."""
    envelope = Application.__table__
    if not rows:
        return
    for row, product in zip(rows, owners, strict=True):
        # What reach's events copy in a firing (a simple path asks for a reward once, so the
        # row's last value is the first).
        row.update(copies(product, row))
    connection.execute(insert(envelope), [split(row, envelope) for row in rows])
    by_table: dict[Table, list[dict]] = {}
    for row, product in zip(rows, owners, strict=True):
        table = own_table(product)
        if table is not None:
            by_table.setdefault(table, []).append(split(row, table))
    for table, own_rows in by_table.items():
        connection.execute(insert(table), own_rows)


def link_logs(logs: list[dict], applications: list[dict]) -> None:
    """Give new log rows their links in their application's tamper-evident chain, and each
    new application its chain's head, as the engine does (logs in firing order)."""
    heads = {row["id"]: (0, audit.GENESIS) for row in applications}
    for row in logs:
        # The model's own method on the plain row, so the hashes match what it verifies.
        content = TransitionLog.chain_payload(SimpleNamespace(**row))
        seq, previous, row_hash = audit.next_link(*heads[row["application_id"]], content)
        row.update(seq=seq, prev_hash=previous, row_hash=row_hash)
        heads[row["application_id"]] = (seq, row_hash)
    for row in applications:
        row["log_seq"], row["log_hash"] = heads[row["id"]]


def _next_ids() -> dict[str, int]:
    """The next free id of every seeded table (rows get explicit ids so they link up)."""
    with db.engine.connect() as connection:
        return {table.name: (connection.scalar(select(func.max(table.c.id))) or 0) + 1
                for table in seeded_tables()}


def finish_load() -> None:
    """After a bulk load: move PostgreSQL's sequences past the explicit ids, vacuum.

    A product's own table takes the application's id and has no sequence of its own. And
    PostgreSQL's autovacuum would vacuum and analyse the new rows within minutes
    (insert-only tables too): VACUUM ANALYZE now gives the planner a live system's
    statistics and the visibility map index-only scans need. SQLite gets no ANALYZE,
    because the app never runs one, and its planner's choices without statistics are part
    of what is measured.
    """
    if db.engine.dialect.name != "postgresql":
        return
    with db.engine.begin() as connection:
        for table in seeded_tables():
            sequence = connection.scalar(text("SELECT pg_get_serial_sequence(:name, 'id')"),
                                         {"name": table.name})
            if sequence is None:
                continue
            highest = f"SELECT COALESCE(MAX(id), 1) FROM {table.name}"  # noqa: S608
            connection.execute(text(f"SELECT setval(CAST(:sequence AS regclass), ({highest}))"),
                               {"sequence": sequence})
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
