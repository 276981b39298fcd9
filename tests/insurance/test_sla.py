"""The legal clocks of a claim count calendar days (保险法 Art. 23): a claim being adjusted
is chased from two days before its 30 days and escalated again to the insurer's approvers
(who decide it) after them; an agreed claim unpaid after its 10 days is escalated to the
insurer's approvers. The texts say "days", not "working days"; nothing on a day off."""

from datetime import date
from datetime import datetime
from datetime import timedelta

from sqlalchemy import select

from talentfin.extensions import db
from talentfin.models import Notification
from talentfin.services.sla import send_sla_escalations
from talentfin.services.sla import send_sla_reminders
from talentfin.workdays import is_working_day
from tests import factories
from tests.insurance.factories import policy_in
from tests.insurance.helpers import set_parameter
from tests.insurance.helpers import text
from tests.web import login

# The claim entered its state on Monday 2 March 2026 at noon in Qingdao.
ENTERED = datetime(2026, 3, 2, 4, 0)
DAY_0 = date(2026, 3, 2)


def _on(days: int) -> date:
    return DAY_0 + timedelta(days=days)


def _sent(kind: str) -> list[tuple[str, str]]:
    db.session.expire_all()
    rows = db.session.scalars(select(Notification).where(Notification.kind == kind)
                              .order_by(Notification.id))
    return sorted((row.user.email, row.dedupe_key.rsplit(":", 1)[1]) for row in rows)


def _waiting(world, insurers, state: str, **kwargs):
    policy = policy_in(world, insurers, state, **kwargs)
    factories.set_columns(policy, status_changed_at=ENTERED)
    return policy


def test_a_claim_being_adjusted_is_chased_in_calendar_days(client, auth, world, insurers):
    policy = _waiting(world, insurers, "claim_adjusting")
    other = _waiting(world, insurers, "claim_adjusting", insurer=insurers.insurer2)
    assert all(is_working_day(_on(d)) for d in (28, 29, 30, 31))
    assert send_sla_reminders(_on(28)) == 0  # 28 days: the reminder threshold, not past it
    assert send_sla_reminders(_on(29)) == 3  # each insurer's approvers, of its own claim
    assert _sent("reminder") == [("ia1@t.cn", "2026-03-31"), ("ia1b@t.cn", "2026-03-31"),
                                 ("ia2@t.cn", "2026-03-31")]
    assert send_sla_escalations(_on(30)) == 0  # the 30th day is still inside the limit
    assert send_sla_escalations(_on(31)) == 3  # each insurer's approvers, of its own claim
    assert _sent("escalation") == [("ia1@t.cn", "2026-04-02"), ("ia1b@t.cn", "2026-04-02"),
                                   ("ia2@t.cn", "2026-04-02")]
    assert not is_working_day(_on(33))
    assert (send_sla_reminders(_on(33)), send_sla_escalations(_on(33))) == (0, 0)

    login(auth, insurers.approver1)
    page = text(client.get("/notifications/"))
    assert f"{policy.reference} · waiting 29 days in Claim being adjusted" in page
    assert "working day" not in page
    assert other.reference not in page
    send_sla_escalations(_on(31))
    page = text(client.get("/notifications/"))
    assert f"Overdue: {policy.reference} has waited 31 days in Claim being adjusted" in page
    assert ("insurer-1 has not acted on the application of 测试企业1 within the legal limit "
            "of 30 days.") in page
    assert "working day" not in page


def test_the_limit_is_the_policy_tables(world, insurers):
    set_parameter("claim_decision_days", "24")
    _waiting(world, insurers, "claim_adjusting")
    assert all(is_working_day(_on(d)) for d in (22, 23, 24, 25))
    assert (send_sla_reminders(_on(22)), send_sla_reminders(_on(23))) == (0, 2)
    assert (send_sla_escalations(_on(24)), send_sla_escalations(_on(25))) == (0, 2)


def test_an_agreed_claim_unpaid_after_ten_days_reaches_the_insurers_approvers(
        client, auth, world, insurers):
    policy = _waiting(world, insurers, "claim_agreed")
    _waiting(world, insurers, "claim_agreed", insurer=insurers.insurer2)
    assert all(is_working_day(_on(d)) for d in (8, 9, 10, 11))
    assert send_sla_reminders(_on(8)) == 0
    assert send_sla_reminders(_on(9)) == 2  # each insurer's underwriter
    assert _sent("reminder") == [("uw1@t.cn", "2026-03-11"), ("uw2@t.cn", "2026-03-11")]
    assert send_sla_escalations(_on(10)) == 0
    assert send_sla_escalations(_on(11)) == 3
    assert _sent("escalation") == [("ia1@t.cn", "2026-03-13"), ("ia1b@t.cn", "2026-03-13"),
                                   ("ia2@t.cn", "2026-03-13")]
    login(auth, insurers.approver1)
    page = text(client.get("/notifications/"))
    assert f"Overdue: {policy.reference} has waited 11 days in Claim agreed: payment due" in page
    assert "within the legal limit of 10 days" in page and "working day" not in page


def test_other_insurance_queues_count_working_days(client, auth, world, insurers):
    policy = _waiting(world, insurers, "underwriting")
    # Monday 2 March + 4 working days = Friday 6 March: past the 3-working-day reminder.
    assert send_sla_reminders(date(2026, 3, 5)) == 0
    assert send_sla_reminders(date(2026, 3, 6)) == 1
    assert _sent("reminder") == [("uw1@t.cn", "2026-03-06")]
    login(auth, insurers.underwriter1)
    page = text(client.get("/notifications/"))
    assert f"{policy.reference} · waiting 4 working days in Underwriting" in page


def test_a_reminder_names_the_legal_limit_of_30_days(client, auth, world, insurers):
    _waiting(world, insurers, "claim_adjusting")
    send_sla_reminders(_on(29))
    login(auth, insurers.approver1)
    assert "the legal limit is 30 days" in text(client.get("/notifications/"))


def test_the_committee_told_of_an_overdue_subsidy_review_can_open_it(client, auth, world,
                                                                     insurers):
    policy = _waiting(world, insurers, "subsidy_review")
    assert send_sla_escalations(date(2026, 3, 10)) == 1  # 6 working days: past 5
    assert _sent("escalation") == [("committee@t.cn", "2026-03-10")]
    login(auth, world.committee)
    assert policy.reference in text(client.get("/notifications/"))
    assert client.get(f"/applications/{policy.id}").status_code == 200
