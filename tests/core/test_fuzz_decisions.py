"""Generated input to the decision forms (Hypothesis): the forms staff (and, for a premium
or a reward, founders) fill in when they fire a transition, in every product, posted with
arbitrary text, odd unicode, control and bidi characters, huge and malformed amounts,
rates, dates and choices, and with values of each field's own shape (so that firings go
through now and then and their effects run). Each answers with a page, a redirect or a
refusal, never a server error; a refusal in a Chinese session is in Chinese; nothing
stored holds what a form must refuse (a control or bidi character, text not in NFC, an
amount beyond the money's bounds, a rate beyond 100 %); the page of an application a
firing moved on still renders.

``make test`` runs 15 cases of four transitions per product; ``make fuzz`` 2,500 cases of
those and of the rest listed (``long_run_only``). The application is built once per
Hypothesis run, in the transition's source state, for a founder of its own, and built
again when a firing moved it on; its actor is logged in once, in Chinese."""

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from sqlalchemy import inspect
from sqlalchemy import select
from wtforms import BooleanField
from wtforms import DateField
from wtforms import IntegerField
from wtforms import SelectField
from wtforms import SelectMultipleField
from wtforms import StringField

from talentfin.extensions import db
from talentfin.forms.base import PercentField
from talentfin.forms.base import RateField
from talentfin.forms.base import YuanField
from talentfin.forms.decisions import form_for
from talentfin.models import Application
from talentfin.models import User
from talentfin.services.uploads import save_attachment
from talentfin.workflows.bond import demo as bond_demo
from talentfin.workflows.bond import issue_demo
from talentfin.workflows.bond.models import BondIssue
from talentfin.workflows.equity import demo as equity_demo
from talentfin.workflows.registry import product_for
from tests import factories
from tests.board import factories as board
from tests.bond import factories as bond
from tests.equity import factories as equity
from tests.fuzzing import AMOUNTS
from tests.fuzzing import CASES
from tests.fuzzing import COUNTS
from tests.fuzzing import DATES
from tests.fuzzing import ENGLISH
from tests.fuzzing import ODD
from tests.fuzzing import PROFILE
from tests.fuzzing import RATES
from tests.fuzzing import STATUSES
from tests.fuzzing import TICKS
from tests.fuzzing import WORDS
from tests.fuzzing import stored_values_are_clean
from tests.insurance import factories as insurance
from tests.web import login
from tests.web import switch_to

pytestmark = pytest.mark.fuzz

TYPED = {"amount": AMOUNTS, "rate": RATES, "percent": RATES, "date": DATES, "count": COUNTS,
         "text": WORDS, "bool": TICKS}


# What is stored ---------------------------------------------------------------------------


def _related_ids(application: Application) -> set[int]:
    """The application's id and those of the applications its row names (an allocation's
    bond, a guarantee policy's loan): the rows a firing on it may change."""
    ids = {application.id}
    for table in inspect(type(application)).tables:
        for column in table.columns:
            if any(key.column.table.name == "applications" for key in column.foreign_keys):
                value = getattr(application, column.key, None)
                if isinstance(value, int):
                    ids.add(value)
    return ids


def _check(response, chinese: bool) -> None:
    assert response.status_code in STATUSES, response.status_code
    if chinese and response.status_code == 422:
        page = response.get_data(as_text=True)
        english = ENGLISH.search(page)
        assert english is None, page[max(english.start() - 200, 0):english.end() + 100]


# The forms' fields ------------------------------------------------------------------------


def _kind(form_field) -> str:
    """The shape of a field's values (what ``TYPED`` generates for it)."""
    kinds = ((YuanField, "amount"), (RateField, "rate"), (PercentField, "percent"),
             (DateField, "date"), (IntegerField, "count"), (SelectMultipleField, "multi"),
             (SelectField, "choice"), (BooleanField, "bool"), (StringField, "text"))
    for kind_class, kind in kinds:
        if isinstance(form_field, kind_class):
            return kind
    raise AssertionError(f"a field of an unknown kind: {form_field.name}")


def _strategies(kind: str, choices: list[str]) -> tuple:
    """What is posted to a field of this kind: (any of odd input, its own shape or nothing;
    its own shape only)."""
    if kind == "multi":
        chosen = st.lists(st.sampled_from(choices), max_size=4) if choices else st.just([])
        one = st.one_of(st.sampled_from(choices), ODD) if choices else ODD
        return st.one_of(st.none(), st.lists(one, max_size=4)), chosen
    typed = st.sampled_from(choices) if kind == "choice" and choices else TYPED.get(kind, ODD)
    return st.one_of(st.none(), ODD, typed), typed


def _fields(app, application: Application, trigger: str) -> list[tuple]:
    """The posted names of the transition's form (as fitted to the application) and what
    to post to each (``_strategies``)."""
    transition = product_for(application.product).workflow.transition(trigger)
    with app.test_request_context():
        form = form_for(transition.form, application, prefix=trigger)
        found = []
        for form_field in form:
            if form_field.short_name == "csrf_token":
                continue
            kind = _kind(form_field)
            choices = [str(value) for value, *_ in (getattr(form_field, "choices", None) or ())]
            found.append((form_field.name, *_strategies(kind, choices)))
    assert found, f"{trigger}: no fields"
    return found


# The products -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One transition fuzzed: from which state, who fires it, what comes before it (its
    papers)."""

    trigger: str
    state: str
    actor: Callable[..., User]  # (world, extras, application) -> the user who fires it
    before: Callable[..., None] | None = None  # (world, extras, application)
    long_run_only: bool = False  # fuzzed by ``make fuzz`` only (``make test`` stays short)


def _cases(cases: tuple[Case, ...]) -> list:
    """The cases this profile fuzzes, named by their trigger."""
    return [pytest.param(case, id=case.trigger) for case in cases
            if PROFILE == "fuzz" or not case.long_run_only]


@dataclass
class Run:
    """What one Hypothesis run keeps between its examples."""

    extras: object
    application_id: int | None = None
    actor_id: int | None = None
    fields: list = field(default_factory=list)
    serial: int = 100
    culprit: dict | None = None
    seen: dict[str, int] = field(default_factory=dict)  # ``_stored_values_are_clean``


def _founder(world, run: Run) -> User:
    """A founder with a firm and a talent of their own (no cap met from another file)."""
    run.serial += 1
    firm = factories.enterprise(world.park, run.serial, id_number=f"370212{run.serial:011d}X")
    return factories.user(f"fuzz{run.serial}@t.cn", "founder", enterprise=firm)


def _fuzz(app, client, auth, world, setup: Callable, build: Callable, case: Case,
          data) -> None:
    """One example: the application in a state the transition fires from (built anew when
    a firing moved it on), its actor logged in, the form posted with generated values."""
    run = getattr(world, "fuzz_run", None)
    if run is None:
        run = world.fuzz_run = Run(extras=setup(world))
    application = None
    if run.application_id is not None:
        db.session.expire_all()
        application = db.session.get(Application, run.application_id)
    transition = product_for(application.product).workflow.transition(case.trigger) \
        if application is not None else None
    if application is None or application.status not in transition.sources:
        application = build(world, run.extras, case.state, _founder(world, run))
        assert application.status == case.state
        if case.before is not None:
            case.before(world, run.extras, application)
        run.application_id = application.id
        if not run.fields:
            run.fields = _fields(app, application, case.trigger)
    actor = case.actor(world, run.extras, application)
    if actor.id != run.actor_id:
        (login if run.actor_id is None else switch_to)(auth, actor)
        client.post("/language", data={"lang": "zh"})
        run.actor_id = actor.id
    # One example in four posts every field in its own shape: enough firings go through
    # for their effects to meet the extremes a form lets pass.
    shaped = data.draw(st.sampled_from((False, False, False, True)), label="shaped")
    posted = {}
    for name, anything, own_shape in run.fields:
        value = data.draw(own_shape if shaped else anything, label=name)
        if value is not None:
            posted[name] = value
    response = client.post(f"/applications/{run.application_id}/fire/{case.trigger}",
                           data=posted)
    _check(response, chinese=True)
    if response.status_code == 302:
        page = client.get(f"/applications/{run.application_id}")
        assert page.status_code == 200, (page.status_code, posted)
    try:
        stored_values_are_clean(run.seen, _related_ids(application))
    except AssertionError as exc:
        # What is stored stays for the run's later examples (and its shrinking): the report
        # names the post that stored it first, not the last example's.
        run.culprit = run.culprit or posted
        raise AssertionError(f"{exc}; first stored by posting {run.culprit!r}") from None


# 人才贷 (loan): the park's request for information, the bank's contract, disbursement and
# reports, the claim and the recovery.


def _loan_setup(world) -> None:
    return None


def _loan_build(world, _extras, state: str, founder: User) -> Application:
    return factories.loan_in(world, state, founder=founder)


def _officer(world, _extras, _application) -> User:
    return world.officer1


def _claim_papers(world, _extras, application) -> None:
    factories.upload_claim_documents(application, world.officer1)


LOAN = (
    Case("park_request_info", "park_review", lambda world, *_: world.park_reviewer),
    Case("contract", "approved", _officer),
    Case("report_repayment", "covered", _officer),
    Case("lodge_claim", "npl", _officer, _claim_papers),
    Case("recommend", "partner_review", _officer, long_run_only=True),  # also test_fuzz's
    Case("disburse", "contracted", _officer, long_run_only=True),
    Case("report_overdue", "covered", _officer, long_run_only=True),
    Case("report_recovery", "compensated", _officer, long_run_only=True),
)


@pytest.mark.parametrize("case", _cases(LOAN))
@settings(CASES)
@given(data=st.data())
def test_the_loans_decision_forms_take_any_input(app, client, auth, world, case, data):
    """The bank's and the park's forms on a loan (amounts, rates, terms, dates, grades,
    the fields and documents asked for, comments)."""
    _fuzz(app, client, auth, world, _loan_setup, _loan_build, case, data)


# 人才险 (insurance): the underwriter's proposal, the policy issued, the premium paid, a
# claim notified, agreed and paid.


def _insurance_build(world, insurers, state: str, founder: User) -> Application:
    return insurance.policy_in(world, insurers, state, founder=founder)


def _underwriter(_world, insurers, _application) -> User:
    return insurers.underwriter1


def _premium_invoice(_world, _insurers, application) -> None:
    save_attachment(application, "premium_invoice", factories.pdf_upload("invoice.pdf"),
                    application.applicant)


INSURANCE = (
    Case("propose", "underwriting", _underwriter),
    Case("bind", "accepted", _underwriter),
    Case("pay_premium", "bound", lambda _world, _insurers, application: application.applicant,
         _premium_invoice),
    Case("agree_claim", "claim_adjusting", lambda _world, insurers, _app: insurers.approver1),
    Case("notify_claim", "premium_paid", _underwriter, long_run_only=True),
    Case("pay_claim", "claim_agreed", _underwriter, long_run_only=True),
)


@pytest.mark.parametrize("case", _cases(INSURANCE))
@settings(CASES)
@given(data=st.data())
def test_the_insurers_decision_forms_take_any_input(app, client, auth, world, case, data):
    """The insurer's and the founder's forms on a policy (proposal, sum insured, rate,
    period, policy number, start, premium, invoice, loss, amounts agreed and paid)."""
    _fuzz(app, client, auth, world, lambda _world: insurance.make_insurers(),
          _insurance_build, case, data)


# 人才投 (equity): the project approval's owners, the valuation, the agreement signed, the
# money paid in, the exit proposed.


def _equity_build(world, funds, state: str, founder: User) -> Application:
    return equity.equity_in(world, funds, state, founder=founder)


def _manager(_world, funds, _application) -> User:
    return funds.manager1


def _equity_papers(trigger: str):
    def before(world, funds, application) -> None:
        for kind in equity_demo.PAPERS_BEFORE.get(trigger, ()):
            uploader = application.applicant if kind == "registration_change" \
                else funds.manager1
            equity.upload(application, kind, uploader)
    return before


EQUITY = (
    Case("approve_project", "project_approval", lambda _world, funds, _app: funds.approver1),
    Case("file_valuation", "valuation", _manager),
    Case("record_funding", "signed", _manager, _equity_papers("record_funding")),
    Case("propose_exit", "monitoring", _manager),
    Case("sign", "signing", _manager, _equity_papers("sign"), long_run_only=True),
)


@pytest.mark.parametrize("case", _cases(EQUITY))
@settings(CASES)
@given(data=st.data())
def test_the_funds_decision_forms_take_any_input(app, client, auth, world, case, data):
    """The fund's forms on a deal (workstream owners, valuation and ticket, dates, the
    amount paid in, the exit's method and proceeds)."""
    _fuzz(app, client, auth, world, lambda _world: equity.make_funds(), _equity_build,
          case, data)


# 人才债 (bond): the bond's registration and issue terms; a firm's allocation recommended,
# its contract, repayments, arrears and default.


def _bond_setup(_world) -> SimpleNamespace:
    return SimpleNamespace(uw=bond.make_underwriters(), bond_id=None)


def _bond_build(world, extras, state: str, founder: User) -> Application:
    """A bond in ``state``, or an allocation of the open bond (a new one when the last is
    allocated in full: every allocation walked past the approval takes its part)."""
    if state in issue_demo.PATHS:
        return bond.bond_in(extras.uw, state)
    left = None if extras.bond_id is None else db.session.scalar(
        select(BondIssue.size_fen - BondIssue.allocated_fen)
        .where(BondIssue.id == extras.bond_id))
    if left is None or left < bond.AMOUNT_FEN:
        extras.bond_id = bond.bond_in(extras.uw, "allocating").id
    return bond.allocation_in(world, extras.uw, state, founder=founder,
                              bond=db.session.get(BondIssue, extras.bond_id))


def _bond_officer(_world, extras, _application) -> User:
    return extras.uw.officer1


def _bond_approver(_world, extras, _application) -> User:
    return extras.uw.approver1


def _bond_papers(trigger: str):
    def before(_world, extras, application) -> None:
        if trigger in issue_demo.PAPERS_BEFORE:
            bond.bond_papers(extras.uw, application, trigger)
            return
        for kind in bond_demo.PAPERS_BEFORE.get(trigger, ()):
            bond.upload(application, kind, extras.uw.officer1)
    return before


BOND = (
    Case("issue", "registered", _bond_approver, _bond_papers("issue")),
    Case("recommend", "credit_review", _bond_officer),
    Case("record_repayment", "disbursed", _bond_officer),
    Case("declare_default", "overdue", _bond_approver, _bond_papers("declare_default")),
    Case("register", "planned", _bond_officer, _bond_papers("register"), long_run_only=True),
    Case("sign_contract", "allocated", _bond_officer, _bond_papers("sign_contract"),
         long_run_only=True),
    Case("disburse", "contracted", _bond_officer, _bond_papers("disburse")),
)


@pytest.mark.parametrize("case", _cases(BOND))
@settings(CASES)
@given(data=st.data())
def test_the_underwriters_decision_forms_take_any_input(app, client, auth, world, case,
                                                        data):
    """The underwriter's forms on a bond and an allocation (registration number and day,
    code, size, coupon, terms, allocation, rate, contract, repayment, the default's
    grade)."""
    _fuzz(app, client, auth, world, _bond_setup, _bond_build, case, data)


# 人才板 (board): the listing committee's listing, the exchange's tier moves, delisting
# proposals and transfers, the founder's reward request.


def _board_build(world, ex, state: str, founder: User) -> Application:
    return board.listing_in(world, ex, state, founder=founder)


def _exchange_officer(_world, ex, _application) -> User:
    return ex.officer


def _financing(world, ex, application) -> None:
    board.prepare(world, ex, application, "request_reward")


BOARD = (
    Case("approve_listing", "committee_review", lambda _world, ex, _app: ex.committee),
    Case("move_tier", "listed", _exchange_officer),
    Case("request_reward", "listed", lambda _world, _ex, application: application.applicant,
         _financing),
    Case("propose_delisting", "listed", _exchange_officer),
    Case("transfer_up", "listed", _exchange_officer, long_run_only=True),
)


@pytest.mark.parametrize("case", _cases(BOARD))
@settings(CASES)
@given(data=st.data())
def test_the_exchanges_decision_forms_take_any_input(app, client, auth, world, case, data):
    """The exchange's and the founder's forms on a listing (listing code, tier, day, the
    reward's year, the delisting's reason, the market)."""
    _fuzz(app, client, auth, world, lambda _world: board.make_exchange(), _board_build,
          case, data)
