"""The staff's second factor (TOTP): a role that decides money or admissions sets it up at
its first login (QR code, a code to confirm, ten recovery codes shown once); each login
then asks for a code after the password, a code is good once, a recovery code once, five
wrong codes make the account wait; a decision, a policy or an account change more than 15
minutes after the code asks for a code again (nothing is done meanwhile and the typed text
is shown); an administrator removes a lost second factor, recorded in the security log.
A founder is not asked."""

import re
import time

import pyotp
import pytest
from cryptography.fernet import Fernet
from flask import g
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.models import SecurityEvent
from talentfin.models import User
from talentfin.services import sealing
from talentfin.services import second_factor
from tests import factories
from tests.web import fire
from tests.web import text


@pytest.fixture
def required(app, client):
    client.post("/language", data={"lang": "en"})  # the messages asserted are English
    app.config["SECOND_FACTOR_REQUIRED"] = True
    yield
    app.config["SECOND_FACTOR_REQUIRED"] = False


def _get(client, url: str):
    g.pop("_login_user", None)  # a fresh request, as a server has (see test_auth)
    return client.get(url)


def _post(client, url: str, data: dict):
    g.pop("_login_user", None)
    return client.post(url, data=data)


def _enrol(client, auth, user: User, home: str = "/queue/") -> pyotp.TOTP:
    """Log in and set the second factor up through the pages (``home`` is refused until
    then); the app's TOTP."""
    assert auth.login(user.email).status_code == 302
    page = _get(client, home)
    assert page.status_code == 302 and page.location.endswith("/account/second-factor")
    setup = text(_get(client, "/account/second-factor"))
    secret = re.search(r'id="second-factor-secret">([A-Z2-7]+)<', setup).group(1)
    qr = _get(client, "/account/second-factor/qr.svg")
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml"
    totp = pyotp.TOTP(secret)
    assert "does not match" in text(_post(client, "/account/second-factor", {"code": "000000"}))
    shown = text(_post(client, "/account/second-factor", {"code": totp.now()}))
    codes = re.findall(r"<li>([0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4})</li>", shown)
    assert len(codes) == 10
    assert _get(client, home).status_code == 200
    client.codes = codes
    return totp


def _later(totp: pyotp.TOTP, steps: int = 1) -> str:
    """The code of a later time step (a code is good once, so each login needs a new one;
    the next step is accepted as a clock a little ahead)."""
    return totp.at(time.time() + 30 * steps)


def test_a_role_that_decides_sets_it_up_and_then_logs_in_with_a_code(client, auth, world,
                                                                      required):
    totp = _enrol(client, auth, world.approver1)
    assert db.session.get(User, world.approver1.id).totp_enabled_at is not None
    auth.logout()
    # The password alone does not log in: the code is asked.
    step = auth.login(world.approver1.email)
    assert step.status_code == 302 and step.location.endswith("/login/code")
    assert _get(client, "/queue/").status_code == 302  # not logged in yet
    wrong = _post(client, "/login/code", {"code": "123456"})
    assert wrong.status_code == 422 and "The code is wrong" in text(wrong)
    code = _later(totp)
    assert _post(client, "/login/code", {"code": code}).status_code == 302
    assert _get(client, "/queue/").status_code == 200
    auth.logout()
    auth.login(world.approver1.email)
    again = _post(client, "/login/code", {"code": code})
    assert again.status_code == 422 and "used already" in text(again)
    # A recovery code logs in once.
    recovery = client.codes[0]
    assert _post(client, "/login/code", {"code": recovery}).status_code == 302
    auth.logout()
    auth.login(world.approver1.email)
    assert _post(client, "/login/code", {"code": recovery}).status_code == 422
    kinds = db.session.scalars(select(SecurityEvent.kind).where(
        SecurityEvent.user_id == world.approver1.id)).all()
    assert {"second_factor_enabled", "second_factor_failed", "recovery_code_used"} <= set(kinds)


def test_five_wrong_codes_make_the_account_wait(client, auth, world, required):
    totp = _enrol(client, auth, world.approver1)
    auth.logout()
    auth.login(world.approver1.email)
    for _index in range(5):
        _post(client, "/login/code", {"code": "000000"})
    refused = _post(client, "/login/code", {"code": _later(totp)})
    assert refused.status_code == 422 and "Too many wrong codes" in text(refused)


def test_a_decision_after_fifteen_minutes_asks_for_a_code_again(client, auth, world,
                                                                required):
    application = factories.loan_in(world, "bank_approval")
    totp = _enrol(client, auth, world.approver1)
    with client.session_transaction() as session:
        session["verified_at"] = time.time() - 16 * 60
    asked = fire(client, application.id, "bank_approve", comment="同意发放，额度一百万。")
    page = text(asked)
    assert asked.status_code == 401 and 'id="confirm-identity"' in page
    assert "同意发放，额度一百万。" in page  # what was typed, to copy
    db.session.expire_all()
    assert db.session.get(type(application), application.id).status == "bank_approval"
    confirmed = _post(client, f"/account/confirm?next=/applications/{application.id}",
                      {"code": _later(totp)})
    assert confirmed.status_code == 302
    assert fire(client, application.id, "bank_approve",
                comment="同意发放，额度一百万。").status_code == 302
    db.session.expire_all()
    assert db.session.get(type(application), application.id).status == "approved"


def test_an_administrator_removes_a_lost_second_factor(client, auth, world, required):
    _enrol(client, auth, world.approver1)
    auth.logout()
    admin_totp = _enrol(client, auth, world.admin, home="/admin/users")
    assert admin_totp is not None
    removed = _post(client, f"/admin/users/{world.approver1.id}/second-factor/reset", {})
    assert removed.status_code == 302
    user = db.session.get(User, world.approver1.id)
    db.session.refresh(user)
    assert user.totp_secret is None and user.totp_enabled_at is None
    event = db.session.scalar(select(SecurityEvent).where(
        SecurityEvent.kind == "second_factor_reset"))
    assert (event.user_id, event.actor_id) == (world.approver1.id, world.admin.id)
    auth.logout()
    _enrol(client, auth, world.approver1)  # sets it up again at the next login


def test_a_founder_is_not_asked_but_may_turn_it_on(client, auth, world, required):
    assert auth.login(world.founder.email).status_code == 302
    assert _get(client, "/applications/").status_code == 200
    page = text(_get(client, "/account/second-factor"))
    assert 'id="second-factor-secret"' in page and "Your role signs in" not in page


def test_right_codes_do_not_count_toward_the_wait(client, auth, world, required):
    _enrol(client, auth, world.approver1)
    for code in client.codes[:7]:  # seven logins in a row within minutes, each with a code
        auth.logout()
        auth.login(world.approver1.email)
        assert _post(client, "/login/code", {"code": code}).status_code == 302


def _log_in_with(client, auth, user: User, code: str) -> int:
    auth.logout()
    auth.login(user.email)
    return _post(client, "/login/code", {"code": code}).status_code


def test_the_secret_is_stored_sealed_and_a_copy_of_the_database_alone_opens_nothing(
        client, auth, world, required, app, monkeypatch):
    totp = _enrol(client, auth, world.approver1)
    stored = db.session.get(User, world.approver1.id).totp_secret
    assert stored.startswith(sealing.SEALED_PREFIX) and totp.secret not in stored
    assert sealing.unseal(stored) == totp.secret
    # Another installation (another SECRET_KEY) with a copy of the rows opens nothing.
    monkeypatch.setitem(app.config, "SECRET_KEY", "another-installation")
    assert sealing.unseal(stored) == ""
    assert _log_in_with(client, auth, world.approver1, _later(totp)) == 422


def test_data_keys_rotate_and_a_secret_stored_in_clear_is_sealed_at_its_next_use(
        client, auth, world, required, app, monkeypatch):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setitem(app.config, "DATA_ENCRYPTION_KEYS", old)
    totp = _enrol(client, auth, world.approver1)
    sealed_with_old = db.session.get(User, world.approver1.id).totp_secret
    monkeypatch.setitem(app.config, "DATA_ENCRYPTION_KEYS", f"{new},{old}")
    assert _log_in_with(client, auth, world.approver1, _later(totp)) == 302
    # The first key seals from now on; the old one still opens what it sealed.
    assert Fernet(new.encode()).decrypt(sealing.seal("ABC").encode()) == b"ABC"
    assert sealing.unseal(sealed_with_old) == totp.secret

    # A secret from before sealing (the clear base32 text) still works, once sealed.
    user = db.session.get(User, world.approver1.id)
    user.totp_secret, user.totp_last_step = totp.secret, None  # (and half a minute on)
    db.session.commit()
    assert _log_in_with(client, auth, world.approver1, _later(totp)) == 302
    stored = db.session.get(User, world.approver1.id).totp_secret
    assert stored.startswith(sealing.SEALED_PREFIX)
    assert sealing.unseal(stored) == totp.secret


@pytest.mark.parametrize("code", ["١٢٣٤٥٦", "12345６", "abcdéf", "１２３４５６７"])
def test_a_code_of_other_characters_is_a_wrong_code_not_a_server_error(world, code):
    """Digits of another script (which str.isdigit accepts) or letters beyond ASCII are
    no code: the service says the code is wrong (the constant-time comparison takes ASCII
    only), whatever a form let through."""
    secret = second_factor.new_secret()
    with pytest.raises(second_factor.SecondFactorError):
        second_factor.enrol(world.approver1, secret, code)
    second_factor.enrol(world.approver1, secret, pyotp.TOTP(secret).now())
    with pytest.raises(second_factor.SecondFactorError):
        second_factor.verify(world.approver1, code)
