"""Generated input to the account, administration and pool pages' forms (Hypothesis): one's
own password, an administrator's temporary one, a second-factor code (set up, confirmed,
at login), a staff account, an institution, an API client, a webhook, an auditor's sign-off,
a policy proposal, a bank's reinstatement and a subsidy asked for and decided. Each answers
with a page, a redirect or a refusal, never a server error; in a Chinese session every
message is in Chinese; nothing stored holds what a form must refuse (``tests.fuzzing``).
``make test`` runs a few cases of each (``FEW``), ``make fuzz`` thousands."""

import pyotp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from talentfin.extensions import db
from talentfin.institutions import staff_roles
from talentfin.models import Organisation
from talentfin.pool.models import SubsidyClaim
from talentfin.services import second_factor
from talentfin.services.api_clients import known_scopes
from talentfin.services.parameters import policy_keys
from talentfin.services.webhooks import known_events
from tests import factories
from tests.fuzzing import DATES
from tests.fuzzing import FEW
from tests.fuzzing import ODD
from tests.fuzzing import TODAY
from tests.fuzzing import WORDS
from tests.fuzzing import check
from tests.fuzzing import drawn
from tests.fuzzing import first_example
from tests.fuzzing import in_chinese
from tests.fuzzing import post_checked
from tests.pool.test_subsidies import _repaid

pytestmark = pytest.mark.fuzz

PASSWORDS = st.one_of(st.just(factories.PASSWORD), st.text(min_size=10, max_size=40),
                      st.sampled_from(["a" * 9, "a" * 10, "a" * 201, "密码" * 5]))
CODES = st.one_of(st.from_regex(r"[0-9]{6}", fullmatch=True),
                  st.from_regex(r"[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}", fullmatch=True),
                  st.sampled_from(["000000", " 123 456 ", "1" * 21, "１２３４５６"]))
EMAILS = st.one_of(st.emails().map(lambda address: address[:254]),
                   st.sampled_from(["a@b", "officer1@t.cn", "OFFICER1@T.CN", "x@例子.中国"]))
URLS = st.one_of(st.from_regex(r"https?://[a-z0-9.-]{1,30}(:[0-9]{1,6})?/[a-z/]{0,20}",
                               fullmatch=True),
                 st.sampled_from(["https://", "http://[::1", "ftp://x.cn", "https://x.cn/" +
                                  "a" * 500, "https://x.cn/a b", "HTTPS://Receiver.CN/h"]))


@FEW
@given(data=st.data())
def test_ones_own_password(client, auth, world, data):
    in_chinese(world, auth, client, world.officer2)
    post_checked(client, "/account/password", drawn(data, {
        "current": PASSWORDS, "password": PASSWORDS, "confirm": PASSWORDS}))


@FEW
@given(data=st.data())
def test_a_temporary_password(client, auth, world, data):
    in_chinese(world, auth, client, world.admin)
    post_checked(client, f"/admin/users/{world.officer2.id}/password",
          drawn(data, {"password": PASSWORDS}))


def _enrolled(user) -> None:
    secret = second_factor.new_secret()
    second_factor.enrol(user, secret, pyotp.TOTP(secret).now())
    db.session.commit()


@pytest.mark.parametrize("where", ["set_up", "confirm", "login"])
@FEW
@given(data=st.data())
def test_a_second_factor_code(client, auth, world, where, data):
    """The code that sets the second factor up, that proves it again before a sensitive
    action, that completes a login."""
    if first_example(world, "fuzz_user"):
        client.post("/language", data={"lang": "zh"})
        if where != "login":
            auth.login(world.officer2.email)  # logged in, then (to confirm) enrolled
        if where != "set_up":
            _enrolled(world.officer2)
    if where == "login":
        check(client.post("/login", data={"email": world.officer2.email,
                                          "password": factories.PASSWORD}), chinese=True)
    url = {"set_up": "/account/second-factor", "confirm": "/account/confirm",
           "login": "/login/code"}[where]
    post_checked(client, url, drawn(data, {"code": CODES}))


@FEW
@given(data=st.data())
def test_a_staff_account(client, auth, world, data):
    in_chinese(world, auth, client, world.admin)
    post_checked(client, "/admin/users", drawn(data, {
        "name": WORDS, "email": EMAILS, "role": st.sampled_from(staff_roles()),
        "org_code": st.sampled_from(["", "bank-1", "park-1", "pool"]),
        "password": PASSWORDS}))


@FEW
@given(data=st.data())
def test_an_institution(client, auth, world, data):
    in_chinese(world, auth, client, world.admin)
    post_checked(client, "/admin/organisations", drawn(data, {
        "kind": st.sampled_from(["bank", "park", "fund", "insurer", "exchange"]),
        "code": st.from_regex(r"[a-z0-9-]{1,41}", fullmatch=True),
        "name": WORDS, "name_en": WORDS}))


@FEW
@given(data=st.data())
def test_an_api_client(client, auth, world, data):
    in_chinese(world, auth, client, world.admin)
    scopes = list(known_scopes())
    post_checked(client, "/admin/api-clients", drawn(data, {
        "org_code": st.sampled_from(["bank-1", "park-1", "pool", "nowhere"]), "name": WORDS,
        "scopes": st.lists(st.sampled_from([*scopes, "admin"]), max_size=4)}))


@FEW
@given(data=st.data())
def test_a_webhook(client, auth, world, data):
    in_chinese(world, auth, client, world.admin)
    events = list(known_events())
    post_checked(client, "/admin/webhooks/", drawn(data, {
        "org_code": st.sampled_from(["bank-1", "park-1", "nowhere"]), "url": URLS,
        "events": st.lists(st.sampled_from([*events, "nothing"]), max_size=4)}))


@FEW
@given(data=st.data())
def test_an_auditors_sign_off(client, auth, world, data):
    in_chinese(world, auth, client, world.auditor)
    post_checked(client, "/audit/sign-off", drawn(data, {"note": WORDS}))


@FEW
@given(data=st.data())
def test_a_policy_proposal(client, auth, world, data):
    in_chinese(world, auth, client, world.pool_admin)
    post_checked(client, "/policy/", drawn(data, {
        "key": st.sampled_from(list(policy_keys())),
        "value": st.one_of(st.integers(min_value=-10, max_value=10**20).map(str),
                           st.sampled_from(["0", "10000", "1.5", "１００", " 42 "])),
        "effective_from": DATES, "reason": WORDS}))


@FEW
@given(reason=st.one_of(ODD, WORDS))
def test_a_banks_reinstatement(client, auth, world, reason):
    in_chinese(world, auth, client, world.committee)
    bank = db.session.get(Organisation, world.bank1.id)
    bank.standing = "suspended"  # suspended again for each example
    db.session.commit()
    post_checked(client, f"/banks/{bank.id}/reinstate", {"reason": reason})


@FEW
@given(year=st.one_of(ODD, st.integers(min_value=-1, max_value=TODAY.year + 2).map(str)))
def test_a_subsidy_asked_for(client, auth, world, year):
    if first_example(world, "fuzz_loan"):
        world.fuzz_loan = _repaid(world, (100_000, True)).id
    in_chinese(world, auth, client, world.founder)
    post_checked(client, f"/subsidies/applications/{world.fuzz_loan}", {"year": year})


@FEW
@given(data=st.data())
def test_a_subsidy_decided(client, auth, world, data):
    if first_example(world, "fuzz_claim"):
        factories.fund_pool(world)
        loan = _repaid(world, (100_000, True))
        claim = SubsidyClaim(application_id=loan.id, enterprise_id=loan.enterprise_id,
                             year=TODAY.year, basis_fen=100_000, amount_fen=50_000,
                             requested_by_id=world.founder.id)
        db.session.add(claim)
        db.session.commit()
        world.fuzz_claim = claim.id
    in_chinese(world, auth, client, world.pool_admin)
    claim = db.session.get(SubsidyClaim, world.fuzz_claim)
    claim.status = "requested"  # undecided again for each example
    db.session.commit()
    post_checked(client, f"/subsidies/{claim.id}/decide", drawn(data, {
        "decision": st.sampled_from(["approve", "refuse"]), "note": WORDS}))
