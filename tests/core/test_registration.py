"""A founder's registration confirmed by a mailed link: the page answers the same for a
new and a known address (the mail says which), nothing is created until the link is
followed, the link works once and for 24 hours, and registrations and dossier lookups are
limited per network address (counted in the database)."""

import logging
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.factory import create_app
from talentfin.models import Enterprise
from talentfin.models import OutboxTask
from talentfin.models import PendingRegistration
from talentfin.models import RateEvent
from talentfin.models import User
from talentfin.services.outbox import send_one_mail
from talentfin.services.registration import prune_registrations
from tests import factories
from tests.web import login
from tests.web import registration_link
from tests.web import text

FORM = {"name": "新创始人", "company_name": "新公司", "uscc": "91350100M000100Y43",
        "password": "long-enough-pw", "confirm": "long-enough-pw"}


def _register(client, email: str, **changes):
    return client.post("/register", data={**FORM, "email": email, **changes})


def _mails() -> list[dict]:
    return [t.payload for t in db.session.scalars(
        select(OutboxTask).where(OutboxTask.kind == "send_mail").order_by(OutboxTask.id))]


def test_nothing_is_created_until_the_link_is_followed_once(client, world):
    client.post("/language", data={"lang": "en"})
    response = _register(client, "New@Founder.cn")
    page = text(response)
    assert response.status_code == 200
    assert "We sent a message to new@founder.cn. Follow its link within 24 hours" in page
    assert db.session.scalar(select(User.id).where(User.email == "new@founder.cn")) is None
    assert db.session.scalar(select(Enterprise.id).where(
        Enterprise.uscc == FORM["uscc"])) is None
    [mail] = _mails()
    assert mail["subject"] == "Finish your talentfin registration"
    link = registration_link("new@founder.cn")
    assert "long-enough-pw" not in str(mail)  # the password is never mailed
    # Opening the link (a mail scanner does) shows a button and creates nothing.
    opened = client.get(link)
    assert opened.status_code == 200 and 'id="confirm-registration"' in text(opened)
    assert db.session.scalar(select(User.id).where(User.email == "new@founder.cn")) is None
    followed = client.post(link)
    assert followed.status_code == 302 and followed.location.endswith("/company/")
    user = db.session.scalar(select(User).where(User.email == "new@founder.cn"))
    assert user.role == "founder" and user.check_password("long-enough-pw")
    assert db.session.get(Enterprise, user.enterprise_id).name == "新公司"
    assert client.get("/company/").status_code == 200  # logged in
    client.post("/logout")
    again = client.post(link)
    assert again.status_code == 410 and "This link is not valid any more" in text(again)
    assert db.session.scalar(select(func.count(User.id)).where(
        User.email == "new@founder.cn")) == 1


def test_a_known_address_gets_the_same_page_and_a_mail_saying_so(client, world):
    client.post("/language", data={"lang": "en"})
    known = _register(client, world.officer1.email)
    unknown = _register(client, "someone-new@x.cn", uscc=factories.demo_uscc(78))
    assert known.status_code == unknown.status_code == 200
    assert text(known).replace(world.officer1.email, "ADDRESS") == text(unknown).replace(
        "someone-new@x.cn", "ADDRESS")
    first, second = _mails()
    assert first["to"] == world.officer1.email
    assert first["subject"] == "You already have a talentfin account"
    assert "/register/confirm/" not in first["body"] and "/login" in first["body"]
    assert second["subject"] == "Finish your talentfin registration"
    # Only the new address has a registration waiting; the staff account is untouched.
    assert db.session.scalars(select(PendingRegistration.email)).all() == ["someone-new@x.cn"]
    assert db.session.get(User, world.officer1.id).role == "bank_officer"


def test_a_link_older_than_a_day_is_refused(client, world):
    _register(client, "late@x.cn")
    link = registration_link("late@x.cn")
    pending = db.session.scalar(select(PendingRegistration))
    pending.expires_at -= timedelta(hours=25)
    db.session.commit()
    client.post("/language", data={"lang": "en"})
    response = client.post(link)
    assert response.status_code == 410 and "more than 24 hours have passed" in text(response)
    assert client.get(link).status_code == 410
    assert db.session.scalar(select(User.id).where(User.email == "late@x.cn")) is None
    pending.expires_at -= timedelta(days=8)
    db.session.commit()
    assert prune_registrations() == 1


def test_a_made_up_link_is_refused(client, world):
    assert client.get("/register/confirm/" + "x" * 43).status_code == 410
    assert client.post("/register/confirm/" + "x" * 43).status_code == 410
    assert client.get("/register/confirm/" + "x" * 5000).status_code in (404, 410)


def test_registrations_are_limited_per_network_address(app, client, world):
    app.config["REGISTER_MAX_PER_ADDRESS"] = 3
    try:
        client.post("/language", data={"lang": "en"})
        for index in range(3):
            assert _register(client, f"r{index}@x.cn").status_code == 200
        refused = _register(client, "r9@x.cn")
        assert refused.status_code == 422
        assert "Too many registrations from this network" in text(refused)
        assert len(_mails()) == 3
    finally:
        app.config["REGISTER_MAX_PER_ADDRESS"] = 10


def test_without_a_mail_server_the_message_goes_to_the_log(app, world, caplog):
    with caplog.at_level(logging.WARNING):
        send_one_mail({"to": "a@x.cn", "subject": "S", "body": "http://h/register/confirm/t"})
    assert "MAIL_ENABLED is off" in caplog.text and "/register/confirm/t" in caplog.text


def test_dossier_lookups_are_limited_per_network_address(app, client, world):
    app.config["VERIFY_MAX_PER_ADDRESS"] = 5
    try:
        client.post("/language", data={"lang": "en"})
        statuses = [client.get(f"/verify/?code=NOPE{index}").status_code for index in range(5)]
        assert statuses == [200] * 5
        refused = client.get("/verify/NOPE9")
        assert refused.status_code == 429 and refused.headers["Retry-After"] == "600"
        assert "Too many lookups from this network" in text(refused)
    finally:
        app.config["VERIFY_MAX_PER_ADDRESS"] = 60


def test_behind_a_proxy_the_limits_count_the_clients_address(app, world):
    proxied = create_app({key: app.config[key] for key in (
        "TESTING", "SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "UPLOAD_FOLDER", "DOSSIER_FOLDER",
        "PASSWORD_HASH_METHOD", "WTF_CSRF_ENABLED")} | {"PROXY_COUNT": 1})
    client = proxied.test_client()
    for address in ("203.0.113.7", "203.0.113.8"):
        client.get("/verify/?code=NOPE", headers={"X-Forwarded-For": address})
    keys = db.session.scalars(select(RateEvent.key).where(RateEvent.bucket == "verify")
                              .order_by(RateEvent.id)).all()
    assert keys == ["203.0.113.7", "203.0.113.8"]
    # HTTPS at the proxy: browsers are told to keep to it; plain HTTP is not told.
    secure = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_logged_in_pages_and_files_are_not_stored_static_assets_are(client, auth, world):
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")
    login(auth, world.founder)
    for url in ("/", "/applications/", "/company/"):
        assert client.get(url).headers.get("Cache-Control") == "no-store", url
    asset = client.get("/static/app.js")
    assert asset.status_code == 200 and "no-store" not in asset.headers.get("Cache-Control", "")
