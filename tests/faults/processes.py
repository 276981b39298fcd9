"""Starting, waiting for and killing the real processes the fault tests break."""

import http.cookiejar
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

from flask import Flask

from talentfin.extensions import db

ROOT = Path(__file__).resolve().parents[2]


def environment(app: Flask, **settings) -> dict[str, str]:
    """The variables that point a new process at the test app's database and folders."""
    env = dict(os.environ)
    env.update({
        "TALENTFIN_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "TALENTFIN_UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"],
        "TALENTFIN_DOSSIER_FOLDER": app.config["DOSSIER_FOLDER"],
        "TALENTFIN_SECRET_KEY": "fault-tests",
        "TALENTFIN_SECOND_FACTOR_REQUIRED": "false",
        "TALENTFIN_SESSION_COOKIE_SECURE": "false",
        "TALENTFIN_REMEMBER_COOKIE_SECURE": "false",
        "TALENTFIN_PUBLIC_BASE_URL": "https://talentfin.example.cn",
    })
    env.update({f"TALENTFIN_{key}": str(value) for key, value in settings.items()})
    return env


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    """A process in its own group, its output in ``log``."""
    with open(log, "ab") as out:
        return subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)


def flask(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    """``flask --app talentfin COMMAND`` as an operator starts it."""
    return start([sys.executable, "-m", "flask", "--app", "talentfin", *command], env, log)


def with_failpoint(role: str, point: str, signal_file: Path, env: dict[str, str],
                   log: Path) -> subprocess.Popen:
    """A worker or scheduler that hangs at ``point`` (tests/faults/failpoint.py)."""
    return start([sys.executable, "-m", "tests.faults.failpoint", role, point,
                  str(signal_file)], env, log)


def kill_hard(process: subprocess.Popen) -> None:
    """kill -9: no handler runs, no transaction is finished, no file is closed tidily."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def stop(process: subprocess.Popen) -> None:
    """Ctrl-C as an operator stops it (then kill, if it will not go)."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        kill_hard(process)


def wait_for(condition: Callable[[], object], timeout: float, what: str,
             process: subprocess.Popen | None = None, log: Path | None = None):
    """Poll ``condition`` (reading the database afresh each time) until it is truthy."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.rollback()
        db.session.expire_all()
        value = condition()
        if value:
            return value
        if process is not None and process.poll() is not None:
            break
        time.sleep(0.2)
    output = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    raise AssertionError(f"timed out waiting for {what}\n{output}")


class Browser:
    """A user's browser against a served instance: cookies kept, redirects not followed,
    the CSRF token read from the last form page."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect)
        self.csrf = ""

    def request(self, path: str, form: dict | None = None) -> tuple[int, dict, str]:
        """GET, or POST ``form`` with the CSRF token; (status, headers, body)."""
        data = None
        if form is not None:
            data = urllib.parse.urlencode({"csrf_token": self.csrf, **form}).encode()
        try:
            with self.opener.open(self.base_url + path, data=data, timeout=60) as response:
                status, headers, body = response.status, dict(response.headers), \
                    response.read().decode()
        except urllib.error.HTTPError as error:
            status, headers, body = error.code, dict(error.headers), error.read().decode()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', body)
        if token:
            self.csrf = token.group(1)
        return status, headers, body

    def log_in(self, email: str, password: str) -> None:
        """Through the login form, as a person does."""
        self.request("/login")
        status, _headers, body = self.request("/login", {"email": email, "password": password})
        assert status == 302, body[-2000:]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def serve(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    """The web server as ``make run`` starts it (gunicorn), on ``port``."""
    process = start([sys.executable, "-m", "gunicorn", "--workers", "1", "--threads", "4",
                     "--bind", f"127.0.0.1:{port}", "talentfin:create_app()"], env, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.2)
    raise AssertionError("the web server did not start\n" + log.read_text(errors="replace"))


def free_port() -> int:
    """A port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateCluster:
    """A PostgreSQL server of the test's own (initdb into a temporary folder), which the
    test may stop and start without touching the machine's shared server."""

    def __init__(self):
        binaries = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
        if not binaries:
            raise FileNotFoundError("no PostgreSQL server binaries under /usr/lib/postgresql")
        self.bin = binaries[-1].parent
        self.folder = Path(tempfile.mkdtemp(prefix="talentfin-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        if os.geteuid() == 0:  # initdb refuses to run as root
            owner = pwd.getpwnam("postgres")
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust",
                  "-E", "UTF8", "--no-sync")

    @property
    def url(self) -> str:
        """Its database's SQLAlchemy address."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        """Start the server and wait until it takes connections."""
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c full_page_writes=off")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"),
                  "-o", options, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        """Stop it: "fast" ends every session at once, "immediate" as a crash would."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        """Stop it if it runs, and delete its files."""
        subprocess.run(self._command("pg_ctl", "-D", str(self.data), "-m", "immediate",
                                     "stop"), capture_output=True, check=False)
        shutil.rmtree(self.folder, ignore_errors=True)

    def _command(self, program: str, *args: str) -> list[str]:
        command = [str(self.bin / program), *args]
        return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command

    def _run(self, program: str, *args: str) -> None:
        subprocess.run(self._command(program, *args), check=True, capture_output=True,
                       cwd=self.folder)


def tail(log: Path, size: int = 3000) -> str:
    """The end of a process's output, for an assertion's message."""
    return log.read_text(errors="replace")[-size:] if log.exists() else ""
