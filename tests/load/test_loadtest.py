"""``make loadtest`` for a short while against a server the test starts on SQLite (the demo
seeded, gunicorn, the dossier worker, the address taken from X-Forwarded-For): Locust's
users submit and decide applications without errors and ``flask loadtest-check`` finds
each one with its log row, its dossiers in the store and the audit chains whole.

It takes minutes (the demo's seeding renders its dossiers): run with ``-m loadtest``.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV = Path(sys.executable).parent.parent

pytestmark = pytest.mark.loadtest


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run(args: list[str], env: dict, log: Path, timeout: float) -> subprocess.CompletedProcess:
    with open(log, "ab") as out:
        return subprocess.run(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                              timeout=timeout, check=False)


def _start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    with open(log, "ab") as out:
        return subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)


def _wait_until_serving(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/login", timeout=10) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except OSError:  # not listening yet
            time.sleep(0.5)
    raise AssertionError("the server did not start\n" + log.read_text()[-3000:])


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A seeded SQLite instance served on a free port, with its worker; its environment."""
    instance = tmp_path_factory.mktemp("loadtest-instance")
    log = instance / "server.log"
    (instance / "fonts").mkdir()
    for font in (ROOT / "instance" / "fonts").glob("*"):
        (instance / "fonts" / font.name).write_bytes(font.read_bytes())
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("TALENTFIN_")}
    env.update({"TALENTFIN_INSTANCE_PATH": str(instance), "PYTHONPATH": str(ROOT),
                "TALENTFIN_SECRET_KEY": "loadtest", "TALENTFIN_PROXY_COUNT": "1",
                "TALENTFIN_SECOND_FACTOR_REQUIRED": "false",
                "TALENTFIN_SESSION_COOKIE_SECURE": "false",
                "TALENTFIN_REMEMBER_COOKIE_SECURE": "false",
                "TALENTFIN_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"})
    flask = [sys.executable, "-m", "flask", "--app", "talentfin"]
    for command in (["db", "upgrade"], ["seed-demo"]):
        assert _run([*flask, *command], env, log, 600).returncode == 0, log.read_text()[-3000:]
    processes = [
        _start([sys.executable, "-m", "gunicorn", "--workers", "2", "--bind",
                f"127.0.0.1:{port}", "talentfin:create_app()"], env, log),
        _start([*flask, "worker"], env, log)]
    try:
        _wait_until_serving(f"http://127.0.0.1:{port}", processes[0], log)
        yield f"http://127.0.0.1:{port}", env, instance
    finally:
        for process in processes:
            os.killpg(process.pid, 15)
            process.wait(timeout=30)


def test_a_short_load_test_passes_its_after_checks(server):
    url, env, instance = server
    out = instance / "results"
    log = instance / "make.log"
    # The virtualenv of this test run, taken as installed (-o: its stamp is not remade).
    done = _run(["make", "--no-print-directory", "-o", f"{VENV}/.installed", "loadtest",
                 f"VENV={VENV}", f"LOADTEST_HOST={url}", "LOADTEST_TIME=20s",
                 "LOADTEST_USERS=8", "LOADTEST_FOUNDERS=6", "LOADTEST_REVIEWERS=2",
                 f"LOADTEST_OUT={out}"], env, log, 600)
    output = log.read_text()
    assert done.returncode == 0, output[-4000:]  # also: an error rate above 1%
    # Work was done, and each submission and decision was found with what it left.
    counts = output.split("after-check: ", 1)[1]
    submitted = int(counts.split(" submitted", 1)[0])
    assert submitted > 0, output[-4000:]
    assert "audit chains verified; problems: 0" in output
    assert "| POST /applications/<id>/fire/submit |" in output
