"""What a careful (or careless) user does on a bond and its allocations, each now a rule: the
approval pressed twice, or by two approvers at once, is recorded once and takes its part of
the bond once; an approver does not approve terms they recommended themselves; a plan sent
twice is one bond; the pages read in English once the language is switched; a bad id gives
404 and no input (NUL characters, huge numbers, empty forms) a server error."""

import pytest
from sqlalchemy import func
from sqlalchemy import select

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.models import TransitionLog
from talentfin.models import User
from talentfin.workflows.bond.models import BondAllocation
from talentfin.workflows.bond.models import BondIssue
from tests import factories
from tests.bond.web_helpers import PATHS
from tests.bond.web_helpers import PURPOSE
from tests.bond.web_helpers import allocation_in
from tests.bond.web_helpers import bond_in
from tests.bond.web_helpers import card
from tests.bond.web_helpers import client_of
from tests.bond.web_helpers import done
from tests.bond.web_helpers import draft
from tests.bond.web_helpers import element
from tests.bond.web_helpers import issuer_uscc
from tests.bond.web_helpers import refused
from tests.bond.web_helpers import request_form
from tests.bond.web_helpers import status_of
from tests.bond.web_helpers import text
from tests.bond.web_helpers import together
from tests.bond.web_helpers import upload
from tests.web import fire
from tests.web import fresh
from tests.web import login
from tests.web import switch_to


def _logs(application_id: int, trigger: str) -> int:
    return db.session.scalar(select(func.count()).select_from(TransitionLog).where(
        TransitionLog.application_id == application_id, TransitionLog.trigger == trigger))


def _status(call) -> int | str:
    """The status code of a request, or the name of the error a server error raised (the
    test client re-raises it)."""
    try:
        return call().status_code
    except Exception as exc:  # noqa: BLE001 - a 500's cause is what the test reports
        return type(exc).__name__


# --- the approval ----------------------------------------------------------------------------

def test_the_approval_pressed_twice_is_recorded_once(client, auth, world, desk):
    bond = bond_in(desk)
    allocation = allocation_in(world, desk, "allocation_approval", bond=bond)
    login(auth, desk.approver1)
    done(client, allocation.id, "approve_allocation", comment="同意分配。")
    again = fire(client, allocation.id, "approve_allocation", comment="同意分配。")
    assert again.status_code == 409
    assert "同意分配。" in text(again)  # what was typed is given back
    assert _logs(allocation.id, "approve_allocation") == 1
    assert (fresh(allocation.id).allocated_fen, fresh(bond.id).allocated_fen) == (
        1_000_000_00, 1_000_000_00)
    assert status_of(text(client.get(f"/applications/{allocation.id}"))) == \
        "Allocated: contract to be signed"


def test_two_approvers_approving_at_once_take_the_bond_once(app, world, desk):
    bond = bond_in(desk)
    allocation = allocation_in(world, desk, "allocation_approval", bond=bond)
    clients = [client_of(app, desk.approver1), client_of(app, desk.approver1b)]
    results = together(app, [
        lambda c=c: fire(c, allocation.id, "approve_allocation", comment="同意。").status_code
        for c in clients])
    assert sorted(results) == [302, 409], results
    assert _logs(allocation.id, "approve_allocation") == 1
    assert (fresh(allocation.id).allocated_fen, fresh(bond.id).allocated_fen) == (
        1_000_000_00, 1_000_000_00)


def test_the_same_approval_sent_twice_at_once_takes_the_bond_once(app, world, desk):
    bond = bond_in(desk)
    allocation = allocation_in(world, desk, "allocation_approval", bond=bond)
    clients = [client_of(app, desk.approver1) for _ in range(2)]
    results = together(app, [
        lambda c=c: fire(c, allocation.id, "approve_allocation").status_code
        for c in clients])
    assert sorted(results) == [302, 409], results
    assert _logs(allocation.id, "approve_allocation") == 1
    assert fresh(bond.id).allocated_fen == 1_000_000_00


def test_an_approver_does_not_approve_terms_they_recommended(client, auth, world, desk):
    allocation = allocation_in(world, desk, "credit_review")
    login(auth, desk.officer1)
    done(client, allocation.id, "recommend", amount="1,000,000", rate="4.20",
         term_months="24")
    # Promoted since: the officer who recommended now approves for the underwriter.
    promoted = db.session.get(User, desk.officer1.id)
    promoted.role = "underwriter_approver"
    db.session.commit()
    switch_to(auth, promoted)
    page = refused(client, allocation.id, "approve_allocation", comment="同意。")
    assert "You recommended these terms; another approver decides." in page
    assert fresh(allocation.id).status == "allocation_approval"
    assert fresh(allocation.id).allocated_fen is None
    switch_to(auth, desk.approver1)
    done(client, allocation.id, "approve_allocation", comment="同意。")
    assert fresh(allocation.id).status == "allocated"


def test_an_approval_refused_by_a_rule_keeps_the_allocation_where_it_was(client, auth, world,
                                                                         desk):
    bond = bond_in(desk, size_fen=10_000_000_00)  # a firm's 10 %: 1,000,000
    first = allocation_in(world, desk, "allocation_approval", bond=bond)
    second = allocation_in(world, desk, "allocation_approval", bond=bond)
    login(auth, desk.approver1)
    done(client, first.id, "approve_allocation")
    page = refused(client, second.id, "approve_allocation", comment="同意。")
    assert ("The firm may hold at most 1,000,000.00 yuan of this bond (the smaller of its "
            "tier's loan limit and 10.00% of the bond); it holds 1,000,000.00 yuan "
            "already.") in page
    assert fresh(second.id).status == "allocation_approval"
    assert fresh(bond.id).allocated_fen == 1_000_000_00


# --- the plan ------------------------------------------------------------------------------

def test_a_plan_sent_twice_is_one_bond(client, auth, world, desk):
    login(auth, desk.officer1)
    data = {"name": "2026年人才债券（第一期）", "issuer_org_id": str(desk.issuer1.id),
            "issuer_uscc": issuer_uscc(desk, desk.issuer1)}
    assert client.post("/bond/new", data=data).status_code == 302
    again = client.post("/bond/new", data=data)  # back in the browser, sent again
    assert again.status_code == 422
    reference = db.session.scalar(select(BondIssue.reference))
    assert f"A bond of this name already exists: {reference}." in text(again)
    assert db.session.scalar(select(func.count()).select_from(BondIssue)) == 1
    # A cancelled bond's name may be planned again.
    switch_to(auth, desk.approver1)
    bond_id = db.session.scalar(select(BondIssue.id))
    done(client, bond_id, "cancel", comment="发行人调整融资计划。")
    switch_to(auth, desk.officer1)
    assert client.post("/bond/new", data=data).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(BondIssue)) == 2


# --- the language --------------------------------------------------------------------------

def test_the_bond_pages_switch_to_english(client, auth, world, desk):
    bond = bond_in(desk)
    allocation = allocation_in(world, desk, "allocated", bond=bond)
    assert auth.login(desk.officer1.email).status_code == 302  # the account reads Chinese
    page = text(client.get(f"/applications/{bond.id}"))
    assert '<html lang="zh' in page and "办理记录" in page  # the timeline
    switched = client.post("/language", data={"lang": "en", "next": f"/applications/{bond.id}"})
    assert switched.status_code == 302 and switched.location.endswith(f"/applications/{bond.id}")
    page = text(client.get(switched.location))
    assert '<html lang="en' in page and "Timeline" in page
    assert status_of(page) == "Open for allocations"
    for label in ("Talent bond (the bond)", "Bond's terms", "Allocated (yuan)",
                  "Coupons ahead", "Allocations", "Issuer", "Registration",
                  "Close the allocations"):
        assert label in page, label
    assert "coupon 3.20%" in element(page, "bond-terms")
    assert "Allocated: contract to be signed" in card(page, "allocations")
    page = text(client.get(f"/applications/{allocation.id}"))
    assert status_of(page) == "Allocated: contract to be signed"
    for label in ("Left to allocate (yuan)", "The firm's limit on this bond (yuan)",
                  "Underwriter's terms", "Term asked for", "Use of the funds",
                  "Record the on-lending contract", "Allocation notice"):
        assert label in page, label
    book = text(client.get("/bond/book"))
    for label in ("Underwriter's book", "Plan a bond", "Size (yuan)", "Left to allocate (yuan)",
                  "Matures on", "Allocations:"):
        assert label in book, label
    assert "Plan the bond" in text(client.get("/bond/new"))
    client.post("/language", data={"lang": "zh"})
    page = text(client.get(f"/applications/{bond.id}"))
    assert '<html lang="zh' in page and "办理记录" in page


def test_the_founders_request_step_switches_to_english(client, auth, world, desk):
    bond = bond_in(desk)
    application = draft(world, bond)
    assert auth.login(world.founder.email).status_code == 302
    url = f"/applications/{application.id}/edit/request"
    assert '<html lang="zh' in text(client.get(url))
    client.post("/language", data={"lang": "en", "next": url})
    page = text(client.get(url))
    assert '<html lang="en' in page
    for label in ("Underwriter", "Bond", "Amount asked for (yuan)", "Term", "Use of the funds",
                  "24 months", "Save and continue", "coupon 3.20%", "yuan left"):
        assert label in page, label


def test_every_state_reads_in_both_languages(client, auth, world, desk):
    bond = bond_in(desk)
    # Half a million each: the firm holds every state's allocation within its limit.
    files = {f"allocation {s}": allocation_in(world, desk, s, bond=bond, amount_fen=500_000_00)
             for s in PATHS}
    files.update({f"bond {s}": bond_in(desk, s) for s in ("planned", "registered", "issued",
                                                          "servicing", "redeemed",
                                                          "cancelled")})
    wrong = []
    for user in (world.founder, world.park_reviewer, desk.officer1, desk.approver1,
                 world.auditor):
        for lang in ("zh", "en"):
            assert auth.login(user.email).status_code == 302
            client.post("/language", data={"lang": lang})
            for name, application in files.items():
                for url in (f"/applications/{application.id}",
                            f"/applications/{application.id}/edit/request",
                            f"/applications/{application.id}/edit/review"):
                    status = _status(lambda u=url: client.get(u))
                    if status not in (200, 302, 404):
                        wrong.append(f"{user.email} {lang} {url} ({name}): {status}")
            for url in ("/bond/book", "/bond/new", "/queue/?status=all", "/applications/"):
                status = _status(lambda u=url: client.get(u, follow_redirects=True))
                if status not in (200, 403, 404):
                    wrong.append(f"{user.email} {lang} {url}: {status}")
            auth.logout()
    assert wrong == [], "\n".join(wrong)


# --- bad ids -------------------------------------------------------------------------------

BAD_IDS = ("0", "999999", "2147483647", "-1", "abc", "1.5", "2147483648",
           "99999999999999999999")


def test_bad_ids_give_404(client, auth, world, desk):
    bond = bond_in(desk)
    allocation = allocation_in(world, desk, "allocation_approval", bond=bond)
    wrong = []
    for user in (world.founder, desk.approver1):
        login(auth, user)
        for bad in BAD_IDS:
            for method, url in (("get", f"/applications/{bad}"),
                                ("get", f"/applications/{bad}/edit/request"),
                                ("post", f"/applications/{bad}/fire/approve_allocation"),
                                ("post", f"/applications/{bad}/fire/open_allocation"),
                                ("post", f"/applications/{bad}/documents"),
                                ("get", f"/applications/{allocation.id}/files/{bad}"),
                                ("get", f"/applications/{bond.id}/dossiers/{bad}"),
                                ("get", f"/bond/{bad}")):
                status = _status(lambda m=method, u=url: getattr(client, m)(u))
                if status != 404:
                    wrong.append(f"{user.email} {method.upper()} {url}: {status}")
        for application in (bond, allocation):
            status = client.post(f"/applications/{application.id}/fire/no_such_step")
            if status.status_code != 404:
                wrong.append(f"no_such_step on {application.product}: {status.status_code}")
        # A step of the other product is no step of this one.
        for application, trigger in ((bond, "approve_allocation"), (allocation, "issue")):
            status = client.post(f"/applications/{application.id}/fire/{trigger}")
            if status.status_code != 404:
                wrong.append(f"{trigger} on {application.product}: {status.status_code}")
        auth.logout()
    assert wrong == [], "\n".join(wrong)
    assert fresh(allocation.id).status == "allocation_approval"


def test_a_bond_id_that_is_no_open_bond_is_refused_on_the_request_step(client, auth, world,
                                                                      desk):
    bond = bond_in(desk)
    application = draft(world, bond)
    planned = bond_in(desk, "planned")
    loan = factories.loan_in(world, "park_review")  # not a bond at all
    login(auth, world.founder)
    base = {"partner_org_id": str(desk.uw1.id), "requested_amount": "1,000,000",
            "requested_term_months": "24", "purpose": PURPOSE}
    wrong = []
    for bad in (*BAD_IDS, str(planned.id), str(loan.id), str(application.id), ""):
        status = _status(lambda b=bad: request_form(client, application.id,
                                                    **{**base, "bond_id": b}))
        if status != 422:
            wrong.append(f"bond_id {bad!r}: {status}")
    assert wrong == [], "\n".join(wrong)
    assert fresh(application.id).bond_id == bond.id


# --- no input gives a server error ---------------------------------------------------------

LONG = "长" * 5000
NEW_ODD = [
    None,  # nothing at all
    {"name": "", "issuer_org_id": "", "issuer_uscc": ""},
    {"name": "\x00", "issuer_uscc": "\x00"}, {"name": LONG}, {"issuer_org_id": "abc"},
    {"issuer_org_id": "99999999999999999999"}, {"issuer_org_id": "-1"},
    {"issuer_uscc": "9" * 5000}, {"issuer_uscc": "91370212MA000090!L"},
]


def test_odd_input_on_the_planning_page_never_gives_a_server_error(client, auth, world,
                                                                   desk):
    login(auth, desk.officer1)
    base = {"name": "2026年人才债券（第一期）", "issuer_org_id": str(desk.issuer1.id),
            "issuer_uscc": issuer_uscc(desk, desk.issuer1)}
    wrong = []
    for changes in NEW_ODD:
        data = {} if changes is None else {**base, **changes}
        status = _status(lambda d=data: client.post("/bond/new", data=d))
        if status != 422:
            wrong.append(f"{changes!r:.80}: {status}")
    assert wrong == [], "\n".join(wrong)
    assert db.session.scalar(select(func.count()).select_from(BondIssue)) == 0
    # A NUL character in the name is dropped, not a server error.
    nul = client.post("/bond/new", data={**base, "name": "2026年人才\x00债券（第一期）"})
    assert nul.status_code == 302
    assert db.session.scalar(select(BondIssue.name)) == "2026年人才债券（第一期）"


REQUEST_ODD = [
    {}, {"requested_amount": "99999999999999999999"}, {"requested_amount": "1e9"},
    {"requested_amount": "-5"}, {"requested_amount": "0"}, {"requested_amount": "abc"},
    {"requested_term_months": "abc"}, {"requested_term_months": "99"},
    {"requested_term_months": "99999999999999999999"}, {"partner_org_id": "abc"},
    {"partner_org_id": "99999999999999999999"}, {"purpose": "\x00" * 20},
    {"purpose": LONG}, {"purpose": ""},
]


def test_odd_input_on_the_request_step_keeps_what_was_typed(client, auth, world, desk):
    bond = bond_in(desk)
    application = draft(world, bond)
    login(auth, world.founder)
    base = {"partner_org_id": str(desk.uw1.id), "bond_id": str(bond.id),
            "requested_amount": "1,000,000", "requested_term_months": "24", "purpose": PURPOSE}
    wrong = []
    for changes in REQUEST_ODD:
        data = {**base, **changes} if changes else {}
        response = None
        try:
            response = request_form(client, application.id, **data)
        except Exception as exc:  # noqa: BLE001 - the test client re-raises the 500's cause
            wrong.append(f"{changes!r:.80}: {type(exc).__name__}")
            continue
        if response.status_code != 422:
            wrong.append(f"{changes!r:.80}: {response.status_code}")
            continue
        page = text(response)
        if "is-invalid" not in page and "invalid-feedback" not in page:
            wrong.append(f"{changes!r:.80}: no message")
        for name, value in changes.items():
            if name == "requested_amount" and value not in page:
                wrong.append(f"{changes!r:.80}: {value} not kept")
    assert wrong == [], "\n".join(wrong)
    stored = fresh(application.id)
    assert (stored.requested_amount_fen, stored.purpose) == (1_000_000_00, PURPOSE)
    nul = {**base, "purpose": "用于研发投入\x00与原材料采购。"}
    assert request_form(client, application.id, **nul).status_code == 302
    assert fresh(application.id).purpose == "用于研发投入与原材料采购。"


# Each form of both products: the state it is tried in, who fills it, what a careless user
# sends (every set refused with a message, the file where it was).
FIRE_ODD = {
    "register": ("planned", "officer1", [
        {}, {"registration_no": "\x00", "registered_on": "2026-01-05"},
        {"registration_no": "号" * 61, "registered_on": "2026-01-05"},
        {"registration_no": "X-1", "registered_on": "9999-99-99"},
        {"registration_no": "X-1", "registered_on": "2999-01-01"},
        {"registration_no": "X-1", "registered_on": "99999999999999999999"}]),
    "issue": ("registered", "approver1", [
        {}, {"code": "0326", "size": "99999999999999999999", "coupon": "3.2",
             "term_months": "36", "coupon_months": "12", "issued_on": "TODAY"},
        {"code": "0326", "size": "1e9", "coupon": "1e2", "term_months": "36",
         "coupon_months": "12", "issued_on": "TODAY"},
        {"code": "0326", "size": "-5", "coupon": "-1", "term_months": "36",
         "coupon_months": "12", "issued_on": "TODAY"},
        {"code": "0326", "size": "1,000,000", "coupon": "999", "term_months": "36",
         "coupon_months": "12", "issued_on": "TODAY"},
        {"code": "0326", "size": "1,000,000", "coupon": "3.2", "term_months": "7",
         "coupon_months": "12", "issued_on": "TODAY"},
        {"code": "0326", "size": "1,000,000", "coupon": "3.2",
         "term_months": "99999999999999999999", "coupon_months": "abc",
         "issued_on": "TODAY"},
        {"code": "0326", "size": "1,000,000", "coupon": "3.2", "term_months": "12",
         "coupon_months": "12", "issued_on": "1900-01-01"},
        {"code": "\x00" * 3, "size": "1,000,000", "coupon": "3.2", "term_months": "36",
         "coupon_months": "12", "issued_on": "TODAY"},
        {"code": "码" * 21, "size": "1,000,000", "coupon": "3.2", "term_months": "36",
         "coupon_months": "12", "issued_on": "TODAY"}]),
    "cancel": ("registered", "approver1", [{}, {"comment": "\x00"}, {"comment": LONG}]),
    "close_allocation": ("allocating", "approver1", [{"comment": LONG}]),
    "recommend": ("credit_review", "officer1", [
        {}, {"amount": "99999999999999999999", "rate": "4.2", "term_months": "24"},
        {"amount": "1e6", "rate": "abc", "term_months": "24"},
        {"amount": "1,000,000", "rate": "1e2", "term_months": "99"},
        {"amount": "1,000,000", "rate": "9999999999", "term_months": "24"},
        {"amount": "0", "rate": "0", "term_months": "0"},
        {"amount": "1,000,000", "rate": "4.2", "term_months": "99999999999999999999"},
        {"amount": "1,000,000,000", "rate": "4.2", "term_months": "24"},
        {"amount": "1,000,000", "rate": "4.2", "term_months": "24", "comment": LONG}]),
    "approve_allocation": ("allocation_approval", "approver1", [{"comment": LONG}]),
    "decline": ("allocation_approval", "approver1", [{}, {"comment": "\x00\x00"}]),
    "underwriter_request_info": ("credit_review", "officer1", [
        {}, {"comment": "请补充。", "fields": "nope"},
        {"comment": "请补充。", "documents": "onlending_contract"}]),
    "sign_contract": ("allocated", "officer1", [
        {}, {"contract_no": "\x00", "signed_on": "TODAY"},
        {"contract_no": "号" * 61, "signed_on": "TODAY"},
        {"contract_no": "WTDK-1", "signed_on": "2999-01-01"},
        {"contract_no": "WTDK-1", "signed_on": "0000-00-00"}]),
    "disburse": ("contracted", "officer1", [
        {}, {"amount": "99999999999999999999", "disbursed_on": "TODAY"},
        {"amount": "-1", "disbursed_on": "TODAY"},
        {"amount": "1,000,000", "disbursed_on": "2026-02-30"},
        {"amount": "1,000,000", "disbursed_on": "1900-01-01"}]),
    "record_repayment": ("disbursed", "officer1", [
        {}, {"due_on": "TODAY", "paid_on": "2999-01-01", "principal": "1,000"},
        {"due_on": "1900-01-01", "paid_on": "TODAY", "principal": "1,000"},
        {"due_on": "TODAY", "paid_on": "TODAY", "principal": "99999999999999999999"},
        {"due_on": "TODAY", "paid_on": "TODAY", "principal": "-1", "interest": "-1"},
        {"due_on": "TODAY", "paid_on": "TODAY", "principal": "0", "interest": "0"},
        {"due_on": "TODAY", "paid_on": "TODAY", "principal": "9,999,999"},
        {"due_on": "\x00", "paid_on": "0000-00-00", "principal": "abc"}]),
    "report_arrears": ("disbursed", "officer1", [
        {}, {"overdue_since": "2999-01-01", "classification": "special_mention"},
        {"overdue_since": "1900-01-01", "classification": "special_mention"},
        {"overdue_since": "TODAY", "classification": "nope"}]),
    "declare_default": ("overdue", "approver1", [
        {}, {"classification": "substandard"}, {"classification": "nope", "comment": "违约"},
        {"comment": "违约。"}]),
    "record_repaid": ("repaying", "officer1", [{}, {"comment": LONG}]),
    "cancel_allocation": ("allocated", "approver1", [{}, {"comment": "   "}]),
}


def _file(world, desk, state: str):
    if state in ("planned", "registered", "allocating"):
        return bond_in(desk, state)
    return allocation_in(world, desk, state)


@pytest.mark.parametrize("trigger", sorted(FIRE_ODD))
def test_odd_input_in_each_form_is_refused_with_a_message(client, auth, world, desk,
                                                          trigger):
    state, actor, odd = FIRE_ODD[trigger]
    application = _file(world, desk, state)
    if trigger == "disburse":  # the voucher is there: only the form's data is wrong
        upload(application, "disbursement_voucher", desk.officer1)
    before = fresh(application.id).version
    login(auth, getattr(desk, actor))
    today = business_today().isoformat()
    wrong = []
    for fields in odd:
        fields = {k: today if v == "TODAY" else v for k, v in fields.items()}
        status = _status(lambda f=fields: fire(client, application.id, trigger, **f))
        if status != 422:
            wrong.append(f"{fields!r:.100}: {status}")
            continue
        page = text(fire(client, application.id, trigger, **fields))
        if "alert-danger" not in page:
            wrong.append(f"{fields!r:.100}: no message")
    assert wrong == [], "\n".join(wrong)
    stored = fresh(application.id)
    assert (stored.status, stored.version) == (state, before)


def test_a_nul_character_in_a_form_is_dropped_not_a_server_error(client, auth, world, desk):
    bond = bond_in(desk, "planned")
    upload(bond, "registration_letter", desk.officer1)
    upload(bond, "board_resolution", desk.issuer_officer1)
    login(auth, desk.officer1)
    done(client, bond.id, "register", registration_no="中市协注\x00〔2026〕T1号",
         registered_on=business_today().isoformat(), comment="注册\x00通过。")
    assert fresh(bond.id).registration_no == "中市协注〔2026〕T1号"
    allocation = allocation_in(world, desk, "credit_review")
    done(client, allocation.id, "recommend", amount="1,000,000", rate="4.20",
         term_months="24", comment="建议\x00分配。")
    assert fresh(allocation.id).status == "allocation_approval"
    assert db.session.scalar(select(TransitionLog.comment).where(
        TransitionLog.application_id == allocation.id,
        TransitionLog.trigger == "recommend")) == "建议分配。"
    assert db.session.scalar(select(func.count()).select_from(BondAllocation)) == 1
