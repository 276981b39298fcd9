"""The investment committee's forms on the application page, refused: the chair's meeting
and a member's vote come back as typed (the agenda, the date, the choice, the reason) with
each field's error under it (422), as a refused decision does; nothing is stored. A meeting
is not dated after today (China's date), on the page or through the service. Someone who
may not send the form is told so before what they sent is read."""

import re
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func
from sqlalchemy import select

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.services.equity import desk
from talentfin.workflows.equity import committee
from talentfin.workflows.equity.models import Meeting
from talentfin.workflows.equity.models import Vote
from talentfin.workflows.errors import Refused
from tests.equity.web_helpers import Funds
from tests.equity.web_helpers import card
from tests.equity.web_helpers import day
from tests.equity.web_helpers import deal_in
from tests.equity.web_helpers import flashes
from tests.equity.web_helpers import make_funds
from tests.equity.web_helpers import post_meeting
from tests.equity.web_helpers import post_vote
from tests.equity.web_helpers import text
from tests.web import fresh
from tests.web import login
from tests.web import switch_to

AGENDA = "审议对测试企业1的投资方案。"
REASON = "本人曾为该企业提供咨询服务。"


@pytest.fixture
def funds(world) -> Funds:
    """The funds of these tests (this module's own, beside tests/equity/conftest.py's)."""
    return make_funds()


def _meetings() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Meeting))


def _votes() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Vote))


def _meeting(world, funds):
    """A deal of fund 1 before its committee, the chair's meeting open, no vote yet."""
    deal = deal_in(world, funds, "ic_review")
    committee.open_meeting(deal, funds.chair1, "审议投资方案。", business_today())
    return deal


def _refused(response) -> str:
    """The application page a refused committee's form renders again, as read."""
    assert response.status_code == 422, (response.status_code, text(response)[-1500:])
    page = text(response)
    assert "Please correct the marked fields." in flashes(page) or 'role="alert"' in page
    return page


def _field(page: str, field_id: str) -> str:
    """The input or textarea with this id, up to its end (its value or its text)."""
    start = page.index(f'id="{field_id}"')
    start = page.rindex("<", 0, start)
    end = page.index("</textarea>", start) if page.startswith("<textarea", start) \
        else page.index(">", start)
    return page[start:end]


def _errors(page: str, field_id: str) -> str:
    """The errors shown under a field ('' when none)."""
    found = re.search(rf'id="{field_id}-errors">([^<]*)<', page)
    return found.group(1) if found else ""


def _checked(page: str) -> list[str]:
    """The vote choices checked on the page."""
    return re.findall(r'id="vote-(\w+)" value="\w+" checked', page)


# --- the chair's meeting -------------------------------------------------------------------

def test_a_meeting_without_its_date_keeps_the_agenda_typed(client, auth, world, funds):
    deal = deal_in(world, funds, "ic_review")
    login(auth, funds.chair1)
    page = _refused(post_meeting(client, deal.id, AGENDA, held_on=" "))
    assert "Please correct the marked fields." in flashes(page)
    assert _errors(page, "meeting-held_on") == "This field is required."
    assert 'aria-invalid="true"' in _field(page, "meeting-held_on")
    assert _field(page, "meeting-agenda").endswith(AGENDA)
    assert _errors(page, "meeting-agenda") == ""
    assert _meetings() == 0 and fresh(deal.id).status == "ic_review"


def test_a_meeting_without_an_agenda_keeps_the_date_typed(client, auth, world, funds):
    deal = deal_in(world, funds, "ic_review")
    login(auth, funds.chair1)
    page = _refused(post_meeting(client, deal.id, "   ", held_on=day(-1)))
    assert _errors(page, "meeting-agenda") == "This field is required."
    assert f'value="{day(-1)}"' in _field(page, "meeting-held_on")
    assert _meetings() == 0


@pytest.mark.parametrize("future", ["2031-01-01", "tomorrow"])
def test_a_meeting_dated_after_today_is_refused_with_what_was_typed(client, auth, world, funds,
                                                                   future):
    held_on = day(1) if future == "tomorrow" else future
    deal = deal_in(world, funds, "ic_review")
    login(auth, funds.chair1)
    page = _refused(post_meeting(client, deal.id, AGENDA, held_on=held_on))
    assert _errors(page, "meeting-held_on") == "This date cannot be in the future."
    assert f'value="{held_on}"' in _field(page, "meeting-held_on")
    assert _field(page, "meeting-agenda").endswith(AGENDA)
    assert "Meeting of" not in card(page, "committee")  # no meeting, no date shown
    assert _meetings() == 0
    # Today (China's date) is accepted.
    response = post_meeting(client, deal.id, AGENDA, held_on=day())
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(Meeting.held_on)) == business_today()


def test_the_service_refuses_a_meeting_dated_after_today(world, funds):
    deal = deal_in(world, funds, "ic_review")
    tomorrow = business_today() + timedelta(days=1)
    for open_ in (committee.open_meeting, desk.open_meeting):
        with force_locale("en"), pytest.raises(Refused) as caught:
            open_(deal, funds.chair1, AGENDA, tomorrow)
        assert caught.value.message == (
            f"The meeting cannot be dated after today, {business_today().isoformat()}.")
    assert _meetings() == 0
    assert committee.open_meeting(deal, funds.chair1, AGENDA, business_today()).id


def test_a_refusal_of_the_committee_keeps_the_agenda_typed(client, auth, world, funds):
    """The service's own refusal (too few members) shows the page again as typed."""
    deal = deal_in(world, funds, "ic_review")
    for member in funds.members1[2:]:
        member.active = False
    db.session.commit()
    login(auth, funds.chair1)
    page = _refused(post_meeting(client, deal.id, AGENDA))
    assert "The committee has 2 members; a meeting needs at least 3." in flashes(page)
    assert _field(page, "meeting-agenda").endswith(AGENDA)
    assert f'value="{day()}"' in _field(page, "meeting-held_on")
    assert _meetings() == 0


def test_who_may_not_open_the_meeting_is_told_so_not_shown_the_form(client, auth, world,
                                                                   funds):
    deal = deal_in(world, funds, "ic_review")
    login(auth, funds.members1[1])
    response = post_meeting(client, deal.id, AGENDA, held_on="2031-01-01")
    assert response.status_code == 302
    page = text(client.get(response.location))
    assert "Only the committee's chair opens a meeting." in flashes(page)
    assert 'id="meeting-form"' not in page and AGENDA not in page
    assert _meetings() == 0


# --- a member's vote -----------------------------------------------------------------------

def test_a_vote_without_a_choice_keeps_the_reason_typed(client, auth, world, funds):
    deal = _meeting(world, funds)
    login(auth, funds.members1[1])
    page = _refused(post_vote(client, deal.id, "", REASON))
    assert _errors(page, "vote-vote") == "Choose your vote."
    assert _field(page, "vote-reason").endswith(REASON)
    assert _checked(page) == []
    assert _votes() == 0


def test_a_recusal_without_a_reason_keeps_the_choice(client, auth, world, funds):
    deal = _meeting(world, funds)
    login(auth, funds.members1[1])
    page = _refused(post_vote(client, deal.id, "recuse", "  "))
    assert _errors(page, "vote-reason") == "Say what the conflict of interest is."
    assert 'aria-invalid="true"' in _field(page, "vote-reason")
    assert _checked(page) == ["recuse"]
    assert _votes() == 0
    # Sent again with the reason, it is recorded.
    response = post_vote(client, deal.id, "recuse", REASON)
    assert response.status_code == 302
    assert "Your vote is recorded." in flashes(text(client.get(response.location)))
    assert _votes() == 1


def test_a_reason_too_long_keeps_the_choice_and_the_whole_reason(client, auth, world, funds):
    deal = _meeting(world, funds)
    login(auth, funds.members1[1])
    long = "估" * 2001
    page = _refused(post_vote(client, deal.id, "against", long))
    assert "2000" in _errors(page, "vote-reason")
    assert _field(page, "vote-reason").endswith(long)
    assert _checked(page) == ["against"]
    assert _votes() == 0


def test_a_non_member_is_told_so_not_shown_the_vote_form(client, auth, world, funds):
    deal = _meeting(world, funds)
    for user in (funds.manager1, world.founder):
        login(auth, user)
        response = post_vote(client, deal.id, "", "x" * 3000)
        assert response.status_code == 302
        page = text(client.get(response.location))
        assert "Only the meeting's members vote." in flashes(page)
        assert 'id="vote-form"' not in page
        auth.logout()
    assert _votes() == 0


def test_a_member_who_voted_is_told_so_whatever_they_send_again(client, auth, world, funds):
    deal = _meeting(world, funds)
    login(auth, funds.members1[1])
    assert post_vote(client, deal.id, "for").status_code == 302
    response = post_vote(client, deal.id, "recuse", "")  # the page sent again, changed
    assert response.status_code == 302
    assert "You have already voted at this meeting." in flashes(
        text(client.get(response.location)))
    switch_to(auth, funds.members1[2])
    assert _refused(post_vote(client, deal.id, "recuse", ""))
    assert _votes() == 1
