"""The products' routes drawn by Graphviz from their definitions: every state of every
product in the reader's language, every transition with who takes it; an application's
picture marks where it stands and the way it came; outsiders get the page's 404."""

import html
import re

import pytest
from flask_babel import force_locale

from talentfin.extensions import db
from talentfin.institutions import role_label
from talentfin.models import Application
from talentfin.services.applications import history
from talentfin.workflows import diagram
from talentfin.workflows.labels import state_label
from talentfin.workflows.registry import product_for
from tests import factories
from tests.board import factories as board
from tests.bond import factories as bond
from tests.equity import factories as equity
from tests.insurance import factories as insurance
from tests.web import login
from tests.web import switch_to

PRODUCTS = ("loan", "insurance", "equity", "bond", "board")


def _texts(svg: bytes) -> str:
    """The SVG's text nodes joined (Graphviz writes each line of a label as one)."""
    return html.unescape("\n".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg.decode())))


@pytest.mark.parametrize("product", PRODUCTS)
def test_a_diagram_names_every_state_and_step_of_the_definition(client, auth, world,
                                                                product):
    login(auth, world.founder)  # tests.web.login reads in English
    response = client.get(f"/workflows/{product}.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert b"<script" not in response.data
    texts = _texts(response.data).replace("\xa0", " ")
    workflow = product_for(product).workflow
    for state in workflow.states:
        assert f'id="state_{state.name}"' in response.data.decode()
        assert str(state_label(product, state.name)) in texts, state.name
    for transition in workflow.transitions:
        assert f'id="edge_{transition.trigger}__' in response.data.decode()
        assert str(transition.label) in texts, transition.trigger
    assert role_label(workflow.transitions[0].roles[0]) in texts
    # In Chinese for a Chinese reader.
    client.post("/language", data={"lang": "zh"})
    chinese = _texts(client.get(f"/workflows/{product}.svg").data)
    with force_locale("zh"):
        assert all(str(state_label(product, state.name)) in chinese
                   for state in workflow.states)


def test_the_routes_page_lists_every_product(client, auth, world):
    login(auth, world.officer1)
    page = client.get("/workflows/").get_data(as_text=True)
    for product in PRODUCTS:
        assert f'src="/workflows/{product}.svg"' in page
    assert 'href="/workflows/"' in page  # in the navigation
    assert client.get("/workflows/lottery.svg").status_code == 404


def test_an_applications_picture_marks_where_it_stands_and_the_way_it_came(client, auth,
                                                                           world):
    application = factories.loan_in(world, "bank_approval")
    login(auth, world.officer1)
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert f'src="/applications/{application.id}/route.svg"' in page
    svg = client.get(f"/applications/{application.id}/route.svg").data.decode()
    here = re.search(r'<g id="state_bank_approval"[^>]*>.*?</g>', svg, re.S).group(0)
    assert "#0d6efd" in here  # filled: where it stands
    came = re.search(r'<g id="edge_park_approve__park_review"[^>]*>.*?</g>', svg, re.S).group(0)
    assert "#198754" in came  # green: the way it came
    not_taken = re.search(r'<g id="edge_park_reject__park_review"[^>]*>.*?</g>', svg,
                          re.S).group(0)
    assert "#198754" not in not_taken
    # Another bank's officer does not learn that the file exists.
    switch_to(auth, world.officer2)
    assert client.get(f"/applications/{application.id}/route.svg").status_code == 404
    assert client.get("/applications/999999/route.svg").status_code == 404


def _walk(world, product: str):
    """A file of ``product`` some way along its route, by the real engine."""
    if product == "loan":
        return factories.loan_in(world, "covered")
    if product == "insurance":
        return insurance.policy_in(world, insurance.make_insurers(), "counter_offered")
    if product == "equity":
        return equity.equity_in(world, equity.make_funds(size1=3, size2=3), "valuation")
    if product == "bond_issue":
        return bond.bond_in(bond.make_underwriters(), "allocating")
    if product == "bond":
        return bond.allocation_in(world, bond.make_underwriters(), "disbursed")
    return board.listing_in(world, board.make_exchange(), "listed")


def _marked(svg: str, prefix: str, colour: str) -> set[str]:
    """The ids of the states or steps (``prefix``) drawn in ``colour``."""
    return {found.group(1) for found in re.finditer(
        rf'<g id="({prefix}[^"]*)"[^>]*>.*?</g>', svg, re.S) if colour in found.group(0)}


@pytest.mark.parametrize("product", [*PRODUCTS, "bond_issue"])
def test_every_products_picture_marks_where_the_file_stands_and_the_steps_it_took(
        client, auth, world, product):
    application = _walk(world, product)
    db.session.expire_all()
    application = db.session.get(Application, application.id)
    assert application.product == product
    steps = history(application)
    login(auth, world.auditor)
    response = client.get(f"/applications/{application.id}/route.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    svg = response.data.decode()
    assert "<script" not in svg
    assert _marked(svg, "state_", diagram.HERE) == {f"state_{application.status}"}
    assert _marked(svg, "edge_", diagram.TAKEN) == {
        f"edge_{step.trigger}__{step.from_state}" for step in steps}
    passed = {product_for(product).workflow.initial} | {
        state for step in steps for state in (step.from_state, step.to_state)}
    assert _marked(svg, "state_", diagram.TAKEN) == {
        f"state_{state}" for state in passed - {application.status}}
    # Whoever may not see the file gets the same 404 as for no file at all.
    switch_to(auth, world.founder2)
    assert client.get(f"/applications/{application.id}/route.svg").status_code == 404


def test_of_two_steps_joining_the_same_states_only_the_one_taken_is_marked(app):
    # A reward approved and one declined both go back to "listed".
    taken = (("listed", "reward_review", "request_reward"),
             ("reward_review", "reward_approval", "recommend_reward"),
             ("reward_approval", "listed", "approve_reward"))
    svg = diagram.svg("board", "en", current="listed", taken=taken).decode()
    green = _marked(svg, "edge_", diagram.TAKEN)
    assert "edge_approve_reward__reward_approval" in green
    assert "edge_decline_reward__reward_approval" not in green


def test_a_listing_whose_reward_was_approved_is_not_drawn_as_declined(client, auth, world):
    listing = board.listing_in(world, board.make_exchange(), "rewarded")
    login(auth, world.auditor)
    svg = client.get(f"/applications/{listing.id}/route.svg").data.decode()
    green = _marked(svg, "edge_", diagram.TAKEN)
    assert "edge_approve_reward__reward_approval" in green
    assert "edge_decline_reward__reward_approval" not in green
