"""The pre-screener beside its rules: an answer that is not valid is left out and named
(no product is said open without it, a refusal from the valid answers still shows); R&D
staff above the whole staff is refused as the fund's form refuses it; the firm's
applications that have not ended are named instead of "you may apply"; a founder without
a talent certification is sent to its page; a cap over its limit is said exceeded."""

import re

from flask_babel import force_locale
from werkzeug.datastructures import MultiDict

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.forms.prescreen import PrescreenForm
from talentfin.models import PolicyParameter
from talentfin.money import format_fen
from talentfin.services.prescreen import prescreen
from talentfin.workflows.loan.terms import caps_used
from tests.board.factories import listing_in
from tests.board.factories import make_exchange
from tests.factories import draft
from tests.factories import loan_in
from tests.web import login
from tests.web import text

RD_OVER = "The R&amp;D staff cannot be more than the whole staff."


def _verdicts(founder, left_out=(), **answers) -> dict:
    with force_locale("en"):
        return {v.product: v for v in prescreen(founder, business_today(), answers,
                                                left_out)}


def _card(page: str, product: str) -> str:
    """One product's card on the page."""
    return re.search(rf'id="verdict-{product}".*?</section>', page, re.S).group(0)


def _cap(key: str, value: int) -> None:
    db.session.add(PolicyParameter(key=key, value=str(value), effective_from=business_today(),
                                   source="测试"))
    db.session.commit()


def test_an_invalid_answer_is_named_and_no_product_is_said_open(client, auth, world):
    login(auth, world.founder)
    response = client.get("/company/eligibility?staff=1000&rd_staff=10&shareholders=abc")
    page = text(response)
    assert response.status_code == 422
    assert "Left out, as not valid: Number of shareholders" in page
    assert "You may apply" not in page
    # The valid answers are read: 1000 staff stop the fund whatever the holders are.
    equity = _card(page, "equity")
    assert "Not now" in equity and "The firm has 1000 staff" in equity
    for product in ("loan", "insurance", "board"):
        assert "Not judged yet" in _card(page, product), product


def test_a_left_out_answer_keeps_every_verdict_from_saying_may_apply(world):
    verdicts = _verdicts(world.founder, left_out=("Staff",), shareholders=201)
    assert not any(v.may_apply for v in verdicts.values())
    assert verdicts["board"].outcome == "stopped"  # 201 holders: refused all the same
    assert verdicts["insurance"].outcome == "unjudged"
    # Every answer valid: the verdicts are given.
    assert _verdicts(world.founder, shareholders=200)["board"].may_apply


def test_rd_staff_above_the_staff_is_refused_on_the_rd_field(app, client, auth, world):
    with app.test_request_context(), force_locale("en"):
        form = PrescreenForm(MultiDict({"staff": "10", "rd_staff": "50"}))
        assert not form.validate()
        assert form.rd_staff.errors == ["The R&D staff cannot be more than the whole staff."]
        assert not form.staff.errors
        assert form.answers()["rd_staff"] is None and form.answers()["staff"] == 10
        assert PrescreenForm(MultiDict({"staff": "10", "rd_staff": "10"})).validate()
    login(auth, world.founder)
    response = client.get("/company/eligibility?staff=10&rd_staff=50")
    page = text(response)
    assert response.status_code == 422
    assert f'id="rd_staff-errors">{RD_OVER}<' in page
    assert "Left out, as not valid: R&amp;D staff" in page
    assert "You may apply" not in page
    assert "Not judged yet" in _card(page, "equity")


def test_a_listed_firm_is_told_it_is_listed(client, auth, world):
    listing = listing_in(world, make_exchange(), "listed")
    verdict = _verdicts(world.founder)["board"]
    assert verdict.outcome == "under_way"
    assert [(u.reference, u.status) for u in verdict.under_way] == [
        (listing.reference, "Listed")]
    login(auth, world.founder)
    board = _card(text(client.get("/company/eligibility")), "board")
    assert "Already applied" in board and "You may apply" not in board
    assert f'href="/applications/{listing.id}">{listing.reference}</a> · Listed' in board


def test_an_application_that_ended_is_not_named(world):
    loan = loan_in(world, "withdrawn")
    open_draft = draft(world)
    verdict = _verdicts(world.founder)["loan"]
    assert [u.id for u in verdict.under_way] == [open_draft.id]
    assert loan.id not in [u.id for u in verdict.under_way]
    assert _verdicts(world.founder)["insurance"].outcome == "may_apply"


def test_a_founder_without_a_certification_is_sent_to_its_page(client, auth, world):
    enterprise = world.founder.enterprise
    db.session.delete(enterprise.talent)
    db.session.commit()
    db.session.expire(enterprise)
    for verdict in _verdicts(world.founder).values():
        assert verdict.needs_talent and not verdict.may_apply, verdict.product
        assert not any("company profile first" in p for p in verdict.problems)
    login(auth, world.founder)
    page = text(client.get("/company/eligibility"))
    assert ('<a href="/company/talent">Add the founder\'s talent certification first, on '
            "the Talent certification page.</a>") in _card(page, "loan")
    assert "to the company profile first" not in page


def test_a_cap_over_its_limit_is_said_exceeded(world):
    """At the cap it is reached (``test_prescreen``); over it, exceeded."""
    loan_in(world, "approved")
    used, _person = caps_used(world.founder.enterprise)
    _cap("cap_per_firm_fen", used - 1)
    assert _verdicts(world.founder)["loan"].problems == (
        f"The firm's talent loans and bond allocations outstanding are {format_fen(used)} "
        f"yuan, exceeding the cap of {format_fen(used - 1)} yuan per firm: a new one can be "
        "asked for once enough is repaid to bring it under the cap.",)
    _cap("cap_per_talent_fen", used - 1)
    assert (f"The founder's loans outstanding across all banks and firms are "
            f"{format_fen(used)} yuan, exceeding the cap of {format_fen(used - 1)} yuan per "
            "talent: a new one can be asked for once enough is repaid to bring it under the "
            "cap.") in _verdicts(world.founder)["loan"].problems
