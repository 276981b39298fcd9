"""Post-investment monitoring: the reports a portfolio firm owes (each quarter's management
accounts 30 days after the quarter, each year's audited accounts 4 months after the year,
both from the policy table) are listed once their period has ended; the founder, and only
the founder, files each once; the daily job reminds the founder a week before the due day
and once it has passed, and tells the fund's investment managers once a report is 10 days
late, each notice once, in words the reader understands."""

from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.models import Notification
from talentfin.services.equity import desk
from talentfin.services.equity import portfolio
from talentfin.services.notifications import notification_text
from talentfin.services.sla import send_documents_due
from talentfin.workflows import engine
from talentfin.workflows.equity import monitoring
from tests import factories
from tests.equity.factories import advance
from tests.equity.factories import equity_in
from tests.equity.factories import refusal
from tests.equity.factories import set_parameter
from tests.equity.factories import upload

FUNDED = date(2026, 2, 10)


@pytest.fixture
def held(world, funds):
    """A portfolio firm: founder 1's deal with fund 1, the money paid in on 10 February."""
    return equity_in(world, funds, "monitoring", funded_on=FUNDED)


def _owed(application) -> list[tuple[str, str, date, date, bool]]:
    db.session.expire_all()
    return sorted((o.kind, o.period, o.period_end, o.due_on, o.submitted_at is not None)
                  for o in monitoring.obligations_of(application))


def _obligation(application, period: str, kind: str = "quarterly"):
    return next(o for o in monitoring.obligations_of(application)
                if (o.kind, o.period) == (kind, period))


def test_reports_are_owed_only_for_periods_that_have_ended(held):
    assert monitoring.schedule(held, date(2026, 3, 31)) == 0  # the quarter's last day
    assert monitoring.schedule(held, date(2026, 4, 1)) == 1
    assert _owed(held) == [("quarterly", "2026Q1", date(2026, 3, 31), date(2026, 4, 30),
                            False)]
    assert monitoring.schedule(held, date(2027, 1, 1)) == 4
    assert _owed(held) == [
        ("annual", "2026", date(2026, 12, 31), date(2027, 4, 30), False),
        ("quarterly", "2026Q1", date(2026, 3, 31), date(2026, 4, 30), False),
        ("quarterly", "2026Q2", date(2026, 6, 30), date(2026, 7, 30), False),
        ("quarterly", "2026Q3", date(2026, 9, 30), date(2026, 10, 30), False),
        ("quarterly", "2026Q4", date(2026, 12, 31), date(2027, 1, 30), False)]
    assert monitoring.schedule(held, date(2027, 1, 2)) == 0  # listed once


@pytest.mark.parametrize(("funded", "first"), [(date(2026, 1, 1), "2026Q1"),
                                               (date(2026, 3, 31), "2026Q1"),
                                               (date(2026, 4, 1), "2026Q2")])
def test_the_first_report_is_the_quarter_the_money_went_in(world, funds, funded, first):
    application = equity_in(world, funds, "monitoring", funded_on=funded)
    monitoring.schedule(application, date(2026, 7, 1))
    assert [period for _, period, *_ in _owed(application)][0] == first


def test_the_days_and_months_to_report_are_the_policy_tables(held):
    set_parameter("equity_quarterly_report_days", "45")
    set_parameter("equity_annual_report_months", "6")
    monitoring.schedule(held, date(2027, 1, 1))
    due = {period: due for _, period, _, due, _ in _owed(held)}
    assert (due["2026Q1"], due["2026Q4"], due["2026"]) == (
        date(2026, 5, 15), date(2027, 2, 14), date(2027, 6, 30))


def test_the_founder_files_each_report_once(world, funds, held):
    monitoring.schedule(held, date(2026, 7, 1))
    q1 = _obligation(held, "2026Q1")
    report = upload(held, "quarterly_accounts", world.founder)
    wrong = upload(held, "annual_accounts", world.founder)
    assert refusal(monitoring.file_report, held, q1, world.founder,
                   wrong) == "Upload the report itself."
    for other in (funds.manager1, funds.approver1, world.founder2):
        assert refusal(monitoring.file_report, held, q1, other, report,
                       error=engine.Forbidden) == "The founder files the firm's reports."
    assert _owed(held)[0][-1] is False
    monitoring.file_report(held, q1, world.founder, report)
    assert (q1.attachment_id, q1.submitted_by_id) == (report.id, world.founder.id)
    again = upload(held, "quarterly_accounts", world.founder)
    assert refusal(monitoring.file_report, held, q1, world.founder, again,
                   error=engine.Conflict) == "This report was already filed."
    assert refusal(desk.file_report, held, q1.id, world.founder,
                   factories.pdf_upload()) == "This report was already filed."
    db.session.expire_all()
    assert q1.attachment_id == report.id
    assert [filed for *_, filed in _owed(held)] == [True, False]


def test_a_report_is_filed_on_its_own_deal_while_in_the_portfolio(world, funds, held):
    other = equity_in(world, funds, "monitoring", funded_on=FUNDED)
    monitoring.schedule(held, date(2026, 4, 1))
    monitoring.schedule(other, date(2026, 4, 1))
    report = upload(held, "quarterly_accounts", world.founder)
    assert refusal(desk.file_report, held, _obligation(other, "2026Q1").id, world.founder,
                   factories.pdf_upload()) == "This report is not owed on this application."
    advance(world, funds, held, "propose_exit",
            data={"method": "buyback", "exited_on": date(2026, 5, 1),
                  "proceeds_fen": 3_300_000_00})
    monitoring.file_report(held, _obligation(held, "2026Q1"), world.founder, report)
    advance(world, funds, other, "propose_exit",
            data={"method": "buyback", "exited_on": date(2026, 5, 1),
                  "proceeds_fen": 3_300_000_00})
    advance(world, funds, other, "approve_exit")
    late_report = upload(held, "quarterly_accounts", world.founder)
    late_report.application_id = other.id  # as if uploaded on the exited deal
    db.session.commit()
    assert refusal(monitoring.file_report, other, _obligation(other, "2026Q1"), world.founder,
                   late_report) == "The fund no longer asks for reports on this investment."


@pytest.fixture
def manager1b(funds):
    """A second investment manager of fund 1: told of late reports as well."""
    return factories.user("im1b@t.cn", "fund_officer", funds.fund1)


def _sent(kind: str | None = None) -> list[tuple[str, str, str]]:
    """(reader, kind, the notice's key without the application) of every notice, sorted."""
    db.session.expire_all()
    rows = db.session.scalars(select(Notification).where(
        Notification.kind.in_([kind] if kind else ["reminder", "escalation"])))
    return sorted((n.user.email, n.kind, n.dedupe_key.split(":", 2)[2]) for n in rows)


def _text(email: str, stage: str, locale: str = "en") -> tuple[str, str]:
    """The notice's title and body as its reader sees it (in English by default)."""
    notification = next(n for n in db.session.scalars(select(Notification))
                        if n.user.email == email and n.dedupe_key.endswith(stage))
    with force_locale(locale):
        shown = notification_text(notification, notification.user)
    return shown["title"], shown["body"]


def test_the_founder_is_reminded_then_the_funds_managers_are_told(world, funds, held,
                                                                  manager1b):
    equity_in(world, funds, "monitoring", funded_on=FUNDED, founder=world.founder2,
              fund=funds.fund2)
    ref, firm = held.reference, "测试企业1"
    q1 = "quarterly_accounts:2026Q1"
    assert send_documents_due(date(2026, 4, 22)) == 0  # due 30 April: 8 days ahead
    assert len(_owed(held)) == 1  # listed all the same
    assert send_documents_due(date(2026, 4, 23)) == 2  # a week ahead: each founder
    assert _sent() == [("founder2@t.cn", "reminder", f"{q1}:soon"),
                       ("founder@t.cn", "reminder", f"{q1}:soon")]
    assert _text("founder@t.cn", "soon") == (
        f"{ref} · Quarterly management accounts for 2026Q1 due on 2026-04-30",
        f"Please upload the Quarterly management accounts of {firm} for 2026Q1 by 2026-04-30.")
    title, body = _text("founder@t.cn", "soon", "zh")  # the founder's own language
    assert all(part in title for part in (ref, "2026Q1", "2026-04-30")) and firm in body
    for day in (24, 29, 30):  # told once; the due day itself is not late
        assert send_documents_due(date(2026, 4, day)) == 0
    assert send_documents_due(date(2026, 5, 1)) == 2
    assert _text("founder@t.cn", "late") == (
        f"Late: {ref} · Quarterly management accounts for 2026Q1 was due on 2026-04-30",
        f"The Quarterly management accounts of {firm} for 2026Q1 was due on 2026-04-30; "
        "please upload it now.")
    assert send_documents_due(date(2026, 5, 9)) == 0  # 9 days late
    assert send_documents_due(date(2026, 5, 10)) == 3  # 10 days late: each fund's managers
    assert _sent("escalation") == [("im1@t.cn", "escalation", f"{q1}:escalated"),
                                   ("im1b@t.cn", "escalation", f"{q1}:escalated"),
                                   ("im2@t.cn", "escalation", f"{q1}:escalated")]
    mine = {n.application_id for n in db.session.scalars(select(Notification).where(
        Notification.kind == "escalation")) if n.user.org_id == funds.fund1.id}
    assert mine == {held.id}
    assert _text("im1b@t.cn", "escalated") == (
        f"Overdue: {ref} · Quarterly management accounts for 2026Q1 (due 2026-04-30)",
        f"{firm} has not filed its Quarterly management accounts for 2026Q1, due on "
        "2026-04-30. Please follow it up with the firm.")
    assert send_documents_due(date(2026, 5, 11)) == 0
    assert len(_sent()) == 7  # each notice once
    assert [late.period for late in portfolio.portfolio(funds.fund1.id, date(2026, 5, 11))[0]
            .late] == ["2026Q1"]


def test_a_filed_report_is_not_chased(world, funds, held):
    send_documents_due(date(2026, 4, 1))
    report = upload(held, "quarterly_accounts", world.founder)
    monitoring.file_report(held, _obligation(held, "2026Q1"), world.founder, report)
    for day in (date(2026, 4, 23), date(2026, 5, 1), date(2026, 5, 10)):
        assert send_documents_due(day) == 0
    assert _sent() == []
    holding = portfolio.portfolio(funds.fund1.id, date(2026, 5, 10))[0]
    assert (holding.last.period, holding.late) == ("2026Q1", [])


def test_reports_first_listed_long_late_are_chased_at_once(world, funds, held):
    # The job's first run is on 5 May 2027: the quarters of 2026 are months late, the first
    # quarter of 2027 and the audited accounts of 2026 (both due 30 April) 5 days late.
    assert send_documents_due(date(2027, 5, 5)) == 6 + 4
    assert [key for _, _, key in _sent("reminder")] == [
        "annual_accounts:2026:late", "quarterly_accounts:2026Q1:late",
        "quarterly_accounts:2026Q2:late", "quarterly_accounts:2026Q3:late",
        "quarterly_accounts:2026Q4:late", "quarterly_accounts:2027Q1:late"]
    assert [key for _, _, key in _sent("escalation")] == [
        "quarterly_accounts:2026Q1:escalated", "quarterly_accounts:2026Q2:escalated",
        "quarterly_accounts:2026Q3:escalated", "quarterly_accounts:2026Q4:escalated"]
    assert _text("founder@t.cn", "annual_accounts:2026:late")[0] == (
        f"Late: {held.reference} · Audited annual accounts for 2026 was due on 2027-04-30")


def test_inactive_accounts_are_not_told(world, funds, held):
    funds.manager1.active = False
    world.founder.active = False
    db.session.commit()
    assert send_documents_due(date(2026, 5, 10)) == 0
    assert _sent() == []
    assert len(_owed(held)) == 1  # owed all the same


def test_a_deal_is_chased_until_the_exit_is_approved(world, funds, held):
    advance(world, funds, held, "propose_exit",
            data={"method": "transfer", "exited_on": date(2026, 4, 15),
                  "proceeds_fen": 3_300_000_00})
    assert send_documents_due(date(2026, 5, 1)) == 1  # awaiting approval: still held
    advance(world, funds, held, "approve_exit")
    assert send_documents_due(date(2026, 5, 10)) == 0
    assert _sent() == [("founder@t.cn", "reminder", "quarterly_accounts:2026Q1:late")]
