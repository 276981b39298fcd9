"""Issue #11: an institution added by an administrator is in the security log (who, when,
which one), as the auditor reads it, in English and in Chinese; a refused one is not."""

from sqlalchemy import func
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.models import SecurityEvent
from tests.web import login
from tests.web import switch_to
from tests.web import text

NEW_BANK = {"kind": "bank", "code": "bank-9", "name": "九号银行", "name_en": "Bank Nine"}


def test_adding_an_institution_is_in_the_security_log(client, auth, world):
    login(auth, world.admin)
    assert client.post("/admin/organisations", data=NEW_BANK).status_code == 302
    again = client.post("/admin/organisations", data=NEW_BANK)  # its code exists already
    assert again.status_code == 422
    event = db.session.scalar(select(SecurityEvent).where(
        SecurityEvent.kind == "organisation_created"))
    assert event.actor_id == world.admin.id and event.address == "127.0.0.1"
    assert "bank-9" in event.detail and "九号银行" in event.detail
    assert db.session.scalar(select(func.count()).select_from(SecurityEvent).where(
        SecurityEvent.kind == "organisation_created")) == 1

    switch_to(auth, world.auditor)
    page = text(client.get("/audit/security?kind=organisation_created"))
    assert "Institution added" in page and "bank-9: 九号银行" in page
    client.post("/language", data={"lang": "zh"})
    page = text(client.get("/audit/security?kind=organisation_created"))
    assert "新增机构" in page and "Institution added" not in page
