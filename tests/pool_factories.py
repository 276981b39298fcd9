"""Factories for the pool's figures: funders and their money, covered loans, claims.

Money moves through the real ledger service (``contribute``, ``post_entry``) with the
account conventions of ``services.ledger``; covered loans are walked by the engine to
"covered" and then given the later state and outstanding the bank would have reported.
"""

from datetime import date
from types import SimpleNamespace

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import Organisation
from talentfin.models import PolicyParameter
from talentfin.models.policy import PROGRAMME_START
from talentfin.models.policy import parameter
from talentfin.pool import ledger
from talentfin.pool.ledger import CASH
from talentfin.pool.ledger import Line
from talentfin.pool.models import Claim
from talentfin.pool.models import Funder
from talentfin.pool.models import LedgerEntry
from tests import factories

# The domain reference's numbers, for a table that does not carry them yet.
POLICY = {"compensation_ratio_bp": "7000", "leverage_limit": "10",
          "suspension_npl_bp": "300", "suspension_balance_fen": "2000000000",
          "npl_band_bp": "500"}


def ensure_policy() -> None:
    """Put the pool's thresholds in the policy table where no value is in force yet."""
    for key, value in POLICY.items():
        try:
            parameter(key)
        except LookupError:
            db.session.add(PolicyParameter(key=key, value=value,
                                           effective_from=PROGRAMME_START,
                                           source="tests"))
    db.session.commit()


def months_ago(count: int, day: int = 15) -> date:
    """A day in the month ``count`` months before this one."""
    today = business_today()
    year, month = today.year, today.month - count
    while month < 1:
        year, month = year - 1, month + 12
    return date(year, month, day)


def funders() -> tuple[Funder, Funder]:
    """The city (60 %) and the district (40 %)."""
    city = Funder(code="city", name="市级财政", name_en="City", share_bp=6000)
    district = Funder(code="district", name="区级财政", name_en="District", share_bp=4000)
    db.session.add_all([city, district])
    db.session.commit()
    return city, district


def contribute(world, funder: Funder, amount_fen: int, on: date) -> LedgerEntry:
    """A funder's contribution, posted by the pool administrator."""
    return ledger.contribute(funder, amount_fen, world.pool_admin, on)


def _post(kind: str, cash_sign: int, account: str, world, bank: Organisation,
          parts: dict[Funder, int], on: date, application: Application | None) -> LedgerEntry:
    lines = [Line(CASH, cash_sign * amount, funder_id=funder.id)
             for funder, amount in parts.items()]
    lines.append(Line(account, -cash_sign * sum(parts.values()), org_id=bank.id))
    entry = ledger.post_entry(kind, lines, effective_on=on, maker=world.pool_admin,
                              memo=f"{kind} {on}",
                              application_id=application.id if application else None)
    db.session.commit()
    return entry


def payout(world, bank: Organisation, parts: dict[Funder, int], on: date,
           application: Application | None = None) -> LedgerEntry:
    """A compensation payout: pool cash credited per funder, compensation_paid debited."""
    return _post("compensation_payout", -1, "compensation_paid", world, bank, parts, on,
                 application)


def recovery(world, bank: Organisation, parts: dict[Funder, int], on: date,
             application: Application | None = None) -> LedgerEntry:
    """A recovery returned to the funders: pool cash debited, compensation_recovered credited."""
    return _post("recovery_receipt", 1, "compensation_recovered", world, bank, parts, on,
                 application)


def covered_loan(world, *, bank: Organisation | None = None, founder=None,
                 status: str = "covered", outstanding_fen: int | None = None) -> Application:
    """A loan filed with the pool, then in ``status`` with the outstanding the bank reported."""
    application = factories.loan_in(world, "covered", founder=founder, bank=bank)
    application.status = status
    application.outstanding_fen = outstanding_fen
    db.session.commit()
    return application


def claim(world, application: Application, status: str, loss_fen: int) -> Claim:
    """A compensation claim on a loan, in a given status."""
    officer = world.officer1 if application.partner_org_id == world.bank1.id else world.officer2
    row = Claim(application_id=application.id, status=status, lodged_by_id=officer.id,
                principal_loss_fen=loss_fen)
    db.session.add(row)
    db.session.commit()
    return row


def make_book(world) -> SimpleNamespace:
    """Two funders, a payout and a recovery, three covered loans and one compensated loan.

    By hand: city 6,000,000 - 60,000 + 6,000 = 5,946,000 yuan; district 4,000,000 - 40,000
    + 4,000 = 3,964,000; covered 800,000 + 200,000 + 1,000,000 (no outstanding reported:
    the disbursed amount) = 2,000,000; bank 1 NPL 200,000 / 1,000,000 = 20 %.
    """
    ensure_policy()
    city, district = funders()
    contributions = [contribute(world, city, 600_000_000, months_ago(3)),
                     contribute(world, district, 400_000_000, months_ago(3))]
    active = covered_loan(world, status="active", outstanding_fen=80_000_000)
    npl = covered_loan(world, status="npl", outstanding_fen=20_000_000)
    other_bank = covered_loan(world, bank=world.bank2, founder=world.founder2)
    compensated = covered_loan(world, status="compensated", outstanding_fen=5_000_000)
    paid = payout(world, world.bank1, {city: 6_000_000, district: 4_000_000},
                  months_ago(2), compensated)
    returned = recovery(world, world.bank1, {city: 600_000, district: 400_000},
                        months_ago(1), compensated)
    claim(world, npl, "returned", 20_000_000)
    claim(world, npl, "committee", 20_000_000)
    claim(world, compensated, "paid", 5_000_000)
    return SimpleNamespace(city=city, district=district, contributions=contributions,
                           active=active, npl=npl, other_bank=other_bank,
                           compensated=compensated, payout=paid, recovery=returned)
