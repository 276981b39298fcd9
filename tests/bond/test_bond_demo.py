"""人才债's demo, seeded as ``flask seed-demo`` seeds it (the other products left out to keep
it quick): bonds standing in every state of a bond's life and allocations in every state of
an allocation, the README's underwriter and issuer accounts, the open bond's allocated
figure the sum of what its allocations hold, and every dossier the walks produced rendered
in Chinese."""

import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlalchemy import select

from talentfin import demo
from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import Dossier
from talentfin.models import Organisation
from talentfin.models import User
from talentfin.pool.models import LedgerEntry
from talentfin.pool.models import LedgerLine
from talentfin.services.bond.issues import book
from talentfin.storage import dossier_path
from talentfin.workflows.bond import BOND
from talentfin.workflows.bond import BOND_ISSUE
from talentfin.workflows.bond.definition import ISSUE_WORKFLOW
from talentfin.workflows.bond.definition import WORKFLOW
from talentfin.workflows.bond.models import BondAllocation
from talentfin.workflows.bond.models import BondIssue
from talentfin.workflows.bond.servicing import draws_of
from talentfin.workflows.bond.servicing import layers
from talentfin.workflows.bond.servicing import repayments_of
from tests.conftest import _empty_tables

ISSUE_TITLES = {"registration": "债券注册登记记录", "issue_terms": "债券发行要素",
                "allocation_result": "额度分配结果", "redemption": "兑付记录"}
TITLES = {"application_form": "额度申请书", "park_opinion": "园区推荐意见书",
          "allocation_notice": "额度分配通知书", "default_record": "转贷违约及损失分担记录"}
# Allocations that hold their part of the bond's size (a repaid one keeps it: the bond's
# proceeds are not lent twice).
HOLDING = ("allocated", "contracted", "disbursed", "repaying", "overdue", "defaulted", "closed")


@pytest.fixture(scope="module")
def seeded(_app):
    """The demo seeded once for this module's tests (with 人才债's two products its only
    ones), then every table emptied as the ``app`` fixture does."""
    with _app.app_context(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(demo, "products", lambda: [BOND_ISSUE, BOND])
        lines = demo.seed_demo()
        yield lines
        db.session.remove()
        _empty_tables()
    for folder in ("UPLOAD_FOLDER", "DOSSIER_FOLDER"):
        for path in Path(_app.config[folder]).glob("*"):
            if path.is_file():
                path.unlink()


def _by_state(model) -> dict:
    db.session.expire_all()
    return {a.status: a for a in db.session.scalars(select(model))}


def _rendered(dossier: Dossier) -> str:
    """The dossier's PDF as pdftotext reads it, its lines' spacing collapsed."""
    return " ".join(subprocess.run(["pdftotext", "-layout", str(dossier_path(dossier)), "-"],
                                   check=True, capture_output=True, text=True).stdout.split())


def test_the_demo_seeds_every_state_of_a_bond_and_of_an_allocation_once(seeded):
    bonds, allocations = _by_state(BondIssue), _by_state(BondAllocation)
    assert sorted(bonds) == sorted(state.name for state in ISSUE_WORKFLOW.states)
    assert sorted(allocations) == sorted(state.name for state in WORKFLOW.states)
    assert db.session.scalar(select(func.count(BondIssue.id))) == len(ISSUE_WORKFLOW.states)
    assert db.session.scalar(select(func.count(BondAllocation.id))) == len(WORKFLOW.states)
    assert "outbox tasks done (dossiers, notifications): " in seeded[-1]
    assert seeded[-1].endswith("(failed: 0)")


def test_the_readmes_accounts_work_the_bonds(seeded):
    underwriter = db.session.scalar(select(Organisation).where(
        Organisation.code == "underwriter-qd"))
    issuer = db.session.scalar(select(Organisation).where(Organisation.code == "group-qd"))
    assert (underwriter.kind, issuer.kind) == ("underwriter", "issuer")
    accounts = {u.email: (u.role, u.org_id) for u in db.session.scalars(select(User).where(
        User.org_id.in_([underwriter.id, issuer.id])))}
    assert accounts == {"officer@underwriter.demo.cn": ("underwriter_officer", underwriter.id),
                        "approver@underwriter.demo.cn": ("underwriter_approver",
                                                         underwriter.id),
                        "issuer@group.demo.cn": ("issuer_officer", issuer.id)}
    assert all(u.check_password(demo.DEMO_PASSWORD) for u in db.session.scalars(
        select(User).where(User.email.in_(accounts))))
    bonds = _by_state(BondIssue)
    assert {(b.partner_org_id, b.issuer_org_id) for b in bonds.values()} == {
        (underwriter.id, issuer.id)}
    assert {a.partner_org_id for a in _by_state(BondAllocation).values()} == {underwriter.id}


def test_the_open_bond_holds_what_its_allocations_hold(seeded):
    bonds, allocations = _by_state(BondIssue), _by_state(BondAllocation)
    open_bond = bonds["allocating"]
    assert {a.bond_id for a in allocations.values()} == {open_bond.id}
    held = sum(allocations[state].allocated_fen for state in HOLDING)
    assert held > 0 and open_bond.allocated_fen == held
    assert open_bond.headroom_fen == open_bond.size_fen - held
    assert allocations["cancelled"].allocated_fen  # taken, then given back
    for state in ("draft", "credit_review", "allocation_approval", "declined"):
        assert allocations[state].allocated_fen is None, state
    closed = allocations["closed"]
    assert closed.disbursed_amount_fen == closed.allocated_fen and closed.repaid_on
    assert closed.outstanding == 0 and len(repayments_of(closed)) == 4


def test_the_demo_default_was_borne_by_the_layers_in_order(seeded):
    allocations = _by_state(BondAllocation)
    defaulted, repaying = allocations["defaulted"], allocations["repaying"]
    assert 0 < repaying.outstanding < repaying.allocated_fen
    assert allocations["overdue"].overdue_since is not None
    draws = draws_of(defaulted)
    assert defaulted.loss_fen == defaulted.outstanding > 0
    assert sum(draws.values()) == defaulted.loss_fen
    # The spreads of the demo's few repayments are far less than the loss: the reserve is
    # spent first, to the fen (every spread received before the default), and the
    # government's share takes the rest.
    draw = db.session.scalar(select(LedgerEntry).where(
        LedgerEntry.application_id == defaulted.id, LedgerEntry.kind == "bond_reserve_draw"))
    before = db.session.scalar(select(func.sum(LedgerLine.amount_fen)).join(LedgerEntry).where(
        LedgerEntry.kind == "bond_reserve_receipt", LedgerEntry.seq < draw.seq,
        LedgerLine.account == "bond_risk_reserve"))
    assert draws["bond_reserve_draw"] == before > 0
    now = layers(defaulted.bond, business_today())
    assert now.government_drawn_fen == draws["bond_government_draw"]
    assert draws["bond_government_draw"] == defaulted.loss_fen - draws["bond_reserve_draw"]
    assert "bond_issuer_draw" not in draws


def test_the_redeemed_bond_had_matured(seeded):
    bonds = _by_state(BondIssue)
    redeemed = bonds["redeemed"]
    today = business_today()
    assert redeemed.redeemed_on == today and redeemed.matures_on <= today
    assert bonds["cancelled"].registration_no is None and bonds["planned"].code is None
    for state in ("issued", "allocating", "servicing"):
        assert bonds[state].matures_on > today, state


def test_the_underwriters_book(seeded):
    underwriter = db.session.scalar(select(Organisation).where(
        Organisation.code == "underwriter-qd"))
    lines = {line.bond.status: line for line in book(underwriter.id, business_today())}
    assert sorted(lines) == sorted(state.name for state in ISSUE_WORKFLOW.states)
    open_line = lines["allocating"]
    # The founders' drafts are theirs alone; every submitted allocation is on the book.
    assert sorted(open_line.by_state) == sorted(
        state.name for state in WORKFLOW.states if state.name != "draft")
    assert open_line.by_state["allocated"][0] == 1
    assert sum(amount for _, amount in open_line.by_state.values()) == \
        open_line.bond.allocated_fen + lines["allocating"].by_state["cancelled"][1]
    assert open_line.coupons_ahead and all(day >= business_today()
                                           for day in open_line.coupons_ahead)
    assert lines["redeemed"].coupons_ahead == []


def test_every_bond_dossier_renders_ready_in_chinese(seeded):
    bonds, allocations = _by_state(BondIssue), _by_state(BondAllocation)
    ids = [a.id for a in (*bonds.values(), *allocations.values())]
    dossiers = db.session.scalars(select(Dossier).where(Dossier.application_id.in_(ids))
                                  .order_by(Dossier.id)).all()
    issue_stages = {d.stage for d in dossiers if d.application.product == "bond_issue"}
    stages = {d.stage for d in dossiers if d.application.product == "bond"}
    assert issue_stages == set(ISSUE_TITLES) == set(BOND_ISSUE.dossiers)
    assert stages == set(TITLES) == set(BOND.dossiers)
    assert [d for d in dossiers if d.status != "ready" or not d.sha256] == []
    for dossier in dossiers:
        content = _rendered(dossier)
        titles = ISSUE_TITLES if dossier.application.product == "bond_issue" else TITLES
        title = titles[dossier.stage]
        if dossier.application.status == "declined" and dossier.stage == "allocation_notice":
            title = "不予分配通知书"
        assert title in content and "人才债" in content, (dossier.stage, content[:300])
        assert dossier.verify_code in content, dossier.stage
        assert dossier.application.reference in content, dossier.stage
        bond = dossier.application if isinstance(dossier.application, BondIssue) \
            else dossier.application.bond
        assert bond.name in content, dossier.stage


def test_seeding_again_changes_nothing(seeded):
    before = db.session.scalar(select(func.count(Application.id)))
    lines = demo.seed_demo()
    assert db.session.scalar(select(func.count(Application.id))) == before
    assert not [line for line in lines if line.startswith(("application", "account"))]
