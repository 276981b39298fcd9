"""What the webhook tests share: a partner's endpoint on a free port that keeps what it
receives and verifies its signatures as a partner's receiver would (the ``receiver`` fixture
of tests/core/conftest.py runs one per test), and the worker's loop until nothing is due."""

import threading
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer

from standardwebhooks import Webhook

from talentfin.services import outbox


class Receiver:
    """A partner's webhook endpoint: keeps what it receives, answers ``status``."""

    def __init__(self):
        self.received: list[tuple[dict, bytes]] = []
        self.status = 204
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()},
                                          body))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def events(self, secret: str) -> list[dict]:
        """Each received body, its signature verified as a partner's receiver would."""
        return [Webhook(secret).verify(body, headers) for headers, body in self.received]


def _work() -> None:
    """The worker's loop until nothing is due (a task may queue the next: a delivery)."""
    for _round in range(5):
        if outbox.run_pending() == (0, 0):
            return
