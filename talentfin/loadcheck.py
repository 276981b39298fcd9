"""The load test's server side (``make loadtest``, the Locust users in ``loadtest/``):
``flask loadtest-seed`` makes the accounts the simulated users log in with (founders with
certified firms, park reviewers, bank officers and approvers), and ``flask loadtest-check``
checks the database and the store after a run against what the users recorded they did.

The accounts are named ``load-<role>-<n>@load.demo.cn`` and use the demo's password; they are
meant for a demo or test database only (the command refuses with PRODUCTION set).
"""

import hashlib
import json
import sys
import time
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from talentfin import programme  # noqa: F401 (the products whose workflows are checked)
from talentfin.clock import business_today
from talentfin.demo import DEMO_PASSWORD
from talentfin.demo import demo_uscc
from talentfin.extensions import db
from talentfin.identifiers import resident_id_check_char
from talentfin.institutions import FOUNDER
from talentfin.models import Application
from talentfin.models import Dossier
from talentfin.models import Enterprise
from talentfin.models import Organisation
from talentfin.models import TalentProfile
from talentfin.models import TransitionLog
from talentfin.models import User
from talentfin.services.accounts import create_user
from talentfin.services.audit_chains import verify_all
from talentfin.services.signoffs import broken_sign_offs
from talentfin.storage import DOSSIERS
from talentfin.storage import stored_bytes
from talentfin.workflows.registry import product_for

DOMAIN = "load.demo.cn"
# The reviewers' roles and organisations by their name's part: the n-th officer and
# approver work at the n-th bank in turn, so whichever bank a founder picks has its staff.
REVIEWERS = {"park": ("park_reviewer", ("park-laoshan",)),
             "officer": ("bank_officer", ("bank-1", "bank-2")),
             "approver": ("bank_approver", ("bank-1", "bank-2"))}
SERIAL_BASE = 50_000  # the load firms' unified credit codes, clear of the demo's


def load_email(kind: str, number: int) -> str:
    """The address of the ``number``-th load-test account of ``kind`` (founder, park, ...)."""
    return f"load-{kind}-{number:03d}@{DOMAIN}"


def seed_load_accounts(founders: int, reviewers: int) -> list[str]:
    """Create the missing load-test accounts; what was made, line by line."""
    done = []
    park = db.session.scalar(select(Organisation).where(Organisation.code == "park-laoshan"))
    if park is None:
        raise click.ClickException("run `flask seed-demo` first: the park and banks are missing")
    for number in range(1, founders + 1):
        email = load_email("founder", number)
        if db.session.scalar(select(User.id).where(User.email == email)) is None:
            _load_founder(email, number, park)
            done.append(f"account {email}")
    for kind, (role, org_codes) in REVIEWERS.items():
        for number in range(1, reviewers + 1):
            email = load_email(kind, number)
            if db.session.scalar(select(User.id).where(User.email == email)) is None:
                create_user(email, DEMO_PASSWORD, f"压测{kind}{number}", role,
                            org_code=org_codes[(number - 1) % len(org_codes)])
                done.append(f"account {email}")
    return done


def _load_founder(email: str, number: int, park: Organisation) -> User:
    enterprise = Enterprise(
        name=f"崂山压测科技{number:03d}有限公司", uscc=demo_uscc(SERIAL_BASE + number),
        park_id=park.id, registered_in_district=True,
        founded_on=business_today() - timedelta(days=400),
        registered_capital_fen=500_000_000, legal_representative=f"压测{number}",
        address=f"青岛市崂山区松岭路 {SERIAL_BASE + number}", industry="工业软件", employees=20)
    db.session.add(enterprise)
    db.session.flush()
    first17 = f"370212{(date(1980, 1, 1) + timedelta(days=number)):%Y%m%d}{number % 1000:03d}"
    db.session.add(TalentProfile(
        enterprise_id=enterprise.id, founder_name=f"压测{number}",
        id_number=first17 + resident_id_check_char(first17), tier="B",
        certificate_no=f"QDRC-LOAD-{number}", issuer="青岛市人才工作领导小组",
        valid_until=business_today() + timedelta(days=3 * 365), equity_bp=5100))
    db.session.commit()
    return create_user(email, DEMO_PASSWORD, f"压测{number}", FOUNDER,
                       enterprise_id=enterprise.id)


@dataclass
class CheckResult:
    """What the after-check counted and every problem it found."""

    submitted: int = 0
    decided: int = 0
    dossiers: int = 0
    waited_seconds: float = 0.0  # for the workers to render the dossiers still pending
    problems: list[str] = field(default_factory=list)


def read_record(path: Path) -> list[dict]:
    """The users' record of a run: one JSON object a line (kind, application id, trigger)."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def check_run(entries: list[dict], wait_seconds: float) -> CheckResult:
    """Every recorded submission and decision against the database and the store; the
    dossiers still being rendered are waited for up to ``wait_seconds``."""
    result = CheckResult()
    logs = []
    for entry in entries:
        application = db.session.get(Application, entry["id"])
        if application is None:
            result.problems.append(f"application {entry['id']}: missing")
            continue
        workflow = product_for(application.product).workflow
        if entry["kind"] == "submitted":
            result.submitted += 1
            if application.status == workflow.initial:
                result.problems.append(f"application {application.id}: still a draft")
        else:
            result.decided += 1
        log = _log_of(application.id, entry)
        if log is None:
            result.problems.append(f"application {application.id}: no log row of "
                                   f"{entry['trigger']} by {entry['user']}")
            continue
        if workflow.transition(entry["trigger"]).dossier:
            logs.append(log)
    started = time.monotonic()
    while True:
        pending = [log for log in logs if _dossier_of(log) is None]
        if not pending or time.monotonic() > started + wait_seconds:
            break
        time.sleep(2)
    result.waited_seconds = time.monotonic() - started
    for log in logs:
        result.problems.extend(_dossier_problems(log))
        result.dossiers += 1
    return result


def _log_of(application_id: int, entry: dict) -> TransitionLog | None:
    """The log row of the recorded firing (the latest, if the user fired it again)."""
    return db.session.scalar(
        select(TransitionLog).join(User, User.id == TransitionLog.actor_id)
        .where(TransitionLog.application_id == application_id,
               TransitionLog.trigger == entry["trigger"], User.email == entry["user"])
        .order_by(TransitionLog.id.desc()).limit(1))


def _dossier_of(log: TransitionLog) -> Dossier | None:
    db.session.expire_all()
    return db.session.scalar(select(Dossier).where(
        Dossier.transition_log_id == log.id, Dossier.status == "ready").limit(1))


def _dossier_problems(log: TransitionLog) -> list[str]:
    dossier = _dossier_of(log)
    where = f"application {log.application_id} ({log.trigger})"
    if dossier is None:
        return [f"{where}: no rendered dossier"]
    content = stored_bytes(DOSSIERS, dossier.file_name)
    if content is None:
        return [f"{where}: dossier {dossier.id} not in the store"]
    if hashlib.sha256(content).hexdigest() != dossier.sha256:
        return [f"{where}: dossier {dossier.id} does not match its SHA-256"]
    return []


@click.command("loadtest-seed")
@click.option("--founders", default=100, show_default=True, help="Founders with certified firms.")
@click.option("--reviewers", default=4, show_default=True,
              help="Park reviewers, bank officers and approvers (each).")
@with_appcontext
def seed_command(founders: int, reviewers: int) -> None:
    """Create the load test's accounts (demo databases only; after `flask seed-demo`)."""
    if current_app.config.get("PRODUCTION"):
        raise click.ClickException("refused: PRODUCTION is set")
    done = seed_load_accounts(founders, reviewers)
    click.echo(f"load-test accounts created: {len(done)}")


@click.command("loadtest-check")
@click.argument("record", type=click.Path(path_type=Path))
@click.option("--wait", default=180.0, show_default=True,
              help="Seconds to wait for dossiers still being rendered.")
@with_appcontext
def check_command(record: Path, wait: float) -> None:
    """Check a load test's record: each submission and decision, its log row and dossier
    in the store, and the audit chains; exit non-zero on a problem."""
    result = check_run(read_record(record), wait)
    breaks = verify_all()
    result.problems.extend(f"audit {b.chain}: row {b.row_id} (seq {b.seq}): {b.reason}"
                           for b in breaks)
    result.problems.extend(f"audit sign-off {signed}: {chain} seq {seq} no longer matches"
                           for signed, chain, seq in broken_sign_offs())
    for problem in result.problems:
        click.echo(f"PROBLEM {problem}")
    click.echo(f"after-check: {result.submitted} submitted and {result.decided} decided "
               f"applications, {result.dossiers} dossiers checked in the store (after "
               f"{result.waited_seconds:.0f} s for the workers); audit chains "
               f"{'broken' if breaks else 'verified'}; problems: {len(result.problems)}")
    if result.problems:
        sys.exit(1)
