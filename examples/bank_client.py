#!/usr/bin/env python3
"""An example partner system for the talentfin API, a bank's starting point (standard
library only).

    python examples/bank_client.py --base http://127.0.0.1:5000 \\
        --client demo-bank-1 --secret demo-secret-2026 --person officer@bank1.demo.cn queue
    python examples/bank_client.py ... recommend 12 --amount 800000 --rate 3.45 \\
        --term 24 --security pure_credit --comment "经营稳定，建议批准。"
    python examples/bank_client.py ... receive --port 8099 --webhook-secret whsec_...

``queue`` lists what waits for the person (every page, by cursor); ``recommend`` takes the
credit officer's decision on one application (with an Idempotency-Key, so a retry after a
network failure cannot recommend twice); ``receive`` runs a webhook receiver that checks
each message's signature (Standard Webhooks) and prints the events.
"""

import argparse
import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler
from http.server import HTTPServer

TOLERANCE_SECONDS = 300  # a message older or newer than this is refused (replays)


class Api:
    """A client of one organisation, calling for one person."""

    def __init__(self, base: str, client_id: str, secret: str, person: str):
        self.base, self.client_id, self.secret, self.person = base.rstrip("/"), client_id, \
            secret, person
        self.token, self.expires = "", 0.0

    def _token(self) -> str:
        """A bearer token, fetched again a minute before it expires."""
        if time.time() < self.expires - 60:
            return self.token
        pair = base64.b64encode(f"{self.client_id}:{self.secret}".encode()).decode()
        request = urllib.request.Request(  # noqa: S310 (the site's address, as given)
            f"{self.base}/api/v1/oauth/token", method="POST",
            data=urllib.parse.urlencode({"grant_type": "client_credentials"}).encode(),
            headers={"Authorization": f"Basic {pair}"})
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            body = json.load(response)
        self.token, self.expires = body["access_token"], time.time() + body["expires_in"]
        return self.token

    def call(self, method: str, path: str, body: dict | None = None,
             headers: dict | None = None) -> tuple[int, dict]:
        """One call; (status, JSON body). A refusal is RFC 9457 problem details."""
        request = urllib.request.Request(  # noqa: S310 (the site's address, as given)
            f"{self.base}{path}", method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Bearer {self._token()}", "On-Behalf-Of": self.person,
                     "Accept-Language": "zh", "Content-Type": "application/json",
                     **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status, json.load(response)
        except urllib.error.HTTPError as error:
            return error.code, json.load(error)

    def queue(self, **filters) -> list[dict]:
        """Every item waiting for the person, following the cursors."""
        items, after = [], None
        while True:
            args = {**filters, **({"after": after} if after else {})}
            status, page = self.call("GET", f"/api/v1/queue/?{urllib.parse.urlencode(args)}")
            if status != 200:
                raise RuntimeError(page)
            items.extend(page["items"])
            after = page["next"]
            if after is None:
                return items

    def recommend(self, application_id: int, terms: dict, key: str | None = None):
        """The officer's recommendation; the same ``key`` makes a retry safe."""
        return self.call("POST", f"/api/v1/applications/{application_id}/transitions/recommend",
                         terms, {"Idempotency-Key": key or str(uuid.uuid4())})


def verify(secret: str, headers: dict, body: bytes, now: float | None = None) -> dict:
    """The event of a webhook message whose signature is right and recent; ValueError
    otherwise (the Standard Webhooks scheme: HMAC-SHA256 of "id.timestamp.body")."""
    headers = {k.lower(): v for k, v in headers.items()}
    message_id, timestamp = headers["webhook-id"], headers["webhook-timestamp"]
    if abs((now or time.time()) - int(timestamp)) > TOLERANCE_SECONDS:
        raise ValueError("message too old or too new")
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{message_id}.{timestamp}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    given = [part.split(",", 1)[1] for part in headers["webhook-signature"].split()
             if part.startswith("v1,")]
    if not any(hmac.compare_digest(expected, signature) for signature in given):
        raise ValueError("bad signature")
    return json.loads(body)


def receive(port: int, secret: str) -> None:
    """Print every verified event; refuse (400) a message that does not verify."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            try:
                event = verify(secret, dict(self.headers), body)
            except (KeyError, ValueError) as exc:
                self.send_response(400)
                self.end_headers()
                print("refused:", exc)
                return
            self.send_response(204)
            self.end_headers()
            print(event["type"], json.dumps(event["data"], ensure_ascii=False))

    HTTPServer(("0.0.0.0", port), Handler).serve_forever()  # noqa: S104 (a receiver)


def main() -> None:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:5000")
    parser.add_argument("--client", default="demo-bank-1")
    parser.add_argument("--secret", default="demo-secret-2026")
    parser.add_argument("--person", default="officer@bank1.demo.cn")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("queue")
    recommend = commands.add_parser("recommend")
    recommend.add_argument("application_id", type=int)
    for name in ("amount", "rate", "term", "security", "comment"):
        recommend.add_argument(f"--{name}", required=name != "comment", default="")
    listen = commands.add_parser("receive")
    listen.add_argument("--port", type=int, default=8099)
    listen.add_argument("--webhook-secret", required=True)
    args = parser.parse_args()
    if args.command == "receive":
        receive(args.port, args.webhook_secret)
        return
    api = Api(args.base, args.client, args.secret, args.person)
    if args.command == "queue":
        for item in api.queue():
            print(item["reference"], item["status_label"], item["company_name"],
                  item["amount_fen"], item["waiting_since"])
        return
    status, body = api.recommend(args.application_id, {
        "amount": args.amount, "rate": args.rate, "term_months": args.term,
        "security": args.security, "comment": args.comment})
    print(status, json.dumps(body, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
