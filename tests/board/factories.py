"""The exchange, recommending institutions and their staff, and 人才板 listings in any state,
moved by the real engine with the data the demo's steps give (as ``tests.factories`` does
for loans): the recommending institution's reports uploaded before its officer submits, a
verified financing recorded before the founder asks for a reward, an annual report owed
and long late before the scheduler proposes delisting.

The API the board tests build on:

- ``make_exchange()`` -> ``Exchange`` (the ``exchange`` fixture): the exchange (two
  officers, an approver, the listing committee) and two recommending institutions (an
  officer and an approver each); the pool's administrator and committee are the world's;
- ``draft(world, ex)`` a filled-in application; ``listing_in(world, ex, state)`` one walked
  to ``state`` (listed on ``listed_on``, today by default); ``advance``/``refused`` fire one
  step (or see it refused);
- ``record(listing, user, ...)`` a financing (the officer's is verified as recorded);
- ``fire_together(app, firings)`` firings from threads at once (concurrent requests);
- ``upload`` a paper; ``set_parameter`` a policy value in force; ``refusal`` a service's;
  ``fresh`` a row as stored.
"""

import threading
from dataclasses import dataclass
from datetime import date
from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask_babel import force_locale

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import Attachment
from talentfin.models import Organisation
from talentfin.models import PolicyParameter
from talentfin.models import User
from talentfin.services import applications as application_service
from talentfin.services.uploads import save_attachment
from talentfin.workflows import engine
from talentfin.workflows.board import demo as board_demo
from talentfin.workflows.board import disclosure
from talentfin.workflows.board import financing
from talentfin.workflows.board.definition import WORKFLOW
from talentfin.workflows.board.labels import DOCUMENTS
from talentfin.workflows.board.models import BoardListing
from talentfin.workflows.board.models import Financing
from tests import factories

TODAY = business_today()
REQUIRED = tuple(d.key for d in DOCUMENTS if d.required)
# The demo's walks, but "listed" is a plain listing (the demo's has had a reward paid).
PATHS = {**board_demo.PATHS, "listed": board_demo.LISTED,
         "rewarded": board_demo.PATHS["listed"]}
# The financing recorded (and verified) before a reward is asked: 6,000,000 yuan.
RAISED_FEN = 6_000_000_00
PURPOSE = "专注工业传感器研发，计划通过挂牌引入合格投资者并规范公司治理。"


@dataclass
class Exchange:
    """The exchange (two officers, an approver, the listing committee) and two recommending
    institutions with an officer and an approver each."""

    exchange: Organisation
    officer: User
    officer2: User
    approver: User
    committee: User
    broker1: Organisation
    broker_officer1: User
    broker_approver1: User
    broker2: Organisation
    broker_officer2: User
    broker_approver2: User

    def staff(self, broker_id: int) -> tuple[User, User]:
        """(officer, approver) of a recommending institution."""
        if broker_id == self.broker1.id:
            return self.broker_officer1, self.broker_approver1
        return self.broker_officer2, self.broker_approver2


def make_exchange() -> Exchange:
    """The exchange and the recommending institutions of the tests, with their staff."""
    exchange = factories.organisation("exchange", "exchange-1", "一号股权交易中心")
    broker1 = factories.organisation("broker", "broker-1", "一号推荐机构")
    broker2 = factories.organisation("broker", "broker-2", "二号推荐机构")
    return Exchange(
        exchange=exchange,
        officer=factories.user("xo1@t.cn", "exchange_officer", exchange),
        officer2=factories.user("xo2@t.cn", "exchange_officer", exchange),
        approver=factories.user("xa@t.cn", "exchange_approver", exchange),
        committee=factories.user("lc@t.cn", "listing_committee", exchange),
        broker1=broker1,
        broker_officer1=factories.user("bo1@t.cn", "broker_officer", broker1),
        broker_approver1=factories.user("ba1@t.cn", "broker_approver", broker1),
        broker2=broker2,
        broker_officer2=factories.user("bo2@t.cn", "broker_officer", broker2),
        broker_approver2=factories.user("ba2@t.cn", "broker_approver", broker2),
    )


def upload(application, kind: str, user: User) -> Attachment:
    """A paper of a kind, uploaded by ``user`` (who must be the one allowed to)."""
    return save_attachment(application, kind, factories.pdf_upload(f"{kind}.pdf"), user)


def founder(world, serial: int, *, park: Organisation | None = None) -> User:
    """Another founder with a firm of its own."""
    firm = factories.enterprise(park or world.park, serial,
                                id_number=f"37021219900101{serial:03d}X")
    return factories.user(f"founder{serial}@t.cn", "founder", enterprise=firm)


def draft(world, ex: Exchange, *, founder: User | None = None,
          broker: Organisation | None = None, tier: str | None = "incubation",
          shareholders: int | None = 12, documents: bool = True) -> BoardListing:
    """A filled-in draft of ``founder`` (founder 1) through ``broker`` (broker 1)."""
    founder = founder or world.founder
    application = application_service.start_application(founder, "board")
    application_service.save_request(application, {
        "partner_org_id": (broker or ex.broker1).id, "requested_tier": tier,
        "shareholders": shareholders, "purpose": PURPOSE})
    if documents:
        for kind in REQUIRED:
            upload(application, kind, founder)
    return application


def people(world, ex: Exchange, application: BoardListing) -> SimpleNamespace:
    """Who acts on a listing as the demo's steps name them."""
    park = (world.park_reviewer if application.enterprise.park_id == world.park.id
            else world.park2_reviewer)
    officer, approver = ex.staff(application.partner_org_id)
    return SimpleNamespace(park=park, pool=world.pool_admin, committee=world.committee,
                           founder=application.applicant, officer=officer, approver=approver)


def step(world, ex: Exchange, application: BoardListing, trigger: str,
         today: date | None = None) -> tuple[User | None, str, dict]:
    """(actor, comment, data) of a step: the demo's, with this exchange's staff."""
    who = people(world, ex, application)
    today = today or TODAY
    exchange_steps = {
        "exchange_pass": (ex.officer, "材料齐备，提交挂牌委员会。", {}),
        "exchange_refuse": (ex.committee, "股权结构存在代持，不予挂牌。", {}),
        "approve_listing": (ex.committee, "同意挂牌。",
                            {"listing_code": f"RC{application.id:04d}",
                             "tier": application.requested_tier or "incubation",
                             "listed_on": today}),
        "propose_delisting": (ex.officer, "企业申请主动摘牌。", {"reason": "voluntary"}),
        "delist": (ex.committee, "同意摘牌。", {}),
        "keep_listed": (ex.committee, "企业已补报年报，继续挂牌。", {}),
        "transfer_up": (ex.officer, "企业已在新三板挂牌。", {"market": "neeq"}),
        "move_tier": (ex.officer, "符合规范层条件。", {"tier": "standard"}),
        "resubmit": (None, "", {}), "broker_resubmit": (None, "", {}),
        "broker_return": (who.approver, "请补充财务核查。", {}),
        "decline_reward": (world.committee, "融资尚未到账。", {}),
    }
    if trigger in exchange_steps:
        actor, comment, data = exchange_steps[trigger]
    else:
        actor, comment, data = board_demo.step(trigger, application, who, today)
    if "founder" in WORKFLOW.transition(trigger).roles and actor is None:
        actor = application.applicant
    return actor, comment, data


def advance(world, ex: Exchange, application: BoardListing, trigger: str, *,
            papers: bool = True, today: date | None = None, **override) -> engine.Fired:
    """Fire one step with the data its actor would give (``actor`` and ``comment`` override
    them, ``data`` is merged); with ``papers`` the recommending institution's reports first."""
    actor, comment, data = step(world, ex, application, trigger, today)
    actor = override.get("actor", actor)
    comment = override.get("comment", comment)
    data = {**data, **override.get("data", {})}
    for kind in board_demo.PAPERS_BEFORE.get(trigger, ()) if papers else ():
        upload(application, kind, ex.staff(application.partner_org_id)[0])
    if trigger in board_demo.WAITED_BEFORE:
        application.status_changed_at -= timedelta(days=board_demo.WAITED_BEFORE[trigger])
        db.session.commit()
    return engine.fire(application, trigger, actor, comment=comment, data=data, today=today)


def record(listing: BoardListing, user: User, *, on: date | None = None,
           instrument: str = "private_placement", amount_fen: int = RAISED_FEN,
           investors: int = 5, holders_after: int | None = None, qualified: bool = True,
           today: date | None = None) -> Financing:
    """A financing recorded by ``user`` (on the listing day by default; the holders after
    it the listing's shareholders and its investors)."""
    return financing.record(
        listing, user, on=on or listing.listed_on, instrument=instrument,
        amount_fen=amount_fen, investors=investors,
        holders_after=holders_after if holders_after is not None else
        (listing.shareholders or 0) + investors, qualified=qualified, today=today or TODAY)


def prepare(world, ex: Exchange, listing: BoardListing, trigger: str) -> None:
    """What happens before a step of the walk: a verified financing before the reward is
    asked; a listing dated back two years, its annual report owed, before the scheduler's
    proposal."""
    if trigger == "request_reward":
        record(listing, ex.officer, on=max(listing.listed_on, date(TODAY.year, 1, 1)))
    elif trigger == "flag_late_disclosure":
        listing.listed_on = date(TODAY.year - 2, 3, 1)
        disclosure.schedule(listing, TODAY)
        db.session.commit()


def listing_in(world, ex: Exchange, state: str, *, listed_on: date | None = None,
               **draft_args) -> BoardListing:
    """A listing walked by the engine to ``state`` ("rewarded": listed, this year's reward
    paid), listed on ``listed_on`` (today by default)."""
    application = draft(world, ex, **draft_args)
    for trigger in PATHS[state]:
        prepare(world, ex, application, trigger)
        data = {"listed_on": listed_on} if trigger == "approve_listing" and listed_on else {}
        advance(world, ex, application, trigger, data=data)
    return application


def refused(world, ex: Exchange, application: BoardListing, trigger: str, *,
            error: type[engine.TransitionError] = engine.Refused, **override) -> str:
    """Fire a step that must not happen (as ``advance``): what the user is told, in English;
    the listing stays where it was."""
    before = application.status
    with force_locale("en"), pytest.raises(error) as caught:
        advance(world, ex, application, trigger, **override)
    assert type(caught.value) is error, caught.value
    db.session.expire_all()
    assert application.status == before
    return caught.value.message


def refusal(call, *args, error: type[Exception] = engine.Refused, **kwargs) -> str:
    """Call a service that must refuse: its message, in English."""
    with force_locale("en"), pytest.raises(error) as caught:
        call(*args, **kwargs)
    assert type(caught.value) is error, caught.value
    return caught.value.message


def set_parameter(key: str, value: str, since: date = date(2020, 1, 1)) -> None:
    """A policy parameter's new value, in force from ``since``."""
    db.session.add(PolicyParameter(key=key, value=value, effective_from=since))
    db.session.commit()


def fresh(model, ident: int):
    """A row as the database holds it now."""
    db.session.expire_all()
    return db.session.get(model, ident)


def fire_together(app, firings: list[tuple[int, str, int]],
                  data: list[dict] | None = None) -> list:
    """Fire each (application id, trigger, user id) from a thread of its own (its own
    session and connection, as concurrent requests), all at once, with ``data[i]`` (none by
    default), reading messages in English. Returns each firing's result or exception."""
    barrier = threading.Barrier(len(firings))
    results: list = [None] * len(firings)

    def work(index: int, application_id: int, trigger: str, user_id: int) -> None:
        with app.app_context(), force_locale("en"):
            try:
                application = db.session.get(Application, application_id)
                user = db.session.get(User, user_id)
                barrier.wait(timeout=30)
                results[index] = engine.fire(application, trigger, user, comment=f"t{index}",
                                             data=data[index] if data else None)
            except Exception as exc:  # noqa: BLE001 - the test inspects what each got
                results[index] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work, args=(i, *firing))
               for i, firing in enumerate(firings)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a firing hung"
    return results
