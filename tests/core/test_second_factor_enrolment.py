"""Issue #11: the secret being enrolled waits in the session cookie (signed, not encrypted:
anyone holding the cookie reads it) sealed with the app's keys, never in clear; enrolment
works as before."""

import re

import pyotp
from flask import g

from talentfin.extensions import db
from talentfin.models import User
from talentfin.services import sealing
from tests.web import login
from tests.web import text


def _cookie(client) -> tuple[str, dict]:
    """The session cookie as sent, and as anyone holding it decodes it (itsdangerous, the
    app's own serializer: the signature proves, it does not hide)."""
    app = client.application
    raw = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    return raw, app.session_interface.get_signing_serializer(app).loads(raw)


def _get(client, url: str):
    g.pop("_login_user", None)  # a fresh request, as a server has (see test_auth)
    return client.get(url)


def test_the_secret_being_enrolled_is_not_readable_in_the_session_cookie(client, auth, world):
    login(auth, world.founder)
    page = text(_get(client, "/account/second-factor"))
    secret = re.search(r'id="second-factor-secret">([A-Z2-7]+)<', page).group(1)
    raw, decoded = _cookie(client)
    assert secret not in raw and secret not in repr(decoded)
    assert sealing.unseal(decoded["totp_secret"]) == secret  # sealed with the app's keys

    # The page again (and its QR code) keeps the same secret; the app's code enrols it.
    again = text(_get(client, "/account/second-factor"))
    assert f'id="second-factor-secret">{secret}<' in again
    assert secret not in repr(_cookie(client)[1])
    qr = _get(client, "/account/second-factor/qr.svg")
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml"
    g.pop("_login_user", None)
    shown = text(client.post("/account/second-factor",
                             data={"code": pyotp.TOTP(secret).now()}))
    assert len(re.findall(r"<li>([0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4})</li>", shown)) == 10
    user = db.session.get(User, world.founder.id)
    db.session.refresh(user)
    assert user.totp_enabled_at is not None and sealing.unseal(user.totp_secret) == secret
    assert "totp_secret" not in _cookie(client)[1]  # gone once enrolled
