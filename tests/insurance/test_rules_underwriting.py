"""Underwriting rules at their boundaries, as the insurer's staff read them: the
loan-guarantee premium ceiling, acceptance versus counter-terms, a guarantee's sum and
period following its loan, no self-approval, and the policy's start date."""

import pytest
from dateutil.relativedelta import relativedelta

from talentfin.clock import business_today
from talentfin.extensions import db
from tests import factories
from tests.insurance.factories import policy_in
from tests.insurance.helpers import day
from tests.insurance.helpers import done
from tests.insurance.helpers import guaranteed
from tests.insurance.helpers import offer
from tests.insurance.helpers import refused
from tests.insurance.helpers import set_parameter
from tests.insurance.helpers import text
from tests.web import fresh
from tests.web import login

LOAN = {"sum_insured": "1,000,000", "period_months": "24"}  # the guaranteed loan's terms
RD = {"sum_insured": "5,000,000", "period_months": "12"}  # the R&D-loss quote's terms


def test_a_guarantee_premium_of_3_00_is_the_ceiling_3_01_is_refused(client, auth, world,
                                                                     insurers):
    _loan, policy = guaranteed(world, insurers, "underwriting")
    login(auth, insurers.underwriter1)
    page = refused(client, policy.id, "propose", proposal="counter", rate="3.01", **LOAN,
                   comment="风险较高")
    assert "The premium rate 3.01% is over the loan-guarantee ceiling of 3.00% a year." in page
    assert fresh(policy.id).status == "underwriting"
    done(client, policy.id, "propose", proposal="counter", rate="3.00", **LOAN,
         comment="风险较高")
    proposed = fresh(policy.id)
    assert (proposed.status, proposed.proposal, proposed.proposed_rate_bp) == (
        "underwriting_approval", "counter", 300)


def test_the_ceiling_is_the_policy_tables(client, auth, world, insurers):
    set_parameter("guarantee_premium_cap_bp", "150")
    _loan, policy = guaranteed(world, insurers, "underwriting")
    login(auth, insurers.underwriter1)
    page = refused(client, policy.id, "propose", proposal="counter", rate="1.51", **LOAN,
                   comment="x")
    assert "over the loan-guarantee ceiling of 1.50% a year" in page
    done(client, policy.id, "propose", proposal="counter", rate="1.50", **LOAN, comment="x")


def test_other_covers_have_no_guarantee_ceiling(client, auth, world, insurers):
    policy = policy_in(world, insurers, "underwriting")
    login(auth, insurers.underwriter1)
    done(client, policy.id, "propose", proposal="counter", rate="4.00", **RD, comment="x")
    assert fresh(policy.id).proposed_rate_bp == 400


@pytest.mark.parametrize("terms", [
    {"rate": "1.49", **RD},
    {"rate": "1.50", "sum_insured": "4,999,999.99", "period_months": "12"},
    {"rate": "1.50", "sum_insured": "5,000,000", "period_months": "24"},
])
def test_an_acceptance_is_exactly_the_terms_asked_at_the_offers_rate(client, auth, world,
                                                                     insurers, terms):
    policy = policy_in(world, insurers, "underwriting")
    login(auth, insurers.underwriter1)
    page = refused(client, policy.id, "propose", proposal="accept", **terms)
    assert ("An acceptance offers the sum and period asked for at your terms' rate (1.50%); "
            "anything else is counter-terms.") in page
    done(client, policy.id, "propose", proposal="counter", **terms, comment="调整")
    assert fresh(policy.id).proposal == "counter"


def test_counter_terms_must_change_something(client, auth, world, insurers):
    policy = policy_in(world, insurers, "underwriting")
    login(auth, insurers.underwriter1)
    page = refused(client, policy.id, "propose", proposal="counter", rate="1.50", **RD)
    assert "These are the terms asked for: propose an acceptance instead." in page
    done(client, policy.id, "propose", proposal="accept", rate="1.50", **RD)


def test_a_quote_for_a_withdrawn_cover_keeps_the_terms_of_its_day(client, auth, world,
                                                                  insurers):
    """Once routed, a quote is underwritten on the terms of the day it was submitted: the
    insurer withdrawing the cover or changing its rate does not strand it."""
    declined = policy_in(world, insurers, "underwriting")
    accepted = policy_in(world, insurers, "underwriting")
    terms = offer(insurers.insurer1, "rd_loss")
    terms.active, terms.premium_rate_bp = False, 200
    db.session.commit()
    login(auth, insurers.underwriter1)
    done(client, declined.id, "propose", proposal="decline", comment="本险种已停办")
    done(client, accepted.id, "propose", proposal="accept", sum_insured="5,000,000",
         rate="1.50", period_months="12")  # the 1.50 % of the day it was submitted
    assert fresh(accepted.id).proposal == "accept"


def test_a_decline_needs_a_reason(client, auth, world, insurers):
    policy = policy_in(world, insurers, "underwriting")
    login(auth, insurers.underwriter1)
    assert "Please give a reason." in refused(client, policy.id, "propose", proposal="decline")
    done(client, policy.id, "propose", proposal="decline", comment="既往损失过多")
    assert fresh(policy.id).proposal == "decline"


@pytest.mark.parametrize("terms", [
    {"sum_insured": "999,999.99", "period_months": "24"},
    {"sum_insured": "1,000,000.01", "period_months": "24"},
    {"sum_insured": "1,000,000", "period_months": "12"},
])
def test_a_guarantee_follows_its_loans_amount_and_term(client, auth, world, insurers, terms):
    _loan, policy = guaranteed(world, insurers, "underwriting")
    login(auth, insurers.underwriter1)
    for kind in ("accept", "counter"):
        page = refused(client, policy.id, "propose", proposal=kind, rate="2.00", **terms,
                       comment="x")
        assert "A guarantee policy insures its loan's amount over the loan's term." in page


def test_a_guarantee_premium_is_its_rate_of_principal_plus_a_years_interest(client, auth,
                                                                            world, insurers):
    loan, policy = guaranteed(world, insurers, "bound")
    assert (loan.current_amount(), loan.recommended_rate_bp) == (1_000_000_00, 360)
    bound = fresh(policy.id)
    # 2.00 % of (1,000,000 + 36,000 interest) = 20,720.00 yuan a year.
    assert (bound.sum_insured_fen, bound.period_months, bound.annual_premium_fen) == (
        1_000_000_00, 24, 20_720_00)
    login(auth, world.founder)
    assert "(20,720.00 yuan) falls due on" in text(client.get(f"/applications/{policy.id}"))


def test_an_approver_never_decides_a_proposal_of_their_own(client, auth, world, insurers):
    policy = policy_in(world, insurers, "underwriting_approval")
    # An underwriter promoted to approver, deciding what they proposed as underwriter.
    factories.set_columns(policy, proposed_by_id=insurers.approver1.id)
    login(auth, insurers.approver1)
    for trigger in ("approve_acceptance", "decline"):
        page = refused(client, policy.id, trigger, comment="同意")
        assert "You proposed these terms; another approver must decide." in page
    assert fresh(policy.id).status == "underwriting_approval"
    auth.logout()
    login(auth, insurers.approver1b)
    done(client, policy.id, "approve_acceptance", comment="同意")
    decided = fresh(policy.id)
    assert (decided.status, decided.decided_by_id) == ("accepted", insurers.approver1b.id)


@pytest.mark.parametrize(("offset", "ok"), [(-1, False), (0, True), (90, True), (91, False)])
def test_cover_starts_between_today_and_90_days_ahead(client, auth, world, insurers, offset,
                                                      ok):
    """A policy is never dated back (it would cover losses already known)."""
    policy = policy_in(world, insurers, "accepted")
    login(auth, insurers.underwriter1)
    fields = {"policy_no": f"KJ-{offset}", "starts_on": day(offset)}
    if not ok:
        page = refused(client, policy.id, "bind", **fields)
        assert ("Cover starts between today and 90 days from now; a policy is not dated "
                "back.") in page
        assert fresh(policy.id).policy_no is None
        return
    done(client, policy.id, "bind", **fields)
    bound = fresh(policy.id)
    starts = business_today() + relativedelta(days=offset)
    assert (bound.status, bound.starts_on, bound.ends_on, bound.annual_premium_fen) == (
        "bound", starts, starts + relativedelta(months=12, days=-1), 75_000_00)
