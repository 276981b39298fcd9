"""Issue #11: every sensitive action (money paid or decided, the insurer's terms, the equity
committee's vote, a bank reinstated, a compensation written off or clawed back, a policy
change, an account change) by a user with a second factor last proved more than 15 minutes
ago asks for a code again and does nothing meanwhile; within 15 minutes it goes through."""

import html
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from datetime import timedelta

import pyotp
import pytest
from flask import g
from sqlalchemy import func
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.models import Organisation
from talentfin.models import PolicyParameter
from talentfin.models import User
from talentfin.pool import subsidies
from talentfin.services import second_factor
from talentfin.workflows.equity import committee
from talentfin.workflows.equity.models import Vote
from talentfin.workflows.insurance.models import InsuranceOffer
from talentfin.workflows.loan.models import Repayment
from tests import factories
from tests.equity.web_helpers import deal_in
from tests.equity.web_helpers import make_funds
from tests.insurance.factories import make_insurers
from tests.web import fresh
from tests.web import login
from tests.web import text

COMMENT = "核销理由：企业已注销，无可执行财产。"


@dataclass
class Case:
    """Who acts, what they post, and what the data says once it is done."""

    user: User
    url: str
    data: dict
    done: Callable[[], bool]


def _subsidy(world) -> Case:
    factories.fund_pool(world)
    loan = factories.loan_in(world, "active")
    year = business_today().year
    db.session.query(Repayment).delete()
    db.session.add(Repayment(application_id=loan.id, due_on=date(year, 1, 10),
                             paid_on=date(year, 1, 9), principal_fen=0, interest_fen=100_000,
                             reported_by_id=world.officer1.id))
    db.session.commit()
    claim = subsidies.request(loan, year, world.founder)
    return Case(world.pool_admin, f"/subsidies/{claim.id}/decide",
                {"decision": "approve", "note": COMMENT},
                lambda: subsidies.for_application(loan)[0].status == "paid")


def _insurer_terms(world) -> Case:
    insurers = make_insurers()

    def rate() -> int:
        return db.session.scalar(select(InsuranceOffer.premium_rate_bp).where(
            InsuranceOffer.org_id == insurers.insurer1.id,
            InsuranceOffer.cover == "loan_guarantee"))

    return Case(insurers.approver1, "/insurance/terms",
                {"cover": "loan_guarantee", "rate": "3.00", "active": "y"},
                lambda: rate() == 300)


def _committee_vote(world) -> Case:
    funds = make_funds()
    deal = deal_in(world, funds, "ic_review")
    committee.open_meeting(deal, funds.chair1, "审议投资方案。", deal.submitted_at.date())
    member = funds.members1[1]
    return Case(member, f"/equity/{deal.id}/vote",
                {"vote-vote": "for", "vote-reason": COMMENT},
                lambda: db.session.scalar(select(func.count()).select_from(Vote).where(
                    Vote.member_id == member.id)) == 1)


def _reinstatement(world) -> Case:
    bank = db.session.get(Organisation, world.bank1.id)
    bank.standing = "suspended"
    db.session.commit()
    return Case(world.committee, f"/banks/{bank.id}/reinstate", {"reason": COMMENT},
                lambda: db.session.get(Organisation, bank.id).standing == "active")


def _loan_decision(trigger: str, dest: str) -> Callable:
    def make(world) -> Case:
        loan = factories.loan_in(world, "compensated")
        return Case(world.committee, f"/applications/{loan.id}/fire/{trigger}",
                    {f"{trigger}-comment": COMMENT}, lambda: fresh(loan.id).status == dest)

    return make


def _policy_change(world) -> Case:
    return Case(world.pool_admin, "/policy/", {
        "key": "compensation_ratio_bp", "value": "6500",
        "effective_from": (business_today() + timedelta(days=30)).isoformat(),
        "reason": COMMENT},
        lambda: db.session.scalar(select(func.count()).select_from(PolicyParameter).where(
            PolicyParameter.key == "compensation_ratio_bp",
            PolicyParameter.value == "6500")) == 1)


def _account_change(world) -> Case:
    return Case(world.admin, f"/admin/users/{world.officer2.id}/active", {"active": "0"},
                lambda: db.session.get(User, world.officer2.id).active is False)


CASES = {
    "interest subsidy paid": _subsidy,
    "insurer's terms changed": _insurer_terms,
    "equity committee's vote": _committee_vote,
    "bank reinstated": _reinstatement,
    "compensation written off": _loan_decision("write_off", "written_off"),
    "compensation clawed back": _loan_decision("claw_back", "clawed_back"),
    "policy change proposed": _policy_change,
    "account deactivated": _account_change,
}


def _with_second_factor(client, auth, user: User) -> pyotp.TOTP:
    """Log in (the password) and set up a second factor; the code proved just now."""
    login(auth, user)
    secret = second_factor.new_secret()
    second_factor.enrol(db.session.get(User, user.id), secret, pyotp.TOTP(secret).now())
    return pyotp.TOTP(secret)


def _proved(client, minutes_ago: int) -> None:
    with client.session_transaction() as session:
        session["verified_at"] = time.time() - minutes_ago * 60


def _post(client, case: Case):
    g.pop("_login_user", None)  # a fresh request, as a server has (see test_auth)
    response = client.post(case.url, data=case.data)
    db.session.expire_all()
    return response


@pytest.mark.parametrize("make", CASES.values(), ids=CASES.keys())
def test_a_sensitive_action_after_fifteen_minutes_asks_for_the_code_again(client, auth, world,
                                                                          make):
    case = make(world)
    assert not case.done()
    _with_second_factor(client, auth, case.user)

    _proved(client, 16)
    asked = _post(client, case)
    page = text(asked)
    assert asked.status_code == 401 and 'id="confirm-identity"' in page
    if COMMENT in str(case.data.values()):
        assert COMMENT in page  # what was typed, to copy
    assert not case.done()  # nothing was done

    _proved(client, 14)
    response = _post(client, case)
    assert response.status_code == 302, text(response)[-2000:]
    assert case.done()


def _form_fields(page: str, form_id: str) -> list[tuple[str, str]]:
    """The hidden fields of a form of the page, as a browser would post them."""
    form = re.search(rf'<form[^>]*id="{form_id}"[^>]*>(.*?)</form>', page, re.S).group(1)
    return [(html.unescape(name), html.unescape(value)) for name, value in re.findall(
        r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)]


@pytest.mark.parametrize("make", CASES.values(), ids=CASES.keys())
def test_confirmed_it_is_carried_out_as_typed_even_after_a_wrong_code(client, auth, world,
                                                                      make):
    case = make(world)
    totp = _with_second_factor(client, auth, case.user)
    _proved(client, 16)
    asked = _post(client, case)
    carried = [(name, value) for name, value in _form_fields(text(asked), "confirm-form")
               if name != "csrf_token"]
    assert ("carried:action", case.url) in carried
    confirm = re.search(r'<form method="post" action="([^"]+)" novalidate id="confirm-form"',
                        text(asked)).group(1)
    # A wrong code: asked again, and nothing typed is lost.
    wrong = client.post(html.unescape(confirm), data=MultiDict([*carried, ("code", "000000")]))
    assert wrong.status_code == 422
    assert [f for f in _form_fields(text(wrong), "confirm-form") if f[0] != "csrf_token"] \
        == carried
    if COMMENT in str(case.data.values()):
        assert COMMENT in text(wrong)
    assert not case.done()
    # The right code: the action, as typed, waits for one click (nothing done yet).
    right = client.post(html.unescape(confirm), data=MultiDict([*carried, ("code", totp.at(
        time.time() + 30))]))
    assert right.status_code == 200 and 'id="carry-out"' in text(right)
    assert not case.done()
    action = re.search(r'<form method="post" action="([^"]+)"[^>]*id="carry-out-form"',
                       text(right)).group(1)
    assert html.unescape(action) == case.url
    g.pop("_login_user", None)
    done = client.post(case.url, data=MultiDict(_form_fields(text(right), "carry-out-form")))
    db.session.expire_all()
    assert done.status_code == 302, text(done)[-2000:]
    assert case.done()
