"""The demo's loans are secured as a bank would record them: the loans the insurance demo's
loan-guarantee policies guarantee are secured by that guarantee, and compensated loans that
are neither pure credit nor their firm's first are paid at the 70 % base (the 5 points are
for a firm's first loan or a pure credit loan), beside claims at 75 %."""

from sqlalchemy import select

from talentfin.clock import business_today
from talentfin.demo import FOUNDERS
from talentfin.demo import walk
from talentfin.extensions import db
from talentfin.pool.claims import payout_preview
from talentfin.pool.compensation import PURE_CREDIT
from talentfin.pool.models import Claim
from talentfin.workflows.insurance import INSURANCE
from talentfin.workflows.insurance import demo as insurance_demo
from talentfin.workflows.insurance.models import InsuranceApplication
from talentfin.workflows.loan import LOAN
from talentfin.workflows.loan import demo as loan_demo
from tests import factories
from tests.insurance.factories import make_insurers


def _demo_loans(world) -> dict[str, list]:
    """The loan demo's walks (and the insurance demo's guarantees of them) on the test
    world: the demo's four founders, each with a firm and a talent of their own."""
    factories.user("park@demo.cn", "park_reviewer", world.park)
    factories.user("pool@demo.cn", "pool_admin", world.pool)
    factories.user("committee@demo.cn", "pool_committee", world.pool)
    factories.fund_pool(world)
    founders = [world.founder]
    for serial, spec in enumerate(FOUNDERS[1:], start=11):
        firm = factories.enterprise(world.park, serial, tier=spec["tier"],
                                    id_number=spec["id_number"])
        founders.append(factories.user(f"founder{serial}@t.cn", "founder", enterprise=firm))
    banks = {"bank-1": world.bank1, "bank-2": world.bank2}
    walked: dict[str, list] = {}
    for index, (target, founder, bank) in enumerate(loan_demo.WALKS):
        walked.setdefault(target, []).append(
            walk(LOAN, founders[founder], banks[bank], target, index))
    insurer = make_insurers().insurer1
    for index, (target, founder, _insurer) in enumerate(insurance_demo.WALKS):
        if target in insurance_demo.GUARANTEES:
            walk(INSURANCE, founders[founder], insurer, target, index)
    return walked


def test_guaranteed_loans_are_secured_by_the_guarantee_and_some_claims_pay_70_percent(world):
    walked = _demo_loans(world)
    assert {target: [a.status for a in apps] for target, apps in walked.items()} == {
        target: [target] * len(apps) for target, apps in walked.items()}

    guaranteed = set(db.session.scalars(select(InsuranceApplication.loan_id).where(
        InsuranceApplication.cover == "loan_guarantee")))
    assert len(guaranteed) == len(insurance_demo.GUARANTEES)
    loans = {a.id: a for apps in walked.values() for a in apps}
    assert {loans[i].security for i in guaranteed} == {"guarantee"}
    assert {loans[i].status for i in guaranteed} == {"disbursed", "covered", "active"}
    assert {a.security for a in loans.values() if a.security} == {
        "pure_credit", "guarantee", "pledge", "collateral"}

    # The compensated loans: secured, not their firm's first, at the 70 % base.
    paid = {walked[t][0].id: t for t in ("compensated", "in_recovery")}
    claims = {claim.application_id: claim for claim in db.session.scalars(
        select(Claim).where(Claim.application_id.in_(paid)))}
    assert {paid[i]: (loans[i].security, c.ratio_bp) for i, c in claims.items()} == {
        "compensated": ("collateral", 7000), "in_recovery": ("pledge", 7000)}

    # Before the decision (neither is its firm's first loan): a secured claim at 70 %, a
    # pure-credit one at 75 %.
    today = business_today()
    committee = payout_preview(walked["committee_review"][0], today)
    assert committee.figures.bonus_reasons == () and committee.payout.ratio_bp == 7000
    review = payout_preview(walked["claim_review"][0], today)
    assert review.figures.bonus_reasons == (PURE_CREDIT,)
    assert review.payout.ratio_bp == 7500
