"""The founder's quote request and the terms that follow from it: the cover, the insurer's
offer, the loan a guarantee policy follows, the sum insured, the period and the premium.

A loan-guarantee policy's sum insured and period follow its loan (the amount the bank
approved, the loan's term), and its premium is a share of the principal plus a year's
interest (domain reference: 2 % of principal plus interest); other covers insure the sum
the founder asks for over 12, 24 or 36 months.
"""

from dataclasses import dataclass

from flask_babel import get_locale
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.identifiers import resident_id_problem
from talentfin.models import Organisation
from talentfin.workflows.context import FireContext
from talentfin.workflows.insurance.labels import cover_label
from talentfin.workflows.insurance.models import InsuranceApplication
from talentfin.workflows.insurance.models import InsuranceOffer
from talentfin.workflows.labels import state_label
from talentfin.workflows.loan.models import LoanApplication

PERIODS = (12, 24, 36)
# A loan may be guaranteed once the bank approved it and until it falls into arrears.
GUARANTEEABLE = ("approved", "contracted", "disbursed", "covered", "active")
# A policy that no longer guarantees anything: closed before or after it was bound.
CLOSED = ("draft", "declined", "refused", "rejected", "withdrawn", "expired", "lapsed",
          "ended")


@dataclass(frozen=True)
class Terms:
    """What a policy insures, for how long, and the base of a year's premium (fen)."""

    sum_insured_fen: int | None
    period_months: int | None
    premium_basis_fen: int | None


def offer_for(org_id: int | None, cover: str | None) -> InsuranceOffer | None:
    """The insurer's active terms for a cover, if it offers it."""
    if org_id is None or cover is None:
        return None
    return db.session.scalar(select(InsuranceOffer).where(
        InsuranceOffer.org_id == org_id, InsuranceOffer.cover == cover,
        InsuranceOffer.active.is_(True)))


def offered_covers(insurer_ids: list[int]) -> set[str]:
    """The covers at least one of these insurers offers now."""
    return set(db.session.scalars(select(InsuranceOffer.cover).where(
        InsuranceOffer.org_id.in_(insurer_ids), InsuranceOffer.active.is_(True))))


def guaranteed_loan(application: InsuranceApplication) -> LoanApplication | None:
    """The loan a loan-guarantee policy follows."""
    if application.cover != "loan_guarantee" or application.loan_id is None:
        return None
    return db.session.get(LoanApplication, application.loan_id)


def loan_terms(loan: LoanApplication) -> Terms:
    """A guaranteed loan's amount and term, and the premium's base: the principal plus a
    year's interest at the loan's rate."""
    principal = loan.current_amount()
    term = loan.recommended_term_months or loan.requested_term_months
    interest = (principal or 0) * (loan.recommended_rate_bp or 0) // 10_000
    return Terms(principal, term, principal + interest if principal else None)


def requested_terms(application: InsuranceApplication) -> Terms:
    """The terms the quote asks for (a guarantee policy's follow its loan)."""
    loan = guaranteed_loan(application)
    if loan is not None:
        return loan_terms(loan)
    amount = application.requested_amount_fen
    return Terms(amount, application.requested_period_months, amount)


def premium_basis(application: InsuranceApplication, sum_insured_fen: int) -> int:
    """What a year's premium is a share of, for a given sum insured."""
    loan = guaranteed_loan(application)
    if loan is None:
        return sum_insured_fen
    terms = loan_terms(loan)
    return terms.premium_basis_fen * sum_insured_fen // terms.sum_insured_fen \
        if terms.sum_insured_fen else sum_insured_fen


def annual_premium(basis_fen: int, rate_bp: int) -> int:
    """A year's premium: the rate of the basis, to the fen (half up)."""
    return (basis_fen * rate_bp + 5_000) // 10_000


def guaranteeable_loans(enterprise_id: int) -> list[LoanApplication]:
    """The firm's loans a guarantee policy may follow now, newest first."""
    return list(db.session.scalars(select(LoanApplication).where(
        LoanApplication.enterprise_id == enterprise_id,
        LoanApplication.status.in_(GUARANTEEABLE)).order_by(LoanApplication.id.desc())))


def other_guarantee(loan_id: int, except_id: int | None = None) -> InsuranceApplication | None:
    """A policy (quoted or bound) that already guarantees the loan, other than ``except_id``."""
    return db.session.scalar(select(InsuranceApplication).where(
        InsuranceApplication.loan_id == loan_id,
        InsuranceApplication.id != (except_id or 0),
        InsuranceApplication.cover == "loan_guarantee",
        InsuranceApplication.status.not_in(CLOSED)).limit(1))


def quote_problems(application: InsuranceApplication) -> list[str]:
    """Everything the quote request still lacks or gets wrong, as messages."""
    locale = str(get_locale() or "zh")
    if application.cover is None:
        return [_("Choose the cover you ask a quote for.")]
    problems = []
    if application.partner_org_id is None:
        problems.append(_("Choose the insurer you ask."))
    elif application.partner_routed_at is None \
            and offer_for(application.partner_org_id, application.cover) is None:
        insurer = db.session.get(Organisation, application.partner_org_id)
        problems.append(_("%(insurer)s does not offer %(cover)s; choose another insurer.",
                          insurer=insurer.display_name(locale),
                          cover=cover_label(application.cover)))
    if application.cover == "loan_guarantee":
        problems.extend(_guarantee_problems(application))
    else:
        if not application.requested_amount_fen or application.requested_amount_fen <= 0:
            problems.append(_("Enter the sum insured."))
        if application.requested_period_months not in PERIODS:
            problems.append(_("Choose a period of 12, 24 or 36 months."))
    if application.cover == "key_person":
        if not (application.insured_name or "").strip():
            problems.append(_("Name the key person insured."))
        if resident_id_problem(application.insured_id_number or ""):
            problems.append(_("Enter the key person's resident ID number (18 characters, "
                              "with a valid check digit)."))
    if application.cover == "rd_loss" and not (application.project_name or "").strip():
        problems.append(_("Name the R&D project insured."))
    return problems


def _guarantee_problems(application: InsuranceApplication) -> list[str]:
    loan = guaranteed_loan(application)
    if loan is None:
        return [_("Choose the talent loan the policy guarantees.")]
    if loan.enterprise_id != application.enterprise_id:
        return [_("A guarantee policy covers one of the firm's own loans.")]
    if loan.status not in GUARANTEEABLE:
        return [_("The loan %(reference)s is “%(state)s”: a loan can be guaranteed from its "
                  "approval until it falls into arrears.", reference=loan.reference,
                  state=state_label(loan.product, loan.status))]
    other = other_guarantee(loan.id, application.id)
    if other is not None:
        return [_("The loan %(reference)s is already guaranteed by %(other)s.",
                  reference=loan.reference, other=other.policy_no or other.reference)]
    return []


def quote_complete(ctx: FireContext) -> str | None:
    """The quote names a cover the insurer offers and everything that cover needs."""
    problems = quote_problems(ctx.application)
    return " ".join(problems) if problems else None
