"""Generated input to the forms on the products' desks (Hypothesis): the fund's (a
workstream's finding, the committee's meeting and votes, a portfolio report, the
committee's chair), the board's (a financing, an annual report) and the bank's repayment
file (generated CSV contents). Each answers with a page, a redirect or a refusal, never a
server error; in a Chinese session every message is in Chinese; nothing stored holds what
a form must refuse (``tests.fuzzing``). ``make test`` runs a few cases of each (``FEW``),
``make fuzz`` thousands. Each example posts to a record put back as it was (a workstream
open, no vote cast, a report owed), so that every example may go through."""

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import delete
from sqlalchemy import select

from talentfin.clock import business_today
from talentfin.demo import DEMO_PDF
from talentfin.extensions import db
from talentfin.workflows.board import disclosure
from talentfin.workflows.board.models import Disclosure
from talentfin.workflows.equity import committee
from talentfin.workflows.equity import monitoring
from talentfin.workflows.equity.labels import FINDINGS
from talentfin.workflows.equity.labels import VOTES
from talentfin.workflows.equity.labels import WORKSTREAMS
from talentfin.workflows.equity.models import Meeting
from talentfin.workflows.equity.models import Obligation
from talentfin.workflows.equity.models import Vote
from talentfin.workflows.equity.models import Workstream
from tests import factories
from tests.board import factories as board
from tests.equity import factories as equity
from tests.fuzzing import AMOUNTS
from tests.fuzzing import COUNTS
from tests.fuzzing import DATES
from tests.fuzzing import FEW
from tests.fuzzing import ODD
from tests.fuzzing import TICKS
from tests.fuzzing import WORDS
from tests.fuzzing import drawn
from tests.fuzzing import first_example
from tests.fuzzing import in_chinese
from tests.fuzzing import post_checked

pytestmark = pytest.mark.fuzz

CONTENTS = st.one_of(st.just(DEMO_PDF), st.binary(max_size=500),
                     st.sampled_from([b"", b"%PDF-1.4\n", b"\x89PNG\r\n\x1a\n"]))
FILE_NAMES = st.one_of(ODD, st.sampled_from(["报告.pdf", "../r.pdf", "x\u202efdp.exe"]))


def _post(client, url: str, posted: dict) -> None:
    post_checked(client, url, posted, multipart=True)  # the desks' forms carry files


def _file(data, label: str):
    """A file field's value: a file of generated content and name, or none."""
    if not data.draw(st.booleans(), label=f"{label} given"):
        return {}
    return {label: (io.BytesIO(data.draw(CONTENTS, label=label)),
                    data.draw(FILE_NAMES, label=f"{label} name"))}


def _deal(world, state: str):
    world.fuzz_funds = equity.make_funds()
    return equity.equity_in(world, world.fuzz_funds, state)


@pytest.mark.parametrize("kind", list(WORKSTREAMS))
@FEW
@given(data=st.data())
def test_a_workstreams_finding(client, auth, world, kind, data):
    if first_example(world, "fuzz_deal"):
        world.fuzz_deal = _deal(world, "due_diligence").id
    stream = db.session.scalar(select(Workstream).where(
        Workstream.application_id == world.fuzz_deal, Workstream.kind == kind))
    stream.finding, stream.finding_text, stream.closed_at, stream.report_id = None, "", None, None
    db.session.commit()  # open again for each example
    in_chinese(world, auth, client, stream.owner)
    prefix = f"ws-{kind}-"
    posted = drawn(data, {f"{prefix}finding": st.sampled_from([*FINDINGS, ""]),
                          f"{prefix}text": WORDS})
    _post(client, f"/equity/{world.fuzz_deal}/workstreams/{kind}",
          {**posted, **_file(data, f"{prefix}report")})


@FEW
@given(data=st.data())
def test_the_committees_meeting(client, auth, world, data):
    if first_example(world, "fuzz_deal"):
        world.fuzz_deal = _deal(world, "ic_review").id
    db.session.execute(delete(Meeting).where(Meeting.application_id == world.fuzz_deal))
    db.session.commit()  # no meeting yet, for each example
    in_chinese(world, auth, client, world.fuzz_funds.chair1)
    _post(client, f"/equity/{world.fuzz_deal}/meeting", drawn(data, {
        "meeting-held_on": DATES, "meeting-agenda": WORDS}))


@FEW
@given(data=st.data())
def test_a_members_vote(client, auth, world, data):
    if first_example(world, "fuzz_deal"):
        deal = _deal(world, "ic_review")
        world.fuzz_deal, world.fuzz_meeting = deal.id, equity.open_meeting(deal).id
        db.session.commit()
    db.session.execute(delete(Vote).where(Vote.meeting_id == world.fuzz_meeting))
    meeting = db.session.get(Meeting, world.fuzz_meeting)
    meeting.votes_cast, meeting.outcome, meeting.closed_at = 0, None, None
    meeting.open_for = world.fuzz_deal
    db.session.commit()  # no vote cast yet, for each example
    in_chinese(world, auth, client, world.fuzz_funds.members1[1])
    _post(client, f"/equity/{world.fuzz_deal}/vote", drawn(data, {
        "vote-vote": st.sampled_from([*VOTES, ""]), "vote-reason": WORDS}))


@FEW
@given(data=st.data())
def test_a_portfolio_report(client, auth, world, data):
    if first_example(world, "fuzz_deal"):
        deal = _deal(world, "monitoring")
        monitoring.schedule(deal, business_today())
        db.session.commit()
        world.fuzz_deal = deal.id
    owed = db.session.scalars(select(Obligation).where(
        Obligation.application_id == world.fuzz_deal)).first()
    owed.attachment_id, owed.submitted_at, owed.submitted_by_id = None, None, None
    db.session.commit()  # owed again for each example
    in_chinese(world, auth, client, world.founder)
    obligation = data.draw(st.sampled_from([owed.id, 0, 2**31]), label="obligation")
    _post(client, f"/equity/{world.fuzz_deal}/reports/{obligation}",
          _file(data, f"report-{obligation}-report"))


@FEW
@given(chair=st.one_of(ODD, st.sampled_from(["1", "2", "3", "0"])))
def test_the_committees_chair(client, auth, world, chair):
    if first_example(world, "fuzz_funds"):
        world.fuzz_funds = equity.make_funds()
    in_chinese(world, auth, client, world.fuzz_funds.approver1)
    members = [str(user.id) for user in committee.members(world.fuzz_funds.fund1.id)]
    _post(client, "/equity/book", {"chair-chair_id": members[0] if chair == "1" else chair})


def _listing(world):
    world.fuzz_ex = board.make_exchange()
    return board.listing_in(world, world.fuzz_ex, "listed")


@FEW
@given(data=st.data())
def test_a_financing_on_the_board(client, auth, world, data):
    if first_example(world, "fuzz_listing"):
        world.fuzz_listing = _listing(world).id
    in_chinese(world, auth, client, world.founder)
    _post(client, f"/board/{world.fuzz_listing}/financings", drawn(data, {
        "financing-on": DATES, "financing-amount": AMOUNTS, "financing-investors": COUNTS,
        "financing-instrument": st.sampled_from(["private_placement", "share_pledge", ""]),
        "financing-holders_after": COUNTS, "financing-qualified": TICKS}))


@FEW
@given(data=st.data())
def test_an_annual_report(client, auth, world, data):
    if first_example(world, "fuzz_listing"):
        listing = _listing(world)
        listing.listed_on = listing.listed_on.replace(year=listing.listed_on.year - 2)
        disclosure.schedule(listing, business_today())
        db.session.commit()
        world.fuzz_listing = listing.id
    owed = db.session.scalars(select(Disclosure).where(
        Disclosure.application_id == world.fuzz_listing)).first()
    owed.attachment_id, owed.filed_at = None, None
    db.session.commit()  # owed again for each example
    in_chinese(world, auth, client, world.founder)
    _post(client, f"/board/{world.fuzz_listing}/annual-reports/{owed.id}",
          _file(data, f"report-{owed.id}-report"))


def _csv(rows: list[list[str]], header: bool, encoding: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    if header:
        writer.writerow(["reference", "due_on", "paid_on", "principal_yuan", "interest_yuan"])
    writer.writerows(rows)
    return out.getvalue().encode(encoding, errors="replace")


@FEW
@given(data=st.data())
def test_a_repayment_file(client, auth, world, data):
    if first_example(world, "fuzz_loan"):
        world.fuzz_loan = factories.loan_in(world, "covered").reference
    in_chinese(world, auth, client, world.officer1)
    cell = {0: st.one_of(st.just(world.fuzz_loan), ODD), 1: DATES, 2: DATES, 3: AMOUNTS,
            4: AMOUNTS}
    row = st.tuples(*(st.one_of(cell[n], ODD) for n in range(5))).map(list)
    rows = data.draw(st.lists(st.one_of(row, st.lists(ODD, max_size=7)), max_size=6),
                     label="rows")
    content = data.draw(st.one_of(
        st.builds(_csv, st.just(rows), st.booleans(),
                  st.sampled_from(["utf-8", "utf-8-sig", "gbk", "utf-16"])),
        st.binary(max_size=300)), label="file")
    _post(client, "/loan/repayments", {"file": (io.BytesIO(content), data.draw(
        st.sampled_from(["还款.csv", "r.txt", ""]), label="name"))})
