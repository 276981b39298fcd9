"""The eligibility pre-screener: each product's own rules on the founder's profile and the
policy in force today, at each rule's boundary; a policy change moves the answer at once;
nothing is stored; only the firm's founder sees it."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from flask_babel import force_locale
from sqlalchemy import func
from sqlalchemy import select

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import PolicyParameter
from talentfin.money import format_fen
from talentfin.services.prescreen import prescreen
from talentfin.workflows.loan.terms import caps_used
from tests.bond.factories import bond_in
from tests.bond.factories import make_underwriters
from tests.factories import loan_in
from tests.web import login
from tests.web import switch_to
from tests.web import text

PRODUCTS = {"loan", "insurance", "equity", "bond", "board"}


def _verdicts(founder, **answers) -> dict:
    with force_locale("en"):
        return {v.product: v for v in prescreen(founder, business_today(), answers)}


def _founded(world, when) -> None:
    world.founder.enterprise.founded_on = when
    db.session.commit()


def _open_bond():
    bond_in(make_underwriters(), "allocating")


def _cap(key: str, value: int, effective_from) -> None:
    db.session.add(PolicyParameter(key=key, value=str(value), effective_from=effective_from,
                                   source="测试"))
    db.session.commit()


def test_an_eligible_firm_may_apply_for_every_product(world):
    _open_bond()
    verdicts = _verdicts(world.founder)
    assert set(verdicts) == PRODUCTS
    assert [p for p, v in verdicts.items() if not v.may_apply] == []


def test_an_allocation_needs_a_bond_open_for_allocations(world):
    closed = "No talent bond is open for allocations now; the programme announces the next one."
    assert _verdicts(world.founder)["bond"].problems == (closed,)
    _open_bond()
    assert _verdicts(world.founder)["bond"].may_apply


def test_caps_used_up_stop_the_loan_and_the_bond_with_their_figures(world):
    _open_bond()
    loan_in(world, "approved")
    used, _person = caps_used(world.founder.enterprise)
    assert used > 0
    today = business_today()
    _cap("cap_per_firm_fen", used + 1, today - timedelta(days=1))  # a fen of room left
    assert _verdicts(world.founder)["loan"].may_apply
    _cap("cap_per_firm_fen", used, today)  # none left
    verdicts = _verdicts(world.founder)
    full = (f"The firm's talent loans and bond allocations outstanding are {format_fen(used)} "
            f"yuan, at the cap of {format_fen(used)} yuan per firm: a new one can be asked "
            "for once some is repaid.")
    assert verdicts["loan"].problems == (full,)
    assert verdicts["bond"].problems == (full,)
    assert verdicts["insurance"].may_apply
    _cap("cap_per_talent_fen", used, today)
    assert any("The founder's loans outstanding across all banks and firms are"
               in p for p in _verdicts(world.founder)["loan"].problems)


def test_the_boards_holders_rule_reads_the_answer(client, auth, world):
    assert _verdicts(world.founder, shareholders=200)["board"].may_apply
    assert _verdicts(world.founder, shareholders=201)["board"].problems == (
        "A board-listed firm has at most 200 holders (CSRC Order No. 132); the firm has 201.",)
    login(auth, world.founder)
    page = text(client.get("/company/eligibility?shareholders=201"))
    assert "the firm has 201" in page


def test_the_firms_age_at_the_boundary_of_the_loans_and_the_funds_rules(world):
    today = business_today()
    _founded(world, today - relativedelta(years=5))  # five years to the day: still in
    verdicts = _verdicts(world.founder)
    assert verdicts["loan"].may_apply and verdicts["equity"].may_apply
    _founded(world, today - relativedelta(years=5) - timedelta(days=1))  # a day past
    verdicts = _verdicts(world.founder)
    founded = today - relativedelta(years=5) - timedelta(days=1)
    assert verdicts["loan"].problems == (
        f"The firm was founded on {founded.isoformat()}; a talent loan takes firms founded on "
        f"or after {(today - relativedelta(years=5)).isoformat()} (at most 5 years ago; only "
        "tier A talents are exempt).",)
    assert any("more than 5 years ago" in p and "at most 5 years old" in p
               for p in verdicts["equity"].problems)
    assert verdicts["insurance"].may_apply and verdicts["board"].may_apply
    # A tier A talent is exempt from the loan's limit (not from the fund's).
    world.founder.enterprise.talent.tier = "A"
    db.session.commit()
    verdicts = _verdicts(world.founder)
    assert verdicts["loan"].may_apply and not verdicts["equity"].may_apply


def test_a_policy_change_moves_the_answer_at_once(world):
    _founded(world, business_today() - relativedelta(years=6))
    assert not _verdicts(world.founder)["loan"].may_apply
    db.session.add(PolicyParameter(key="firm_max_age_years", value="7",
                                   effective_from=business_today(), source="测试：放宽至7年"))
    db.session.commit()
    assert _verdicts(world.founder)["loan"].may_apply


def test_the_funds_rules_read_the_answers_with_their_figures(world):
    assert _verdicts(world.founder, staff=300)["equity"].may_apply
    over = _verdicts(world.founder, staff=301, rd_staff=10)["equity"].problems
    assert "The firm has 301 staff; the fund invests in firms of at most 300." in over
    assert any("R&D staff are 3.32%" in p for p in over)


def test_programme_rules_stop_every_product_with_the_reason(world):
    talent = world.founder.enterprise.talent
    talent.valid_until = business_today() - timedelta(days=1)
    db.session.commit()
    for verdict in _verdicts(world.founder).values():
        assert any("The talent certificate expired on" in p for p in verdict.problems), \
            verdict.product


def test_the_page_is_the_founders_and_stores_nothing(client, auth, world):
    _founded(world, business_today() - relativedelta(years=6))
    login(auth, world.founder)
    before = db.session.scalar(select(func.count(Application.id)))
    page = text(client.get("/company/eligibility?staff=400&total_assets=1,000,000"))
    assert 'href="/company/eligibility"' in page  # in the founder's navigation
    assert 'id="verdict-loan"' in page and "Not now" in page
    assert "The firm has 400 staff" in page and "You may apply" in page  # insurance
    assert db.session.scalar(select(func.count(Application.id))) == before
    refused = client.get("/company/eligibility?staff=lots")
    assert refused.status_code == 422 and "Enter a whole number" in text(refused)
    client.post("/language", data={"lang": "zh"})
    assert "可以申请" in text(client.get("/company/eligibility"))
    switch_to(auth, world.officer1)
    assert client.get("/company/eligibility").status_code == 404
