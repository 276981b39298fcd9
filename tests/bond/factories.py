"""Underwriters, issuers and their staff, bonds in any state of their life and firms'
allocations of a bond in any state, moved by the real engine with the data their actors
would give (as ``tests.factories`` does for loans): the issuer files its board's resolution
and the underwriter its papers before the step that needs them.

The API the bond tests (and the web and browser tests) build on:

- ``make_underwriters()`` -> ``Underwriters`` (the ``underwriters`` fixture): two
  underwriters with an officer and approvers each, two issuers with an officer each;
- ``plan(uw)`` a planned bond; ``bond_in(uw, state, **terms)`` a bond walked to ``state``;
  ``advance_bond``/``refused_bond`` fire one step of a bond (or see it refused);
- ``founder(world, serial)`` another founder with a firm of its own;
- ``draft(world, uw, bond)`` a filled-in allocation application;
  ``allocation_in(world, uw, state, bond=...)`` one walked to ``state``;
  ``advance``/``refused`` fire one step of an allocation (or see it refused);
- ``upload`` a paper; ``set_parameter`` a policy value in force; ``refusal`` a service's;
  ``fresh`` a row as stored; ``reattach`` the fixtures' rows after threads.
"""

from dataclasses import dataclass
from dataclasses import fields
from datetime import date
from datetime import timedelta
from types import SimpleNamespace

import pytest
from dateutil.relativedelta import relativedelta
from flask_babel import force_locale
from sqlalchemy import func
from sqlalchemy import inspect
from sqlalchemy import select

from talentfin.clock import business_today
from talentfin.demo import demo_uscc
from talentfin.extensions import db
from talentfin.models import Attachment
from talentfin.models import Organisation
from talentfin.models import PolicyParameter
from talentfin.models import User
from talentfin.services import applications as application_service
from talentfin.services.bond.issues import plan_bond
from talentfin.services.uploads import save_attachment
from talentfin.workflows import engine
from talentfin.workflows.bond import demo as bond_demo
from talentfin.workflows.bond import issue_demo
from talentfin.workflows.bond.definition import WORKFLOW
from talentfin.workflows.bond.labels import APPROVER
from talentfin.workflows.bond.labels import DOCUMENTS
from talentfin.workflows.bond.labels import ISSUER
from talentfin.workflows.bond.labels import OFFICER
from talentfin.workflows.bond.models import BondAllocation
from talentfin.workflows.bond.models import BondIssue
from tests import factories

ISSUE_PATHS = issue_demo.PATHS
PATHS = bond_demo.PATHS
REQUIRED = tuple(d.key for d in DOCUMENTS if d.required)
# The bond's terms by default: 200,000,000 yuan at 3.20 % for 36 months, a coupon a year.
SIZE_FEN = 200_000_000_00
COUPON_BP = 320
TERM_MONTHS = 36
COUPON_MONTHS = 12
TERMS = {"size_fen": SIZE_FEN, "coupon_bp": COUPON_BP, "term_months": TERM_MONTHS,
         "coupon_months": COUPON_MONTHS}
# A firm's allocation asked for by default: 1,000,000 yuan for 24 months.
AMOUNT_FEN = 1_000_000_00
ISSUER_USCC = (demo_uscc(9001), demo_uscc(9002))


@dataclass
class Underwriters:
    """Two underwriters, an officer and approvers each (underwriter 1 has two approvers),
    and two issuers (the programme's platform companies) with an officer each."""

    underwriter1: Organisation
    underwriter2: Organisation
    officer1: User
    approver1: User
    approver1b: User
    officer2: User
    approver2: User
    issuer: Organisation
    issuer_officer: User
    issuer2: Organisation
    issuer2_officer: User

    def officer(self, underwriter_id: int) -> User:
        """The underwriter's officer."""
        return self.officer1 if underwriter_id == self.underwriter1.id else self.officer2

    def approver(self, underwriter_id: int) -> User:
        """The underwriter's (first) approver."""
        return self.approver1 if underwriter_id == self.underwriter1.id else self.approver2

    def staff(self, underwriter_id: int) -> tuple[User, User]:
        """(officer, approver) of an underwriter."""
        return self.officer(underwriter_id), self.approver(underwriter_id)

    def issuer_user(self, issuer_org_id: int) -> User:
        """The issuer's officer."""
        return (self.issuer_officer if issuer_org_id == self.issuer.id
                else self.issuer2_officer)


def make_underwriters() -> Underwriters:
    """The underwriters and issuers of the tests, with their staff."""
    underwriter1 = factories.organisation("underwriter", "uw-1", "一号证券")
    underwriter2 = factories.organisation("underwriter", "uw-2", "二号证券")
    issuer = factories.organisation("issuer", "issuer-1", "一号人才金融集团")
    issuer2 = factories.organisation("issuer", "issuer-2", "二号人才金融集团")
    return Underwriters(
        underwriter1=underwriter1, underwriter2=underwriter2,
        officer1=factories.user("uo1@t.cn", OFFICER, underwriter1),
        approver1=factories.user("ua1@t.cn", APPROVER, underwriter1),
        approver1b=factories.user("ua1b@t.cn", APPROVER, underwriter1),
        officer2=factories.user("uo2@t.cn", OFFICER, underwriter2),
        approver2=factories.user("ua2@t.cn", APPROVER, underwriter2),
        issuer=issuer, issuer_officer=factories.user("io1@t.cn", ISSUER, issuer),
        issuer2=issuer2, issuer2_officer=factories.user("io2@t.cn", ISSUER, issuer2),
    )


def upload(application, kind: str, user: User) -> Attachment:
    """A paper of a kind, uploaded by ``user`` (who must be the one allowed to)."""
    return save_attachment(application, kind, factories.pdf_upload(f"{kind}.pdf"), user)


# The bond ---------------------------------------------------------------------------------


def plan(uw: Underwriters, *, underwriter: Organisation | None = None,
         issuer: Organisation | None = None, name: str | None = None) -> BondIssue:
    """A planned bond of ``issuer`` (issuer 1), planned by ``underwriter``'s officer
    (underwriter 1's)."""
    underwriter = underwriter or uw.underwriter1
    issuer = issuer or uw.issuer
    uscc = ISSUER_USCC[0 if issuer.id == uw.issuer.id else 1]
    count = db.session.scalar(select(func.count(BondIssue.id)))
    return plan_bond(uw.officer(underwriter.id),
                     name or f"2026年测试人才集合债券（第{count + 1}期）", issuer, uscc)


def bond_step(uw: Underwriters, bond: BondIssue, trigger: str, *,
              registered_on: date | None = None, issued_on: date | None = None,
              today: date | None = None, **terms) -> tuple[User, str, dict]:
    """(actor, comment, data) of one step of a bond: its registration number and code made
    from its id, the terms ``TERMS`` unless given."""
    today = today or business_today()
    officer, approver = uw.officer(bond.partner_org_id), uw.approver(bond.partner_org_id)
    steps = {
        "register": (officer, "交易商协会注册通过。",
                     {"registration_no": f"中市协注〔2026〕TF{bond.id:04d}号",
                      "registered_on": registered_on or today}),
        "issue": (approver, "簿记建档完成，按期发行。",
                  {"code": f"T{bond.id:07d}", **TERMS, **terms,
                   "issued_on": issued_on or today}),
        "open_allocation": (officer, "开始受理人才企业额度申请。", {}),
        "close_allocation": (approver, "额度分配结束。", {}),
        "redeem": (officer, "本息已全额兑付。", {}),
        "cancel": (approver, "发行人调整融资计划，取消本期债券。", {}),
    }
    return steps[trigger]


def bond_papers(uw: Underwriters, bond: BondIssue, trigger: str) -> None:
    """The papers a step needs: the issuer's board resolution and the registration letter
    before the registration, the underwriter's before the issue and the redemption."""
    if trigger == "register":
        upload(bond, "board_resolution", uw.issuer_user(bond.issuer_org_id))
    for kind in issue_demo.PAPERS_BEFORE.get(trigger, ()):
        upload(bond, kind, uw.officer(bond.partner_org_id))


def advance_bond(uw: Underwriters, bond: BondIssue, trigger: str, *, papers: bool = True,
                 today: date | None = None, actor: User | None = None,
                 comment: str | None = None, data: dict | None = None) -> engine.Fired:
    """Fire one step of a bond with the data its actor would give (``actor``, ``comment``
    override them, ``data`` is merged); with ``papers`` its documents uploaded first."""
    default_actor, default_comment, default_data = bond_step(uw, bond, trigger, today=today)
    if papers:
        bond_papers(uw, bond, trigger)
    return engine.fire(bond, trigger, actor or default_actor,
                       comment=default_comment if comment is None else comment,
                       data={**default_data, **(data or {})}, today=today)


def bond_in(uw: Underwriters, state: str, *, underwriter: Organisation | None = None,
            issuer: Organisation | None = None, name: str | None = None,
            registered_on: date | None = None, issued_on: date | None = None,
            **terms) -> BondIssue:
    """A bond walked by the engine to ``state`` (issued with ``TERMS`` unless given, today;
    one to be redeemed issued a term ago, so that it has matured)."""
    bond = plan(uw, underwriter=underwriter, issuer=issuer, name=name)
    today = business_today()
    if state == "redeemed" and issued_on is None:
        issued_on = today - relativedelta(months=terms.get("term_months", TERM_MONTHS))
    if issued_on is not None and registered_on is None:
        registered_on = min(issued_on, today) - timedelta(days=30)
    for trigger in ISSUE_PATHS[state]:
        _, _, data = bond_step(uw, bond, trigger, registered_on=registered_on,
                               issued_on=issued_on, **terms)
        advance_bond(uw, bond, trigger, data=data)
    return bond


def refused_bond(uw: Underwriters, bond: BondIssue, trigger: str, *,
                 error: type[engine.TransitionError] = engine.Refused, **override) -> str:
    """Fire a step of a bond that must not happen (as ``advance_bond``): what the user is
    told, in English; the bond stays where it was."""
    return _refused(bond, lambda: advance_bond(uw, bond, trigger, **override), error)


# Founders and their allocations -----------------------------------------------------------


def founder(world, serial: int, *, park: Organisation | None = None, tier: str = "B",
            id_number: str | None = None) -> User:
    """Another founder with a firm of its own (a talent of its own unless ``id_number``
    names one already met)."""
    firm = factories.enterprise(park or world.park, serial, tier=tier,
                                id_number=id_number or f"37021219900101{serial:03d}X")
    return factories.user(f"founder{serial}@t.cn", "founder", enterprise=firm)


def draft(world, uw: Underwriters, bond: BondIssue, *, founder: User | None = None,
          amount_fen: int = AMOUNT_FEN, term_months: int = 24,
          documents: bool = True) -> BondAllocation:
    """A filled-in draft: the founder (``world.founder``) asks ``bond``'s underwriter for
    an allocation of it (1,000,000 yuan for 24 months by default)."""
    founder = founder or world.founder
    application = application_service.start_application(founder, "bond")
    application_service.save_request(application, {
        "partner_org_id": bond.partner_org_id, "bond_id": bond.id,
        "requested_amount_fen": amount_fen, "requested_term_months": term_months,
        "purpose": "用于研发投入与原材料采购，按用款计划分期使用。"})
    if documents:
        for kind in REQUIRED:
            upload(application, kind, founder)
    return application


def people(world, uw: Underwriters, application: BondAllocation) -> SimpleNamespace:
    """Who acts on an allocation: its park's reviewer, its underwriter's officer and
    approver, the founder."""
    park = (world.park_reviewer if application.enterprise.park_id == world.park.id
            else world.park2_reviewer)
    return SimpleNamespace(park=park, founder=application.applicant,
                           officer=uw.officer(application.partner_org_id),
                           approver=uw.approver(application.partner_org_id))


def step(world, uw: Underwriters, application: BondAllocation, trigger: str,
         today: date | None = None) -> tuple[User | None, str, dict]:
    """(actor, comment, data) the demo gives for a step (the founder fires the founder's)."""
    who = people(world, uw, application)
    others = {  # the steps no demo walk takes (and the submission, whatever the bond)
        "submit": (None, "", {}), "resubmit": (None, "", {}),
        "underwriter_resubmit": (None, "", {}),
        "return_recommendation": (who.approver, "请重新核定利率。", {}),
    }
    if trigger in others:
        actor, comment, data = others[trigger]
    else:
        actor, comment, data = bond_demo.step(trigger, application, who,
                                              today or business_today())
    if "founder" in WORKFLOW.transition(trigger).roles and actor is None:
        actor = application.applicant
    return actor, comment, data


def advance(world, uw: Underwriters, application: BondAllocation, trigger: str, *,
            papers: bool = True, today: date | None = None, **override) -> engine.Fired:
    """Fire one step of an allocation with the data its actor would give (``actor`` and
    ``comment`` override them, ``data`` is merged); with ``papers`` the underwriter's
    documents the step needs uploaded first."""
    actor, comment, data = step(world, uw, application, trigger, today)
    actor = override.get("actor", actor)
    comment = override.get("comment", comment)
    data = {**data, **override.get("data", {})}
    for kind in bond_demo.PAPERS_BEFORE.get(trigger, ()) if papers else ():
        upload(application, kind, uw.officer(application.partner_org_id))
    if trigger in bond_demo.WAITED_BEFORE:
        application.status_changed_at -= timedelta(days=bond_demo.WAITED_BEFORE[trigger])
        db.session.commit()
    return engine.fire(application, trigger, actor, comment=comment, data=data, today=today)


def allocation_in(world, uw: Underwriters, state: str, *, bond: BondIssue | None = None,
                  recommend: dict | None = None, **draft_args) -> BondAllocation:
    """An allocation walked by the engine to ``state``: of ``bond`` (by default a new bond
    of underwriter 1, open for allocations), the officer's terms the demo's (the amount
    asked for at the coupon + 1 point for 24 months) updated with ``recommend``."""
    bond = bond or bond_in(uw, "allocating")
    application = draft(world, uw, bond, **draft_args)
    for trigger in PATHS[state]:
        advance(world, uw, application, trigger,
                data=(recommend or {}) if trigger == "recommend" else {})
    return application


def refused(world, uw: Underwriters, application: BondAllocation, trigger: str, *,
            error: type[engine.TransitionError] = engine.Refused, **override) -> str:
    """Fire a step of an allocation that must not happen (as ``advance``): what the user is
    told, in English; the allocation stays where it was."""
    return _refused(application, lambda: advance(world, uw, application, trigger, **override),
                    error)


# Helpers ----------------------------------------------------------------------------------


def _refused(application, fire, error: type[engine.TransitionError]) -> str:
    before = application.status
    with force_locale("en"), pytest.raises(error) as caught:
        fire()
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


def reattach(*groups) -> None:
    """After ``db.session.remove()`` (threads firing on their own sessions), the rows of
    these dataclasses (``world``, ``Underwriters``) are loaded again into the session."""
    for group in groups:
        for item in fields(group):
            row = getattr(group, item.name)
            if isinstance(row, db.Model):
                setattr(group, item.name, db.session.get(type(row), inspect(row).identity[0]))


def fresh(model, ident: int):
    """A row as the database holds it now."""
    db.session.expire_all()
    return db.session.get(model, ident)

