"""Server time of the review queue on distinct requests, as its users make them.

Each request is drawn afresh: a member of staff (the queue role of every product with a
benchmark profile at its two largest partners, park reviewers of two parks, the pool's
administrator and the auditor, whose queues span the programme), a random
filter (status, product, tier, amounts, claimed by me) and sort, and a page anywhere in
the queue, deep pages included. The page is chosen from the exact length of that queue,
counted outside the timing, and asked for as the pager's "next" link asks for it: after
the position of the previous page's last row (found outside the timing too). No two
requests repeat by design, so a per-process memo of rendered pages would find nothing to
reuse: the figure is what users wait for.
"""

import random
import time
from dataclasses import asdict

from flask import Flask
from sqlalchemy import func
from sqlalchemy import select

from talentfin.bench.profile import benched
from talentfin.bench.queue_timing import logged_in_client
from talentfin.bench.seeding import PROGRAMME_CODE
from talentfin.bench.stats import percentile
from talentfin.extensions import db
from talentfin.models import TALENT_TIERS
from talentfin.models import Application
from talentfin.models import User
from talentfin.services.queue_filter import QueueFilter
from talentfin.services.queue_filter import actionable_states
from talentfin.services.queue_filter import state_pairs
from talentfin.services.queue_filter import visible_states
from talentfin.services.queue_positions import SORTS
from talentfin.services.queue_positions import encode_position
from talentfin.services.queue_positions import order_terms
from talentfin.services.queue_positions import sort_key
from talentfin.services.queue_positions import sort_of
from talentfin.services.queue_sql import queue_conditions

PARK_ROLE = "park_reviewer"
POOL_ROLE = "pool_admin"
AUDITOR_ROLE = "auditor"
AMOUNTS_YUAN = (50_000, 200_000, 500_000, 1_000_000, 3_000_000)


def queue_staff(cast) -> list[str]:
    """Logins of the measured staff: each profile's queue role at the two largest partners
    of its kind, the park reviewers of two parks, a pool administrator and the auditor."""
    emails = []
    for product in benched():
        for org in cast.partners[product.partner_kind][:2]:
            emails.append(f"{product.bench.QUEUE_ROLE}1@{cast.codes[org]}.bench.cn")
    emails += [f"{PARK_ROLE}1@{cast.codes[org]}.bench.cn" for org in cast.parks[:2]]
    emails += [f"{POOL_ROLE}1@{cast.codes[cast.pool]}.bench.cn",
               f"{AUDITOR_ROLE}1@{PROGRAMME_CODE}.bench.cn"]
    return list(dict.fromkeys(emails))


def random_filter(role: str, rng: random.Random) -> QueueFilter:
    """A filter a member of staff of ``role`` might set: most keep the default queue."""
    own = list(dict.fromkeys(key for key, _state in visible_states(role)))
    product = rng.choice(own) if rng.random() < 0.3 else ""
    # A state the role acts on, or (a role that decides nothing: the auditor) one it sees.
    states = sorted({s for key in (own if not product else [product])
                     for s in actionable_states(role, key)}) \
        or sorted({s for key, s in visible_states(role) if not product or key == product})
    status = rng.choices(["", "all", rng.choice(states)], weights=(55, 25, 20))[0]
    low = rng.choice(AMOUNTS_YUAN) * 100 if rng.random() < 0.2 else None
    high = low * 10 if low is not None and rng.random() < 0.5 else None
    return QueueFilter(status=status, product=product,
                       tier=rng.choice(TALENT_TIERS) if rng.random() < 0.2 else "",
                       min_amount_fen=low, max_amount_fen=high, mine=rng.random() < 0.05,
                       sort=rng.choice(tuple(SORTS)))


def _selected(user: User, wanted: QueueFilter, *columns):
    """The columns of the applications the filter selects for the user, with the binds."""
    conditions, statuses = queue_conditions(user, wanted)
    query = select(*columns).select_from(Application).where(*conditions)
    if statuses is not None:
        query = query.where(state_pairs(statuses))
    params = {"user_id": user.id, "org_id": user.org_id, "product": wanted.product,
              "tier": wanted.tier, "min_amount_fen": wanted.min_amount_fen,
              "max_amount_fen": wanted.max_amount_fen}
    return query, params


def queue_length(user: User, wanted: QueueFilter) -> int:
    """How many applications the filter selects for the user (exact, outside the timing)."""
    query, params = _selected(user, wanted, func.count())
    return db.session.scalar(query, params)


def position_of(user: User, wanted: QueueFilter, rank: int) -> str:
    """The position of the rank-th row (from 0) of the sorted queue, as the pager gives it."""
    sort = sort_of(wanted.sort)
    key = sort_key(Application, sort)
    query, params = _selected(user, wanted, Application.id, key)
    row_id, value = db.session.execute(
        query.order_by(*order_terms(key, Application.id, sort)).offset(rank).limit(1),
        params).one()
    return encode_position(sort, value, row_id)


def query_string(wanted: QueueFilter, page: int, after: str = "") -> str:
    """The URL the queue's filter form and pager would produce."""
    # The text fields go by their own names (status, product, tier, sort).
    args = {name: value for name, value in asdict(wanted).items() if isinstance(value, str)}
    args["page"] = str(page)
    if after:
        args["after"] = after
    if wanted.min_amount_fen is not None:
        args["min_amount"] = str(wanted.min_amount_fen // 100)
    if wanted.max_amount_fen is not None:
        args["max_amount"] = str(wanted.max_amount_fen // 100)
    if wanted.mine:
        args["mine"] = "1"
    return "/queue/?" + "&".join(f"{name}={value}" for name, value in args.items() if value)


def draw_requests(app: Flask, users: dict[str, User], count: int,
                  rng: random.Random) -> list[tuple[str, str, int]]:
    """(login, URL, length of that queue) of ``count`` distinct requests."""
    page_size = app.config["QUEUE_PAGE_SIZE"]
    drawn: list[tuple[str, str, int]] = []
    seen: set[tuple[str, str]] = set()
    while len(drawn) < count:
        email = rng.choice(sorted(users))
        wanted = random_filter(users[email].role, rng)
        length = queue_length(users[email], wanted)
        pages = max(1, -(-length // page_size))
        # Half the requests on the first pages people mostly read, half anywhere.
        page = rng.randint(1, min(pages, 3)) if rng.random() < 0.5 else rng.randint(1, pages)
        after = position_of(users[email], wanted, (page - 1) * page_size - 1) if page > 1 \
            else ""
        url = query_string(wanted, page, after)
        if (email, url) not in seen:
            seen.add((email, url))
            drawn.append((email, url, length))
    return drawn


def measure_queue_distinct(app: Flask, emails: list[str], password: str, count: int,
                           rng: random.Random) -> dict:
    """p50/p95 server time of ``count`` distinct queue requests by the given staff."""
    with app.app_context():
        users = {email: db.session.scalar(select(User).where(User.email == email))
                 for email in emails}
        drawn = draw_requests(app, users, count, rng)
        roles = {email: user.role for email, user in users.items()}
        db.session.remove()
    clients = {email: logged_in_client(app, email, password) for email in emails}
    for client in clients.values():  # warm-up: templates, connections
        client.get("/queue/")
    samples, by_role = [], {}
    for email, url, _length in drawn:
        started = time.perf_counter()
        response = clients[email].get(url)
        samples.append((time.perf_counter() - started) * 1000)
        by_role.setdefault(roles[email], []).append(samples[-1])
        if response.status_code != 200 or b"table-queue" not in response.data:
            raise RuntimeError(f"queue page {url} answered HTTP {response.status_code}")
    lengths = sorted(length for _email, _url, length in drawn)
    return {"p50_ms": percentile(samples, 50), "p95_ms": percentile(samples, 95),
            "max_ms": max(samples), "requests": count, "logins": len(emails),
            "longest_queue": lengths[-1], "median_queue": lengths[len(lengths) // 2],
            "by_role": {role: {"p50_ms": percentile(times, 50), "p95_ms": percentile(times, 95),
                               "requests": len(times)}
                        for role, times in sorted(by_role.items())}}
