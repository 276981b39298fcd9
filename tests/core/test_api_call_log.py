"""Every call of the partner API is attributed: one line of the ``talentfin.api.calls`` log
names the client, the person it acted for (On-Behalf-Of), what was asked and the answer,
reads and refusals included."""

import logging

from talentfin.services import api_clients
from tests import factories
from tests.web import api_token


def test_each_call_names_its_client_its_person_and_what_it_asked(client, world, caplog):
    ours = factories.loan_in(world, "partner_review")
    theirs = factories.loan_in(world, "partner_review", bank=world.bank2)
    row, secret = api_clients.register(world.bank1, "核心系统", ["read"], world.admin)
    token = api_token(client, row.client_id, secret)
    headers = {"Authorization": f"Bearer {token}", "On-Behalf-Of": world.officer1.email}
    with caplog.at_level(logging.INFO, logger="talentfin.api.calls"):
        assert client.get(f"/api/v1/applications/{ours.id}", headers=headers).status_code == 200
        assert client.get(f"/api/v1/applications/{theirs.id}",
                          headers=headers).status_code == 404
        assert client.get("/api/v1/queue/?limit=5", headers=headers).status_code == 200
    lines = [r.getMessage() for r in caplog.records if r.name == "talentfin.api.calls"]
    who = f"client={row.client_id} person={world.officer1.email}"
    assert lines == [f"{who} GET /api/v1/applications/{ours.id} 200",
                     f"{who} GET /api/v1/applications/{theirs.id} 404",
                     f"{who} GET /api/v1/queue/?limit=5 200"]
