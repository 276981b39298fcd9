"""The partner API's clients administered: a client is registered with known scopes only;
the command line and the administrator's pages register, rotate and revoke clients, a secret
is shown once and never kept; nobody but the administrator manages clients."""

import re

import pytest
from sqlalchemy import func
from sqlalchemy import select

from talentfin.models import ApiClient
from talentfin.models import SecurityEvent
from talentfin.services import api_clients
from tests.web import TOKEN_URL
from tests.web import api_basic
from tests.web import api_token
from tests.web import login
from tests.web import switch_to


def test_registration_refuses_unknown_scopes(world):
    with pytest.raises(api_clients.ClientRefused):
        api_clients.register(world.bank1, "x", ["admin"], world.admin)
    with pytest.raises(api_clients.ClientRefused):
        api_clients.register(world.bank1, "x", [], world.admin)


def test_the_command_line_registers_and_revokes_a_client(runner, world, db):
    result = runner.invoke(["api-client", "create", world.bank1.code, "--scopes", "read,decide"])
    assert result.exit_code == 0, result.output
    client_id = result.output.split("client_id: ")[1].split()[0]
    row = db.session.scalar(select(ApiClient).where(ApiClient.client_id == client_id))
    assert row.scope_list() == ["read", "decide"]
    revoked = runner.invoke(["api-client", "revoke", client_id])
    assert revoked.exit_code == 0 and revoked.output == f"{client_id} revoked\n"
    db.session.expire_all()
    assert db.session.get(ApiClient, row.id).revoked_at is not None
    again = runner.invoke(["api-client", "revoke", client_id])
    assert again.exit_code == 0 and f"{client_id} was already revoked on" in again.output
    assert runner.invoke(["api-client", "create", "no-such-org"]).exit_code != 0


def test_the_administrator_registers_rotates_and_revokes_clients_in_the_pages(
        client, auth, world, db):
    login(auth, world.admin)
    page = client.get("/admin/api-clients")
    assert page.status_code == 200 and "No API clients yet." in page.get_data(as_text=True)
    refused = client.post("/admin/api-clients", data={"org_code": world.bank1.code,
                                                      "name": "核心系统"})
    assert refused.status_code == 422  # no scope chosen
    made = client.post("/admin/api-clients", data={
        "org_code": world.bank1.code, "name": "核心系统", "scopes": ["read", "decide"]})
    assert made.status_code == 302  # POST-redirect-GET: the secret's page is a GET
    app = client.application
    waiting = app.session_interface.get_signing_serializer(app).loads(
        client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value)
    shown = client.get(made.headers["Location"])
    assert shown.status_code == 200
    html = shown.get_data(as_text=True)
    client_id = re.search(r'id="client-id">([^<]+)<', html).group(1)
    secret = re.search(r'id="client-secret">([^<]+)<', html).group(1)
    # The cookie is signed, not encrypted: the secret waited in it sealed.
    assert waiting["api_client_new"]["secret"] and secret not in repr(waiting)
    assert api_token(client, client_id, secret)
    row = db.session.scalar(select(ApiClient).where(ApiClient.client_id == client_id))
    listing = client.get("/admin/api-clients").get_data(as_text=True)
    assert client_id in listing and secret not in listing  # shown once only
    reloaded = client.get(made.headers["Location"], follow_redirects=True)
    assert secret not in reloaded.get_data(as_text=True)  # a reload shows it no more
    assert "is not kept" in reloaded.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ApiClient.id))) == 1  # nor makes another

    rotation = client.post(f"/admin/api-clients/{row.id}/rotate")
    assert rotation.status_code == 302
    rotated = client.get(rotation.headers["Location"]).get_data(as_text=True)
    new_secret = re.search(r'id="client-secret">([^<]+)<', rotated).group(1)
    assert new_secret != secret
    again = client.get(rotation.headers["Location"], follow_redirects=True)
    assert new_secret not in again.get_data(as_text=True)
    assert api_token(client, client_id, new_secret)  # the reload rotated nothing
    assert client.post(TOKEN_URL, data={"grant_type": "client_credentials"},
                       headers=api_basic(client_id, secret)).status_code == 401
    assert api_token(client, client_id, new_secret)
    revoked = client.post(f"/admin/api-clients/{row.id}/revoke", follow_redirects=True)
    assert f"The client {client_id} is revoked." in revoked.get_data(as_text=True)
    assert client.post(TOKEN_URL, data={"grant_type": "client_credentials"},
                       headers=api_basic(client_id, new_secret)).status_code == 401
    twice = client.post(f"/admin/api-clients/{row.id}/revoke", follow_redirects=True)
    assert f"The client {client_id} was already revoked on" in twice.get_data(as_text=True)
    assert f"The client {client_id} is revoked." not in twice.get_data(as_text=True)
    assert db.session.scalar(select(func.count(SecurityEvent.id)).where(
        SecurityEvent.kind == "api_client_revoked")) == 1
    assert client.post(f"/admin/api-clients/{row.id}/rotate").status_code == 409
    assert client.post("/admin/api-clients/999999/revoke").status_code == 404
    # Nobody else manages clients (the page is hidden, as the accounts page is).
    for user in (world.officer1, world.auditor, world.pool_admin):
        switch_to(auth, user)
        hidden = client.get("/admin/users").status_code
        assert hidden in (403, 404)
        assert client.get("/admin/api-clients").status_code == hidden
        assert client.post(f"/admin/api-clients/{row.id}/rotate").status_code == hidden
