"""One authorization map: ``policy.can`` answers for every object type, and the SQL filter
of every list (``policy.visible``) selects exactly the rows ``can`` lets the user read."""

import pytest
from sqlalchemy import select

from talentfin import policy
from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import AuditSignOff
from talentfin.models import Dossier
from talentfin.models import PolicyParameter
from talentfin.models import User
from talentfin.pool import subsidies
from talentfin.pool.models import Claim
from talentfin.pool.models import LedgerEntry
from talentfin.pool.models import SubsidyClaim
from talentfin.services import signoffs
from tests import factories

PEOPLE = ("founder", "founder2", "park_reviewer", "park2_reviewer", "officer1", "approver1",
          "officer2", "pool_admin", "committee", "auditor", "admin")
# model -> the action that reads one of its rows
READ = {Application: "view", Dossier: "download", Claim: "read", LedgerEntry: "read",
        PolicyParameter: "read", AuditSignOff: "read", SubsidyClaim: "read"}


@pytest.fixture
def programme(world):
    """Loans of both founders at both banks in many states, a claim, a subsidy request,
    a sign-off, the dossiers rendered."""
    factories.fund_pool(world)
    for state in ("draft", "park_review", "partner_review", "compensated", "active"):
        factories.loan_in(world, state)
    factories.loan_in(world, "claim_review", founder=world.founder2, bank=world.bank2)
    factories.loan_in(world, "park_review", founder=world.founder2, bank=world.bank2)
    signoffs.sign_off(world.auditor, "季度核查")
    active = db.session.scalar(select(Application).where(Application.status == "active"))
    subsidies.request(active, active.disbursed_on.year, world.founder)
    return world


def test_the_list_filter_is_the_read_rule(programme):
    mismatches = []
    for model, action in READ.items():
        rows = db.session.scalars(select(model)).all()
        assert rows, f"the programme has no {model.__name__}"
        for who in PEOPLE:
            user = getattr(programme, who)
            readable = {row.id for row in rows if policy.can(user, action, row)[0]}
            listed = set(db.session.scalars(select(model.id).where(
                policy.visible(user, model))))
            if listed != readable:
                mismatches.append((model.__name__, who, sorted(listed ^ readable)))
    assert mismatches == []


def test_accounts_read_by_the_administrator_and_each_person_their_own(programme):
    everyone = db.session.scalars(select(User.id)).all()
    assert set(db.session.scalars(select(User.id).where(
        policy.visible(programme.admin, User)))) == set(everyone)
    assert list(db.session.scalars(select(User.id).where(
        policy.visible(programme.officer1, User)))) == [programme.officer1.id]
    assert policy.allowed(programme.officer1, "change_password", programme.officer1)
    assert not policy.allowed(programme.officer1, "change_password", programme.approver1)
    assert policy.allowed(programme.admin, "manage", User)
    assert not policy.allowed(programme.pool_admin, "manage", User)


@pytest.mark.parametrize(("who", "action", "allowed"), [
    ("pool_admin", "propose", True), ("committee", "propose", False),
    ("committee", "decide", True), ("pool_admin", "decide", False),
    ("auditor", "decide", False), ("admin", "read", True), ("officer1", "read", False),
])
def test_the_policy_table_rules(world, who, action, allowed):
    assert policy.allowed(getattr(world, who), action, PolicyParameter) is allowed


def test_the_committee_never_decides_its_own_proposal(world):
    proposal = PolicyParameter(key="lpr_1y_bp", value="310", effective_from=world.admin.created_at
                               .date(), status="proposed", created_by_id=world.committee.id)
    allowed, reason = policy.can(world.committee, "decide", proposal)
    assert not allowed and reason


def test_every_refusal_says_why(world):
    """No rule answers no without a reason (a page shows it)."""
    loan = factories.loan_in(world, "partner_review")
    for user in (world.founder, world.officer1, world.pool_admin, world.admin):
        for action, obj in (("reinstate", world.bank1), ("sign", AuditSignOff),
                            ("decide", SubsidyClaim), ("fire:bank_approve", loan),
                            ("claim", loan), ("read", LedgerEntry)):
            allowed, reason = policy.can(user, action, obj)
            assert allowed or reason, (user.role, action)
