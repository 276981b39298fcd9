"""Rules on the loan route that QA found missing: the tier the park checked, a
recommendation above the request, a bank out of good standing, an incomplete company
profile, an impossible contract date, and policy values that would stop lending."""

from datetime import date
from datetime import timedelta

import pytest
from flask_babel import force_locale

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import Dossier
from talentfin.models import Organisation
from talentfin.pool.models import LedgerEntry
from talentfin.services import policy_changes
from talentfin.services.uploads import save_attachment
from talentfin.workflows import engine
from talentfin.workflows.labels import document_label
from tests import factories


def _refusal(application_id: int, trigger: str, user, **kwargs) -> str:
    """Fire and return the refusal's reason in English (the state must not move)."""
    application = db.session.get(Application, application_id)
    before = application.status
    with force_locale("en"), pytest.raises(engine.Refused) as refused:
        engine.fire(application, trigger, user, **kwargs)
    assert db.session.get(Application, application_id).status == before
    return refused.value.message


def _set(obj, **fields) -> None:
    for name, value in fields.items():
        setattr(obj, name, value)
    db.session.commit()


def test_the_tier_the_park_checked_counts_not_a_later_profile_edit(world):
    application = factories.draft(world, amount_fen=500_000_000)  # tier B: 5,000,000 limit
    engine.fire(application, "submit", world.founder)
    engine.fire(application, "park_approve", world.park_reviewer, comment="属实。")
    _set(world.founder.enterprise.talent, tier="D")  # edited after the park's check
    engine.fire(application, "recommend", world.officer1, comment="ok",
                data={"amount_fen": 500_000_000, "rate_bp": 360, "term_months": 24,
                            "security": "pure_credit"})
    assert application.status == "bank_approval"
    engine.fire(application, "bank_request_info", world.approver1, comment="补充",
                data={"fields": ["purpose"], "documents": []})
    _set(world.founder.enterprise.talent, tier="A")
    engine.fire(application, "bank_resubmit", world.founder)
    assert db.session.get(Application, application.id).talent_tier == "B"
    engine.fire(application, "recommend", world.officer1, comment="ok",
                data={"amount_fen": 500_000_000, "rate_bp": 360, "term_months": 24,
                            "security": "pure_credit"})
    engine.fire(application, "bank_approve", world.approver1, comment="同意。")
    decision = db.session.query(Dossier).filter_by(application_id=application.id,
                                                   stage="bank_decision").one()
    assert decision.summary["talent"]["tier"] == "B"


def test_the_bank_cannot_recommend_more_than_the_founder_asked_for(world):
    application = factories.loan_in(world, "partner_review")  # asked for 1,000,000
    reason = _refusal(application.id, "recommend", world.officer1, comment="ok",
                      data={"amount_fen": 100_000_001, "rate_bp": 360, "term_months": 24,
                            "security": "pure_credit"})
    assert reason == ("The amount 1,000,000.01 yuan is more than the 1,000,000.00 yuan the "
                      "founder applied for.")
    engine.fire(db.session.get(Application, application.id), "recommend", world.officer1,
                comment="ok", data={"amount_fen": 100_000_000, "rate_bp": 360,
                                    "term_months": 24, "security": "pure_credit"})


@pytest.mark.parametrize("standing, says", [
    ("suspended", "is suspended from the talent-loan programme until the pool committee "
                  "reinstates it."),
    ("terminated", "is no longer a partner of the talent-loan programme."),
])
def test_a_bank_out_of_good_standing_takes_no_new_applications(world, standing, says):
    waiting = factories.loan_in(world, "park_review")
    draft = factories.draft(world)
    bank = db.session.get(Organisation, world.bank1.id)
    _set(bank, standing=standing)
    with force_locale("en"):
        name = bank.display_name("en")
    # The founder of a draft still chooses the bank: told to pick another one.
    assert _refusal(draft.id, "submit", world.founder) == (
        f"{name} no longer takes talent-loan applications; choose another bank.")
    # The park cannot send the file to it, and is told how the founder can move on.
    assert _refusal(waiting.id, "park_approve", world.park_reviewer, comment="属实。") == (
        f"{name} {says} Ask the founder, with a request for information, to choose another "
        "bank.")
    _set(bank, standing="active")  # reinstated
    engine.fire(db.session.get(Application, draft.id), "submit", world.founder)
    engine.fire(db.session.get(Application, waiting.id), "park_approve", world.park_reviewer,
                comment="属实。")


@pytest.mark.parametrize("standing", ["suspended", "terminated"])
def test_a_bank_out_of_good_standing_decides_no_recommendation_or_approval(world, standing):
    recommended = factories.loan_in(world, "bank_approval")
    routed = factories.loan_in(world, "partner_review")
    _set(db.session.get(Organisation, world.bank1.id), standing=standing)
    assert "talent-loan programme" in _refusal(
        routed.id, "recommend", world.officer1, comment="ok",
        data={"amount_fen": 100_000_000, "rate_bp": 360, "term_months": 24,
                            "security": "pure_credit"})
    assert "talent-loan programme" in _refusal(recommended.id, "bank_approve", world.approver1,
                                               comment="同意。")


def test_an_application_needs_the_firms_park_and_founding_date(world):
    application = factories.draft(world)
    _set(world.founder.enterprise, park_id=None, founded_on=None)
    reason = _refusal(application.id, "submit", world.founder)
    assert "Choose the firm's park in the company profile" in reason
    assert "Enter the firm's founding date in the company profile." in reason


def test_a_contract_cannot_be_dated_before_the_firm_existed(world):
    application = factories.loan_in(world, "approved")
    founded = world.founder.enterprise.founded_on
    reason = _refusal(application.id, "contract", world.officer1, data={
        "contract_no": "HT-1", "signed_on": founded - timedelta(days=1)})
    assert reason == (f"The signing date cannot be before {founded.isoformat()} (the firm's "
                      "founding or the programme's start).")
    engine.fire(db.session.get(Application, application.id), "contract", world.officer1,
                data={"contract_no": "HT-1", "signed_on": founded})


def _propose(world, key: str, value: str, on: date):
    return policy_changes.propose(key, value, on, "测试", world.pool_admin)


def test_policy_values_that_would_stop_lending_are_refused(world):
    today = business_today()
    with force_locale("en"):
        with pytest.raises(policy_changes.PolicyChangeError, match="must be at least 1"):
            _propose(world, "lpr_1y_bp", "0", today)
        with pytest.raises(policy_changes.PolicyChangeError,
                           match=r"minimum term \(48 months\) would be longer than the maximum "
                                 r"term \(36 months\)"):
            _propose(world, "term_min_months", "48", today)
        _propose(world, "term_min_months", "36", today)  # equal to the maximum: allowed


def test_the_committee_cannot_approve_a_change_that_others_made_inconsistent(world):
    today = business_today()
    shorter_max = _propose(world, "term_max_months", "24", today)
    longer_min = _propose(world, "term_min_months", "30", today)  # fine while max is 36
    policy_changes.decide(shorter_max, True, world.committee)
    with force_locale("en"), pytest.raises(policy_changes.PolicyChangeError,
                                           match="would be longer than the maximum"):
        policy_changes.decide(longer_min, True, world.committee)
    assert longer_min.status == "proposed"


def test_a_change_is_checked_against_changes_approved_for_later_dates(world):
    today = business_today()
    later = today + timedelta(days=10)
    policy_changes.decide(_propose(world, "term_min_months", "30", later), True, world.committee)
    with force_locale("en"), pytest.raises(policy_changes.PolicyChangeError,
                                           match=f"From {later.isoformat()} the minimum term"):
        _propose(world, "term_max_months", "24", today)


@pytest.mark.parametrize("state, trigger", [("info_requested", "resubmit"),
                                            ("bank_info_requested", "bank_resubmit")])
def test_a_resubmission_waits_for_the_documents_the_reviewer_named(world, state, trigger):

    application = factories.loan_in(world, state)
    asked = application.info_request["documents"]
    with force_locale("en"):
        names = ", ".join(document_label("loan", kind) for kind in asked)
    reason = _refusal(application.id, trigger, world.founder)
    assert reason.startswith("Upload a new version of each document you were asked to "
                             f"replace: {names}.")
    for kind in asked:
        save_attachment(application, kind, factories.pdf_upload(f"{kind}-v2.pdf"),
                        world.founder)
    engine.fire(db.session.get(Application, application.id), trigger, world.founder)
    assert db.session.get(Application, application.id).status in ("park_review",
                                                                  "partner_review")


def test_a_bank_closes_a_non_performing_loan_the_pool_will_not_compensate(world):

    never_claimed = factories.loan_in(world, "npl")  # closing it would hide it from the NPL
    assert _refusal(never_claimed.id, "close_uncompensated", world.approver1,
                    comment="核销") == (
        "Only a loan whose compensation claim the pool returned or rejected can be closed "
        "without compensation; lodge a claim first.")
    application = factories.loan_in(world, "claim_review")
    engine.fire(application, "return_claim", world.pool_admin, comment="已由保险全额赔付。")
    assert application.status == "npl"
    entries = db.session.query(LedgerEntry).count()
    with force_locale("en"), pytest.raises(engine.Forbidden):
        engine.fire(application, "close_uncompensated", world.officer1, comment="核销")
    assert _refusal(application.id, "close_uncompensated", world.approver1) == (
        "Please give a reason.")
    engine.fire(db.session.get(Application, application.id), "close_uncompensated",
                world.approver1, comment="银行自行核销，不申请补偿。")
    assert db.session.get(Application, application.id).status == "closed"
    assert db.session.query(LedgerEntry).count() == entries  # no public money moved


def test_a_request_for_information_names_only_the_applications_own_documents(world):
    application = factories.loan_in(world, "park_review")
    reason = _refusal(application.id, "park_request_info", world.park_reviewer, comment="x",
                      data={"fields": [], "documents": ["loan_contract"]})
    assert reason.startswith("Ask only for the application's own documents")
