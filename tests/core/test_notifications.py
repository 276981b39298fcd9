"""Notifications: who hears of a status change, e-mail through SMTP, SLA reminders, the pages."""

import email
import email.policy
import socket
from datetime import date
from datetime import datetime

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select
from sqlalchemy import update

from talentfin.jobs import JOBS
from talentfin.jobs import run_job
from talentfin.models import Application
from talentfin.models import Notification
from talentfin.models import OutboxTask
from talentfin.models import TransitionLog
from talentfin.services import applications as application_service
from talentfin.services import outbox
from talentfin.services.notifications import notify_transition
from talentfin.services.sla import send_sla_escalations
from talentfin.services.sla import send_sla_reminders
from talentfin.workflows import engine
from tests import factories
from tests.web import fire
from tests.web import fresh
from tests.web import login

JOB = {job.name: job for job in JOBS}


class Inbox:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self):
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.port = 0
        self.sessions = 0
        # A refusing server: every recipient answered 421 (service not available, try
        # later), or these addresses answered 550 (mailbox unavailable).
        self.unavailable = False
        self.refused: set[str] = set()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        """Count the connections."""
        self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        """Take the recipient, unless told to refuse."""
        if self.unavailable:
            return "421 4.3.2 Service not available, try again later"
        if address in self.refused:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        """Keep the message."""
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 OK"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        """Messages delivered to one address."""
        return [message for rcpts, message in self.messages if address in rcpts]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def inbox(app, monkeypatch):
    """A local SMTP server the app sends to, with mail turned on for the test."""
    handler = Inbox()
    port = handler.port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_ENABLED", True)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    yield handler
    controller.stop()


def _emails_notified(db, application, trigger: str) -> set[str]:
    db.session.expire_all()
    rows = db.session.scalars(
        select(Notification).join(TransitionLog, Notification.transition_log_id == TransitionLog.id)
        .where(TransitionLog.application_id == application.id, TransitionLog.trigger == trigger))
    return {row.user.email for row in rows}


def _everyone_notified(db) -> set[str]:
    db.session.expire_all()
    return {row.user.email for row in db.session.scalars(select(Notification))}


def test_each_change_reaches_the_founder_and_the_queue_it_enters_and_no_outsider(db, world):
    application = factories.loan_in(world, "disbursed")
    assert outbox.run_pending()[1] == 0
    assert _emails_notified(db, application, "submit") == {"founder@t.cn", "park@t.cn"}
    assert _emails_notified(db, application, "park_approve") == {"founder@t.cn", "officer1@t.cn"}
    assert _emails_notified(db, application, "recommend") == {
        "founder@t.cn", "approver1@t.cn", "approver1b@t.cn"}
    assert _emails_notified(db, application, "bank_approve") == {"founder@t.cn", "officer1@t.cn"}
    # The officer who records the contract is not told of their own action.
    assert _emails_notified(db, application, "contract") == {"founder@t.cn"}
    assert _emails_notified(db, application, "disburse") == {"founder@t.cn", "pool@t.cn"}
    outsiders = {"officer2@t.cn", "approver2@t.cn", "park2@t.cn", "founder2@t.cn",
                 "committee@t.cn", "auditor@t.cn", "admin@t.cn"}
    assert not _everyone_notified(db) & outsiders


def test_a_claim_reaches_the_pool_administrators_then_the_committee(db, world):
    factories.fund_pool(world)
    loan = factories.loan_in(world, "committee_review")
    assert outbox.run_pending()[1] == 0
    assert _emails_notified(db, loan, "lodge_claim") == {"founder@t.cn", "pool@t.cn"}
    assert _emails_notified(db, loan, "assess_claim") == {"founder@t.cn", "committee@t.cn"}
    assert not _everyone_notified(db) & {"officer2@t.cn", "approver2@t.cn"}


def test_bank_2_staff_hear_of_their_own_applications_only(db, world):
    factories.loan_in(world, "bank_approval")
    theirs = factories.loan_in(world, "bank_approval", founder=world.founder2, bank=world.bank2)
    outbox.run_pending()
    db.session.expire_all()
    for officer in (world.officer2, world.approver2):
        rows = db.session.scalars(select(Notification).where(Notification.user_id == officer.id))
        assert {row.application_id for row in rows} == {theirs.id}


def test_the_member_of_staff_who_had_claimed_it_is_told_when_the_founder_withdraws(db, world):
    application = factories.loan_in(world, "partner_review")
    assert application_service.claim(application, world.officer1)
    engine.fire(application, "withdraw", world.founder, comment="changed plans")
    outbox.run_pending()
    assert _emails_notified(db, application, "withdraw") == {"founder@t.cn", "officer1@t.cn"}


def test_running_the_handler_twice_makes_no_duplicates(db, world):
    application = factories.loan_in(world, "partner_review")
    outbox.run_pending()
    log = db.session.scalars(select(TransitionLog).where(TransitionLog.trigger == "park_approve")
                             ).one()
    before = len(list(db.session.scalars(select(Notification))))
    notify_transition({"log_id": log.id})
    notify_transition({"log_id": log.id})
    assert len(list(db.session.scalars(select(Notification)))) == before
    assert _emails_notified(db, application, "park_approve") == {"founder@t.cn", "officer1@t.cn"}


def test_the_mail_arrives_with_a_chinese_subject_once(db, world, inbox):
    application = factories.loan_in(world, "park_review")
    assert outbox.run_pending()[1] == 0
    [message] = inbox.to("founder@t.cn")
    assert message["Subject"] == f"[人才金融] {application.reference} · 园区审核"
    assert message["To"] == "founder@t.cn"
    body = message.get_content()
    assert f"/applications/{application.id}" in body and "/notifications/preferences" in body
    assert len(inbox.to("park@t.cn")) == 1
    log = db.session.scalars(select(TransitionLog)).one()
    notify_transition({"log_id": log.id})  # a rerun mails nobody twice
    assert len(inbox.messages) == 2


def test_a_failed_send_leaves_the_in_app_notification_and_retries(db, world, app, inbox,
                                                                  monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_PORT", _free_port())  # nobody listens there
    factories.loan_in(world, "park_review")
    assert outbox.run_pending() == (1, 1)  # the dossier renders, the mail fails
    assert _everyone_notified(db) == {"founder@t.cn", "park@t.cn"}
    monkeypatch.setitem(app.config, "MAIL_PORT", inbox.port)
    db.session.execute(update(OutboxTask).values(available_at=datetime(2000, 1, 1)))
    db.session.commit()
    assert outbox.run_pending() == (1, 0)
    assert sorted(r[0] for r, _ in inbox.messages) == ["founder@t.cn", "park@t.cn"]


def _retry_now(db) -> None:
    db.session.execute(update(OutboxTask).values(available_at=datetime(2000, 1, 1)))
    db.session.commit()


def test_a_mail_server_refusing_service_delays_no_decision_and_the_mail_follows_once(
        client, auth, db, world, inbox):
    application = factories.loan_in(world, "park_review")
    assert outbox.run_pending()[1] == 0
    inbox.messages.clear()
    inbox.unavailable = True
    sessions_before = inbox.sessions
    login(auth, world.park_reviewer)
    response = fire(client, application.id, "park_approve", comment="材料齐全")

    # The decision is taken at once: the request never talks to the mail server.
    assert response.status_code == 302
    assert fresh(application.id).status == "partner_review"
    assert inbox.sessions == sessions_before
    assert outbox.run_pending()[1] == 1  # the notification's mail: refused (421)
    task = db.session.scalars(select(OutboxTask).where(
        OutboxTask.kind == "notify_transition").order_by(OutboxTask.id.desc())).first()
    assert task.status == "pending" and task.attempts == 1 and "421" in task.last_error
    assert task.available_at > datetime.utcnow()  # retried later, with backoff
    assert _emails_notified(db, application, "park_approve") == {"founder@t.cn",
                                                                 "officer1@t.cn"}
    assert inbox.messages == []

    inbox.unavailable = False
    _retry_now(db)
    assert outbox.run_pending()[1] == 0
    assert sorted(r[0] for r, _ in inbox.messages) == ["founder@t.cn", "officer1@t.cn"]
    _retry_now(db)
    assert outbox.run_pending() == (0, 0)  # done is done: nobody is mailed twice
    assert len(inbox.messages) == 2


def test_one_refused_address_does_not_hold_back_the_others_mail(db, world, inbox):
    inbox.refused = {"founder@t.cn"}
    application = factories.loan_in(world, "park_review")
    assert outbox.run_pending()[1] == 1
    # The park's reviewer has the mail; the founder's is retried (and fails visibly once
    # its attempts are used up).
    assert [r for r, _ in inbox.messages] == [["park@t.cn"]]
    task = db.session.scalars(select(OutboxTask).where(
        OutboxTask.kind == "notify_transition")).one()
    assert task.status == "pending" and "founder@t.cn" in task.last_error
    inbox.refused = set()
    _retry_now(db)
    assert outbox.run_pending()[1] == 0
    assert sorted(r[0] for r, _ in inbox.messages) == ["founder@t.cn", "park@t.cn"]
    assert application.reference in inbox.to("founder@t.cn")[0]["Subject"]


def test_a_kind_turned_off_still_notifies_in_app_but_sends_no_mail(client, auth, db, world,
                                                                   inbox):
    auth.login(world.founder.email)
    page = client.get("/notifications/preferences")
    assert 'name="email" value="status_change"' in page.text and "checked" in page.text
    client.post("/notifications/preferences", data={})  # every box unticked
    assert "checked" not in client.get("/notifications/preferences").text
    factories.loan_in(world, "park_review")
    outbox.run_pending()
    assert "founder@t.cn" in _everyone_notified(db)
    assert inbox.to("founder@t.cn") == [] and len(inbox.to("park@t.cn")) == 1


def _waiting_since(db, application, moment: datetime) -> None:
    db.session.execute(update(Application).where(Application.id == application.id)
                       .values(status_changed_at=moment))
    db.session.commit()


def _sla(db, kind: str) -> list[tuple[str, str]]:
    db.session.expire_all()
    rows = db.session.scalars(select(Notification).where(Notification.kind == kind)
                              .order_by(Notification.id))
    return [(row.user.email, row.dedupe_key.rsplit(":", 1)[1]) for row in rows]


def test_reminders_after_three_working_days_escalation_after_five_once_a_day(db, world):
    park_item = factories.loan_in(world, "park_review")
    bank_item = factories.loan_in(world, "partner_review")
    held = factories.loan_in(world, "info_requested")  # the founder holds it: no clock
    # Monday 2 March 2026, noon in Qingdao; 5 and 6 March are working days 3 and 4.
    for item in (park_item, bank_item, held):
        _waiting_since(db, item, datetime(2026, 3, 2, 4, 0))

    assert run_job(JOB["sla_reminders"], datetime(2026, 3, 5, 1)) == "ok: 0"
    assert run_job(JOB["sla_reminders"], datetime(2026, 3, 6, 1)) == "ok: 2"
    assert run_job(JOB["sla_reminders"], datetime(2026, 3, 6, 2)) == "already done"
    assert _sla(db, "reminder") == [("park@t.cn", "2026-03-06"), ("officer1@t.cn", "2026-03-06")]
    assert run_job(JOB["sla_reminders"], datetime(2026, 3, 7, 1)) == "ok: 0"  # Saturday

    assert run_job(JOB["sla_escalations"], datetime(2026, 3, 9, 1)) == "ok: 0"  # day 5
    assert run_job(JOB["sla_escalations"], datetime(2026, 3, 10, 1)) == "ok: 3"  # day 6
    assert sorted(_sla(db, "escalation")) == [
        ("approver1@t.cn", "2026-03-10"), ("approver1b@t.cn", "2026-03-10"),
        ("pool@t.cn", "2026-03-10")]
    assert run_job(JOB["sla_reminders"], datetime(2026, 3, 10, 1)) == "ok: 2"  # daily
    assert len(_sla(db, "reminder")) == 4
    assert not {email_ for email_, _ in _sla(db, "reminder") + _sla(db, "escalation")} & {
        "officer2@t.cn", "approver2@t.cn", "park2@t.cn", "founder@t.cn"}


def test_a_reminder_goes_to_the_claimant_and_the_filing_escalates_to_the_committee(db, world):
    claimed = factories.loan_in(world, "partner_review")
    application_service.claim(claimed, world.officer1)
    unfiled = factories.loan_in(world, "disbursed")
    for item in (claimed, unfiled):
        _waiting_since(db, item, datetime(2026, 3, 2, 4, 0))

    assert send_sla_reminders(date(2026, 3, 10)) == 2
    assert send_sla_reminders(date(2026, 3, 10)) == 2  # the same rows, no new ones
    assert _sla(db, "reminder") == [("officer1@t.cn", "2026-03-10"), ("pool@t.cn", "2026-03-10")]
    send_sla_escalations(date(2026, 3, 10))
    assert ("committee@t.cn", "2026-03-10") in _sla(db, "escalation")


def test_the_navbar_counts_unread_and_the_list_marks_them_read(client, auth, db, world):
    application = factories.loan_in(world, "partner_review")
    outbox.run_pending()
    auth.login(world.founder.email)
    page = client.get("/notifications/")
    assert 'id="unread-count">2<' in page.text
    older, newest = db.session.scalars(select(Notification).where(
        Notification.user_id == world.founder.id).order_by(Notification.id)).all()
    assert page.text.index(f"notification-{newest.id}") < page.text.index(
        f"notification-{older.id}")
    assert page.text.count("notification-unread") == 2
    assert "银行审查" in page.text and "园区审核" in page.text
    opened = client.post(f"/notifications/{newest.id}/read", data={"open": "1"})
    assert opened.headers["Location"].endswith(f"/applications/{application.id}")
    assert 'id="unread-count">1<' in client.get("/applications/").text

    client.post("/notifications/read-all")
    page = client.get("/notifications/")
    assert "unread-count" not in page.text and "notification-unread" not in page.text


def test_notifications_follow_the_language_and_stay_private(client, auth, db, world):
    factories.loan_in(world, "park_review")
    outbox.run_pending()
    mine = db.session.scalars(select(Notification).where(
        Notification.user_id == world.founder.id)).one()
    auth.login(world.founder.email)
    assert "园区审核" in client.get("/notifications/").text
    client.post("/language", data={"lang": "en"})
    page = client.get("/notifications/").text
    assert "Park review" in page and "园区审核" not in page
    auth.logout()
    auth.login(world.park_reviewer.email)
    assert client.post(f"/notifications/{mine.id}/read").status_code == 404
    db.session.refresh(mine)
    assert mine.read_at is None


def test_the_list_is_paginated(client, auth, db, world, monkeypatch):
    monkeypatch.setattr("talentfin.views.notifications.PAGE_SIZE", 2)
    for _ in range(2):
        factories.loan_in(world, "bank_approval")  # 3 notifications each for the founder
    outbox.run_pending()
    auth.login(world.founder.email)
    ids = [n.id for n in db.session.scalars(select(Notification).where(
        Notification.user_id == world.founder.id).order_by(Notification.id.desc()))]
    second = client.get("/notifications/?page=2").text
    assert "第 2 页，共 3 页" in second
    assert [f"notification-{i}\"" in second for i in ids] == [False, False, True, True,
                                                              False, False]
    assert "第 3 页，共 3 页" in client.get("/notifications/?page=9").text


def _sla_emails(db, kind: str, application) -> set[str]:
    rows = db.session.scalars(select(Notification).where(
        Notification.kind == kind, Notification.application_id == application.id)).all()
    return {row.user.email for row in rows}


def test_claim_stages_are_chased_against_the_policy_limits(db, world):
    factories.fund_pool(world)
    claim = factories.loan_in(world, "claim_review")
    db.session.execute(update(Application).where(Application.id == claim.id)
                       .values(status_changed_at=datetime(2026, 3, 2, 2)))  # a Monday
    db.session.commit()
    # Pool review has 5 working days: reminders after 3, an escalation after 5.
    assert run_job(JOB["sla_reminders"], datetime(2026, 3, 5, 1)) == "ok: 0"  # 3 days
    assert run_job(JOB["sla_reminders"], datetime(2026, 3, 6, 1)).startswith("ok: 1")
    assert _sla_emails(db, "reminder", claim) == {world.pool_admin.email}
    assert run_job(JOB["sla_escalations"], datetime(2026, 3, 9, 1)) == "ok: 0"  # 5 days
    assert run_job(JOB["sla_escalations"], datetime(2026, 3, 10, 1)).startswith("ok: 1")
    assert _sla_emails(db, "escalation", claim) == {world.committee.email}
