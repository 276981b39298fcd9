"""Generated input to the products' request steps and own pages (Hypothesis): the insurance
quote request and an insurer's terms, the equity request with its cap table, the bond
request and a new bond, the board request. Each answers with a page, a redirect or a
refusal, never a server error; in a Chinese session every message is in Chinese; nothing
stored holds what a form must refuse (``tests.fuzzing``). ``make test`` runs a few cases of
each (``FEW``), ``make fuzz`` thousands."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from talentfin.workflows.insurance.labels import COVERS
from tests import factories
from tests.board import factories as board
from tests.bond import factories as bond
from tests.equity import factories as equity
from tests.fuzzing import AMOUNTS
from tests.fuzzing import COUNTS
from tests.fuzzing import FEW
from tests.fuzzing import RATES
from tests.fuzzing import TICKS
from tests.fuzzing import WORDS
from tests.fuzzing import drawn
from tests.fuzzing import first_example
from tests.fuzzing import in_chinese
from tests.fuzzing import post_checked
from tests.insurance import factories as insurance

pytestmark = pytest.mark.fuzz

PURPOSES = st.one_of(WORDS, st.sampled_from(["用于研发投入与原材料采购。", "短", "研" * 2001]))
TERMS = st.sampled_from(["12", "24", "36", "0", "25"])
ID_NUMBERS = st.sampled_from(["370212199001010018", "370212199001010019", "11010519491231002x",
                              "１１０１０５１９４９１２３１００２Ｘ"])
USCCS = st.one_of(st.builds(factories.demo_uscc, st.integers(min_value=1, max_value=9999)),
                  st.from_regex(r"[0-9A-Z]{18}", fullmatch=True))


def _request_step(client, application_id: int, posted: dict) -> None:
    post_checked(client, f"/applications/{application_id}/edit/request", posted)


def _ids(*ids: int):
    return st.sampled_from([str(i) for i in ids] + ["0", "2147483648"])


@FEW
@given(data=st.data())
def test_the_insurance_quote_request(client, auth, world, data):
    if first_example(world, "fuzz_draft"):
        world.fuzz_insurers = insurance.make_insurers()
        world.fuzz_draft = insurance.quote(world, world.fuzz_insurers).id
        world.fuzz_loan = factories.loan_in(world, "covered").id
    in_chinese(world, auth, client, world.founder)
    _request_step(client, world.fuzz_draft, drawn(data, {
        "partner_org_id": _ids(world.fuzz_insurers.insurer1.id),
        "cover": st.sampled_from([*COVERS, ""]), "loan_id": _ids(world.fuzz_loan),
        "requested_amount": AMOUNTS, "requested_period_months": TERMS,
        "project_name": WORDS, "insured_name": WORDS, "insured_id_number": ID_NUMBERS,
        "insured_position": WORDS, "purpose": PURPOSES}))


@FEW
@given(data=st.data())
def test_an_insurers_terms(client, auth, world, data):
    if first_example(world, "fuzz_insurers"):
        world.fuzz_insurers = insurance.make_insurers()
    in_chinese(world, auth, client, world.fuzz_insurers.approver1)
    post_checked(client, "/insurance/terms", drawn(data, {
        "cover": st.sampled_from(list(COVERS)), "rate": RATES, "active": TICKS}))


@FEW
@given(data=st.data())
def test_the_equity_request_and_its_holders(client, auth, world, data):
    if first_example(world, "fuzz_draft"):
        world.fuzz_funds = equity.make_funds()
        world.fuzz_draft = equity.draft(world, world.fuzz_funds).id
    in_chinese(world, auth, client, world.founder)
    holders = {}
    for row in range(data.draw(st.integers(min_value=0, max_value=8), label="rows")):
        holders[f"holder_{row}-name"] = st.sampled_from(["陈海洋", "蓝海创投", "", "x" * 81])
        holders[f"holder_{row}-stake"] = RATES
    _request_step(client, world.fuzz_draft, drawn(data, {
        "partner_org_id": _ids(world.fuzz_funds.fund1.id), "requested_amount": AMOUNTS,
        "asked_pre_money": AMOUNTS, "staff": COUNTS, "rd_staff": COUNTS,
        "total_assets": AMOUNTS, "revenue": AMOUNTS, "purpose": PURPOSES, **holders}))


@FEW
@given(data=st.data())
def test_the_bond_request(client, auth, world, data):
    if first_example(world, "fuzz_draft"):
        world.fuzz_uw = bond.make_underwriters()
        issue = bond.bond_in(world.fuzz_uw, "allocating")
        world.fuzz_bond = issue.id
        world.fuzz_draft = bond.draft(world, world.fuzz_uw, issue).id
    in_chinese(world, auth, client, world.founder)
    _request_step(client, world.fuzz_draft, drawn(data, {
        "partner_org_id": _ids(world.fuzz_uw.underwriter1.id), "bond_id": _ids(world.fuzz_bond),
        "requested_amount": AMOUNTS, "requested_term_months": TERMS, "purpose": PURPOSES}))


@FEW
@given(data=st.data())
def test_a_new_bond(client, auth, world, data):
    if first_example(world, "fuzz_uw"):
        world.fuzz_uw = bond.make_underwriters()
    in_chinese(world, auth, client, world.fuzz_uw.officer1)
    issuers = [str(world.fuzz_uw.issuer.id), str(world.fuzz_uw.issuer2.id), "0"]
    post_checked(client, "/bond/new", drawn(data, {
        "name": WORDS, "issuer_org_id": st.sampled_from(issuers),
        "issuer_uscc": USCCS}))


@FEW
@given(data=st.data())
def test_the_board_request(client, auth, world, data):
    if first_example(world, "fuzz_draft"):
        world.fuzz_ex = board.make_exchange()
        world.fuzz_draft = board.draft(world, world.fuzz_ex).id
    in_chinese(world, auth, client, world.founder)
    _request_step(client, world.fuzz_draft, drawn(data, {
        "partner_org_id": _ids(world.fuzz_ex.broker1.id),
        "requested_tier": st.sampled_from(["incubation", "standard", "cultivation", ""]),
        "shareholders": COUNTS, "purpose": PURPOSES}))
