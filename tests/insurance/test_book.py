"""The insurer's book: claims against their legal clocks, premiums due and unpaid, and the
loss ratios (overall and per bank whose loans the insurer guarantees), for its staff only."""

import html
from datetime import timedelta

from talentfin.clock import business_today
from talentfin.workflows.insurance.quote import offer_for
from tests import factories
from tests.insurance.factories import advance
from tests.insurance.factories import policy_in
from tests.web import login
from tests.web import switch_to
from tests.web import text


def _page(client) -> str:
    return html.unescape(text(client.get("/insurance/book")))


def test_the_book_shows_clocks_unpaid_premiums_and_loss_ratios(client, auth, world, insurers):
    today = business_today()
    paid = policy_in(world, insurers, "premium_paid")  # premium 75,000
    advance(world, insurers, paid, "notify_claim", "claim_paid")
    factories.set_columns(paid, status_changed_at=paid.status_changed_at - timedelta(days=3))
    adjusting = policy_in(world, insurers, "claim_adjusting", founder=world.founder2)
    factories.set_columns(adjusting,
                          status_changed_at=adjusting.status_changed_at - timedelta(days=31))
    late = policy_in(world, insurers, "bound", started_days_ago=10)
    login(auth, insurers.underwriter1)
    page = _page(client)
    assert "3 policies in force" not in page  # the bound one has paid nothing yet
    assert "2 policies in force" in page
    clocks = page[page.index('id="claim-clocks"'):page.index('id="unpaid-title"')]
    assert adjusting.policy_no in clocks and paid.policy_no in clocks
    overdue = (today - timedelta(days=1)).isoformat()
    assert f'class="text-danger">{overdue}' in clocks  # 30 days after the papers, passed
    assert "papers awaited" in clocks  # the notified claim has no clock yet
    unpaid = page[page.index('id="unpaid"'):page.index('id="ratios-title"')]
    assert late.policy_no in unpaid
    assert (today - timedelta(days=10) + timedelta(days=31)).isoformat() in unpaid  # lapses
    ratios = page[page.index('id="loss-ratios"'):]
    assert "150,000.00" in ratios  # two premiums of 75,000 received
    assert "0.0%" in ratios  # nothing paid on claims yet

    switch_to(auth, insurers.underwriter2)
    other = _page(client)
    assert paid.policy_no not in other and "0 policies in force" in other
    switch_to(auth, world.officer1)
    assert client.get("/insurance/book").status_code == 404


def test_change_on_a_covers_row_shows_its_terms_in_the_form(client, auth, insurers):
    """The approver's "Change" link opens the form on that cover with its rate as it is."""
    login(auth, insurers.approver1)
    page = client.get("/insurance/terms?cover=rd_loss").get_data(as_text=True)
    form = page[page.index('id="change"'):]
    assert "Change the terms of R&amp;D-loss insurance" in form
    assert 'name="cover" type="hidden" value="rd_loss"' in form
    rate = offer_for(insurers.insurer1.id, "rd_loss").premium_rate_bp
    assert f'value="{rate / 100:.2f}"' in form
