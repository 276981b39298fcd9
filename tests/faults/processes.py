"""Starting, waiting for and killing the real processes the fault tests break."""

import os
import signal
import subprocess
import sys
import time
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
