"""人才债 through the web client, state by state, as each role does it: the underwriting
officer plans a bond on /bond/new, the issuer's officer files its board's resolution, the
officer records the registration, the approver records the issue and its terms, the officer
opens the bond for allocations; a founder applies for an allocation through the request
step, uploads the documents and submits; the park recommends; the officer recommends terms
within the rules; the approver approves (the allocation notice); the underwriter's book
follows the headroom; the contract, the money paid out and the repayment; the approver
closes the allocations. A founder never opens a bond."""

from dateutil.relativedelta import relativedelta
from sqlalchemy import func
from sqlalchemy import select

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.models import Dossier
from talentfin.services.outbox import run_pending
from talentfin.workflows.bond.models import BondAllocation
from talentfin.workflows.bond.models import BondIssue
from tests.bond.web_helpers import PURPOSE
from tests.bond.web_helpers import REQUIRED_DOCUMENTS
from tests.bond.web_helpers import allocation_in
from tests.bond.web_helpers import bond_in
from tests.bond.web_helpers import book_line
from tests.bond.web_helpers import card
from tests.bond.web_helpers import day
from tests.bond.web_helpers import done
from tests.bond.web_helpers import draft
from tests.bond.web_helpers import element
from tests.bond.web_helpers import flashes
from tests.bond.web_helpers import issuer_uscc
from tests.bond.web_helpers import refused
from tests.bond.web_helpers import request_form
from tests.bond.web_helpers import stage_upload
from tests.bond.web_helpers import status_of
from tests.bond.web_helpers import text
from tests.web import fire
from tests.web import fresh
from tests.web import login
from tests.web import switch_to
from tests.web import upload

NAME = "2026年崂山区人才创新创业集合债券（第一期）"


def _page(client, application_id: int) -> str:
    response = client.get(f"/applications/{application_id}")
    assert response.status_code == 200, response.status_code
    return text(response)


def _dossiers(application_id: int) -> set[str]:
    run_pending()
    db.session.expire_all()
    return set(db.session.scalars(select(Dossier.stage).where(
        Dossier.application_id == application_id, Dossier.status == "ready")))


def _plan(client, desk, name: str = NAME, uscc: str | None = None, issuer=None):
    issuer = issuer or desk.issuer1
    return client.post("/bond/new", data={
        "name": name, "issuer_org_id": str(issuer.id),
        "issuer_uscc": uscc if uscc is not None else issuer_uscc(desk, issuer)})


def test_the_bond_and_an_allocation_through_the_web_as_each_role(client, auth, world, desk):
    today = business_today()

    # --- the underwriting officer plans the bond -------------------------------------------
    login(auth, desk.officer1)
    book = text(client.get("/bond/book"))
    assert "No bond yet." in book and 'id="plan-bond"' in book
    form = text(client.get("/bond/new"))
    assert "issuer-1" in form and "issuer-2" in form  # the programme's issuers to choose
    wrong = issuer_uscc(desk, desk.issuer1)[:-1] + ("0" if
                                                     issuer_uscc(desk, desk.issuer1)[-1] != "0"
                                                     else "1")
    bad = _plan(client, desk, uscc=wrong.lower())
    assert bad.status_code == 422
    page = text(bad)
    assert "The check character of this unified social credit code is wrong" in page
    assert f'value="{NAME}"' in page and f'value="{wrong}"' in page  # kept as typed
    assert f'<option selected value="{desk.issuer1.id}"' in page
    assert db.session.scalar(select(func.count()).select_from(BondIssue)) == 0
    planned = _plan(client, desk)
    assert planned.status_code == 302
    bond_id = db.session.scalar(select(BondIssue.id))
    assert planned.location.endswith(f"/applications/{bond_id}")
    page = text(client.get(planned.location))
    assert "The bond is planned" in flashes(page)
    assert status_of(page) == "Planned: to be registered"
    assert element(page, "bond-name") == NAME and 'id="bond-terms"' not in page
    reference = fresh(bond_id).reference
    assert reference.startswith("ZQ")
    assert NAME in book_line(text(client.get("/bond/book")), bond_id)

    # The registration waits for the issuer's resolution and the registration letter.
    papers = refused(client, bond_id, "register", registration_no="中市协注〔2026〕TDFI1号",
                     registered_on=day())
    assert "The issuer's board resolution and the registration letter are uploaded first." \
        in papers

    # --- the issuer's officer files its board's resolution ---------------------------------
    switch_to(auth, desk.issuer_officer1)
    page = _page(client, bond_id)
    assert element(page, "bond-name") == NAME and 'id="action-' not in page
    assert 'value="board_resolution"' in card(page, "party-documents")
    assert "registration_letter" not in card(page, "party-documents")  # the underwriter's
    filed = stage_upload(client, bond_id, "board_resolution", "董事会决议.pdf")
    assert filed.status_code == 302
    assert "The document is uploaded." in flashes(text(client.get(filed.location)))
    assert "董事会决议.pdf" in _page(client, bond_id)

    # --- the officer records the registration ----------------------------------------------
    switch_to(auth, desk.officer1)
    assert stage_upload(client, bond_id, "registration_letter").status_code == 302
    future = refused(client, bond_id, "register", registration_no="中市协注〔2026〕TDFI1号",
                     registered_on=day(1))
    assert "This date cannot be in the future." in future
    done(client, bond_id, "register", registration_no="中市协注〔2026〕TDFI1号",
         registered_on=day(), comment="交易商协会注册通过。")
    bond = fresh(bond_id)
    assert (bond.status, bond.registration_no, bond.registered_on) == (
        "registered", "中市协注〔2026〕TDFI1号", today)
    page = _page(client, bond_id)
    assert status_of(page) == "Registered: to be issued"
    assert 'id="action-issue"' not in page  # the approver's
    assert "registration" in _dossiers(bond_id)

    # --- the approver records the issue and its terms --------------------------------------
    switch_to(auth, desk.approver1)
    page = _page(client, bond_id)
    assert 'id="action-issue"' in page
    terms = {"code": "032600001", "size": "200,000,000", "coupon": "3.20",
             "term_months": "36", "coupon_months": "12"}
    missing = refused(client, bond_id, "issue", issued_on=day(), **terms)
    assert "The prospectus and the issue announcement are uploaded first." in missing
    for kind in ("prospectus", "issue_announcement"):
        assert stage_upload(client, bond_id, kind).status_code == 302
    early = refused(client, bond_id, "issue", issued_on=day(-1), **terms)
    assert f"The bond is issued on or after its registration ({today.isoformat()}), not " \
           "after today." in early
    odd = refused(client, bond_id, "issue", issued_on=day(), **{**terms, "term_months": "12",
                                                                 "coupon_months": "12",
                                                                 "code": ""})
    assert "This field is required." in odd
    done(client, bond_id, "issue", issued_on=day(), **terms)
    bond = fresh(bond_id)
    assert (bond.status, bond.size_fen, bond.coupon_bp, bond.code) == (
        "issued", 200_000_000_00, 320, "032600001")
    matures = today + relativedelta(months=36)
    page = _page(client, bond_id)
    assert element(page, "bond-name") == f"{NAME} · 032600001"
    assert element(page, "bond-terms") == (
        f"200,000,000.00 yuan · coupon 3.20% · matures on {matures.isoformat()}")
    assert element(page, "bond-allocated") == "0.00 · left 200,000,000.00"
    assert "issue_terms" in _dossiers(bond_id)

    # The founder finds no bond to ask for yet.
    switch_to(auth, world.founder)
    opened = client.post("/applications/new", data={"product": "bond"})
    assert opened.status_code == 302 and "/edit/company" in opened.location
    application_id = int(opened.location.split("/")[-3])
    step = text(client.get(f"/applications/{application_id}/edit/request"))
    assert 'id="no-bond"' in step
    assert "No bond is open for allocations now" in element(step, "no-bond")

    # --- the officer opens the bond for allocations ----------------------------------------
    switch_to(auth, desk.officer1)
    done(client, bond_id, "open_allocation", comment="开始受理额度申请。")
    assert fresh(bond_id).status == "allocating"
    line = book_line(text(client.get("/bond/book")), bond_id)
    assert "Open for allocations" in line and "200,000,000.00" in line and "3.20%" in line
    assert matures.isoformat() in line

    # --- the founder applies for an allocation ---------------------------------------------
    switch_to(auth, world.founder)
    step = text(client.get(f"/applications/{application_id}/edit/request"))
    assert 'id="no-bond"' not in step
    assert f"{NAME} · 200,000,000.00 yuan left · coupon 3.20%" in step
    typed = {"partner_org_id": str(desk.uw1.id), "requested_amount": "2,000,000",
             "requested_term_months": "24", "purpose": PURPOSE}
    unchosen = request_form(client, application_id, bond_id="0", **typed)
    assert unchosen.status_code == 422
    assert "Choose the bond." in text(unchosen) and 'value="2,000,000"' in text(unchosen)
    saved = request_form(client, application_id, bond_id=str(bond_id), **typed)
    assert saved.status_code == 302 and saved.location.endswith("/edit/documents")
    for kind in REQUIRED_DOCUMENTS:
        assert upload(client, application_id, kind).status_code == 302
    review = text(client.get(f"/applications/{application_id}/edit/review"))
    assert NAME in review and "2,000,000.00" in review and 'id="submit-application"' in review
    assert fire(client, application_id, "submit").status_code == 302
    allocation = fresh(application_id)
    assert (allocation.status, allocation.bond_id) == ("park_review", bond_id)
    allocation_ref = allocation.reference
    assert allocation_ref.startswith("RCZ")
    page = _page(client, application_id)
    assert element(page, "bond") == f"{NAME} · 032600001"
    assert element(page, "headroom") == "200,000,000.00"
    assert element(page, "firm-limit") == "5,000,000.00"  # tier B's loan limit

    # --- the park recommends it to the underwriter -----------------------------------------
    switch_to(auth, world.park_reviewer)
    assert allocation_ref in text(client.get("/queue/"))
    done(client, application_id, "park_approve", comment="企业经营正常，同意推荐。")
    assert fresh(application_id).status == "credit_review"

    # --- the officer recommends terms within the rules -------------------------------------
    switch_to(auth, desk.officer1)
    assert allocation_ref in text(client.get("/queue/"))
    page = _page(client, application_id)
    assert 'id="action-recommend"' in page and 'id="action-approve_allocation"' not in page
    assert 'value="2000000.00"' in page and 'value="4.20"' in page  # prefilled
    dear = refused(client, application_id, "recommend", amount="2,000,000", rate="4.71",
                   term_months="24")
    assert "The on-lending rate is between the coupon 3.20% and 4.70% a year." in dear
    assert 'value="4.71"' in dear  # kept as typed
    much = refused(client, application_id, "recommend", amount="5,000,000.01", rate="4.70",
                   term_months="24")
    assert ("The firm may hold at most 5,000,000.00 yuan of this bond (the smaller of its "
            "tier's loan limit and 10.00% of the bond); it holds 0.00 yuan already.") in much
    assert "on-lending rate" not in much  # 4.70 % is the ceiling itself
    assert fresh(application_id).status == "credit_review"
    done(client, application_id, "recommend", amount="2,000,000", rate="4.20",
         term_months="24", comment="经营稳健，建议按申请额度分配。")
    allocation = fresh(application_id)
    assert (allocation.status, allocation.recommended_amount_fen, allocation.onlending_rate_bp,
            allocation.recommended_by_id) == ("allocation_approval", 2_000_000_00, 420,
                                              desk.officer1.id)

    # --- the approver approves: the allocation takes its part of the bond ------------------
    switch_to(auth, desk.approver1)
    assert allocation_ref in text(client.get("/queue/"))
    page = _page(client, application_id)
    assert element(page, "terms") == "2,000,000.00 yuan at 4.20% a year over 24 months"
    assert "经营稳健，建议按申请额度分配。" in page  # the officer's note, within the underwriter
    approved = fire(client, application_id, "approve_allocation", comment="同意分配。")
    assert approved.status_code == 302
    assert "Done: Approve the allocation." in flashes(text(client.get(approved.location)))
    allocation = fresh(application_id)
    assert (allocation.status, allocation.allocated_fen) == ("allocated", 2_000_000_00)
    assert fresh(bond_id).allocated_fen == 2_000_000_00
    assert "allocation_notice" in _dossiers(application_id)
    page = _page(client, application_id)
    assert "Allocation notice" in card(page, "dossiers")
    assert element(page, "allocated") == "2,000,000.00"
    assert element(page, "headroom") == "198,000,000.00"
    page = _page(client, bond_id)
    assert element(page, "bond-allocated") == "2,000,000.00 · left 198,000,000.00"
    assert allocation_ref in card(page, "allocations")
    line = book_line(text(client.get("/bond/book")), bond_id)
    assert "198,000,000.00" in line and "2,000,000.00" in line
    assert "Allocated: contract to be signed</a> 1 (2,000,000.00)" in line

    # The founder reads the allocation, its terms and the notice (not the internal note).
    switch_to(auth, world.founder)
    page = _page(client, application_id)
    assert status_of(page) == "Allocated: contract to be signed"
    assert element(page, "terms") == "2,000,000.00 yuan at 4.20% a year over 24 months"
    assert "Allocation notice" in card(page, "dossiers")
    assert "经营稳健，建议按申请额度分配。" not in page
    notice = db.session.scalar(select(Dossier.id).where(
        Dossier.application_id == application_id, Dossier.stage == "allocation_notice"))
    assert client.get(f"/applications/{application_id}/dossiers/{notice}").status_code == 200

    # --- the contract, the money paid out, the repayment -----------------------------------
    switch_to(auth, desk.officer1)
    unsigned = refused(client, application_id, "sign_contract", contract_no="WTDK-0001",
                       signed_on=day())
    assert "Upload the signed on-lending contract first." in unsigned
    assert stage_upload(client, application_id, "onlending_contract").status_code == 302
    done(client, application_id, "sign_contract", contract_no="WTDK-0001", signed_on=day())
    assert fresh(application_id).status == "contracted"
    unpaid = refused(client, application_id, "disburse", amount="2,000,000",
                     disbursed_on=day())
    assert "Upload the disbursement voucher first." in unpaid
    assert stage_upload(client, application_id, "disbursement_voucher").status_code == 302
    short = refused(client, application_id, "disburse", amount="1,999,999.99",
                    disbursed_on=day())
    assert "The amount paid out is the allocation, 2,000,000.00 yuan." in short
    done(client, application_id, "disburse", amount="2,000,000", disbursed_on=day())
    allocation = fresh(application_id)
    assert (allocation.status, allocation.disbursed_amount_fen) == ("disbursed", 2_000_000_00)
    assert element(_page(client, application_id), "disbursed") == (
        f"2,000,000.00 · {today.isoformat()}")
    # Repaid early, in two instalments; the interest's spread over the coupon (1.00 of
    # 4.20 points) goes to the bond's risk reserve.
    done(client, application_id, "record_repayment", due_on=day(90), paid_on=day(),
         principal="1,500,000", interest="21,000")
    allocation = fresh(application_id)
    assert (allocation.status, allocation.outstanding) == ("repaying", 500_000_00)
    page = _page(client, application_id)
    assert element(page, "outstanding") == "500,000.00"
    assert element(page, "spread-received") == "5,000.00"
    still = refused(client, application_id, "record_repaid")
    assert "500,000.00 yuan of principal is still outstanding." in still
    done(client, application_id, "record_repayment", due_on=day(180), paid_on=day(),
         principal="500,000", interest="0")
    done(client, application_id, "record_repaid", comment="已全额还款。")
    allocation = fresh(application_id)
    assert (allocation.status, allocation.repaid_on, allocation.outstanding) == (
        "closed", today, 0)
    assert status_of(_page(client, application_id)) == "Repaid"

    # --- the approver closes the allocations -----------------------------------------------
    switch_to(auth, desk.approver1)
    done(client, bond_id, "close_allocation", comment="额度分配结束。")
    assert fresh(bond_id).status == "servicing"
    assert "allocation_result" in _dossiers(bond_id)
    line = book_line(text(client.get("/bond/book")), bond_id)
    assert "Allocated: being serviced" in line and "Repaid</a> 1 (2,000,000.00)" in line


def test_a_founder_never_opens_a_bond(client, auth, world, desk):
    bond_in(desk, "allocating")
    login(auth, world.founder)
    page = text(client.get("/applications/"))
    assert 'id="new-bond"' in page and 'id="new-bond_issue"' not in page
    assert "Talent bond (the bond)" not in page
    assert client.post("/applications/new", data={"product": "bond_issue"}).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(BondIssue)) == 1
    assert client.get("/bond/new").status_code == 404
    assert client.post("/bond/new", data={"name": "假债券", "issuer_org_id": str(
        desk.issuer1.id), "issuer_uscc": issuer_uscc(desk, desk.issuer1)}).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(BondIssue)) == 1


def test_a_code_of_another_company_is_refused_and_the_input_kept(client, auth, world, desk):
    login(auth, desk.officer1)
    firm = world.founder.enterprise.uscc  # a founder's firm, not the issuer
    response = _plan(client, desk, uscc=firm)
    assert response.status_code == 422
    page = text(response)
    assert f"The code {firm} is 测试企业1's, not the issuer's." in page
    assert f'value="{NAME}"' in page and f'value="{firm}"' in page
    assert db.session.scalar(select(func.count()).select_from(BondIssue)) == 0
    empty = client.post("/bond/new", data={})
    assert empty.status_code == 422 and "This field is required." in text(empty)
    assert db.session.scalar(select(func.count()).select_from(BondIssue)) == 0


def test_a_bond_closed_since_the_draft_is_refused_at_submission(client, auth, world, desk):
    bond = bond_in(desk, "allocating")
    application = draft(world, bond, founder=world.founder2)
    login(auth, desk.approver1)
    done(client, bond.id, "close_allocation", comment="额度分配结束。")  # drafts do not hold it
    assert fresh(bond.id).status == "servicing"

    switch_to(auth, world.founder2)
    step = text(client.get(f"/applications/{application.id}/edit/request"))
    assert 'id="no-bond"' in step
    assert f"The bond {bond.name} no longer takes applications for allocations." in card(
        step, "request-problems")
    review = text(client.get(f"/applications/{application.id}/edit/review"))
    assert f"The bond {bond.name} no longer takes applications for allocations." in card(
        review, "eligibility")
    response = fire(client, application.id, "submit", follow=True)
    assert f"The bond {bond.name} no longer takes applications for allocations." in text(
        response)
    assert fresh(application.id).status == "draft"
    # Nor can another closed bond be chosen in its place.
    other = bond_in(desk, "servicing")
    chosen = request_form(client, application.id, partner_org_id=str(desk.uw1.id),
                          bond_id=str(other.id), requested_amount="1,000,000",
                          requested_term_months="24", purpose=PURPOSE)
    assert chosen.status_code == 422 and "Choose one of" in text(chosen)
    assert fresh(application.id).bond_id == bond.id


def test_a_bond_of_another_underwriter_is_refused_at_submission(client, auth, world, desk):
    theirs = bond_in(desk, "allocating", underwriter=desk.uw2, issuer=desk.issuer2)
    application = draft(world, theirs)
    login(auth, world.founder)
    saved = request_form(client, application.id, partner_org_id=str(desk.uw1.id),
                         bond_id=str(theirs.id), requested_amount="1,000,000",
                         requested_term_months="24", purpose=PURPOSE)
    assert saved.status_code == 302
    review = text(client.get(f"/applications/{application.id}/edit/review"))
    assert (f"The bond {theirs.name} is not underwritten by the institution chosen."
            in card(review, "eligibility"))
    fire(client, application.id, "submit")
    assert fresh(application.id).status == "draft"


def test_the_headroom_moves_with_each_approval_and_a_cancellation(client, auth, world, desk):
    bond = bond_in(desk, "allocating", size_fen=30_000_000_00)  # a firm's 10 %: 3,000,000
    first = allocation_in(world, desk, "allocated", bond=bond)
    second = allocation_in(world, desk, "allocation_approval", bond=bond,
                           founder=world.founder2, amount_fen=2_500_000_00)
    login(auth, desk.approver1)
    line = book_line(text(client.get("/bond/book")), bond.id)
    assert "29,000,000.00" in line
    page = _page(client, second.id)
    assert element(page, "headroom") == "29,000,000.00"
    assert element(page, "firm-limit") == "3,000,000.00"  # 10 % of the bond < tier C's
    done(client, second.id, "approve_allocation", comment="同意分配。")
    line = book_line(text(client.get("/bond/book")), bond.id)
    assert "26,500,000.00" in line and "3,500,000.00" in line
    done(client, first.id, "cancel_allocation", comment="企业放弃本次额度。")
    assert fresh(first.id).status == "cancelled"
    line = book_line(text(client.get("/bond/book")), bond.id)
    assert "27,500,000.00" in line and "2,500,000.00" in line
    assert element(_page(client, bond.id), "bond-allocated") == "2,500,000.00 · left " \
        "27,500,000.00"


def test_a_second_allocation_counts_what_the_firm_holds(client, auth, world, desk):
    bond = bond_in(desk, "allocating")
    allocation_in(world, desk, "disbursed", bond=bond, amount_fen=4_000_000_00)
    second = allocation_in(world, desk, "credit_review", bond=bond, amount_fen=2_000_000_00)
    login(auth, desk.officer1)
    much = refused(client, second.id, "recommend", amount="2,000,000", rate="4.20",
                   term_months="24")
    assert ("The firm may hold at most 5,000,000.00 yuan of this bond (the smaller of its "
            "tier's loan limit and 10.00% of the bond); it holds 4,000,000.00 yuan "
            "already.") in much
    done(client, second.id, "recommend", amount="1,000,000", rate="4.20", term_months="24")
    assert fresh(second.id).status == "allocation_approval"
    assert db.session.scalar(select(func.sum(BondAllocation.allocated_fen))) == 4_000_000_00
