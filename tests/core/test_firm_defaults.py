"""A firm's default (a state marked ``State.default``: a non-performing loan and what
follows) shows on the page of each of its applications, of any product, to whoever sees it;
the reference links only for those who may open that file."""

from tests import factories
from tests.web import switch_to
from tests.web import text


def _page(client, application) -> str:
    return client.get(f"/applications/{application.id}").get_data(as_text=True)


def test_a_non_performing_loan_shows_on_the_firms_other_applications(client, auth, world):
    defaulted = factories.loan_in(world, "npl")
    other = factories.loan_in(world, "park_review")
    switch_to(auth, world.park_reviewer)
    page = _page(client, other)
    assert 'id="firm-defaults"' in page
    banner = page[page.index('id="firm-defaults"'):page.index("</div>", page.index(
        'id="firm-defaults"'))]
    assert defaulted.reference in banner
    # The park saw the loan at its review: the reference links to it.
    assert f'/applications/{defaulted.id}"' in banner
    client.post("/language", data={"lang": "zh"})  # Chinese punctuation in Chinese
    page = _page(client, other)
    assert f"{defaulted.reference}</a>（人才贷，" in page
    switch_to(auth, world.founder)
    assert defaulted.reference in text(client.get(f"/applications/{other.id}"))


def test_a_loan_in_good_standing_shows_no_default(client, auth, world):
    factories.loan_in(world, "covered")
    other = factories.loan_in(world, "park_review")
    switch_to(auth, world.park_reviewer)
    assert 'id="firm-defaults"' not in _page(client, other)


def test_another_bank_sees_the_default_without_a_link(client, auth, world):
    defaulted = factories.loan_in(world, "npl")
    other = factories.loan_in(world, "partner_review", bank=world.bank2)
    switch_to(auth, world.officer2)
    page = _page(client, other)
    banner = page[page.index('id="firm-defaults"'):]
    assert defaulted.reference in banner
    assert f'/applications/{defaulted.id}"' not in banner


def test_the_founders_form_shows_the_default_on_every_step(client, auth, world):
    defaulted = factories.loan_in(world, "npl")
    draft = factories.draft(world)
    switch_to(auth, world.founder)
    for step in ("company", "request", "documents", "review"):
        page = client.get(f"/applications/{draft.id}/edit/{step}").get_data(as_text=True)
        assert 'id="firm-defaults"' in page and defaulted.reference in page, step
