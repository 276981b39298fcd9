"""Error pages: the reason the code gave for a 403, a bare 404 for what one may not see, and
a 409 after two tabs or a double click that links back and gives the typed comment back.

Texts are asserted in English (``tests.web.login`` switches the language).
"""

import html
import re

from flask import g
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import Conflict
from werkzeug.exceptions import Forbidden

from talentfin.clock import business_today
from talentfin.services.policy_changes import pending
from talentfin.views.errors import reason_given
from tests import factories
from tests.web import fire
from tests.web import fresh
from tests.web import login
from tests.web import logs
from tests.web import switch_to
from tests.web import text


def page(response) -> str:
    """The body with HTML entities decoded, as the user reads it."""
    return html.unescape(text(response))


# --- 403: the reason the code gave; 404 stays bare -----------------------------------------

def test_deciding_a_proposal_already_rejected_says_so(client, auth, world):
    login(auth, world.pool_admin)
    response = client.post("/policy/", data={
        "key": "compensation_ratio_bp", "value": "6500",
        "effective_from": business_today().isoformat(), "reason": "市财政局通知"})
    assert response.status_code == 302
    proposal_id = pending()[0].id
    switch_to(auth, world.committee)
    assert client.post(f"/policy/{proposal_id}/decide",
                       data={"decision": "reject"}).status_code == 302
    response = client.post(f"/policy/{proposal_id}/decide", data={"decision": "approve"})
    assert response.status_code == 403
    body = page(response)
    assert "This proposal has been decided already." in body


def test_releasing_a_colleagues_claim_says_why(client, auth, world):
    application = factories.loan_in(world, "partner_review")
    colleague = factories.user("officer1b@t.cn", "bank_officer", world.bank1)
    login(auth, world.officer1)
    assert client.post(f"/applications/{application.id}/claim").status_code == 302
    switch_to(auth, colleague)
    response = client.post(f"/applications/{application.id}/release")
    assert response.status_code == 403
    body = page(response)
    assert ("Only the colleague who claimed this application, or their approver, can "
            "release it.") in body
    assert f'href="/applications/{application.id}"' in body  # back to what they were doing
    assert fresh(application.id).claimed_by_id == world.officer1.id


def _main(response) -> str:
    """The page's main content (the navbar's language form carries the request's path)."""
    body = page(response)
    return body[body.index("<main"):body.index("</main>")]


def test_a_hidden_application_answers_the_same_bare_404_as_a_missing_one(client, auth, world):
    application = factories.loan_in(world, "partner_review")
    login(auth, world.officer2)  # the other bank: not on this application's route
    hidden = client.post(f"/applications/{application.id}/release")
    missing = client.post("/applications/999999/release")
    assert hidden.status_code == missing.status_code == 404
    assert _main(hidden) == _main(missing)
    assert "This page does not exist, or you cannot see it." in _main(hidden)
    assert "back-to-application" not in _main(hidden)
    assert "claimed" not in _main(hidden)


def test_only_a_reason_given_by_the_code_is_shown():

    assert reason_given(Forbidden("This proposal has been decided already.")) == (
        "This proposal has been decided already.")
    assert reason_given(Forbidden()) is None  # Werkzeug's English default is not a reason
    assert reason_given(Conflict()) is None


# --- 409: back to the application, the typed comment kept, no blame ------------------------

LONG_REASON = ("企业注册地址与实际经营地址不一致，且人才证书编号在发证机关系统中查询不到；"
               "请补充租赁合同与证书原件扫描件后重新提交。<b>注意</b> & 核对 \"原件\"。") * 3


def test_second_tab_deciding_the_same_application_keeps_the_typed_reason(client, auth, world):
    application = factories.loan_in(world, "park_review")
    login(auth, world.park_reviewer)
    assert fire(client, application.id, "park_approve", comment="材料齐全").status_code == 302
    # The other tab still shows park review; the reviewer typed a long reason there.
    response = fire(client, application.id, "park_reject", comment=LONG_REASON)
    assert response.status_code == 409
    raw = text(response)
    body = page(response)
    assert LONG_REASON in body  # to copy back
    assert "<b>注意</b>" not in raw  # shown as text, not as markup
    assert f'href="/applications/{application.id}"' in raw
    assert "Back to the application" in body
    assert "Someone else" not in body
    assert [row.trigger for row in logs(application.id)] == ["submit", "park_approve"]


def test_a_double_submit_by_the_same_person_gets_a_link_back_not_blame(client, auth, world):
    application = factories.loan_in(world, "bank_approval")
    login(auth, world.approver1)
    assert fire(client, application.id, "bank_approve", comment="同意").status_code == 302
    response = fire(client, application.id, "bank_approve", comment="同意")
    assert response.status_code == 409
    body = page(response)
    assert "This page was out of date; nothing was changed." in body
    assert "by a second click on the same button" in body
    assert "Someone else" not in body
    assert f'href="/applications/{application.id}"' in text(response)
    assert [row.trigger for row in logs(application.id)].count("bank_approve") == 1


# --- the language switch on an error page returns to a page one can open ------------------

def _next_field(response) -> str:
    return re.search(r'name="next" value="([^"]*)"', text(response)).group(1)


def test_switching_language_on_a_refused_form_returns_to_the_page_it_came_from(
        client, auth, world):
    """A refused POST's page offers the language switch; it brings the reader back to the
    page the form was sent from (a GET), never to the POST address (a 405)."""
    application = factories.loan_in(world, "partner_review")
    colleague = factories.user("officer1b@t.cn", "bank_officer", world.bank1)
    login(auth, world.officer1)
    client.post(f"/applications/{application.id}/claim")
    switch_to(auth, colleague)
    came_from = f"http://localhost/applications/{application.id}"
    refused = client.post(f"/applications/{application.id}/release",
                          headers={"Referer": came_from})
    assert refused.status_code == 403
    back = _next_field(refused)
    assert back == f"/applications/{application.id}"
    switched = client.post("/language", data={"lang": "zh", "next": back})
    assert switched.status_code == 302 and switched.location.endswith(back)
    assert client.get(switched.location).status_code == 200

    # Without a referrer (or one from elsewhere) the switch goes to the start page.
    elsewhere = client.post(f"/applications/{application.id}/release",
                            headers={"Referer": "http://evil.example/x"})
    assert _next_field(elsewhere) == "/"


def test_a_get_on_a_post_only_address_says_where_to_go(client, auth, world):
    application = factories.loan_in(world, "partner_review")
    login(auth, world.officer1)
    response = client.get(f"/applications/{application.id}/claim")
    assert response.status_code == 405
    assert ("This address cannot be opened this way; go back to the page you came from."
            in page(response))


def _database_away(*_args):
    raise OperationalError("SELECT users", {}, ConnectionRefusedError("connection refused"))


def test_a_database_fault_gives_a_503_page_that_keeps_what_was_typed(client, auth, world, app,
                                                                       monkeypatch):
    application = factories.loan_in(world, "park_review")
    auth.login(world.park_reviewer.email)
    # The database goes away: the user's session cannot even be read.
    monkeypatch.setattr(app.login_manager, "_user_callback", _database_away)
    g.pop("_login_user", None)  # the test client's app context outlives a request
    response = fire(client, application.id, "park_approve", comment="材料齐全，同意。")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert response.headers["Cache-Control"] == "no-store"
    body = page(response)
    assert "暂时无法使用" in body and "很可能未被保存" in body
    assert "材料齐全，同意。" in body  # what was typed, to copy
    assert fresh(application.id).status == "park_review"
    g.pop("_login_user", None)
    client.post("/language", data={"lang": "en"})
    g.pop("_login_user", None)
    response = client.get(f"/applications/{application.id}")
    assert response.status_code == 503
    assert "Temporarily unavailable" in page(response)
    assert "not saved" not in page(response)  # nothing was submitted
    monkeypatch.undo()
    g.pop("_login_user", None)
    assert client.get(f"/applications/{application.id}").status_code == 200
