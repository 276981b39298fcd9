"""The review queue shows what is in the database now, to each user their own.

The page was once memoised per process (issue 14 measured it on distinct requests and
removed it); these tests stay as the guard that nothing between the database and the page
holds on to what was shown: each requests a page once or twice, changes something behind
its back (through another account, the engine, or a plain SQL UPDATE that no ORM hook
sees) and checks the next request shows the change.
"""

import re
from datetime import datetime
from datetime import time
from datetime import timedelta

import pytest
from flask import g
from flask_babel import refresh
from sqlalchemy import update

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import Notification
from talentfin.models import Organisation
from talentfin.models import User
from talentfin.workdays import add_working_days
from talentfin.workdays import is_working_day
from tests import factories
from tests.conftest import AuthActions
from tests.web import fire
from tests.web import fresh
from tests.web import login
from tests.web import text


def _fresh_request_globals() -> None:
    """Forget what the last request left in ``g``: the tests' app context spans requests,
    so without this a second browser would inherit the first one's user, token and locale
    (a server gives every request a fresh context)."""
    for name in ("_login_user", "csrf_token"):
        g.pop(name, None)
    refresh()


def _get(client, url: str):
    _fresh_request_globals()
    return client.get(url)


def _post(client, url: str, data: dict | None = None):
    _fresh_request_globals()
    return client.post(url, data=data or {})


def _queue(client, url: str = "/queue/") -> str:
    response = _get(client, url)
    assert response.status_code == 200
    return text(response)


def _row(page: str, reference: str) -> str:
    """The table row of one application, as HTML."""
    found = re.search(rf"<tr>\s*<td><a [^>]*>{re.escape(reference)}</a>.*?</tr>", page, re.S)
    assert found, f"{reference} is not in the queue"
    return found.group(0)


def _without_tokens(page: str) -> str:
    """The page with its CSRF tokens blanked (they are signed afresh on every request)."""
    return re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token" value=""', page)


def _warm(client, url: str = "/queue/") -> str:
    _queue(client, url)
    return _queue(client, url)  # asked twice, as a reader who reloads


def _client_for(app, auth_cls, user: User):
    client = app.test_client()
    _fresh_request_globals()
    login(auth_cls(client), user)
    return client


@pytest.fixture
def other_client(app):
    """A second browser, for a second account."""

    return lambda user: _client_for(app, AuthActions, user)


def test_a_state_change_shows_at_once(client, auth, world):
    application = factories.loan_in(world, "partner_review")
    login(auth, world.officer1)
    assert "Bank review" in _row(_warm(client), application.reference)
    assert application.reference in _warm(client, "/queue/?status=partner_review")
    fire(client, application.id, "recommend", amount="900,000", rate="3.65",
         term_months="24", security="pure_credit", comment="经营稳定，建议授信。")
    assert fresh(application.id).status == "bank_approval"
    row = _row(_queue(client), application.reference)
    assert "Awaiting bank approval" in row and "900,000.00" in row
    assert application.reference not in _queue(client, "/queue/?status=partner_review")


def test_a_change_no_orm_hook_sees_shows_at_once(client, auth, world):
    application = factories.loan_in(world, "partner_review")
    login(auth, world.officer1)
    assert "1,000,000.00" in _row(_warm(client), application.reference)
    db.session.execute(update(Application.__table__)
                       .where(Application.__table__.c.id == application.id)
                       .values(amount_fen=123_400))
    db.session.commit()
    assert "1,234.00" in _row(_queue(client), application.reference)


def test_a_company_renamed_shows_at_once(client, auth, world):
    # The queue shows the name the application was submitted on (a rename the park approves
    # leaves it): here the stored name itself changes, as a correction of the record would.
    application = factories.loan_in(world, "partner_review")
    login(auth, world.officer1)
    assert "测试企业1" in _row(_warm(client), application.reference)
    db.session.execute(update(Application).where(Application.id == application.id)
                       .values(firm_name="改名后的企业"))
    db.session.commit()
    row = _row(_queue(client), application.reference)
    assert "改名后的企业" in row and "测试企业1" not in row


def test_a_claim_by_a_colleague_and_their_new_name_show_at_once(client, auth, world,
                                                                other_client):
    application = factories.loan_in(world, "partner_review")
    db.session.execute(update(Application).where(Application.id == application.id)
                       .values(claimed_by_id=None, claimed_at=None))  # free for the taking
    db.session.commit()
    colleague = factories.user("colleague@t.cn", "bank_officer", world.bank1)
    login(auth, world.officer1)
    assert "colleague" not in _row(_warm(client), application.reference)
    response = _post(other_client(colleague), f"/applications/{application.id}/claim")
    assert response.status_code == 302
    assert fresh(application.id).claimed_by_id == colleague.id
    assert "<td>colleague</td>" in _row(_queue(client), application.reference)
    db.session.execute(update(User).where(User.id == colleague.id).values(name="王同事"))
    db.session.commit()
    assert "<td>王同事</td>" in _row(_queue(client), application.reference)


def test_each_bank_sees_only_its_own_rows(client, auth, world,
                                                             other_client):
    mine = factories.loan_in(world, "partner_review")
    theirs = factories.loan_in(world, "partner_review", founder=world.founder2,
                               bank=world.bank2)
    login(auth, world.officer1)
    page1 = _warm(client)
    assert mine.reference in page1 and theirs.reference not in page1
    page2 = _queue(other_client(world.officer2))
    assert theirs.reference in page2 and mine.reference not in page2
    assert "bank-2" in page2 and "bank-1" not in page2  # the header's organisation (en)


def test_each_language_has_its_own_page(client, auth, world):
    application = factories.loan_in(world, "partner_review")
    login(auth, world.officer1)
    english = _warm(client)
    assert "Bank review" in _row(english, application.reference)
    assert "Review queue · bank-1" in english
    client.post("/language", data={"lang": "zh"})
    chinese = _warm(client)
    assert "银行审查" in _row(chinese, application.reference)
    assert "审核队列 · 一号银行" in chinese
    client.post("/language", data={"lang": "en"})
    assert _without_tokens(_queue(client)) == _without_tokens(english)


def test_the_organisation_renamed_shows_at_once(client, auth, world):
    factories.loan_in(world, "partner_review")
    login(auth, world.officer1)
    assert "Review queue · bank-1" in _warm(client)
    db.session.execute(update(Organisation).where(Organisation.id == world.bank1.id)
                       .values(name_en="First Bank"))
    db.session.commit()
    assert "Review queue · First Bank" in _queue(client)


def test_working_days_waited_move_on_with_the_business_date(client, auth, world,
                                                            monkeypatch):
    application = factories.loan_in(world, "partner_review")
    login(auth, world.officer1)
    assert "0 working days" in _row(_warm(client), application.reference)
    later = add_working_days(business_today(), 6)
    monkeypatch.setattr("talentfin.views.queue.business_today", lambda: later)
    row = _row(_queue(client), application.reference)
    assert "6 working days" in row and "waiting-long" in row


def test_filters_and_pages_show_their_own_rows(app, client, auth, world, monkeypatch):
    small = factories.loan_in(world, "partner_review")
    big = factories.loan_in(world, "partner_review", founder=world.founder2)
    db.session.execute(update(Application).where(Application.id == big.id)
                       .values(requested_amount_fen=300_000_000))
    db.session.commit()
    login(auth, world.officer1)
    everything = _warm(client)
    assert small.reference in everything and big.reference in everything
    filtered = _warm(client, "/queue/?min_amount=2000000")
    assert big.reference in filtered and small.reference not in filtered
    assert 'value="2000000"' in filtered
    monkeypatch.setitem(app.config, "QUEUE_PAGE_SIZE", 1)
    first = _warm(client, "/queue/?sort=amount_desc")
    second = _warm(client, "/queue/?sort=amount_desc&page=2")
    past_the_end = _queue(client, "/queue/?sort=amount_desc&page=9")
    assert big.reference in first and small.reference not in first
    assert small.reference in second and big.reference not in second
    assert "Page 2 of 2" in second
    # "Previous" ends the page before the first row shown (a position, not an OFFSET).
    previous = re.search(r'href="(/queue/\?sort=amount_desc&amp;page=1&amp;before=[^"]+)"',
                         second)
    assert previous
    back = _queue(client, previous.group(1).replace("&amp;", "&"))
    assert big.reference in back and small.reference not in back and "Page 1 of 2" in back
    assert "Page 2 of 2" in past_the_end and small.reference in past_the_end


def test_an_empty_queue_and_then_a_new_arrival(client, auth, world):
    login(auth, world.officer1)
    assert "Nothing is waiting for you." in _warm(client)
    application = factories.loan_in(world, "partner_review")
    page = _queue(client)
    assert application.reference in page and "Nothing is waiting for you." not in page


def test_the_unread_count_in_the_navigation_bar_is_current(client, auth, world):
    application = factories.loan_in(world, "partner_review")
    login(auth, world.officer1)
    assert 'id="unread-count"' not in _warm(client)
    db.session.add(Notification(user_id=world.officer1.id, kind="transition",
                                application_id=application.id, params={},
                                dedupe_key="test-unread"))
    db.session.commit()
    assert re.search(r'id="unread-count">1<', _queue(client))


def test_csrf_tokens_are_per_session(app, world,
                                                                  other_client, monkeypatch):
    factories.loan_in(world, "partner_review")
    # Two officers of one bank with the same name see the same page, each with their token.
    twin = factories.user("twin@t.cn", "bank_officer", world.bank1)
    db.session.execute(update(User).where(User.id == twin.id).values(name="officer1"))
    db.session.commit()
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    pages, tokens, clients = [], [], []
    for user in (world.officer1, twin):
        client = app.test_client()
        login_page = text(_get(client, "/login"))
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_page).group(1)
        assert _post(client, "/login", {"email": user.email, "password": factories.PASSWORD,
                                        "csrf_token": token}).status_code == 302
        page = _warm(client)
        found = set(re.findall(r'name="csrf_token" value="([^"]+)"', page))
        assert len(found) == 1
        pages.append(page)
        tokens.append(found.pop())
        clients.append(client)
    assert _without_tokens(pages[0]) == _without_tokens(pages[1])
    assert tokens[0] != tokens[1]
    # Each session's token works for that session only.
    assert _post(clients[1], "/language", {"lang": "zh", "csrf_token": tokens[0]}
                 ).status_code == 400
    assert _post(clients[0], "/language", {"lang": "zh", "csrf_token": tokens[0]}
                 ).status_code == 302


def test_flashed_messages_are_shown_once(client, auth, world):
    factories.loan_in(world, "partner_review")
    login(auth, world.officer1)
    _warm(client)
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Saved just now.")]
    assert "Saved just now." in _queue(client)
    assert "Saved just now." not in _queue(client)


def test_days_waited_count_in_china(monkeypatch, client, auth, world):
    """A state entered at 23:30 UTC is already the next day in China (07:30)."""
    application = factories.loan_in(world, "partner_review")
    day = business_today()
    while not is_working_day(day):
        day += timedelta(days=1)
    entered = datetime.combine(day - timedelta(days=1), time(23, 30))  # UTC
    db.session.execute(update(Application).where(Application.id == application.id)
                       .values(status_changed_at=entered))
    db.session.commit()
    monkeypatch.setattr("talentfin.views.queue.business_today",
                        lambda: add_working_days(day, 1))
    login(auth, world.officer1)
    # Entered on ``day`` in China, seen the next working day: one day waited (counting
    # from the UTC date, the day before, would make it two).
    assert "1 working day<" in _row(_queue(client), application.reference)


