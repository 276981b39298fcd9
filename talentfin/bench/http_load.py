"""Requests per second of the review queue under gunicorn (2 workers) against /healthz.

The server runs ``gunicorn 'talentfin:create_app()'`` on a free loopback port with the
scratch database in ``TALENTFIN_DATABASE_URL``; the benchmark logs in through the real
form (CSRF token included) to get a session cookie. Load comes from wrk when installed,
else from a small threaded Python client. Rounds alternate between the two routes, each
lasting a few seconds, and the server is stopped afterwards whatever happens.
"""

import http.client
import os
import re
import secrets
import shutil
import socket
import subprocess  # noqa: S404 (gunicorn and wrk, fixed argv on the loopback)
import sys
import threading
import time
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from talentfin.bench.queue_timing import QUEUE_URLS
from talentfin.bench.scratch import Scratch
from talentfin.bench.stats import csrf_token
from talentfin.bench.stats import median

HOST = "127.0.0.1"
WORKERS = 2
CONNECTIONS = 4
COOKIE = "talentfin_session"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(scratch: Scratch, port: int):
    """Serve the app on the scratch database for the duration of the block."""
    env = dict(os.environ)
    env.update({
        "TALENTFIN_DATABASE_URL": scratch.url,
        "TALENTFIN_SECRET_KEY": secrets.token_hex(32),
        "TALENTFIN_SESSION_COOKIE_SECURE": "false",
        "TALENTFIN_REMEMBER_COOKIE_SECURE": "false",
        "TALENTFIN_UPLOAD_FOLDER": str(scratch.folder / "uploads"),
        "TALENTFIN_DOSSIER_FOLDER": str(scratch.folder / "dossiers"),
    })
    log_path = scratch.folder / "gunicorn.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(  # noqa: S603 (fixed argv, loopback only)
            [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--bind",
             f"{HOST}:{port}", "--log-level", "warning", "talentfin:create_app()"],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_serving(port, server, log_path)
            yield
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _wait_until_serving(port: int, server: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {log_path.read_text()[-2000:]}")
        try:
            if _get(port, "/healthz")[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")


def _get(port: int, path: str, cookie: str = "") -> tuple[int, bytes, list]:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        return response.status, response.read(), response.getheaders()
    finally:
        connection.close()


def _cookies(headers: list) -> dict[str, str]:
    jar = SimpleCookie()
    for name, value in headers:
        if name.lower() == "set-cookie":
            jar.load(value)
    return {key: morsel.value for key, morsel in jar.items()}


def login_cookie(port: int, email: str, password: str) -> str:
    """A session cookie header for the account, via GET and POST of the login form."""
    status, body, headers = _get(port, "/login")
    jar = _cookies(headers)
    form = urlencode({"email": email, "password": password,
                      "csrf_token": csrf_token(body.decode())})
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request("POST", "/login", body=form, headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())})
        response = connection.getresponse()
        response.read()
        jar.update(_cookies(response.getheaders()))
    finally:
        connection.close()
    if response.status != 302 or COOKIE not in jar:
        raise RuntimeError(f"gunicorn login failed: HTTP {response.status}")
    return f"{COOKIE}={jar[COOKIE]}"


def wrk_rate(port: int, path: str, cookie: str, seconds: float) -> float:
    """Requests per second wrk reaches on a path (one thread, a few connections)."""
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{max(1, round(seconds))}s",
               f"http://{HOST}:{port}{path}"]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True,  # noqa: S603
                         timeout=seconds + 30).stdout
    if "Non-2xx" in out:
        raise RuntimeError(f"wrk saw error responses on {path}:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def python_rate(port: int, path: str, cookie: str, seconds: float) -> float:
    """Requests per second of a few threads with their own connections (no wrk)."""
    counts = [0] * CONNECTIONS
    errors: list[str] = []
    deadline = time.monotonic() + seconds

    def client(slot: int) -> None:
        while time.monotonic() < deadline and not errors:
            status, _, _ = _get(port, path, cookie)
            if status != 200:
                errors.append(f"{path} answered HTTP {status}")
            counts[slot] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CONNECTIONS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(errors[0])
    return sum(counts) / (time.monotonic() - started)


def measure_http(scratch: Scratch, email: str, password: str, *, seconds: float,
                 rounds: int) -> dict:
    """Median requests per second of the queue page and of /healthz, same server, same run."""
    tool = "wrk" if shutil.which("wrk") else "python threads"
    rate = wrk_rate if tool == "wrk" else python_rate
    port = free_port()
    queue_url = QUEUE_URLS["default"]
    with gunicorn(scratch, port):
        cookie = login_cookie(port, email, password)
        status, body, _ = _get(port, queue_url, cookie)
        if status != 200 or b"table-queue" not in body:
            raise RuntimeError(f"the logged-in queue page answered HTTP {status}")
        rate(port, queue_url, cookie, 1)  # warm both workers
        rate(port, "/healthz", "", 1)
        queue, hello = [], []
        for _ in range(rounds):
            queue.append(rate(port, queue_url, cookie, seconds))
            hello.append(rate(port, "/healthz", "", seconds))
    queue_rps, hello_rps = median(queue), median(hello)
    return {"queue_rps": queue_rps, "hello_rps": hello_rps, "ratio": queue_rps / hello_rps,
            "tool": tool, "workers": WORKERS, "connections": CONNECTIONS,
            "seconds": seconds, "rounds": rounds}
