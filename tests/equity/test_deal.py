"""After the committee: the publicity period counted in working days (holidays and adjusted
working days included) and closed by the scheduler the day after it ends; the agreement
signed after it, uploaded; the ticket paid in to the fen with its voucher and the
registration of the change, written as the fund's cash flow out; the exit (method, a day
after the investment, proceeds) proposed by the manager and approved by someone else; the
multiple and the IRR of the dated cash flows, against figures worked out by hand."""

from datetime import date
from datetime import timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.jobs import fire_scheduled
from talentfin.models import Dossier
from talentfin.services.equity import portfolio
from talentfin.workflows import engine
from talentfin.workflows.equity.deal import returns
from talentfin.workflows.equity.models import CashFlow
from tests import factories
from tests.equity.factories import advance
from tests.equity.factories import equity_in
from tests.equity.factories import open_meeting
from tests.equity.factories import refused
from tests.equity.factories import set_parameter
from tests.equity.factories import upload
from tests.equity.factories import vote_all

TODAY = business_today()
TICKET = 3_000_000_00  # the default request: 3,000,000 yuan


def _flows(application) -> list[tuple[str, date, int, str]]:
    db.session.expire_all()
    return [(f.kind, f.on, f.amount_fen, f.recorded_by_id) for f in db.session.scalars(
        select(CashFlow).where(CashFlow.application_id == application.id)
        .order_by(CashFlow.id))]


def _stages(application) -> list[str]:
    return list(db.session.scalars(select(Dossier.stage).where(
        Dossier.application_id == application.id).order_by(Dossier.id)))


def _approved_on(world, funds, day: date):
    """A deal the committee approves on ``day``."""
    application = equity_in(world, funds, "ic_review")
    vote_all(open_meeting(application), "for")
    advance(world, funds, application, "ic_approve", today=day)
    assert application.status == "publicity"
    return application


def test_the_publicity_period_counts_working_days_and_the_scheduler_closes_it(world, funds):
    # Tuesday 29 September 2026: the 30th, then the National Day holiday (1-7 October),
    # Thursday 8, Friday 9, Saturday 10 (a working day that year) and Monday 12 October.
    application = _approved_on(world, funds, date(2026, 9, 29))
    assert application.publicity_ends_on == date(2026, 10, 12)
    assert fire_scheduled("close_publicity", date(2026, 10, 12)) == 0
    db.session.expire_all()
    assert application.status == "publicity"
    with force_locale("en"), pytest.raises(engine.Refused,
                                           match="The publicity period runs until 2026-10-12"):
        engine.fire(application, "close_publicity", None, today=date(2026, 10, 12))
    assert fire_scheduled("close_publicity", date(2026, 10, 13)) == 1
    db.session.expire_all()
    assert application.status == "signing"
    assert _stages(application)[-1] == "investment_notice"
    assert fire_scheduled("close_publicity", date(2026, 10, 14)) == 0  # nothing left


def test_the_publicity_period_is_the_policy_tables(world, funds):
    set_parameter("equity_publicity_working_days", "10")
    # Thursday 3 December 2026 + 10 working days = Thursday 17 December.
    application = _approved_on(world, funds, date(2026, 12, 3))
    assert application.publicity_ends_on == date(2026, 12, 17)


def test_an_objection_upheld_during_publicity_ends_the_deal(world, funds):
    application = equity_in(world, funds, "publicity")
    assert (refused(world, funds, application, "uphold_objection", comment="")
            == "Please give a reason.")
    advance(world, funds, application, "uphold_objection")
    assert application.status == "declined"
    assert fire_scheduled("close_publicity", TODAY + timedelta(days=30)) == 0


def _signing(world, funds, publicity_ended: date):
    application = equity_in(world, funds, "signing")
    factories.set_columns(application, publicity_ends_on=publicity_ended)
    db.session.refresh(application)
    return application


def test_the_agreement_is_uploaded_and_signed_after_the_publicity_period(world, funds):
    ended = TODAY - timedelta(days=10)
    application = _signing(world, funds, ended)
    assert (refused(world, funds, application, "sign", papers=False,
                    data={"signed_on": ended + timedelta(days=1)})
            == "Upload the signed investment agreement first.")
    upload(application, "investment_agreement", funds.manager1)
    assert (refused(world, funds, application, "sign", papers=False, data={"signed_on": ended})
            == f"The agreement is signed after the publicity period, which ended on {ended}.")
    for day in (TODAY + timedelta(days=1), None):
        assert (refused(world, funds, application, "sign", papers=False,
                        data={"signed_on": day})
                == "Enter the day the agreement was signed (not after today).")
    advance(world, funds, application, "sign", papers=False,
            data={"signed_on": ended + timedelta(days=1)})
    assert (application.status, application.signed_on) == ("signed", ended + timedelta(days=1))


def test_signing_is_after_the_scheduler_closed_the_publicity(world, funds):
    application = _approved_on(world, funds, date(2026, 9, 29))
    fire_scheduled("close_publicity", date(2026, 10, 13))
    db.session.expire_all()
    assert (refused(world, funds, application, "sign", data={"signed_on": date(2026, 10, 12)})
            == "The agreement is signed after the publicity period, which ended on "
               "2026-10-12.")
    advance(world, funds, application, "sign", data={"signed_on": date(2026, 10, 13)})
    assert application.status == "signed"


SIGNED = TODAY - timedelta(days=20)


@pytest.fixture
def signed(world, funds):
    """A deal whose agreement was signed 20 days ago."""
    application = equity_in(world, funds, "signed", funded_on=SIGNED)
    assert application.signed_on == SIGNED
    return application


@pytest.mark.parametrize("papers", [(), ("funding_voucher",), ("registration_change",)])
def test_the_money_is_recorded_with_the_voucher_and_the_registration(world, funds, signed,
                                                                     papers):
    for kind in papers:
        upload(signed, kind, funds.manager1)
    assert (refused(world, funds, signed, "record_funding", papers=False,
                    data={"funded_on": SIGNED})
            == "Upload the funding voucher and the registration of the change first.")
    assert _flows(signed) == []


@pytest.mark.parametrize("amount", [TICKET - 1, TICKET + 1, None])
def test_the_amount_paid_in_is_the_ticket_to_the_fen(world, funds, signed, amount):
    assert (refused(world, funds, signed, "record_funding",
                    data={"amount_fen": amount, "funded_on": SIGNED})
            == "The amount paid in must be the investment decided, 3,000,000.00 yuan.")
    assert _flows(signed) == []


@pytest.mark.parametrize("day", [SIGNED - timedelta(days=1), TODAY + timedelta(days=1), None])
def test_the_money_is_paid_in_between_the_signing_and_today(world, funds, signed, day):
    assert (refused(world, funds, signed, "record_funding", data={"funded_on": day})
            == f"Enter the day the money was paid in: not before the agreement was signed "
               f"({SIGNED}), not after today.")


def test_the_money_paid_in_is_the_funds_cash_flow_out(world, funds, signed):
    advance(world, funds, signed, "record_funding", data={"funded_on": SIGNED})
    assert (signed.status, signed.funded_on) == ("monitoring", SIGNED)
    assert _flows(signed) == [("investment", SIGNED, -TICKET, funds.manager1.id)]
    assert returns(signed) == returns(signed, None, None)  # nothing back yet
    assert (returns(signed).invested_fen, returns(signed).irr) == (TICKET, None)


FUNDED = TODAY - timedelta(days=365)


@pytest.fixture
def invested(world, funds):
    """A deal funded a year ago (3,000,000 yuan)."""
    return equity_in(world, funds, "monitoring", funded_on=FUNDED)


def _exit(method="transfer", on=TODAY, proceeds=3_900_000_00) -> dict:
    return {"data": {"method": method, "exited_on": on, "proceeds_fen": proceeds}}


EXIT_DAY = f"Enter the exit's day: after the investment ({FUNDED}), not after today."
PROCEEDS = "Enter the proceeds of the exit (nothing only for a write-off)."


@pytest.mark.parametrize(("exit_", "message"), [
    (_exit(method="gift"), "Choose how the fund exits."),
    (_exit(method=None), "Choose how the fund exits."),
    (_exit(on=FUNDED), EXIT_DAY),
    (_exit(on=TODAY + timedelta(days=1)), EXIT_DAY),
    (_exit(on=None), EXIT_DAY),
    (_exit(proceeds=-1), PROCEEDS),
    (_exit(proceeds=0), PROCEEDS),
    (_exit(method="ipo", proceeds=0), PROCEEDS),
    (_exit(proceeds=None), PROCEEDS),
])
def test_the_exit_proposed_keeps_its_rules(world, funds, invested, exit_, message):
    assert refused(world, funds, invested, "propose_exit", **exit_) == message
    assert invested.exit_method is None


@pytest.mark.parametrize(("method", "on", "proceeds"), [
    ("transfer", FUNDED + timedelta(days=1), 3_000_000_00),
    ("write_off", TODAY, 0),
    ("buyback", TODAY, 3_270_000_00)])
def test_an_exit_within_the_rules_is_proposed(world, funds, invested, method, on, proceeds):
    advance(world, funds, invested, "propose_exit", **_exit(method, on, proceeds))
    assert invested.status == "exit_approval"
    assert (invested.exit_method, invested.exited_on, invested.exit_proceeds_fen,
            invested.exit_proposed_by_id) == (method, on, proceeds, funds.manager1.id)
    assert _flows(invested) == [("investment", FUNDED, -TICKET, funds.manager1.id)]


def test_who_proposed_the_exit_never_approves_it(world, funds, invested):
    advance(world, funds, invested, "propose_exit", **_exit())
    refused(world, funds, invested, "approve_exit", actor=funds.manager1,
            error=engine.Forbidden)  # an investment manager does not approve
    funds.manager1.role = "fund_approver"  # promoted since
    db.session.commit()
    assert (refused(world, funds, invested, "approve_exit", actor=funds.manager1)
            == "You proposed this exit; another of the fund's approvers approves it.")
    advance(world, funds, invested, "approve_exit", actor=funds.approver1b)
    assert invested.status == "exited"
    assert _flows(invested)[-1] == ("exit", TODAY, 3_900_000_00, funds.approver1b.id)


def test_a_returned_exit_proposal_is_gone(world, funds, invested):
    advance(world, funds, invested, "propose_exit", **_exit())
    advance(world, funds, invested, "return_exit")
    db.session.expire_all()
    assert invested.status == "monitoring"
    assert (invested.exit_method, invested.exited_on, invested.exit_proceeds_fen,
            invested.exit_proposed_by_id) == (None, None, None, None)
    assert [kind for kind, *_ in _flows(invested)] == ["investment"]


# (days held, ticket, proceeds, method, multiple, IRR) worked out by hand, a year = 365 days:
# 1.3 in one year is 30 %; 4 in two years is 2 a year, 100 %; half back in a year, -50 %;
# 1.5 in 548 days: 1.5 ** (365 / 548) = e ** (0.405465 × 0.666058) = 1.310048, 31.00 %;
# a write-off loses everything, -100 %; 1.005 rounds half up to 1.01.
RETURNS = [
    (365, 3_000_000_00, 3_900_000_00, "transfer", "1.30", "0.3000"),
    (730, 3_000_000_00, 12_000_000_00, "ipo", "4.00", "1.0000"),
    (365, 3_000_000_00, 1_500_000_00, "merger", "0.50", "-0.5000"),
    (548, 2_000_000_00, 3_000_000_00, "buyback", "1.50", "0.3100"),
    (365, 3_000_000_00, 0, "write_off", "0.00", "-1"),
    (365, 1_000_000_00, 1_005_000_00, "transfer", "1.01", "0.0050"),
]


@pytest.mark.parametrize(("days", "ticket", "proceeds", "method", "multiple", "irr"), RETURNS,
                         ids=[f"{r[3]}-{r[0]}d-{r[4]}x" for r in RETURNS])
def test_the_multiple_and_the_irr_of_the_dated_cash_flows(world, funds, days, ticket,
                                                          proceeds, method, multiple, irr):
    application = equity_in(world, funds, "monitoring", amount_fen=ticket,
                            funded_on=TODAY - timedelta(days=days))
    assert application.ticket_fen == ticket
    advance(world, funds, application, "propose_exit", **_exit(method, TODAY, proceeds))
    proposed = returns(application, proceeds, TODAY)  # what the approver is shown
    assert (proposed.multiple, proposed.irr) == (Decimal(multiple), Decimal(irr))
    advance(world, funds, application, "approve_exit")
    recorded = returns(application)
    assert recorded == proposed
    assert (recorded.invested_fen, recorded.proceeds_fen) == (ticket, proceeds)
    report = db.session.scalars(select(Dossier.summary).where(
        Dossier.application_id == application.id, Dossier.stage == "exit_report")).one()
    assert {k: report["exit"][k] for k in ("method", "invested_fen", "proceeds_fen",
                                           "multiple", "irr")} == {
        "method": method, "invested_fen": ticket, "proceeds_fen": proceeds,
        "multiple": multiple, "irr": irr}
    assert portfolio.exits(funds.fund1.id) == [(application, recorded)]
