"""The products' routes drawn by Graphviz from their definitions: every state of every
product in the reader's language, every transition with who takes it; an application's
picture marks where it stands and the way it came; outsiders get the page's 404."""

import html
import re

import pytest
from flask_babel import force_locale

from talentfin.institutions import role_label
from talentfin.workflows.labels import state_label
from talentfin.workflows.registry import product_for
from tests import factories
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
