"""A loan-guarantee policy on a covered loan that becomes non-performing: the bank's claim on
the pool waits for the insurer, the insurer's share counts against the pool's 80 % public
ceiling, the loan's page and the pool's dossiers show what the insurer paid.

The loan: 1,000,000 yuan, pure credit, the firm's first loan, so the pool's ratio is
70 % + 5 % = 75 % (compensation.py); the public ceiling is 80 % of the loss.
"""

import subprocess

import pytest
from sqlalchemy import select

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.models import Dossier
from talentfin.pool.models import Claim
from talentfin.pool.models import LedgerEntry
from talentfin.services.dossier_rendering import render_dossier_task
from talentfin.storage import dossier_path
from talentfin.workflows import engine
from talentfin.workflows.insurance.claims import latest_claim
from tests import factories
from tests.insurance.factories import policy_in
from tests.insurance.factories import upload_claim_papers
from tests.insurance.helpers import done
from tests.insurance.helpers import guaranteed
from tests.insurance.helpers import refused
from tests.insurance.helpers import set_parameter
from tests.insurance.helpers import text
from tests.insurance.helpers import to_npl
from tests.web import fresh
from tests.web import login
from tests.web import switch_to

LOSS = 1_000_000_00
LODGE = {"loss": "1,000,000", "other": "0", "comment": "借款人违约"}


def _defaulted(world, insurers):
    factories.fund_pool(world)
    loan, policy = guaranteed(world, insurers, "premium_paid")
    to_npl(world, loan)
    factories.upload_claim_documents(loan, world.officer1)
    return loan, policy


def _insurer(policy, insurers, *steps: str) -> None:
    """The insurer's claim steps on the guarantee policy, with the loan's whole loss."""
    data = {"notify_claim": {"loss_on": business_today(), "claimed_fen": LOSS},
            "agree_claim": {"assessed_loss_fen": LOSS}}
    for trigger in steps:
        if trigger == "start_adjusting":
            upload_claim_papers(policy, insurers.underwriter1)
        if trigger == "pay_claim":
            data["pay_claim"] = {"amount_fen": _agreed(policy), "paid_on": business_today()}
        actor = insurers.approver1 if trigger in ("agree_claim", "deny_claim") \
            else insurers.underwriter1
        engine.fire(policy, trigger, actor, comment="核定", data=data.get(trigger, {}))


def _agreed(policy) -> int:
    return latest_claim(policy).agreed_fen


def _pool_claim(loan) -> Claim:
    db.session.expire_all()
    return db.session.scalars(select(Claim).where(Claim.application_id == loan.id)).one()


def _pdf_text(loan, stage: str) -> str:
    """The loan's dossier of a stage, rendered by the outbox's handler, as pdftotext reads
    it."""
    db.session.expire_all()
    dossier = db.session.scalars(select(Dossier).where(
        Dossier.application_id == loan.id, Dossier.stage == stage)).one()
    render_dossier_task({"dossier_id": dossier.id})
    db.session.refresh(dossier)
    return subprocess.run(["pdftotext", "-layout", str(dossier_path(dossier)), "-"],
                          check=True, capture_output=True, text=True).stdout


def test_the_banks_claim_waits_until_the_insurer_has_decided(client, auth, world, insurers):
    loan, policy = _defaulted(world, insurers)
    login(auth, world.officer1)
    waits = (f"The loan is guaranteed by policy {fresh(policy.id).policy_no} of insurer-1: the "
             "insurer decides and pays its share of the loss first, then the pool's claim "
             "counts it.")
    assert waits in refused(client, loan.id, "lodge_claim", **LODGE)
    for step in ("notify_claim", "start_adjusting", "agree_claim"):
        _insurer(policy, insurers, step)
        assert waits in refused(client, loan.id, "lodge_claim", **LODGE), step
    assert fresh(loan.id).status == "npl"
    _insurer(policy, insurers, "pay_claim")
    done(client, loan.id, "lodge_claim", **LODGE)
    assert (fresh(loan.id).status, _pool_claim(loan).insured_fen) == ("claim_review",
                                                                      800_000_00)


def test_an_insurer_paying_80_percent_leaves_the_pool_nothing(client, auth, world, insurers):
    loan, policy = _defaulted(world, insurers)
    _insurer(policy, insurers, "notify_claim", "start_adjusting", "agree_claim", "pay_claim")
    login(auth, world.officer1)
    done(client, loan.id, "lodge_claim", **LODGE)
    page = text(client.get(f"/applications/{loan.id}"))
    cover = page.split('id="loan-cover"')[1].split("</table>")[0]
    assert fresh(policy.id).policy_no in cover and "insurer-1" in cover
    assert "In force: claim paid" in cover and "800,000.00" in cover
    assert 'id="claim-insured">800,000.00<' in page
    switch_to(auth, world.pool_admin)
    nothing = ("Nothing can be paid on this claim: the 800,000.00 yuan already paid on this "
               "loss by insurance or other public schemes reaches the ceiling of 80.00% of the "
               "loss (800,000.00 yuan) for all public compensation together")
    assert nothing in text(client.get(f"/applications/{loan.id}"))  # the preview
    assert nothing in refused(client, loan.id, "assess_claim", comment="审核")
    assert fresh(loan.id).status == "claim_review"
    assert "保证保险已赔付" in _pdf_text(loan, "claim_form")


def test_a_smaller_insurer_share_leaves_the_pool_the_rest_of_the_ceiling(client, auth, world,
                                                                         insurers):
    set_parameter("guarantee_insurer_share_bp", "5000")
    loan, policy = _defaulted(world, insurers)
    _insurer(policy, insurers, "notify_claim", "start_adjusting", "agree_claim", "pay_claim")
    login(auth, world.officer1)
    done(client, loan.id, "lodge_claim", **LODGE)
    switch_to(auth, world.pool_admin)
    page = text(client.get(f"/applications/{loan.id}"))
    # 75 % of 1,000,000 = 750,000, capped at 800,000 - 500,000 paid by the insurer.
    assert 'id="preview-payout">300,000.00<' in page
    assert "all public compensation together is capped at 80.00% of the loss" in page
    done(client, loan.id, "assess_claim", comment="审核")
    switch_to(auth, world.committee)
    done(client, loan.id, "approve_compensation", comment="同意")
    claim = _pool_claim(loan)
    assert (claim.status, claim.insured_fen, claim.payout_fen) == ("paid", 500_000_00,
                                                                   300_000_00)
    entry = db.session.get(LedgerEntry, claim.payout_entry_id)
    assert sorted(-line.amount_fen for line in entry.lines if line.funder_id) == [
        120_000_00, 180_000_00]
    decision = _pdf_text(loan, "compensation_decision")
    assert "保证保险已赔付" in decision and "500,000.00" in decision
    assert "300,000.00" in decision
    form = _pdf_text(loan, "claim_form")
    assert "保证保险已赔付" in form and "500,000.00" in form


def test_a_denied_guarantee_claim_lets_the_pool_pay_its_own_share(client, auth, world,
                                                                  insurers):
    loan, policy = _defaulted(world, insurers)
    _insurer(policy, insurers, "notify_claim", "start_adjusting", "deny_claim")
    login(auth, world.officer1)
    done(client, loan.id, "lodge_claim", **LODGE)
    page = text(client.get(f"/applications/{loan.id}"))
    assert "In force: claim denied" in page and 'id="claim-insured"' not in page
    switch_to(auth, world.pool_admin)
    assert 'id="preview-payout">750,000.00<' in text(client.get(f"/applications/{loan.id}"))
    done(client, loan.id, "assess_claim", comment="审核")
    assert (_pool_claim(loan).insured_fen, _pool_claim(loan).payout_fen) == (0, 750_000_00)
    assert "保证保险已赔付" not in _pdf_text(loan, "claim_form")


@pytest.mark.parametrize("state", ["bound", "lapsed", "withdrawn"])
def test_a_policy_that_does_not_answer_for_the_loss_does_not_hold_the_claim(
        client, auth, world, insurers, state):
    factories.fund_pool(world)
    loan = factories.loan_in(world, "covered")
    policy_in(world, insurers, state, cover="loan_guarantee", loan=loan,
              started_days_ago=31 if state == "lapsed" else 0)
    to_npl(world, loan)
    factories.upload_claim_documents(loan, world.officer1)
    login(auth, world.officer1)
    done(client, loan.id, "lodge_claim", **LODGE)
    assert _pool_claim(loan).insured_fen == 0
