"""Policy changes: proposed by the pool administrator, in force once the committee approves."""

import re
from datetime import timedelta

from talentfin.clock import business_today
from talentfin.models.policy import int_parameter
from talentfin.services.policy_changes import pending
from tests.web import login
from tests.web import text


def _propose(client, **fields):
    data = {"key": "compensation_ratio_bp", "value": "6500",
            "effective_from": business_today().isoformat(), "reason": "市财政局通知"}
    data.update(fields)
    return client.post("/policy/", data=data)


def test_a_proposal_has_no_effect_until_the_committee_approves(client, auth, world):
    login(auth, world.pool_admin)
    assert _propose(client).status_code == 302
    assert int_parameter("compensation_ratio_bp") == 7000
    auth.logout()
    login(auth, world.committee)

    page = text(client.get("/policy/"))
    found = re.search(r'action="/policy/(\d+)/decide"', page)
    assert found, "the committee sees the proposal with its decision buttons"
    proposal_id = found.group(1)
    assert client.post(f"/policy/{proposal_id}/decide",
                       data={"decision": "approve"}).status_code == 302
    assert int_parameter("compensation_ratio_bp") == 6500
    # A decision dated before the change still reads the old value.
    assert int_parameter("compensation_ratio_bp",
                                    business_today() - timedelta(days=1)) == 7000


def test_a_change_cannot_take_effect_in_the_past(client, auth, world):
    login(auth, world.pool_admin)
    response = _propose(client, effective_from=(business_today() - timedelta(days=1)).isoformat())
    assert response.status_code == 422
    assert "past" in text(response)


def test_out_of_range_values_are_refused(client, auth, world):
    login(auth, world.pool_admin)
    assert _propose(client, value="12000").status_code == 422
    assert _propose(client, value="7.5").status_code == 422


def test_only_the_committee_decides_and_others_cannot_see(client, auth, world):
    login(auth, world.pool_admin)
    _propose(client)

    proposal = pending()[0]
    assert client.post(f"/policy/{proposal.id}/decide",
                       data={"decision": "approve"}).status_code == 403
    auth.logout()
    login(auth, world.officer1)
    assert client.get("/policy/").status_code == 404
    assert int_parameter("compensation_ratio_bp") == 7000
