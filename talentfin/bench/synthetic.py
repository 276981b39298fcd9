"""Row builders for the synthetic data: companies with founders, applications with history."""

import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from functools import cache
from types import SimpleNamespace

from sqlalchemy import Table

from talentfin.bench.replay import replay
from talentfin.demo import demo_uscc
from talentfin.institutions import FOUNDER
from talentfin.institutions import kind_of
from talentfin.models.base import utcnow
from talentfin.workflows.registry import workflow_for
from talentfin.workflows.spec import Product
from talentfin.workflows.spec import Transition

OPEN_DAYS = 90
HISTORY_DAYS = 3 * 365
CLAIMED_SHARE = 0.3
TIER_WEIGHTS = {"A": 5, "B": 25, "C": 40, "D": 30}  # talents per tier, percent
CITY_WORDS = ("青岛", "崂山", "海岸", "蓝谷", "深海", "智汇", "星河", "云帆", "海纳", "东方")
TRADE_WORDS = ("智能", "量子", "生物", "新材料", "海洋装备", "芯片", "数据", "医疗器械", "机器人")
PURPOSES = (
    "采购研发设备并扩充算法团队，完成第二代产品的工程样机。",
    "补充流动资金，用于原材料采购和首批订单交付。",
    "建设中试生产线，提升产能以满足下游客户的年度框架协议。",
    "开展临床前研究与注册检验，推进产品取得医疗器械注册证。",
    "支付核心技术人员薪酬和实验室租金，保障项目按期验收。",
)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ("海洋", "晓", "建国", "思远", "雨桐", "子涵", "明轩", "欣怡", "志强", "静")


def take(ids: dict[str, int], table: str) -> int:
    """The next explicit id of a table."""
    value = ids[table]
    ids[table] = value + 1
    return value


@cache
def simple_paths(product: str) -> dict[str, list[tuple[Transition, ...]]]:
    """Every way through the workflow that visits no state twice, by final state."""
    workflow = workflow_for(product)
    paths: dict[str, list[tuple[Transition, ...]]] = {workflow.initial: [()]}
    stack: list[tuple[str, tuple[Transition, ...]]] = [(workflow.initial, ())]
    while stack:
        state, path = stack.pop()
        seen = {workflow.initial, *(t.dest for t in path)}
        for transition in workflow.triggers_from(state):
            if transition.dest not in seen:
                longer = (*path, transition)
                paths.setdefault(transition.dest, []).append(longer)
                stack.append((transition.dest, longer))
    return paths


def application_paths(product: Product, rng: random.Random,
                      state: str | None = None) -> tuple[str, tuple[Transition, ...]]:
    """A final state (weighted as in the product's live book) and one real path to it."""
    paths = simple_paths(product.key)
    if state is None:
        states = sorted(paths)
        weights = product.bench.STATE_WEIGHTS
        state = rng.choices(states, weights=[weights.get(s, 1) for s in states])[0]
    return state, rng.choice(paths[state])


@dataclass
class Companies:
    """Enterprises with their founder account and talent profile, ready to insert."""

    rows: dict[str, list[dict]]
    picks: list[dict]

    def pick(self, index: int) -> dict:
        """The company that files the index-th application of the batch."""
        return self.picks[index % len(self.picks)]


def company_rows(ids: dict[str, int], count: int, cast, rng: random.Random) -> Companies:
    """``count`` enterprises, each with a founder account and a talent profile."""
    now = utcnow()
    rows: dict[str, list[dict]] = {"enterprises": [], "users": [], "talent_profiles": []}
    picks = []
    for _ in range(count):
        eid = take(ids, "enterprises")
        founder_id = take(ids, "users")
        tier = rng.choices(list(TIER_WEIGHTS), weights=list(TIER_WEIGHTS.values()))[0]
        park = rng.choice(cast.parks)
        person = rng.choice(SURNAMES) + rng.choice(GIVEN)
        name = f"{rng.choice(CITY_WORDS)}{rng.choice(TRADE_WORDS)}科技有限公司"
        since = now - timedelta(days=rng.uniform(HISTORY_DAYS, HISTORY_DAYS + 400))
        rows["enterprises"].append({
            "id": eid, "name": name, "uscc": demo_uscc(eid), "park_id": park,
            "registered_in_district": True, "founded_on": since.date(),
            "registered_capital_fen": rng.randrange(100, 5000) * 1_000_000,
            "legal_representative": person, "address": "青岛市崂山区科苑纬一路1号",
            "industry": rng.choice(TRADE_WORDS), "employees": rng.randrange(3, 120),
            "last_dishonesty_on": None, "created_at": since, "updated_at": since,
        })
        rows["users"].append({
            "id": founder_id, "email": f"founder{eid}@bench.cn", "name": person,
            "password_hash": cast.password_hash, "role": FOUNDER, "org_id": None,
            "enterprise_id": eid, "locale": "zh", "active": True, "last_login_at": None,
            "created_at": since, "updated_at": since,
        })
        rows["talent_profiles"].append({
            "id": take(ids, "talent_profiles"), "enterprise_id": eid, "founder_name": person,
            "id_number": f"370212{eid:012d}", "tier": tier, "certificate_no": f"RC-{eid:08d}",
            "issuer": "青岛市人才工作领导小组办公室",
            "valid_until": (now + timedelta(days=rng.randrange(100, 1500))).date(),
            "equity_bp": rng.randrange(3000, 9000), "created_at": since, "updated_at": since,
        })
        picks.append({"enterprise_id": eid, "founder_id": founder_id, "park_id": park,
                      "tier": tier, "name": name})
    return Companies(rows, picks)


def application_rows(ids: dict[str, int], product: Product, state: str,
                     path: tuple[Transition, ...], company: dict, partner: int, cast,
                     rng: random.Random) -> dict[str, list[dict]]:
    """One application in ``state`` after ``path``, with its logs, dossiers and outbox.

    The application is one dict of the envelope's and the product's columns; ``split``
    gives each table its part.
    """
    workflow = product.workflow
    is_open = state not in workflow.terminal
    created, times = _timeline(len(path), is_open, rng)
    row = _blank_application(take(ids, "applications"), product, company, partner, created,
                             rng)
    out: dict[str, list[dict]] = {"applications": [row], "transition_logs": [],
                                  "dossiers": [], "outbox": []}
    versions: Counter = Counter()
    source = workflow.initial
    for step, (transition, at) in enumerate(zip(path, times, strict=True)):
        actor = _actor(transition.roles[0], product, company, partner, cast, rng)
        payload: dict = {}
        for effect in transition.effects:
            payload.update(replay(product, effect)(row, at, actor, company, rng))
        log_id = take(ids, "transition_logs")
        out["transition_logs"].append({
            "id": log_id, "application_id": row["id"], "trigger": transition.trigger,
            "from_state": source, "to_state": transition.dest, "actor_id": actor,
            "comment": "同意。" if transition.decides else "", "payload": payload,
            "created_at": at,
        })
        if transition.dossier:
            versions[transition.dossier] += 1
            _dossier(ids, out, row, transition.dossier, versions[transition.dossier],
                     log_id, actor, at, step, rng)
        source = transition.dest
    last = times[-1] if times else created
    row.update(status=state, status_changed_at=last, updated_at=last, version=len(path) + 2)
    # What the engine keeps after every firing: the amount that counts now.
    row["amount_fen"] = product.model.current_amount(SimpleNamespace(**row))
    if is_open:
        _claim(row, product, state, company, partner, cast, rng)
    return out


def split(row: dict, table: Table) -> dict:
    """The row's values of a table's columns (None for those it does not set)."""
    return {column.name: row.get(column.name) for column in table.c}


def _timeline(steps: int, is_open: bool, rng: random.Random) -> tuple[datetime, list[datetime]]:
    """Creation time and one time per step, the last one recent for open applications."""
    now = utcnow()
    end = rng.uniform(0, OPEN_DAYS if is_open else HISTORY_DAYS)
    gaps = [rng.uniform(0.2, 6.0) for _ in range(steps)]
    created = now - timedelta(days=end + sum(gaps) + rng.uniform(0, 10))
    times = [now - timedelta(days=end + sum(gaps[n + 1:])) for n in range(steps)]
    return created, times


def _blank_application(app_id: int, product: Product, company: dict, partner: int,
                       created: datetime, rng: random.Random) -> dict:
    """A new draft: every column of the product's tables, None unless a draft has it."""
    blank = dict.fromkeys(column.name for table in product.model.__mapper__.tables
                          for column in table.c)
    return {
        **blank, "id": app_id, "reference": f"{product.reference_prefix}{created:%Y}{app_id:07d}",
        "product": product.key, "status": product.workflow.initial, "version": 1,
        "enterprise_id": company["enterprise_id"], "applicant_id": company["founder_id"],
        "partner_org_id": partner, **product.bench.request(company["tier"], rng),
        "purpose": rng.choice(PURPOSES), "status_changed_at": created, "created_at": created,
        "updated_at": created,
    }


def _actor(role: str, product: Product, company: dict, partner: int, cast,
           rng: random.Random) -> int | None:
    """One of the seeded staff of the role (at the file's park or partner), or the founder."""
    if role == FOUNDER:
        return company["founder_id"]
    kind = kind_of(role)
    org = partner if kind == product.partner_kind else {
        "park": company["park_id"], "pool": cast.pool}.get(kind or "")
    staff = cast.staff.get((org, role))
    return rng.choice(staff) if staff else None


def _claim(row: dict, product: Product, state: str, company: dict, partner: int, cast,
           rng: random.Random) -> None:
    """Some open applications are claimed by a reviewer who acts on them now."""
    roles = [r for t in product.workflow.triggers_from(state) for r in t.roles
             if kind_of(r) is not None]
    if not roles or rng.random() >= CLAIMED_SHARE:
        return
    row["claimed_by_id"] = _actor(roles[0], product, company, partner, cast, rng)
    if row["claimed_by_id"] is not None:
        row["claimed_at"] = row["status_changed_at"] + timedelta(hours=rng.uniform(0, 24))


def _dossier(ids, out, row, stage, version, log_id, actor, at, step, rng) -> None:
    dossier_id = take(ids, "dossiers")
    done = at + timedelta(seconds=rng.uniform(1, 30))
    out["dossiers"].append({
        "id": dossier_id, "application_id": row["id"], "stage": stage, "version": version,
        "transition_log_id": log_id, "status": "done", "verify_code": f"BN-{dossier_id:011d}",
        "data_version": step + 2, "made_by_id": actor, "made_at": at,
        "file_name": f"{row['reference']}-{stage}-v{version}.pdf",
        "sha256": f"{rng.getrandbits(256):064x}", "size_bytes": rng.randrange(90_000, 200_000),
        "rendered_at": done, "summary": {"reference": row["reference"], "stage": stage,
                                         "amount_fen": row["requested_amount_fen"]},
    })
    out["outbox"].append({
        "id": take(ids, "outbox_tasks"), "kind": "render_dossier",
        "payload": {"dossier_id": dossier_id}, "status": "done", "attempts": 1,
        "available_at": at, "locked_until": None, "last_error": "", "created_at": at,
        "finished_at": done,
    })
