"""Every registered product's route as the claim hand-over test walks it, one ``Route`` each,
made of the product's own test factories (``tests/<product>/factories.py``, built on its
demo's steps): its partners, a file walked by the engine to a state, what a step's guards
need that the walk did not do (``history``: a loan repaid in full, a policy in its second
year), the data a step is fired with, who holds each role on the file, and what happens just
before a step (papers uploaded, days waited, findings filed, votes cast)."""

from datetime import datetime
from datetime import time
from datetime import timedelta
from types import SimpleNamespace

from dateutil.relativedelta import relativedelta
from sqlalchemy import update

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.services.uploads import save_attachment
from talentfin.workflows import engine
from talentfin.workflows.insurance import demo as insurance_demo
from talentfin.workflows.insurance.models import InsuranceClaim
from talentfin.workflows.insurance.premiums import payments
from talentfin.workflows.insurance.underwriting import SUBSIDY_WINDOW
from talentfin.workflows.loan import demo as loan_demo
from tests import factories
from tests.board import factories as board
from tests.bond import factories as bond
from tests.equity import factories as equity
from tests.insurance import factories as insurance

COMMENT = "理由"  # a decision no demo step takes says why, and nothing more


class Route:
    """How the test meets one product's files (``parties``: its partners and their staff)."""

    def __init__(self, parties, world):
        self.parties, self.world = parties, world

    def start(self, state: str, target: str, trigger: str):
        """A file walked by the engine to ``state`` (on a demo walk to ``target``), ready for
        ``trigger``."""
        raise NotImplementedError

    def history(self, application, trigger: str) -> None:
        """What the step's guards need that the walk did not do (nothing by default)."""

    def decision(self, application, trigger: str, target: str) -> tuple:
        """(actor, comment, data) of a step: the demo's, else a comment and nobody named."""
        raise NotImplementedError

    def people(self, application) -> dict:
        """The account of each role on this file's route."""
        raise NotImplementedError

    def fire(self, application, trigger: str, actor, comment: str, data: dict) -> None:
        """What happens just before the step, then the step, fired by ``actor``."""
        raise NotImplementedError

    def _programme(self, application) -> dict:
        w = self.world
        park = (w.park_reviewer if application.enterprise.park_id == w.park.id
                else w.park2_reviewer)
        return {"park_reviewer": park, "pool_admin": w.pool_admin,
                "pool_committee": w.committee}


def _or_comment(step, *args) -> tuple:
    try:
        return step(*args)
    except KeyError:  # a decision with a comment only
        return None, COMMENT, {}


def _fire(application, trigger, actor, comment, data, waited: dict) -> None:
    if waited.get(trigger):  # the file waited in its state (a time-based step's condition)
        application.status_changed_at -= timedelta(days=waited[trigger])
        db.session.commit()
    engine.fire(application, trigger, actor, comment=comment or COMMENT, data=data)


class LoanRoute(Route):
    """人才贷: ``tests.factories``, with the steps the loan's own claim test fires."""

    def start(self, state, target, trigger):
        return factories.loan_in(self.world, state)

    def history(self, application, trigger):
        officer = self.people(application)["bank_officer"]
        if trigger == "lapse_filing":  # paid out 100 days ago, past the filing window
            paid = business_today() - timedelta(days=100)
            factories.set_columns(application, disbursed_on=paid,
                                  contract_signed_on=paid - timedelta(days=5))
            db.session.refresh(application)
        elif trigger == "report_repaid":  # the rest of the principal repaid
            _, _, data = self.decision(application, "report_repayment", "")
            self.fire(application, "report_repayment", officer, "",
                      {**data, "principal_fen": application.outstanding})
        elif trigger == "close_uncompensated":  # a claim lodged and returned to the bank
            self.fire(application, "lodge_claim", officer, "",
                      self.decision(application, "lodge_claim", "")[2])
            self.fire(application, "return_claim", self.world.pool_admin, "材料不全。", {})

    def decision(self, application, trigger, target):
        who, today = self.people(application), business_today()
        if trigger in loan_demo.SERVICING_TRIGGERS:
            people = SimpleNamespace(park=who["park_reviewer"], officer=who["bank_officer"],
                                     approver=who["bank_approver"], pool=who["pool_admin"],
                                     committee=who["pool_committee"])
            return loan_demo.step(trigger, application, people, today)
        actors = {"park": who["park_reviewer"], "officer": who["bank_officer"],
                  "approver": who["bank_approver"], "pool": who["pool_admin"]}
        return _or_comment(factories._step, trigger, actors, application, today)

    def people(self, application):
        w = self.world
        first = application.partner_org_id == w.bank1.id
        approver = w.approver1 if first else w.approver2
        if application.recommended_by_id == approver.id:  # never the one who recommended
            approver = w.approver1b
        return {**self._programme(application), "bank_approver": approver,
                "bank_officer": w.officer1 if first else w.officer2}

    def fire(self, application, trigger, actor, comment, data):
        if trigger == "lodge_claim":
            factories.upload_claim_documents(application, self.people(application)["bank_officer"])
        _fire(application, trigger, actor, comment, data, loan_demo.WAITED_BEFORE)


class InsuranceRoute(Route):
    """人才险: ``tests.insurance.factories`` (an R&D-loss policy of insurer 1; a two-year
    one where a second year's premium is paid or missed)."""

    SECOND_YEAR = ("pay_premium", "lapse", "request_subsidy")

    def start(self, state, target, trigger):
        period = 24 if trigger in self.SECOND_YEAR else 12
        application = insurance.quote(self.world, self.parties, period=period)
        walk = insurance.PATHS[state]
        if (state, trigger) == ("subsidy_paid", "request_subsidy"):
            walk = insurance.PATHS["premium_paid"]  # both years paid before either subsidy
        for step in walk:
            insurance.advance(self.world, self.parties, application, step, target)
        if walk is not insurance.PATHS[state]:
            self.history(application, "pay_premium")
            for step in ("pay_premium", "request_subsidy", "pay_subsidy"):
                self.fire(application, step, *self.decision(application, step, target))
        return application

    def history(self, application, trigger):
        today = business_today()
        if trigger == "pay_premium":  # the second year starts in ten days
            self._starts(application, today + timedelta(days=10) - relativedelta(years=1))
        elif trigger == "lapse":  # the second year's premium 40 days unpaid
            starts = today - timedelta(days=40) - relativedelta(years=1)
            self._starts(application, starts)
            db.session.execute(update(InsuranceClaim).where(  # no claim settled since
                InsuranceClaim.application_id == application.id).values(
                paid_on=starts, decided_at=datetime.combine(starts, time())))
            db.session.commit()
        elif trigger == "end_policy":  # over, and the time to ask for a subsidy too
            ends = today - SUBSIDY_WINDOW - timedelta(days=2)
            self._starts(application, ends + timedelta(days=1) - relativedelta(
                months=application.period_months))

    def _starts(self, application, starts) -> None:
        factories.set_columns(application, starts_on=starts, ends_on=starts + relativedelta(
            months=application.period_months) - timedelta(days=1))
        db.session.refresh(application)

    def decision(self, application, trigger, target):
        who = insurance.people(self.world, self.parties, application, target)
        actor, comment, data = _or_comment(insurance_demo.step, trigger, application, who,
                                           business_today())
        if trigger == "pay_premium":  # each premium has an invoice of its own
            data = {**data, "invoice_no": f"FP-{application.id}-{len(payments(application))}"}
        if actor is None and "founder" in insurance.WORKFLOW.transition(trigger).roles:
            actor = application.applicant
        return actor, comment, data

    def people(self, application):
        who = insurance.people(self.world, self.parties, application)
        return {**self._programme(application), "insurer_officer": who.officer,
                "insurer_approver": who.approver}

    def fire(self, application, trigger, actor, comment, data):
        for kind in insurance_demo.PAPERS_BEFORE.get(trigger, ()):
            save_attachment(application, kind, factories.pdf_upload(f"{kind}.pdf"),
                            application.applicant)
        _fire(application, trigger, actor, comment, data, insurance_demo.WAITED_BEFORE)


class EquityRoute(Route):
    """人才投: ``tests.equity.factories`` (a deal of fund 1)."""

    def start(self, state, target, trigger):
        return equity.equity_in(self.world, self.parties, state)

    def decision(self, application, trigger, target):
        return _or_comment(equity.step, self.world, self.parties, application, trigger)

    def people(self, application):
        who = equity.people(self.world, self.parties, application)
        return {**self._programme(application), "fund_officer": who.officer,
                "fund_approver": who.approver}

    def fire(self, application, trigger, actor, comment, data):
        equity.prepare(application, trigger, None)
        equity.advance(self.world, self.parties, application, trigger, actor=actor,
                       comment=comment or COMMENT, data=data)


class BondRoute(Route):
    """人才债's allocations: ``tests.bond.factories`` (of a new bond of underwriter 1)."""

    def start(self, state, target, trigger):
        return bond.allocation_in(self.world, self.parties, state)

    def decision(self, application, trigger, target):
        return _or_comment(bond.step, self.world, self.parties, application, trigger)

    def people(self, application):
        officer, approver = self.parties.staff(application.partner_org_id)
        return {**self._programme(application), "underwriter_officer": officer,
                "underwriter_approver": approver}

    def fire(self, application, trigger, actor, comment, data):
        bond.advance(self.world, self.parties, application, trigger, actor=actor,
                     comment=comment or COMMENT, data=data)


class BondIssueRoute(Route):
    """人才债 itself: ``tests.bond.factories`` (a bond of issuer 1 at underwriter 1; one to
    be redeemed issued a term ago)."""

    def start(self, state, target, trigger):
        if trigger != "redeem":
            return bond.bond_in(self.parties, state)
        issued = business_today() - relativedelta(months=bond.TERM_MONTHS)
        return bond.bond_in(self.parties, state, issued_on=issued)

    def decision(self, application, trigger, target):
        return _or_comment(bond.bond_step, self.parties, application, trigger)

    def people(self, application):
        officer, approver = self.parties.staff(application.partner_org_id)
        return {"underwriter_officer": officer, "underwriter_approver": approver,
                "issuer_officer": self.parties.issuer_user(application.issuer_org_id)}

    def fire(self, application, trigger, actor, comment, data):
        bond.advance_bond(self.parties, application, trigger, actor=actor,
                          comment=comment or COMMENT, data=data)


class BoardRoute(Route):
    """人才板: ``tests.board.factories`` (a listing through recommending institution 1)."""

    def start(self, state, target, trigger):
        return board.listing_in(self.world, self.parties, state)

    def decision(self, application, trigger, target):
        return _or_comment(board.step, self.world, self.parties, application, trigger)

    def people(self, application):
        ex = self.parties
        officer, approver = ex.staff(application.partner_org_id)
        return {**self._programme(application), "broker_officer": officer,
                "broker_approver": approver, "exchange_officer": ex.officer,
                "exchange_approver": ex.approver, "listing_committee": ex.committee}

    def fire(self, application, trigger, actor, comment, data):
        board.prepare(self.world, self.parties, application, trigger)
        board.advance(self.world, self.parties, application, trigger, actor=actor,
                      comment=comment or COMMENT, data=data)


# Each product's route and how its partners are made (the bond's underwriters and issuers
# serve both its routes).
ROUTES = {
    "loan": (LoanRoute, lambda: None),
    "insurance": (InsuranceRoute, insurance.make_insurers),
    "equity": (EquityRoute, equity.make_funds),
    "bond": (BondRoute, bond.make_underwriters),
    "bond_issue": (BondIssueRoute, bond.make_underwriters),
    "board": (BoardRoute, board.make_exchange),
}


def route(key: str, world) -> Route:
    """The route of product ``key`` on the test world, its partners made and the pool
    funded (filings, subsidies and rewards need money in it)."""
    kind, make = ROUTES[key]
    factories.fund_pool(world)
    return kind(make(), world)
