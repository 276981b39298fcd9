"""The queue through the partner API: a client reads the queue its person sees, page after
page by cursor, nothing repeated or skipped; bad arguments, forged cursors and NUL characters
are refused with the fields named, never with a 500."""

import base64

from flask_babel import refresh

from talentfin.services import api_clients
from tests import factories
from tests.web import api_token


def _queue(client, token: str, person: str, **args):
    return client.get("/api/v1/queue/", query_string=args,
                      headers={"Authorization": f"Bearer {token}", "On-Behalf-Of": person})


def test_the_queue_comes_page_after_page_by_cursor_as_the_officer_sees_it(
        client, world, bank_client, db):
    row, secret = bank_client
    token = api_token(client, row.client_id, secret)
    waiting = [factories.loan_in(world, "partner_review") for _ in range(5)]
    factories.loan_in(world, "partner_review", founder=world.founder2, bank=world.bank2)
    factories.loan_in(world, "park_review")  # not the bank's yet

    seen, after, pages = [], None, 0
    while True:
        args = {"limit": 2, **({"after": after} if after else {})}
        page = _queue(client, token, world.officer1.email, **args).get_json()
        seen.extend(item["reference"] for item in page["items"])
        pages += 1
        after = page["next"]
        if after is None:
            break
        # Arriving meanwhile (a new file) neither repeats nor skips what was listed.
        if pages == 1:
            waiting.append(factories.loan_in(world, "partner_review"))
    assert seen == [a.reference for a in waiting] and pages == 3
    item = _queue(client, token, world.officer1.email, limit=1).get_json()["items"][0]
    assert item["status"] == "partner_review" and item["amount_fen"] == 100_000_000
    assert item["waiting_since"].endswith("+00:00") and item["claimed_by"] is None
    newest = _queue(client, token, world.officer1.email, sort="newest", limit=1).get_json()
    assert newest["items"][0]["reference"] == waiting[-1].reference
    # The park's reviewer (through a park's client) sees the park's queue instead.
    park_row, park_secret = api_clients.register(world.park, "园区系统", ["read"], world.admin)
    park_token = api_token(client, park_row.client_id, park_secret)
    park_items = _queue(client, park_token, world.park_reviewer.email).get_json()["items"]
    assert [i["status"] for i in park_items] == ["park_review"]


def test_bad_queue_arguments_are_refused_with_the_fields_named(client, world, bank_client):
    row, secret = bank_client
    token = api_token(client, row.client_id, secret)
    refused = _queue(client, token, world.officer1.email, limit=0, sort="sideways",
                     min_amount_fen="lots")
    assert refused.status_code == 422
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert set(refused.get_json()["errors"]["query"]) == {"limit", "sort", "min_amount_fen"}
    # Each field's messages, a list, in the caller's language (Chinese unless asked).
    assert refused.get_json()["errors"]["query"]["limit"] == ["请输入 1 至 100 之间的数。"]
    assert refused.get_json()["errors"]["query"]["min_amount_fen"] == ["请输入整数。"]
    refresh()
    english = client.get("/api/v1/queue/", query_string={"sort": "sideways"}, headers={
        "Authorization": f"Bearer {token}", "On-Behalf-Of": world.officer1.email,
        "Accept-Language": "en"})
    assert english.get_json()["errors"]["query"] == {"sort": ["Choose one of: oldest, "
                                                              "newest."]}
    refresh()
    bad_cursor = _queue(client, token, world.officer1.email, after="not-a-cursor")
    assert bad_cursor.status_code == 400 and bad_cursor.get_json()["detail"]
    # Forged cursors: an id no database integer holds (it gave a 500), a time with an offset.
    for forged in ("2026-01-01T00:00:00|" + "9" * 30, "2026-01-01T00:00:00+08:00|5"):
        refresh()
        cursor = base64.urlsafe_b64encode(forged.encode()).decode().rstrip("=")
        assert _queue(client, token, world.officer1.email, after=cursor).status_code == 400
    unknown = _queue(client, token, world.officer1.email, status="sleeping", product="lottery")
    assert unknown.status_code == 422
    assert set(unknown.get_json()["errors"]["query"]) == {"status", "product"}
    assert _queue(client, token, world.officer1.email, status="all").status_code == 200
    # Beyond any amount (past the database's integers): refused, named, not a 500.
    huge = _queue(client, token, world.officer1.email, min_amount_fen=2**63,
                  max_amount_fen=10**30)
    assert huge.status_code == 422
    assert set(huge.get_json()["errors"]["query"]) == {"min_amount_fen", "max_amount_fen"}


def test_a_nul_in_the_query_or_a_header_is_refused_before_the_database_sees_it(
        client, world, bank_client):
    row, secret = bank_client
    token = api_token(client, row.client_id, secret)
    in_query = _queue(client, token, world.officer1.email, status="\x00")
    assert in_query.status_code == 400 and "NUL" in in_query.get_json()["detail"]
    in_header = _queue(client, token, world.officer1.email + "\x00")
    assert in_header.status_code == 400
    # A page's address too (PostgreSQL would refuse the text; the page says 400, not 500).
    assert client.get("/queue/?status=%00").status_code == 400
