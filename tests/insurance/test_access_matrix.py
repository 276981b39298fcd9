"""Every transition of 人才险 x every role x another organisation of the same kind: only the
right role of the right organisation may fire it (its page offers it); everyone else gets
404 (not on the route, or another organisation) or 403 (on the route, not their part), the
approver 409 for the decision that does not fit the proposal, and nothing changes, whatever
form data they send."""

from sqlalchemy import func
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.models import Attachment
from talentfin.policy import can
from talentfin.workflows.insurance.definition import WORKFLOW
from talentfin.workflows.insurance.models import InsuranceClaim
from talentfin.workflows.insurance.models import PremiumPayment
from tests.insurance.factories import PATHS
from tests.insurance.factories import advance
from tests.insurance.factories import policy_in
from tests.insurance.factories import quote
from tests.web import fresh
from tests.web import login
from tests.web import logs

# The state each transition is tried in (one of its sources); "counter_proposed" is
# underwriting_approval with counter-terms proposed.
CASES = {
    "submit": "draft", "withdraw": "underwriting",
    "park_approve": "park_review", "park_request_info": "park_review",
    "park_reject": "park_review", "resubmit": "info_requested", "expire": "info_requested",
    "propose": "underwriting", "insurer_request_info": "underwriting",
    "insurer_resubmit": "insurer_info_requested",
    "return_to_underwriter": "underwriting_approval",
    "approve_acceptance": "underwriting_approval", "decline": "underwriting_approval",
    "approve_counter": "counter_proposed", "accept_counter": "counter_offered",
    "refuse_counter": "counter_offered", "expire_offer": "counter_offered",
    "bind": "accepted", "pay_premium": "bound", "lapse": "bound", "end_policy": "bound",
    "request_subsidy": "premium_paid", "notify_claim": "premium_paid",
    "pay_subsidy": "subsidy_review", "decline_subsidy": "subsidy_review",
    "start_adjusting": "claim_notified", "agree_claim": "claim_adjusting",
    "deny_claim": "claim_adjusting", "pay_claim": "claim_agreed",
}
# The decision that does not fit the proposal is refused to the approver too (409, as for
# a page whose moment has passed).
MISFITS = {"underwriting_approval": ("approve_counter",),
           "counter_proposed": ("approve_acceptance",)}
# Who sees a policy of founder 1 (park 1) at insurer 1 in each state.
_PARK = {"founder", "park_reviewer", "auditor"}
_INSURER = _PARK | {"underwriter1", "approver1"}
VISIBLE = {state: _INSURER for state in set(CASES.values())}
VISIBLE.update({"draft": {"founder"}, "park_review": _PARK, "info_requested": _PARK,
                "subsidy_review": _INSURER | {"pool_admin", "committee"}})  # told if late
# The account of each role that may act (the policy's own founder, park and insurer).
RIGHT = {"founder": "founder", "park_reviewer": "park_reviewer",
         "insurer_officer": "underwriter1", "insurer_approver": "approver1",
         "pool_admin": "pool_admin"}


def _users(world, insurers) -> dict:
    return {"founder": world.founder, "founder2": world.founder2,
            "park_reviewer": world.park_reviewer, "park2_reviewer": world.park2_reviewer,
            "underwriter1": insurers.underwriter1, "approver1": insurers.approver1,
            "underwriter2": insurers.underwriter2, "approver2": insurers.approver2,
            "bank_officer": world.officer1, "bank_approver": world.approver1,
            "pool_admin": world.pool_admin, "committee": world.committee,
            "auditor": world.auditor, "admin": world.admin}


def _policy(world, insurers, state: str):
    if state != "counter_proposed":
        return policy_in(world, insurers, state)
    application = quote(world, insurers)
    for trigger in PATHS["underwriting_approval"]:
        advance(world, insurers, application, trigger, "counter_offered")
    return application


def _footprint(application_id: int) -> tuple:
    application = fresh(application_id)
    counts = [db.session.scalar(select(func.count()).select_from(model).where(
        model.application_id == application_id))
        for model in (Attachment, PremiumPayment, InsuranceClaim)]
    return (application.status, application.version, application.claimed_by_id,
            application.proposal, len(logs(application_id)), *counts)


def _filled(trigger: str) -> dict:
    """What a determined user would send: every field filled in."""
    values = {"comment": "outsider", "proposal": "accept", "sum_insured": "5,000,000",
              "rate": "1.50", "period_months": "12", "policy_no": "X-1",
              "starts_on": "2026-01-01", "amount": "75,000", "paid_on": "2026-01-01",
              "invoice_no": "FP", "loss_on": "2026-01-01", "claimed": "1",
              "assessed_loss": "1", "agreed": "1", "fields": "purpose"}
    return {f"{trigger}-{name}": value for name, value in values.items()}


def test_the_cases_cover_every_transition():
    assert set(CASES) == {t.trigger for t in WORKFLOW.transitions}
    for trigger, state in CASES.items():
        source = "underwriting_approval" if state == "counter_proposed" else state
        assert source in WORKFLOW.transition(trigger).sources


def test_only_the_right_role_of_the_right_organisation_fires_each_transition(
        client, auth, world, insurers):
    states = sorted(set(CASES.values()))
    policies = {state: _policy(world, insurers, state) for state in states}
    assert {s: fresh(p.id).status for s, p in policies.items()} == {
        s: "underwriting_approval" if s == "counter_proposed" else s for s in states}
    before = {state: _footprint(p.id) for state, p in policies.items()}
    wrong = []
    for name, user in _users(world, insurers).items():
        login(auth, user)
        for state, policy in policies.items():
            base = f"/applications/{policy.id}"
            visible = name in VISIBLE[state]
            page = client.get(base)
            if page.status_code != (200 if visible else 404):
                wrong.append(f"{name} sees {state}: {page.status_code}")
            triggers = [t for t, s in CASES.items() if s == state]
            for trigger in [*triggers, *MISFITS.get(state, ())]:
                transition = WORKFLOW.transition(trigger)
                right = trigger in triggers and any(
                    RIGHT.get(role) == name for role in transition.roles)
                if right:
                    if not can(user, f"fire:{trigger}", fresh(policy.id))[0]:
                        wrong.append(f"{name} may not {trigger} in {state}")
                    if not transition.submits and f'id="action-{trigger}"' not in page.text:
                        wrong.append(f"{name}'s page lacks {trigger} in {state}")
                    continue
                if f'id="action-{trigger}"' in page.text:
                    wrong.append(f"{name}'s page offers {trigger} in {state}")
                # A role that acts here, but not on this proposal: a stale page (409).
                expected = (409 if user.role in transition.roles else 403) if visible else 404
                for data in (_filled(trigger), {}):
                    status = client.post(f"{base}/fire/{trigger}", data=data).status_code
                    if status != expected:
                        wrong.append(f"{name} {trigger} in {state} ({bool(data)}): {status}")
        auth.logout()
    assert wrong == []
    assert {state: _footprint(p.id) for state, p in policies.items()} == before
