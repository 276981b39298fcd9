"""人才投 through the web client, state by state, as each role does it: the founder applies
with the firm's cap table, the park recommends, the investment manager passes the
prescreen, the approver approves the project with the workstreams' owners, each owner files
a finding with the report, the manager completes due diligence and files the valuation, the
committee's chair opens the meeting, the members vote, the chair records the resolution,
the scheduler closes the publicity period, the manager records the agreement signed and the
money paid in, the founder files a report owed, and the fund exits."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.jobs import fire_scheduled
from talentfin.models import Dossier
from talentfin.services.outbox import run_pending
from talentfin.services.sla import send_documents_due
from talentfin.workflows.equity.models import CashFlow
from talentfin.workflows.equity.models import Obligation
from talentfin.workflows.equity.models import Vote
from talentfin.workflows.equity.models import Workstream
from tests import factories
from tests.equity.web_helpers import REQUIRED_DOCUMENTS
from tests.equity.web_helpers import Funds
from tests.equity.web_helpers import card
from tests.equity.web_helpers import deal_in
from tests.equity.web_helpers import done
from tests.equity.web_helpers import flashes
from tests.equity.web_helpers import make_funds
from tests.equity.web_helpers import post_finding
from tests.equity.web_helpers import post_meeting
from tests.equity.web_helpers import post_report
from tests.equity.web_helpers import post_vote
from tests.equity.web_helpers import refused
from tests.equity.web_helpers import section
from tests.equity.web_helpers import stage_upload
from tests.equity.web_helpers import status_of
from tests.equity.web_helpers import text
from tests.web import fire
from tests.web import fresh
from tests.web import login
from tests.web import switch_to
from tests.web import upload


@pytest.fixture
def funds(world) -> Funds:
    """The funds of these tests (this module's own, beside tests/equity/conftest.py's)."""
    return make_funds()

# The founder's request: 3,000,000 yuan at a pre-money valuation of 12,000,000.
REQUEST = {"requested_amount": "3,000,000", "asked_pre_money": "12,000,000", "staff": "10",
           "rd_staff": "4", "total_assets": "18,000,000", "revenue": "6,500,000",
           "purpose": "用于新一代传感器研发及首批量产线建设。"}
# The cap table before the round: the largest holder has 40 %.
HOLDERS = (("陈海洋", "40"), ("蓝海创投", "35"), ("员工持股平台", "25"))


def _holders(rows) -> dict:
    data = {}
    for n, (name, stake) in enumerate(rows):
        data[f"holder_{n}-name"], data[f"holder_{n}-stake"] = name, stake
    return data


def _new_application(client) -> int:
    """The founder's "new application" button for 人才投 (with its one-time token)."""
    page = text(client.get("/applications/"))
    assert 'id="new-equity"' in page
    token = re.search(r'value="equity">\s*<input type="hidden" name="opened_with" '
                      r'value="([^"]+)"', page).group(1)
    response = client.post("/applications/new", data={"product": "equity",
                                                      "opened_with": token})
    assert "/edit/company" in response.location
    return int(response.location.split("/")[-3])


def _request(client, application_id: int, fund_id: int, rows=HOLDERS, **changes):
    return client.post(f"/applications/{application_id}/edit/request", data={
        **REQUEST, "partner_org_id": str(fund_id), **_holders(rows), **changes})


def _value(page: str, name: str) -> str:
    """The value an input of the page holds."""
    found = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', page) or re.search(
        rf'value="([^"]*)"[^>]*name="{re.escape(name)}"', page)
    return found.group(1) if found else ""


def _page(client, application_id: int) -> str:
    response = client.get(f"/applications/{application_id}")
    assert response.status_code == 200
    return text(response)


def test_the_founder_fills_the_request_step_with_the_cap_table(client, auth, world, funds):
    login(auth, world.founder)
    application_id = _new_application(client)
    page = text(client.get(f"/applications/{application_id}/edit/request"))
    assert 'id="cap-table"' in page and "Enter the cap table" in page

    # The stakes add up to 95 %: said with the figure, every row kept as typed.
    short = _request(client, application_id, funds.fund1.id,
                     rows=(("陈海洋", "40"), ("蓝海创投", "30"), ("员工持股平台", "25")))
    assert short.status_code == 422
    page = text(short)
    assert "The cap table's stakes add up to 95.00%; they must add up to 100%." in page
    assert [_value(page, f"holder_{n}-name") for n in range(3)] == [
        "陈海洋", "蓝海创投", "员工持股平台"]
    assert [_value(page, f"holder_{n}-stake") for n in range(3)] == ["40", "30", "25"]
    assert _value(page, "requested_amount") == "3,000,000"
    assert fresh(application_id).cap_table == []

    # A holder without a stake, and a stake without a holder.
    gaps = _request(client, application_id, funds.fund1.id,
                    rows=(("陈海洋", "40"), ("蓝海创投", ""), ("", "25")))
    assert gaps.status_code == 422
    page = text(gaps)
    assert "Enter this holder's stake." in page and "Name the holder of this stake." in page
    assert _value(page, "holder_1-name") == "蓝海创投" and _value(page, "holder_2-stake") == "25"
    assert fresh(application_id).cap_table == []

    # R&D staff above the whole staff is said on its field.
    more = _request(client, application_id, funds.fund1.id, rd_staff="11")
    assert more.status_code == 422
    assert "The R&D staff cannot be more than the whole staff." in text(more)

    saved = _request(client, application_id, funds.fund1.id)
    assert saved.status_code == 302 and saved.location.endswith("/edit/documents")
    draft = fresh(application_id)
    assert draft.cap_table == [{"name": "陈海洋", "stake_bp": 4000},
                               {"name": "蓝海创投", "stake_bp": 3500},
                               {"name": "员工持股平台", "stake_bp": 2500}]
    assert (draft.requested_amount_fen, draft.asked_pre_money_fen, draft.staff,
            draft.rd_staff) == (3_000_000_00, 12_000_000_00, 10, 4)
    # Back on the step, the draft is what the form shows.
    page = text(client.get(f"/applications/{application_id}/edit/request"))
    assert _value(page, "holder_2-name") == "员工持股平台"
    assert _value(page, "holder_2-stake") == "25.00"


def test_a_deal_from_the_application_to_the_exit(client, auth, world, funds):
    today = business_today()
    # --- the founder applies ---------------------------------------------------------------
    login(auth, world.founder)
    application_id = _new_application(client)
    assert _request(client, application_id, funds.fund1.id).status_code == 302
    review = text(client.get(f"/applications/{application_id}/edit/review"))
    assert "Please upload the required documents: Business plan" in card(review, "eligibility")
    early = fire(client, application_id, "submit")
    assert early.location.endswith("/edit/review") and fresh(application_id).status == "draft"
    for kind in REQUIRED_DOCUMENTS:
        assert upload(client, application_id, kind).status_code == 302
    review = text(client.get(f"/applications/{application_id}/edit/review"))
    assert "陈海洋 40.00%" in review and "3,000,000.00" in review
    assert "meet the eligibility rules" in card(review, "eligibility")
    assert 'id="submit-application"' in review
    assert fire(client, application_id, "submit").status_code == 302
    page = _page(client, application_id)
    assert status_of(page) == "Park review"
    assert "陈海洋" in card(page, "cap-table") and "40.00%" in card(page, "cap-table")
    reference = fresh(application_id).reference

    # --- the park recommends it to the fund ------------------------------------------------
    switch_to(auth, world.park_reviewer)
    assert reference in text(client.get("/queue/"))
    done(client, application_id, "park_approve", comment="企业在园区内正常经营，同意推荐。")
    assert fresh(application_id).status == "prescreen"

    # --- the investment manager passes the prescreen ---------------------------------------
    switch_to(auth, funds.manager1)
    assert reference in text(client.get("/queue/"))
    page = _page(client, application_id)
    assert status_of(page) == "Prescreen by the investment manager"
    assert 'id="action-prescreen_pass"' in page and "蓝海创投" in card(page, "cap-table")
    assert "Please give a reason." in refused(client, application_id, "prescreen_pass")
    done(client, application_id, "prescreen_pass", comment="团队与技术符合投资方向，建议立项。")
    book = text(client.get("/equity/book"))
    assert "Project approval (立项)" in section(book, "pipeline")

    # --- the approver approves the project with the workstreams' owners --------------------
    switch_to(auth, funds.approver1)
    assert reference in text(client.get("/queue/"))
    page = _page(client, application_id)
    assert 'id="action-approve_project"' in page
    done(client, application_id, "approve_project", comment="同意立项。",
         business_owner=str(funds.manager1.id), legal_owner=str(funds.approver1b.id),
         financial_owner=str(funds.manager1.id))
    assert fresh(application_id).status == "due_diligence"
    owners = {w.kind: w.owner_id for w in db.session.scalars(select(Workstream))}
    assert owners == {"business": funds.manager1.id, "legal": funds.approver1b.id,
                      "financial": funds.manager1.id}

    # --- each owner files a finding with the report ----------------------------------------
    switch_to(auth, funds.manager1)
    page = _page(client, application_id)
    assert 'id="finding-business"' in page and 'id="finding-financial"' in page
    assert 'id="finding-legal"' not in page  # the legal workstream is another's
    early = fire(client, application_id, "complete_dd", comment="尽调完成。")
    assert early.status_code == 422
    assert "Still open: Business due diligence, Legal due diligence, Financial due " \
           "diligence." in text(early)
    assert post_finding(client, application_id, "business").status_code == 302
    assert post_finding(client, application_id, "financial", "clear",
                        "财务数据与报表一致。").status_code == 302
    switch_to(auth, funds.approver1b)
    flag = post_finding(client, application_id, "legal", "red_flag", report=True)
    assert "Say what the red flag is." in flashes(text(client.get(flag.location)))
    assert post_finding(client, application_id, "legal", "red_flag",
                        "核心专利的权属尚待确认。").status_code == 302
    page = _page(client, application_id)
    diligence = card(page, "diligence")
    assert "Red flag" in diligence and "核心专利的权属尚待确认。" in diligence
    assert "dd_legal.pdf" in diligence and "dd_business.pdf" in diligence

    # The founder reads that due diligence is done, not what it found.
    switch_to(auth, world.founder)
    page = _page(client, application_id)
    assert status_of(page) == "Due diligence"
    assert card(page, "diligence").count(">closed<") == 3
    assert "Red flag" not in page and "核心专利的权属尚待确认。" not in page

    # --- the manager completes due diligence and files the valuation -----------------------
    switch_to(auth, funds.manager1)
    unanswered = refused(client, application_id, "complete_dd")
    assert "Due diligence raised a red flag: say in the comment why the project goes on." \
        in unanswered
    done(client, application_id, "complete_dd", comment="权属问题已由创始人书面承诺在交割前解决。")
    assert fresh(application_id).status == "valuation"
    page = _page(client, application_id)
    assert 'id="action-file_valuation"' in page
    over = refused(client, application_id, "file_valuation", pre_money="10,000,000",
                   ticket="5,000,000")
    assert re.search(r"The fund would hold 33\.3\d% after the round; it holds at most "
                     r"30\.00%\.", over)
    assert "The fund's 33.33% would not be below 陈海洋's 26.67%" in over
    largest = refused(client, application_id, "file_valuation", pre_money="7,000,000",
                      ticket="3,000,000")
    assert "it holds at most" not in largest  # 30.00 % exactly is within the cap
    assert ("The fund's 30.00% would not be below 陈海洋's 28.00%: the fund is never the "
            "largest holder.") in largest
    assert fresh(application_id).status == "valuation"
    done(client, application_id, "file_valuation", pre_money="12,000,000", ticket="3,000,000")
    deal = fresh(application_id)
    assert (deal.status, deal.ticket_fen, deal.stake_bp) == ("ic_review", 3_000_000_00, 2000)
    page = _page(client, application_id)
    after = card(page, "cap-table")
    assert "After the round" in after and "32.00%" in after and "20.00%" in after
    book = text(client.get("/equity/book"))
    assert reference in section(book, "agenda") and "not opened" in section(book, "agenda")

    # --- the committee: the chair opens the meeting, the members vote ----------------------
    chair, *others = funds.members1
    switch_to(auth, others[0])
    page = _page(client, application_id)
    assert 'id="meeting-form"' not in page and 'id="vote-form"' not in page
    assert reference in text(client.get("/queue/"))
    switch_to(auth, chair)
    page = _page(client, application_id)
    assert 'id="meeting-form"' in page
    assert post_meeting(client, application_id, agenda="审议对测试企业1的投资方案。") \
        .status_code == 302
    page = _page(client, application_id)
    assert "审议对测试企业1的投资方案。" in card(page, "committee")
    assert 'id="vote-form"' in page and "No vote yet." in card(page, "votes")
    assert post_vote(client, application_id, "for").status_code == 302
    for member, (vote, reason) in zip(others, (("for", ""), ("for", "赛道前景好。"),
                                               ("recuse", "本人曾为该企业提供咨询。"),
                                               ("for", "")), strict=True):
        switch_to(auth, member)
        assert 'id="vote-form"' in _page(client, application_id)
        if vote == "recuse":  # a recusal says why
            bare = post_vote(client, application_id, "recuse")
            assert bare.status_code == 422
            assert "Say what the conflict of interest is." in card(text(bare), "vote-form")
        assert post_vote(client, application_id, vote, reason).status_code == 302
        page = _page(client, application_id)
        assert 'id="vote-form"' not in page and 'id="my-vote"' in page
    votes = card(page, "votes")
    assert votes.count("<tr>") == 6  # the header and five named votes
    assert "Recused (conflict of interest)" in votes and "本人曾为该企业提供咨询。" in votes
    assert "5 members, 1 recused; 4 present of 4 needed; 4 for of 4 needed" in card(
        page, "committee")
    book = text(client.get("/equity/book"))
    assert "4 for, 0 against, 0 abstaining, 1 recused, 0 to vote" in section(book, "agenda")

    # --- the chair records the resolution --------------------------------------------------
    switch_to(auth, chair)
    page = _page(client, application_id)
    assert 'id="resolution-ready"' in page and 'id="action-ic_approve"' in page
    assert 'id="action-ic_reject"' not in page
    done(client, application_id, "ic_approve", comment="投决会同意投资。")
    deal = fresh(application_id)
    assert deal.status == "publicity" and deal.publicity_ends_on > today
    page = _page(client, application_id)
    assert "Resolution: approved" in card(page, "committee")
    assert deal.publicity_ends_on.isoformat() in page

    # The founder and the park read the outcome, not the named votes.
    for user in (world.founder, world.park_reviewer):
        switch_to(auth, user)
        page = _page(client, application_id)
        assert status_of(page) == "Publicity period (公示)"
        assert "Resolution: approved" in card(page, "committee")
        assert 'id="votes"' not in page and "本人曾为该企业提供咨询。" not in page
        assert "20.00%" in card(page, "cap-table")

    # --- the scheduler closes the publicity period -----------------------------------------
    assert fire_scheduled("close_publicity", today) == 0
    # As if the committee had met fourteen months ago (the demo's portfolio deals do so).
    ended = today - timedelta(days=420)
    factories.set_columns(deal, publicity_ends_on=ended)
    assert fire_scheduled("close_publicity", ended) == 0  # its last day
    assert fire_scheduled("close_publicity", ended + timedelta(days=1)) == 1
    assert fresh(application_id).status == "signing"

    # --- the manager records the agreement signed and the money paid in --------------------
    switch_to(auth, funds.manager1)
    page = _page(client, application_id)
    assert status_of(page) == "Investment agreement to be signed"
    signed = ended + timedelta(days=3)
    missing = refused(client, application_id, "sign", signed_on=signed.isoformat())
    assert "Upload the signed investment agreement first." in missing
    assert stage_upload(client, application_id, "investment_agreement").status_code == 302
    early = refused(client, application_id, "sign", signed_on=ended.isoformat())
    assert f"The agreement is signed after the publicity period, which ended on " \
           f"{ended.isoformat()}." in early
    done(client, application_id, "sign", signed_on=signed.isoformat())
    assert fresh(application_id).status == "signed"
    funded = signed + timedelta(days=7)
    papers = refused(client, application_id, "record_funding", amount="3,000,000",
                     funded_on=funded.isoformat())
    assert "Upload the funding voucher and the registration of the change first." in papers
    for kind in ("funding_voucher", "registration_change"):
        assert stage_upload(client, application_id, kind).status_code == 302
    wrong = refused(client, application_id, "record_funding", amount="2,999,999.99",
                    funded_on=funded.isoformat())
    assert "The amount paid in must be the investment decided, 3,000,000.00 yuan." in wrong
    done(client, application_id, "record_funding", amount="3,000,000",
         funded_on=funded.isoformat())
    deal = fresh(application_id)
    assert (deal.status, deal.funded_on) == ("monitoring", funded)
    flows = [(f.kind, f.on, f.amount_fen) for f in db.session.scalars(select(CashFlow))]
    assert flows == [("investment", funded, -3_000_000_00)]

    # --- the reports owed: scheduled by the daily job, one filed by the founder ------------
    send_documents_due(today)
    owed = list(db.session.scalars(select(Obligation).order_by(Obligation.due_on)))
    assert len(owed) >= 4 and owed[0].kind == "quarterly"  # a quarter, then the year's
    assert {o.kind for o in owed} == {"quarterly", "annual"}
    book = text(client.get("/equity/book"))
    portfolio = section(book, "portfolio")
    assert reference in portfolio and "none yet" in portfolio and owed[0].period in portfolio
    switch_to(auth, world.founder)
    page = _page(client, application_id)
    reports = card(page, "reports")
    assert owed[0].period in reports and "late" in reports
    assert f'/equity/{application_id}/reports/{owed[0].id}' in reports
    filed = post_report(client, application_id, owed[0].id, name="2025Q-accounts.pdf")
    assert filed.status_code == 302
    page = text(client.get(filed.location))
    assert "The report is filed." in flashes(page)
    assert "2025Q-accounts.pdf" in card(page, "reports")
    db.session.expire_all()
    assert db.session.get(Obligation, owed[0].id).submitted_by_id == world.founder.id

    # --- the exit: proposed by the manager, approved by the approver -----------------------
    switch_to(auth, funds.manager1)
    portfolio = section(text(client.get("/equity/book")), "portfolio")
    assert owed[0].period in portfolio and "none yet" not in portfolio
    page = _page(client, application_id)
    assert 'id="action-propose_exit"' in page
    before = refused(client, application_id, "propose_exit", method="buyback",
                     exited_on=funded.isoformat(), proceeds="3,900,000")
    assert f"after the investment ({funded.isoformat()})" in before
    done(client, application_id, "propose_exit", method="buyback",
         exited_on=today.isoformat(), proceeds="3,900,000", comment="创始人按约定回购。")
    assert fresh(application_id).status == "exit_approval"
    switch_to(auth, funds.approver1)
    assert 'id="action-approve_exit"' in _page(client, application_id)
    done(client, application_id, "approve_exit", comment="同意按回购方案退出。")
    deal = fresh(application_id)
    assert deal.status == "exited"
    page = _page(client, application_id)
    assert status_of(page) == "Exited"
    assert "1.30× the 3,000,000.00 yuan invested" in card(page, "returns")
    assert "IRR " in card(page, "returns")
    exits = section(text(client.get("/equity/book")), "exits")
    assert reference in exits and "1.30×" in exits

    # --- the dossiers of every deciding stage ----------------------------------------------
    run_pending()
    stages = set(db.session.scalars(select(Dossier.stage).where(
        Dossier.application_id == application_id, Dossier.status == "ready")))
    assert {"application_form", "park_opinion", "project_approval", "dd_summary",
            "ic_resolution", "investment_notice", "exit_report"} <= stages
    page = _page(client, application_id)
    assert "Exit report" in card(page, "dossiers")
    assert len(db.session.scalars(select(Vote)).all()) == 5


def test_the_fund_asks_for_the_cap_table_and_the_founder_answers(client, auth, world, funds):
    deal = deal_in(world, funds, "prescreen")
    login(auth, funds.manager1)
    nothing = refused(client, deal.id, "fund_request_info", comment="请说明股权结构。")
    assert "Name at least one field or document the founder must fix." in nothing
    done(client, deal.id, "fund_request_info", comment="请说明员工持股平台的构成。",
         fields="cap_table")
    assert fresh(deal.id).status == "fund_info_requested"

    switch_to(auth, world.founder)
    page = _page(client, deal.id)
    assert status_of(page) == "Information requested by the fund"
    fix = page.split("Please fix:", 1)[1].split("</div>", 2)
    assert "Cap table" in fix[0] + fix[1] and "请说明员工持股平台的构成。" in fix[0] + fix[1]
    # The fund already reviews it: the founder fixes the cap table, not the fund.
    form = text(client.get(f"/applications/{deal.id}/edit/request"))
    assert f'value="{funds.fund2.id}"' not in form.split('name="partner_org_id"', 1)[1] \
        .split("</select>", 1)[0]
    other = _request(client, deal.id, funds.fund2.id,
                     rows=(("陈海洋", "55"), ("蓝海创投", "25"), ("员工持股平台", "20")))
    assert other.status_code == 422 and "Choose one of" in text(other)
    assert _request(client, deal.id, funds.fund1.id, asked_pre_money="20,000,000",
                    rows=(("陈海洋", "55"), ("蓝海创投", "25"), ("员工持股平台", "20"))) \
        .status_code == 302
    assert fresh(deal.id).cap_table[0] == {"name": "陈海洋", "stake_bp": 5500}
    done(client, deal.id, "fund_resubmit")
    assert fresh(deal.id).status == "prescreen"

    switch_to(auth, funds.manager1)
    page = _page(client, deal.id)
    assert "55.00%" in card(page, "cap-table")
    assert "Changed since the previous submission:" in page
    assert fresh(deal.id).reference in text(client.get("/queue/"))
