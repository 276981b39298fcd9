"""The authorization map through the API, for every product: a file waiting for its
partner institution, asked about by each staff account of the world through its own
organisation's client, answers as the page answers that person (the application: 200 or
404; each of its decisions the person may not take: the page's 403 or 404, nothing
changed). Auditors and administrators, who belong to no organisation, read through the
programme's own client, which takes no decision (tests/core/test_api_programme_client.py).
"""

import pytest
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.models import ApiClient
from talentfin.models import User
from talentfin.services import api_clients
from talentfin.workflows import access
from talentfin.workflows import engine
from talentfin.workflows.registry import product_for
from tests import factories
from tests.board.factories import listing_in
from tests.board.factories import make_exchange
from tests.bond.factories import allocation_in
from tests.bond.factories import make_underwriters
from tests.equity.factories import equity_in
from tests.equity.factories import make_funds
from tests.insurance.factories import make_insurers
from tests.insurance.factories import policy_in
from tests.web import api_token
from tests.web import fresh
from tests.web import switch_to


def _waiting(product: str) -> str:
    """The state a file enters when the park passes it on: the institution's review."""
    return product_for(product).workflow.transition("park_approve").dest


MAKERS = {
    "loan": lambda world: factories.loan_in(world, _waiting("loan")),
    "insurance": lambda world: policy_in(world, make_insurers(), _waiting("insurance")),
    "equity": lambda world: equity_in(world, make_funds(), _waiting("equity")),
    "bond": lambda world: allocation_in(world, make_underwriters(), _waiting("bond")),
    "board": lambda world: listing_in(world, make_exchange(), _waiting("board")),
}


def _tokens(client, world) -> dict[int, str]:
    """A token per organisation that has staff, of a client that may read and decide."""
    tokens = {}
    for user in db.session.scalars(select(User).where(User.org_id.is_not(None))):
        if user.org_id not in tokens:
            row, secret = api_clients.register(user.org, "矩阵", ["read", "decide", "report"],
                                               world.admin)
            tokens[user.org_id] = api_token(client, row.client_id, secret)
    return tokens


@pytest.mark.parametrize("product", sorted(MAKERS))
def test_every_staff_account_gets_through_the_api_what_the_page_gives(
        app, client, auth, world, product):
    application = MAKERS[product](world)
    app.config["API_RATE_LIMIT"] = 100_000  # many calls of one client, in one test
    tokens = _tokens(client, world)
    workflow = product_for(product).workflow
    offered = [t for t in workflow.transitions if application.status in t.sources]
    before = (fresh(application.id).status, fresh(application.id).version)
    wrong = []
    staff = db.session.scalars(select(User).where(User.org_id.is_not(None))
                               .order_by(User.id)).all()
    assert db.session.scalar(select(ApiClient.id)) is not None and len(staff) >= 8
    seen = set()  # the answers compared: outsiders' 404s and insiders' 403s both occur
    for user in staff:
        headers = {"Authorization": f"Bearer {tokens[user.org_id]}",
                   "On-Behalf-Of": user.email}
        switch_to(auth, user)
        page = client.get(f"/applications/{application.id}").status_code
        api = client.get(f"/api/v1/applications/{application.id}", headers=headers)
        if api.status_code != page:
            wrong.append(f"{user.email} read: page {page}, api {api.status_code}")
        for transition in offered:
            sees = access.can_view(user, application)
            try:
                engine.authorize(application, transition, user)
            except engine.TransitionError:
                pass
            else:
                if sees:
                    continue  # theirs to take: the route tests take it
            url = f"/applications/{application.id}/fire/{transition.trigger}"
            page = client.post(url, data={}).status_code
            api = client.post(f"/api/v1/applications/{application.id}/transitions/"
                              f"{transition.trigger}", json={}, headers=headers).status_code
            if api != page or page not in (403, 404):
                wrong.append(f"{user.email} {transition.trigger}: page {page}, api {api}")
            seen.add(page)
    assert wrong == []
    assert seen == {403, 404}
    assert (fresh(application.id).status, fresh(application.id).version) == before
