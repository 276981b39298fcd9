"""The rules that replaced the inline role checks (issue #8): a company's change of identity,
the security log, the whole ID numbers on an application, a fund's committee chair and the
planning of a bond are each one rule of the map, asking a permission and the object's ties,
and the services and views ask the map (the same refusals as before)."""

import re
from pathlib import Path

import pytest
from flask_babel import force_locale

from talentfin import navigation
from talentfin import policy
from talentfin.extensions import db
from talentfin.models import IdentityChange
from talentfin.models import Organisation
from talentfin.models import SecurityEvent
from talentfin.services import enterprises
from talentfin.services import personal_data
from talentfin.services.accounts import AccountError
from talentfin.services.bond.issues import UnderwriterBook
from talentfin.services.bond.issues import plan_bond
from talentfin.services.equity import desk
from talentfin.workflows.errors import Forbidden
from tests import factories

WORLD = ("founder", "founder2", "park_reviewer", "park2_reviewer", "officer1", "approver1",
         "officer2", "approver2", "pool_admin", "committee", "auditor", "admin")
ROOT = Path(__file__).resolve().parents[2]


def _decides(world, names, action, obj) -> set[str]:
    """Who of ``names`` the map lets do ``action``; each refusal says why."""
    allowed = set()
    for name in names:
        ok, reason = policy.can(getattr(world, name), action, obj)
        assert ok or reason, (name, action)
        if ok:
            allowed.add(name)
    return allowed


def _change(world) -> IdentityChange:
    enterprise = world.founder.enterprise
    change = IdentityChange(enterprise_id=enterprise.id, old_name=enterprise.name,
                            old_uscc=enterprise.uscc, new_name="新名称有限公司",
                            new_uscc=enterprise.uscc, reason="工商变更",
                            requested_by_id=world.founder.id, note="")
    db.session.add(change)
    db.session.commit()
    return change


def test_the_companys_park_reviewers_decide_its_change_of_identity(app, world):
    change = _change(world)
    assert _decides(world, WORLD, "decide", change) == {"park_reviewer"}
    # The list of changes waiting: every park's reviewers (each sees its own park's).
    assert _decides(world, WORLD, "decide", IdentityChange) == {"park_reviewer",
                                                                "park2_reviewer"}
    with force_locale("en"):
        assert policy.can(world.park2_reviewer, "decide", change)[1] == (
            "The company's park decides the change.")
        for outsider in (world.park2_reviewer, world.founder, world.admin):
            with pytest.raises(AccountError, match="The company's park decides the change."):
                enterprises.decide_identity_change(change, outsider, True, "")
    enterprises.decide_identity_change(change, world.park_reviewer, True, "")
    assert world.founder.enterprise.name == "新名称有限公司"


def test_auditors_and_the_administrator_read_and_export_the_security_log(app, world):
    for action in ("read", "export"):
        assert _decides(world, WORLD, action, SecurityEvent) == {"auditor", "admin"}
    links = {role: {e for e, _label in navigation.links(getattr(world, role).role)}
             for role in WORLD}
    assert {role for role, shown in links.items() if "audit.security" in shown} == {
        "auditor", "admin"}
    assert {role for role, shown in links.items()
            if "profile.identity_changes" in shown} == {"park_reviewer", "park2_reviewer"}


def test_the_park_and_the_deciding_institution_see_whole_id_numbers(app, world):
    loan = factories.loan_in(world, "partner_review")
    deciders = {"park_reviewer", "officer1", "approver1"}
    assert _decides(world, WORLD, "reveal_identity", loan) == deciders
    assert {name for name in WORLD if personal_data.may_reveal_identity(
        getattr(world, name), loan)} == deciders
    # Not before the park has the file (its staff do not see a draft), never on the class.
    draft = factories.draft(world)
    assert _decides(world, WORLD, "reveal_identity", draft) == set()
    assert _decides(world, WORLD, "reveal_identity", type(loan)) == set()


@pytest.fixture
def funds(world):
    fund, other = factories.organisation("fund", "fund-1"), factories.organisation("fund", "fund-2")
    people = {"fund_officer": factories.user("fo@t.cn", "fund_officer", fund),
              "fund_approver": factories.user("fa@t.cn", "fund_approver", fund),
              "fund_ic": factories.user("ic@t.cn", "fund_ic", fund),
              "other_approver": factories.user("fa2@t.cn", "fund_approver", other)}
    for name in WORLD:
        people[name] = getattr(world, name)
    return fund, people


def test_the_funds_approver_names_its_committees_chair(app, funds):
    fund, people = funds
    allowed = {name for name, user in people.items()
               if policy.allowed(user, "name_chair", fund)}
    assert allowed == {"fund_approver"}
    assert {name for name, user in people.items()
            if policy.allowed(user, "name_chair", Organisation)} == {"fund_approver",
                                                                     "other_approver"}
    with force_locale("en"):
        for name in ("fund_officer", "fund_ic", "other_approver", "park_reviewer"):
            with pytest.raises(Forbidden) as caught:
                desk.name_chair(fund.id, people[name], people["fund_ic"])
            assert caught.value.message == "The fund's approver names the committee's chair."


def test_the_underwriting_officer_plans_a_bond(app, world):
    underwriter = factories.organisation("underwriter", "uw-1")
    issuer = factories.organisation("issuer", "issuer-1")
    people = {role: factories.user(f"{role}@t.cn", role, org) for role, org in (
        ("underwriter_officer", underwriter), ("underwriter_approver", underwriter),
        ("bond_committee", underwriter), ("issuer_officer", issuer))}
    people.update({name: getattr(world, name) for name in WORLD})
    assert {name for name, user in people.items()
            if policy.allowed(user, "plan", UnderwriterBook)} == {"underwriter_officer"}
    with force_locale("en"):
        for name in ("underwriter_approver", "bond_committee", "issuer_officer", "officer1"):
            with pytest.raises(Forbidden) as caught:
                plan_bond(people[name], "债", issuer, factories.demo_uscc(900))
            assert caught.value.message == "The underwriting officer plans a bond."


def test_no_view_or_service_compares_a_role_with_its_name():
    """Rules ask permissions; a role named in a comparison is a check beside the map."""
    compared = re.compile(r"""role\s*(==|!=|in|not in)\s*[(\[{]?\s*["']""")
    found = []
    for folder in ("views", "services"):
        for path in sorted((ROOT / "talentfin" / folder).rglob("*.py")):
            name = path.relative_to(ROOT / "talentfin").as_posix()
            found += [f"{name}:{number}" for number, line in enumerate(
                path.read_text(encoding="utf-8").splitlines(), 1) if compared.search(line)]
    assert found == []
