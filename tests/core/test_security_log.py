"""The security log: logins, failures, lockouts, logouts, password and account changes and
registrations are recorded with the account, the address and who acted; the auditor and
the administrator read it and export it; nobody else knows it is there."""

import csv
import io

from sqlalchemy import select

from talentfin.extensions import db
from talentfin.models import SecurityEvent
from tests.web import login
from tests.web import register_and_confirm
from tests.web import switch_to
from tests.web import text


def _kinds(email: str) -> list[str]:
    return list(db.session.scalars(select(SecurityEvent.kind).where(
        SecurityEvent.email == email).order_by(SecurityEvent.id)))


def test_an_accounts_life_is_in_the_log(app, client, auth, world):
    email = world.founder.email
    auth.login(email, "wrong-password")
    auth.login(email)
    auth.logout()
    assert _kinds(email) == ["login_failed", "login", "logout"]
    failed = db.session.scalar(select(SecurityEvent).where(SecurityEvent.kind == "login_failed"))
    assert failed.user_id == world.founder.id and failed.address == "127.0.0.1"
    app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] = 1
    try:
        auth.login(email, "wrong-again")
        auth.login(email)
    finally:
        app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] = 5
    assert _kinds(email)[-1] == "login_throttled"
    auth.login("nobody@nowhere.cn", "whatever-password")
    unknown = db.session.scalar(select(SecurityEvent).where(
        SecurityEvent.email == "nobody@nowhere.cn"))
    assert (unknown.kind, unknown.user_id) == ("login_failed", None)


def test_administrators_changes_and_registrations_are_in_the_log(client, auth, world):
    login(auth, world.admin)
    client.post(f"/admin/users/{world.officer1.id}/active", data={})
    created = client.post("/admin/users", data={
        "email": "new.officer@t.cn", "name": "新信贷员", "role": "bank_officer",
        "org_code": world.bank1.code, "password": "long-enough-pw"})
    assert created.status_code in (200, 302)
    auth.logout()
    register_and_confirm(client, {"name": "新创始人", "email": "fresh@x.cn",
                                  "company_name": "新公司", "uscc": "91350100M000100Y43",
                                  "password": "long-enough-pw", "confirm": "long-enough-pw"})
    events = {e.kind: e for e in db.session.scalars(select(SecurityEvent))}
    assert events["account_deactivated"].actor_id == world.admin.id
    assert events["account_deactivated"].user_id == world.officer1.id
    assert events["account_created"].email == "new.officer@t.cn"
    assert events["account_created"].actor_id == world.admin.id
    assert _kinds("fresh@x.cn") == ["registration_requested", "registration_confirmed"]


def test_the_auditor_reads_and_exports_the_log_others_do_not_know_it(client, auth, world):
    auth.login(world.founder.email, "=HYPERLINK(\"x\")")
    login(auth, world.auditor)
    page = text(client.get("/audit/security?kind=login_failed"))
    assert world.founder.email in page and "Login failed" in page
    rows = list(csv.reader(io.StringIO(
        client.get("/audit/security.csv").get_data().decode("utf-8-sig"))))
    assert rows[0][:4] == ["Time (UTC)", "Event", "Event code", "Account (e-mail)"]
    assert any(row[1:4] == ["Login failed", "login_failed", world.founder.email]
               for row in rows)
    client.post("/language", data={"lang": "zh"})  # the reader's language, headers included
    rows = list(csv.reader(io.StringIO(
        client.get("/audit/security.csv").get_data().decode("utf-8-sig"))))
    assert rows[0][:4] == ["时间（UTC）", "事件", "事件代码", "账户（邮箱）"]
    assert any(row[1] == "登录失败" and row[2] == "login_failed" for row in rows)
    for user in (world.founder, world.officer1, world.pool_admin, world.park_reviewer):
        switch_to(auth, user)
        assert client.get("/audit/security").status_code == 404
        assert client.get("/audit/security.csv").status_code == 404
    switch_to(auth, world.admin)
    assert client.get("/audit/security").status_code == 200


def test_the_log_names_roles_in_the_readers_language(client, auth, world):
    login(auth, world.admin)
    client.post("/admin/users", data={
        "email": "role.named@t.cn", "name": "新信贷员", "role": "bank_officer",
        "org_code": world.bank1.code, "password": "long-enough-pw"})
    switch_to(auth, world.auditor)
    row = text(client.get("/audit/security?kind=account_created"))
    assert "Bank credit officer" in row and ">bank_officer<" not in row
