"""A company's name and credit code, once an application was submitted on them, change only
through a request its park decides (the attack: a founder renamed the company and changed
its code while the loan was covered, and the pool's export showed the new identity). Each
application keeps the identity it was submitted and decided on; the changes are the
identity's history."""

import csv
import io

from sqlalchemy import select

from talentfin.extensions import db
from talentfin.models import Enterprise
from talentfin.models import IdentityChange
from tests import factories
from tests import pool_factories as pf
from tests.web import login
from tests.web import switch_to
from tests.web import text

OLD_NAME = "测试企业1"


def _company(enterprise: Enterprise, **changes) -> dict:
    return {"name": enterprise.name, "uscc": enterprise.uscc, "park_id": enterprise.park_id,
            "registered_in_district": "y", "founded_on": enterprise.founded_on.isoformat(),
            "registered_capital": "5,000,000", "legal_representative": "陈海洋",
            "address": "青岛市崂山区松岭路 1 号", "industry": "软件", "employees": "10",
            **changes}


def _enterprise(world) -> Enterprise:
    db.session.expire_all()
    return db.session.get(Enterprise, world.founder.enterprise_id)


def _ask(client, name: str, uscc: str, reason: str = "工商变更登记已完成。"):
    return client.post("/company/identity-change", data={
        "identity-new_name": name, "identity-new_uscc": uscc, "identity-reason": reason})


def test_a_draft_only_company_changes_its_name_freely(client, auth, world):
    factories.draft(world)
    login(auth, world.founder)
    enterprise = _enterprise(world)
    response = client.post("/company/", data=_company(enterprise, name="新名称有限公司"))
    assert response.status_code == 302
    assert _enterprise(world).name == "新名称有限公司"


def test_once_submitted_the_name_and_code_are_not_changed_on_the_profile(client, auth, world):
    loan = pf.covered_loan(world)
    login(auth, world.founder)
    enterprise = _enterprise(world)
    page = text(client.get("/company/"))
    assert 'id="identity-locked"' in page and 'id="identity"' in page
    for changes in ({"name": "改名有限公司"}, {"uscc": factories.demo_uscc(501)}):
        response = client.post("/company/", data=_company(enterprise, **changes))
        assert response.status_code == 422
        assert "are not changed here once an application was submitted on them" in text(
            response)
    assert (_enterprise(world).name, _enterprise(world).uscc) == (OLD_NAME, enterprise.uscc)
    # The other details still change here.
    response = client.post("/company/", data=_company(enterprise, address="青岛市崂山区新址 8 号"))
    assert response.status_code == 302 and _enterprise(world).address == "青岛市崂山区新址 8 号"
    assert loan.firm_name == OLD_NAME


def test_the_park_decides_and_the_applications_keep_their_identity(client, auth, world):
    loan = pf.covered_loan(world)
    old_uscc = _enterprise(world).uscc
    new_uscc = factories.demo_uscc(502)
    login(auth, world.founder)
    assert _ask(client, "深蓝海洋科技有限公司", new_uscc).status_code == 302
    page = text(client.get("/company/"))
    assert 'id="identity-pending"' in page and "深蓝海洋科技有限公司" in page
    assert "already waits for the park" in text(client.get(
        _ask(client, "又一个名字有限公司", new_uscc).location))
    change = db.session.scalar(select(IdentityChange))
    # Another park neither sees nor decides it.
    switch_to(auth, world.park2_reviewer)
    assert change.new_name not in text(client.get("/company/identity-changes"))
    assert client.post(f"/company/identity-changes/{change.id}/approve",
                       data={"note": ""}).status_code == 404
    switch_to(auth, world.park_reviewer)
    assert change.new_name in text(client.get("/company/identity-changes"))
    assert client.post(f"/company/identity-changes/{change.id}/approve",
                       data={"note": ""}).status_code == 302
    enterprise = _enterprise(world)
    assert (enterprise.name, enterprise.uscc) == ("深蓝海洋科技有限公司", new_uscc)
    assert db.session.get(IdentityChange, change.id).status == "approved"
    # The covered loan still reads as it was decided: its page, the queue, the pool's export.
    page = text(client.get(f"/applications/{loan.id}"))
    assert OLD_NAME in page and old_uscc in page and "深蓝海洋科技有限公司" not in page
    assert OLD_NAME in text(client.get("/queue/?status=all"))
    switch_to(auth, world.auditor)
    rows = list(csv.reader(io.StringIO(
        client.get("/pool/export/loans.csv").get_data().decode("utf-8-sig"))))
    loan_row = next(row for row in rows if loan.reference in row)
    assert OLD_NAME in loan_row and old_uscc in loan_row
    # A new application is made on the new identity; the history shows the change.
    later = factories.loan_in(world, "park_review")
    assert later.company_name == "深蓝海洋科技有限公司"
    switch_to(auth, world.founder)
    history = text(client.get("/company/"))
    assert "深蓝海洋科技有限公司" in history and "approved" in history


def test_a_refusal_needs_its_reason_and_changes_nothing(client, auth, world):
    pf.covered_loan(world)
    login(auth, world.founder)
    _ask(client, "改个名字有限公司", _enterprise(world).uscc)
    change = db.session.scalar(select(IdentityChange))
    switch_to(auth, world.park_reviewer)
    refused = client.post(f"/company/identity-changes/{change.id}/refuse", data={"note": " "})
    assert "Say why the change is refused." in text(client.get(refused.location))
    client.post(f"/company/identity-changes/{change.id}/refuse",
                data={"note": "未见工商变更材料。"})
    assert db.session.get(IdentityChange, change.id).status == "refused"
    assert _enterprise(world).name == OLD_NAME
    # Decided once: a second decision (another tab) is refused.
    again = client.post(f"/company/identity-changes/{change.id}/approve", data={"note": ""})
    assert "decided a moment ago" in text(client.get(again.location))
    assert _enterprise(world).name == OLD_NAME


def test_a_code_of_another_company_is_refused(client, auth, world):
    pf.covered_loan(world)
    login(auth, world.founder)
    other = db.session.get(Enterprise, world.founder2.enterprise_id)
    response = _ask(client, "借用代码有限公司", other.uscc)
    assert "A company with this credit code is already registered" in text(
        client.get(response.location))
    assert db.session.scalar(select(IdentityChange)) is None


def test_a_refused_rename_shows_the_companys_own_name_again(client, auth, world):
    pf.covered_loan(world)
    login(auth, world.founder)
    response = client.post("/company/",
                           data=_company(_enterprise(world), name="篡改后的名称有限公司"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'value="{OLD_NAME}"' in page and "篡改后的名称有限公司" not in page
