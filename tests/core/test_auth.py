"""Login, logout, throttling, founder registration, staff accounts and the CLI."""

import re
import threading

import pytest
from flask import g
from flask_babel import force_locale
from sqlalchemy import func
from sqlalchemy import select

from talentfin.extensions import db as _db
from talentfin.models import Enterprise
from talentfin.models import LoginAttempt
from talentfin.models import User
from talentfin.services import accounts
from tests import factories
from tests.web import register_and_confirm


def test_login_and_logout(client, auth, world):
    response = auth.login(world.officer1.email)
    assert response.status_code == 302
    page = client.get("/queue/")
    assert page.status_code == 200
    assert world.officer1.name in page.get_data(as_text=True)
    auth.logout()
    assert client.get("/queue/").status_code == 302


def _as(client, url: str) -> int:
    """A request as a fresh server request (the tests' app context keeps Flask-Login's
    user in ``g`` between requests; a server does not)."""
    g.pop("_login_user", None)
    return client.get(url).status_code


def test_a_copied_session_cookie_ends_with_the_logout(app, client, auth, world):
    auth.login(world.officer1.email)
    name = app.config["SESSION_COOKIE_NAME"]
    copied = client.get_cookie(name).value
    thief = app.test_client()
    thief.set_cookie(name, copied)
    assert _as(thief, "/queue/") == 200  # the copy works while the session lives
    auth.logout()
    assert _as(thief, "/queue/") == 302  # and not after the logout
    assert _as(client, "/queue/") == 302
    # Logging in again gives a new session that works; the copy stays dead.
    auth.login(world.officer1.email)
    assert _as(client, "/queue/") == 200
    assert _as(thief, "/queue/") == 302


def test_wrong_password_is_refused_with_a_message(client, auth, world):
    response = auth.login(world.officer1.email, "not-the-password")
    assert response.status_code == 401
    assert "密码" in response.get_data(as_text=True)


def test_account_is_throttled_after_five_failures_even_with_the_right_password(
        app, client, auth, world):
    for _ in range(5):
        assert auth.login(world.founder.email, "wrong-password").status_code == 401
    response = auth.login(world.founder.email)
    assert response.status_code == 401
    assert "15" in response.get_data(as_text=True)  # "please wait 15 minutes"
    assert client.get("/applications/").status_code == 302


def test_address_is_throttled_across_accounts(app, auth, world, db):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
    try:
        for email in ("a@x.cn", "b@x.cn", "c@x.cn"):
            auth.login(email, "whatever-password")
        response = auth.login(world.founder.email)
        assert response.status_code == 401
    finally:
        app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 20


def test_parallel_wrong_passwords_get_at_most_the_limit_checked(app, world, db):
    """40 wrong passwords at once (threads with their own connections): each attempt is
    counted before its password is checked, so no more than the limit are checked."""
    email, barrier = world.founder.email, threading.Barrier(40)
    told: list[str] = []

    def attempt(index: int) -> None:
        with app.app_context(), force_locale("en"):
            try:
                barrier.wait(timeout=30)
                accounts.authenticate(email, f"wrong-{index}", f"10.0.0.{index}")
            except accounts.AccountError as exc:
                told.append(str(exc))
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    wrong = [m for m in told if m == "Wrong e-mail address or password."]
    # Every attempt is refused; however they interleave, at most five were checked (none,
    # when all forty were counted before the first count).
    assert len(told) == 40 and len(wrong) <= 5, told
    assert db.session.scalar(select(func.count(LoginAttempt.id)).where(
        LoginAttempt.email == email, LoginAttempt.succeeded.is_(False))) == 40
    assert all(m == "Wrong e-mail address or password." or m.startswith("Too many failed")
               for m in told)


def test_an_unknown_address_is_answered_as_a_wrong_password(auth, world, db):
    unknown = auth.login("nobody@nowhere.cn", "whatever-password")
    known = auth.login(world.founder.email, "whatever-password")
    assert unknown.status_code == known.status_code == 401
    assert _alert(unknown) == _alert(known) != ""


def _alert(response) -> str:
    found = re.search(r'class="alert[^"]*"[^>]*>\s*(.*?)\s*<', response.get_data(as_text=True),
                      re.S)
    return found.group(1) if found else ""


def test_throttle_state_lives_in_the_database(auth, world, db):
    """Counting in the database is what makes the limit hold across server processes."""
    auth.login(world.founder.email, "wrong-password")
    attempts = db.session.scalars(select(LoginAttempt)).all()
    assert [(a.email, a.succeeded) for a in attempts] == [(world.founder.email, False)]


def test_session_cookie_flags(app, client, auth, world):
    app.config["SESSION_COOKIE_SECURE"] = True
    try:
        response = auth.login(world.founder.email)
        cookie = response.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie
    finally:
        app.config["SESSION_COOKIE_SECURE"] = False


def test_founder_registers_with_the_company(client, db, world):
    response = register_and_confirm(client, {
        "name": "新创始人", "email": "new@founder.cn", "company_name": "新公司",
        "uscc": "91350100M000100Y43", "password": "long-enough-pw", "confirm": "long-enough-pw",
    })
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "new@founder.cn"))
    assert user.role == "founder"
    assert db.session.get(Enterprise, user.enterprise_id).uscc == "91350100M000100Y43"
    assert user.password_hash != "long-enough-pw"


def test_admin_creates_staff_account(client, auth, world, db):
    auth.login(world.admin.email)
    response = client.post("/admin/users", data={
        "name": "新信贷员", "email": "new@bank1.cn", "role": "bank_officer",
        "org_code": world.bank1.code, "password": "initial-pass-1",
    })
    assert response.status_code == 302
    created = db.session.scalar(select(User).where(User.email == "new@bank1.cn"))
    assert created.org_id == world.bank1.id


def test_staff_role_needs_matching_organisation(client, auth, world):
    auth.login(world.admin.email)
    response = client.post("/admin/users", data={
        "name": "x", "email": "x@bank1.cn", "role": "bank_officer",
        "org_code": world.park.code, "password": "initial-pass-1",
    })
    assert response.status_code == 422


def test_admin_pages_are_hidden_from_others(client, auth, world):
    auth.login(world.officer1.email)
    assert client.get("/admin/users").status_code == 404


def test_create_user_command(runner, world, db):
    result = runner.invoke(args=["create-user", "--email", "cli@bank2.cn", "--name", "CLI",
                                 "--role", "bank_approver", "--org", world.bank2.code,
                                 "--password", "cli-password-1"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "cli@bank2.cn"))
    assert user.org_id == world.bank2.id and user.check_password("cli-password-1")


def test_language_switch_to_english(client, auth, world):
    auth.login(world.officer1.email)
    client.post("/language", data={"lang": "en", "next": "/queue/"})
    page = client.get("/queue/").get_data(as_text=True)
    assert "Review queue" in page
    assert re.search(r'<html lang="en"', page)


def test_password_hash_method_is_configurable(app, world):
    assert world.founder.password_hash.startswith("pbkdf2:sha256:1000")
    assert factories.PASSWORD not in world.founder.password_hash


@pytest.mark.parametrize("target", ["//evil.example/x", "/\\evil.example", "https://evil.example",
                                    "javascript:alert(1)"])
def test_no_open_redirect_after_login_or_language_switch(client, world, target):
    response = client.post(f"/login?next={target}",
                           data={"email": world.founder.email, "password": factories.PASSWORD})
    assert response.headers["Location"] == "/"
    response = client.post("/language", data={"lang": "en", "next": target})
    assert response.headers["Location"] == "/"


def test_a_local_next_page_is_kept(client, world):
    response = client.post("/login?next=/company/",
                           data={"email": world.founder.email, "password": factories.PASSWORD})
    assert response.headers["Location"] == "/company/"
