"""Organisations and roles for all five products: the administrator creates an institution
of every partner kind and an account of every role; each role belongs to its kind only,
starts on an empty queue of its own, and sees nothing of another product's applications."""

import pytest
from sqlalchemy import select

from talentfin.institutions import KINDS
from talentfin.institutions import ROLES
from talentfin.institutions import kind_of
from talentfin.models import Organisation
from talentfin.models import User
from tests import factories
from tests.web import login
from tests.web import text

PARTNER_KINDS = ("bank", "insurer", "fund", "underwriter", "exchange", "broker")
PARTNER_ROLES = sorted(key for key, role in ROLES.items() if role.kind in PARTNER_KINDS)


def test_every_products_partner_kind_has_an_officer_and_an_approver():
    assert set(PARTNER_KINDS) <= {key for key, kind in KINDS.items() if kind.partner}
    for kind in PARTNER_KINDS:
        roles = {key for key, role in ROLES.items() if role.kind == kind}
        assert {f"{kind}_officer", f"{kind}_approver"} <= roles
    # The committees the products need.
    assert (kind_of("fund_ic"), kind_of("bond_committee"), kind_of("listing_committee")) == (
        "fund", "underwriter", "exchange")


def test_the_administrator_adds_an_institution_of_every_kind(client, auth, world, db):
    login(auth, world.admin)
    form = text(client.get("/admin/organisations"))
    for kind in PARTNER_KINDS:
        assert f'value="{kind}"' in form
        response = client.post("/admin/organisations", data={
            "kind": kind, "code": f"{kind}-9", "name": f"{kind} 九号", "name_en": f"{kind} 9"})
        assert response.status_code == 302, text(response)
    kinds = set(db.session.scalars(select(Organisation.kind)))
    assert kinds >= set(PARTNER_KINDS)
    page = text(client.get("/admin/organisations"))
    assert "Recommending institution" in page and "Underwriter" in page  # kinds in words


@pytest.mark.parametrize("role", PARTNER_ROLES)
def test_every_partner_role_is_created_for_its_kind_only(client, auth, world, role, db):
    kind = kind_of(role)
    own = factories.organisation(kind, f"{kind}-own")
    login(auth, world.admin)
    wrong = world.park if kind != "park" else world.bank1
    refused = client.post("/admin/users", data={
        "name": "错", "email": f"wrong-{role}@t.cn", "role": role, "org_code": wrong.code,
        "password": "initial-pass-1"})
    assert refused.status_code == 422
    created = client.post("/admin/users", data={
        "name": "新", "email": f"{role}@t.cn", "role": role, "org_code": own.code,
        "password": "initial-pass-1"})
    assert created.status_code == 302
    person = db.session.scalar(select(User).where(User.email == f"{role}@t.cn"))
    assert person.org_id == own.id

    loan = factories.loan_in(world, "partner_review")
    auth.logout()
    assert auth.login(person.email, "initial-pass-1").status_code == 302
    assert client.get("/queue/").status_code == 200
    if kind != "bank":  # a partner of another product sees no loan
        assert loan.reference not in text(client.get("/queue/?status=all"))
        assert client.get(f"/applications/{loan.id}").status_code == 404


def test_create_user_accepts_every_role(runner, world, db):
    org = factories.organisation("fund", "fund-1")
    result = runner.invoke(args=["create-user", "--email", "ic@fund.cn", "--name", "IC",
                                 "--role", "fund_ic", "--org", org.code,
                                 "--password", "cli-password-1"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["create-user", "--email", "x@fund.cn", "--name", "X",
                                 "--role", "fund_ic", "--org", world.bank1.code,
                                 "--password", "cli-password-1"])
    assert result.exit_code != 0 and "基金" in result.output  # the kind it needs, in words


def test_a_role_of_no_institution_is_created_without_one(client, auth, world, db):
    """An auditor or administrator belongs to no institution: naming one is refused, in
    words, and nothing is created."""
    login(auth, world.admin)
    refused = client.post("/admin/users", data={
        "name": "审", "email": "auditor2@t.cn", "role": "auditor", "org_code": world.bank1.code,
        "password": "initial-pass-1"})
    assert refused.status_code == 422
    assert "This role belongs to no institution; leave the institution empty." in text(refused)
    assert db.session.scalar(select(User).where(User.email == "auditor2@t.cn")) is None
    created = client.post("/admin/users", data={
        "name": "审", "email": "auditor2@t.cn", "role": "auditor", "org_code": "",
        "password": "initial-pass-1"})
    assert created.status_code == 302
    assert db.session.scalar(select(User).where(User.email == "auditor2@t.cn")).org_id is None
