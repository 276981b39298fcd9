"""Passwords and account status: a user changes their own password; the administrator
deactivates, reactivates and sets a temporary password; nobody else may."""

import pytest
from flask import g

from talentfin.extensions import db
from talentfin.models import User
from tests import factories
from tests.web import login
from tests.web import text

NEW = "a-new-password-42"


def _change(client, current, new, confirm=None):
    return client.post("/account/password", data={
        "current": current, "password": new, "confirm": confirm or new})


def test_a_user_changes_their_own_password(client, auth, world):
    login(auth, world.officer1)
    assert "Change password" in text(client.get("/queue/"))
    response = _change(client, "wrong-password", NEW)
    assert response.status_code == 422
    assert "The current password is wrong." in text(response)
    response = _change(client, factories.PASSWORD, NEW, confirm=NEW + "x")
    assert response.status_code == 422
    assert "The two passwords differ." in text(response)
    response = _change(client, factories.PASSWORD, "short")
    assert response.status_code == 422
    assert "at least 10 characters" in text(response)
    response = _change(client, factories.PASSWORD, NEW)
    assert response.status_code == 302
    auth.logout()
    assert auth.login(world.officer1.email).status_code != 302  # the old one no longer works
    assert auth.login(world.officer1.email, NEW).status_code == 302


def _account_row(client, user: User) -> str:
    page = client.get("/admin/users").get_data(as_text=True)
    start = page.index(f'id="account-{user.id}"')
    return page[start:page.index("</tr>", start)]


def test_a_deactivated_account_is_logged_out_and_cannot_log_in(client, auth, world):
    login(auth, world.officer1)
    assert client.get("/queue/").status_code == 200
    with client.session_transaction() as officer_session:
        kept = dict(officer_session)
    auth.logout()
    login(auth, world.admin)
    assert "Deactivate" in _account_row(client, world.officer1)
    response = client.post(f"/admin/users/{world.officer1.id}/active", data={"active": "0"},
                           follow_redirects=True)
    assert f"{world.officer1.name} can no longer log in." in text(response)
    assert "Deactivated" in _account_row(client, world.officer1)
    assert db.session.get(User, world.officer1.id).active is False
    auth.logout()
    with client.session_transaction() as session:  # the officer's old session cookie
        session.update(kept)
    response = client.get("/queue/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert auth.login(world.officer1.email).status_code != 302

    login(auth, world.admin)
    client.post(f"/admin/users/{world.officer1.id}/active", data={"active": "1"})
    auth.logout()
    assert auth.login(world.officer1.email).status_code == 302


def test_the_administrator_cannot_lock_themselves_out(client, auth, world):
    login(auth, world.admin)
    assert "Deactivate" not in _account_row(client, world.admin)
    response = client.post(f"/admin/users/{world.admin.id}/active", data={"active": "0"},
                           follow_redirects=True)
    assert "You cannot deactivate your own account." in text(response)
    assert db.session.get(User, world.admin.id).active is True


def test_the_administrator_sets_a_temporary_password(client, auth, world):
    login(auth, world.admin)
    url = f"/admin/users/{world.approver1.id}/password"
    response = client.post(url, data={"password": "short"})
    assert response.status_code == 422 and "at least 10 characters" in text(response)
    response = client.post(url, data={"password": "temporary-pass-1"}, follow_redirects=True)
    assert "A temporary password is set for" in text(response)
    auth.logout()
    assert auth.login(world.approver1.email).status_code != 302
    assert auth.login(world.approver1.email, "temporary-pass-1").status_code == 302


@pytest.mark.parametrize("role", ["officer1", "pool_admin", "auditor", "founder"])
def test_only_the_administrator_manages_accounts(client, auth, world, role):
    login(auth, getattr(world, role))
    target = world.approver1.id
    assert client.post(f"/admin/users/{target}/active", data={"active": "0"}).status_code == 404
    assert client.get(f"/admin/users/{target}/password").status_code == 404
    assert client.post(f"/admin/users/{target}/password",
                       data={"password": "temporary-pass-1"}).status_code == 404
    assert db.session.get(User, target).active is True


def test_changing_a_password_needs_a_login(client):
    response = client.get("/account/password")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def _get(client, url):
    """A request from one of several browsers (the tests' app context keeps Flask-Login's
    user in g across requests, as one real request never would)."""
    g.pop("_login_user", None)
    return client.get(url)


def test_a_password_change_or_reset_ends_the_accounts_other_sessions(app, world):
    first, second = app.test_client(), app.test_client()
    for client in (first, second):
        assert client.post("/login", data={"email": world.officer1.email,
                                           "password": factories.PASSWORD}).status_code == 302
    response = first.post("/account/password", data={
        "current": factories.PASSWORD, "password": NEW, "confirm": NEW})
    assert response.status_code == 302
    assert _get(first, "/queue/").status_code == 200  # the session that changed it goes on
    stolen = _get(second, "/queue/")  # the other one ends
    assert stolen.status_code == 302 and "/login" in stolen.headers["Location"]

    admin = app.test_client()
    g.pop("_login_user", None)
    admin.post("/login", data={"email": world.admin.email, "password": factories.PASSWORD})
    admin.post(f"/admin/users/{world.officer1.id}/password",
               data={"password": "temporary-pass-1"})
    ended = _get(first, "/queue/")
    assert ended.status_code == 302 and "/login" in ended.headers["Location"]


def test_changing_to_the_same_password_is_refused_under_the_new_password(client, auth, world):
    login(auth, world.officer1)
    response = _change(client, factories.PASSWORD, factories.PASSWORD)
    assert response.status_code == 422
    assert "Choose a password different from the current one." in text(response)
