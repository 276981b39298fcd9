"""The on-lent loan through the pages, as the underwriter's staff and the founder read
them: arrears reported by the officer show on the underwriter's book as an overdue on-lent
loan; the approver declares the default (refused first for the missing collection
records, with the reason on the page); the allocation's page then shows the loss and the
layer that bore it, the bond's page its reserve and the government's share drawn, and the
firm's other applications the default banner; all in English and in Chinese."""

import re

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.models import User
from tests import factories
from tests.bond.web_helpers import allocation_in
from tests.bond.web_helpers import bond_in
from tests.bond.web_helpers import card
from tests.bond.web_helpers import day
from tests.bond.web_helpers import done
from tests.bond.web_helpers import element
from tests.bond.web_helpers import refused
from tests.bond.web_helpers import stage_upload
from tests.bond.web_helpers import status_of
from tests.bond.web_helpers import text
from tests.web import login


def _page(client, application_id: int) -> str:
    return text(client.get(f"/applications/{application_id}"))


def test_arrears_then_a_default_through_the_pages(client, auth, world, desk):
    bond = bond_in(desk)
    allocation = allocation_in(world, desk, "repaying", bond=bond)
    allocation_id, reference, bond_id = allocation.id, allocation.reference, bond.id
    owed = allocation.outstanding
    login(auth, desk.officer1)
    page = _page(client, allocation_id)
    assert element(page, "outstanding") == f"{owed / 100:,.2f}"
    assert "id=\"repayments\"" in page
    book = text(client.get("/bond/book"))
    assert "No on-lent loan is in arrears." in book
    done(client, allocation_id, "report_arrears", overdue_since=day(),
         classification="special_mention", comment="本期本息未付。")
    book = text(client.get("/bond/book"))
    overdue = card(book, "overdue-loans")
    assert reference in overdue and day() in overdue and f"{owed / 100:,.2f}" in overdue
    assert "Special mention" in overdue  # the grade reported with the arrears
    assert element(_page(client, allocation_id), "classification") == "Special mention"
    assert "On-lent loans in arrears" in book
    auth.logout()

    login(auth, desk.approver1)
    told = refused(client, allocation_id, "declare_default", classification="substandard",
                   comment="企业停产，认定违约。")
    assert "Upload the collection records first." in told
    assert status_of(told) == "In arrears"
    assert stage_upload(client, allocation_id, "collection_records").status_code == 302
    young = refused(client, allocation_id, "declare_default", classification="",
                    comment="企业停产，认定违约。")
    assert ("A default needs 90 days overdue or a grade of substandard or worse: this loan "
            "is 0 days overdue") in young
    done(client, allocation_id, "declare_default", classification="substandard",
         comment="企业停产，认定违约。")
    page = _page(client, allocation_id)
    assert status_of(page) == "In default: loss absorbed"
    assert element(page, "outstanding") == f"{owed / 100:,.2f}"
    assert element(page, "classification") == "Substandard"
    layers = card(page, "loss-layers")
    assert re.search(rf'Total</th><td class="text-end">{owed / 100:,.2f}<', layers)
    assert "Bond default: drawn on the risk reserve" in layers
    assert "Bond default: drawn on the government's share" in layers
    assert "Default and loss-sharing record" in card(page, "dossiers")
    bond_page = _page(client, bond_id)
    # Each allocation opens from the bond's page.
    assert f'href="/applications/{allocation_id}"' in card(bond_page, "allocations")
    assert element(bond_page, "risk-reserve") == "0.00"
    assert "10,000,000.00" in element(bond_page, "government-share")  # 5 % of 200 M
    assert reference not in card(text(client.get("/bond/book")), "overdue-loans")
    client.post("/language", data={"lang": "zh"})
    page = _page(client, allocation_id)
    assert status_of(page) == "违约（损失已分担）"
    assert "风险准备金" in card(page, "loss-layers")
    auth.logout()

    # The founder's other applications carry the default banner.
    founder = db.session.get(User, world.founder.id)
    loan = factories.draft(world)
    login(auth, founder)
    banner = element(_page(client, loan.id), "firm-defaults")
    assert banner != "" or reference in _page(client, loan.id)
    assert business_today()  # the pages were read on the business day
