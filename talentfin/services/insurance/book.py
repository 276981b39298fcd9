"""An insurer's book: what its staff watch beside the review queue. Policies in force, the
premiums received and claims paid with the loss ratio (overall and per bank whose loans its
policies guarantee), premiums due and unpaid, and claims against their legal clocks."""

from dataclasses import dataclass
from datetime import date
from datetime import timedelta
from decimal import ROUND_HALF_UP
from decimal import Decimal

from flask_babel import get_locale
from sqlalchemy import extract
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import aliased

from talentfin.clock import business_date
from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.institutions import kind_of
from talentfin.models import Application
from talentfin.models import Organisation
from talentfin.models import User
from talentfin.models.base import sum_fen
from talentfin.models.policy import int_parameter
from talentfin.policy import rule
from talentfin.workflows.insurance.labels import IN_FORCE
from talentfin.workflows.insurance.models import InsuranceApplication
from talentfin.workflows.insurance.models import InsuranceClaim
from talentfin.workflows.insurance.models import PremiumPayment
from talentfin.workflows.insurance.premiums import lapses_on
from talentfin.workflows.insurance.premiums import next_policy_year
from talentfin.workflows.insurance.premiums import year_starts

CLOCKS = {"claim_notified": None, "claim_adjusting": "claim_decision_days",
          "claim_agreed": "claim_payment_days"}


class InsurerBook:
    """An insurer's book: the subject of its page's rule."""


@rule(InsurerBook, "read")
def _read(user: User, _book, _action: str) -> tuple[bool, str]:
    """An insurer's staff read their own institution's book."""
    if kind_of(user.role) == "insurer" and user.org_id is not None:
        return True, ""
    return False, _("Only the insurer's staff see its book.")


@dataclass(frozen=True)
class Ratio:
    """Premiums received against claims paid (fen), and the loss ratio in per cent."""

    label: str
    premiums_fen: int
    claims_fen: int

    @property
    def ratio(self) -> Decimal | None:
        """Claims paid per premium received, in per cent (None before any premium)."""
        if not self.premiums_fen:
            return None
        return (Decimal(self.claims_fen) * 100 / self.premiums_fen).quantize(
            Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class Due:
    """A policy year's premium that has fallen due and is unpaid."""

    policy: InsuranceApplication
    policy_year: int
    due_on: date
    lapses_on: date


@dataclass(frozen=True)
class Clock:
    """A claim in hand and its legal deadline (None while the papers are awaited)."""

    policy: InsuranceApplication
    claim: InsuranceClaim
    deadline: date | None


def _policies(org_id: int, states) -> list[InsuranceApplication]:
    return list(db.session.scalars(select(InsuranceApplication).where(
        InsuranceApplication.partner_org_id == org_id,
        InsuranceApplication.status.in_(states)).order_by(InsuranceApplication.id)))


def in_force(org_id: int) -> tuple[int, int]:
    """Policies in force (a premium paid) and their sum insured (fen)."""
    count, total = db.session.execute(select(
        func.count(InsuranceApplication.id), sum_fen(InsuranceApplication.sum_insured_fen))
        .where(InsuranceApplication.partner_org_id == org_id,
               InsuranceApplication.status.in_((*IN_FORCE, "subsidy_review", *CLOCKS)))).one()
    return int(count), int(total)


def ratios(org_id: int, year: int) -> list[Ratio]:
    """The loss ratio this year and ever, then per bank of the loans guaranteed (ever)."""
    def premiums(*where):
        return db.session.scalar(select(sum_fen(PremiumPayment.amount_fen)).join(
            InsuranceApplication, InsuranceApplication.id == PremiumPayment.application_id)
            .where(InsuranceApplication.partner_org_id == org_id, *where))

    def claims(*where):
        return db.session.scalar(select(sum_fen(InsuranceClaim.paid_fen)).join(
            InsuranceApplication, InsuranceApplication.id == InsuranceClaim.application_id)
            .where(InsuranceApplication.partner_org_id == org_id,
                   InsuranceClaim.status == "paid", *where))

    found = [
        Ratio(_("This year (%(year)s)", year=year),
              premiums(extract("year", PremiumPayment.paid_on) == year),
              claims(extract("year", InsuranceClaim.paid_on) == year)),
        Ratio(_("Since the first policy"), premiums(), claims()),
    ]
    loan = aliased(Application)
    banks = db.session.execute(
        select(Organisation.id, Organisation.name, Organisation.name_en).distinct()
        .join(loan, loan.partner_org_id == Organisation.id)
        .join(InsuranceApplication, InsuranceApplication.loan_id == loan.id)
        .where(InsuranceApplication.partner_org_id == org_id)
        .order_by(Organisation.name)).all()
    english = str(get_locale() or "zh") == "en"
    for bank_id, name, name_en in banks:
        guaranteed = InsuranceApplication.loan_id.in_(
            select(loan.id).where(loan.partner_org_id == bank_id))
        found.append(Ratio(_("Guaranteed loans of %(bank)s",
                             bank=name_en if english and name_en else name),
                           premiums(guaranteed), claims(guaranteed)))
    return found


def unpaid(org_id: int, today: date) -> list[Due]:
    """Premiums fallen due and unpaid, the oldest first (each lapses after its grace)."""
    found = []
    for policy in _policies(org_id, ("bound", *IN_FORCE)):
        year = next_policy_year(policy)
        if year is None:
            continue
        due = year_starts(policy, year)
        if due <= today:
            found.append(Due(policy, year, due, lapses_on(policy, year, today)))
    return sorted(found, key=lambda item: item.due_on)


def clocks(org_id: int, today: date) -> list[Clock]:
    """Claims in hand with their legal deadline, the nearest first."""
    found = []
    for policy in _policies(org_id, tuple(CLOCKS)):
        claim = db.session.scalar(select(InsuranceClaim).where(
            InsuranceClaim.application_id == policy.id,
            InsuranceClaim.status.in_(("notified", "adjusting", "agreed"))))
        key = CLOCKS[policy.status]
        deadline = None
        if key is not None:
            deadline = business_date(policy.status_changed_at) + timedelta(
                days=int_parameter(key, today))
        found.append(Clock(policy, claim, deadline))
    return sorted(found, key=lambda item: (item.deadline is None, item.deadline or today))
