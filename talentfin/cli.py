"""Flask CLI commands: accounts, demo data, workflow checks, the worker and the scheduler.

Declared as ``flask.commands`` entry points (setup.cfg), so Flask's CLI loads them and a
web process never does.
"""

import logging
import sys
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask.cli import with_appcontext
from sqlalchemy import select

from talentfin import programme  # noqa: F401 (the products the commands act on)
from talentfin.demo import seed_demo
from talentfin.extensions import db
from talentfin.fonts import build_subset
from talentfin.fonts import font_path
from talentfin.forms.decisions import FORMS
from talentfin.institutions import ROLES
from talentfin.jobs import audit_checkpoint
from talentfin.models import ApiClient
from talentfin.models import Organisation
from talentfin.pdf_files import embedded_files
from talentfin.scheduler import run_scheduler
from talentfin.services import api_clients
from talentfin.services import backup
from talentfin.services import bundles
from talentfin.services.accounts import AccountError
from talentfin.services.accounts import create_user
from talentfin.services.audit_chains import verify_all
from talentfin.services.outbox import retry_failed
from talentfin.services.outbox import run_worker
from talentfin.services.parameters import seed_defaults
from talentfin.services.signoffs import broken_sign_offs
from talentfin.workflows import registry
from talentfin.workflows.checker import product_defects

workflows_cli = AppGroup("workflows", help="Workflow definitions.")
audit_cli = AppGroup("audit", help="The tamper-evident audit chains.")
backup_cli = AppGroup("backup", help="Backups of the database and the stored files.")
api_client_cli = AppGroup("api-client", help="The partner API's clients.")
bundle_cli = AppGroup("bundle", help="Applications' archival bundles and their dossiers' data.")


@bundle_cli.command("verify")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def bundle_verify(path: str) -> None:
    """Check a bundle offline: every file its manifest lists is there and matches its
    SHA-256, and nothing else is. Exits 1 naming each file that does not."""
    verdict = bundles.verify(path)
    for problem in verdict.problems:
        click.echo(problem, err=True)
    if verdict.problems:
        raise SystemExit(1)
    click.echo(f"{path}: {verdict.checked} files match the manifest")


@bundle_cli.command("extract")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def bundle_extract(path: str) -> None:
    """Print the data a dossier PDF carries: the frozen summary it was rendered from, the
    JSON file embedded in it. Exits 1 if the file is no PDF or carries no JSON."""
    try:
        files = embedded_files(Path(path).read_bytes())
    except ValueError as exc:
        raise click.ClickException(f"{path}: {exc}") from exc
    found = [content for mime_type, content in files.values() if mime_type == "application/json"]
    if not found:
        raise click.ClickException(f"{path}: carries no embedded JSON data")
    for content in found:
        click.echo(content.decode())


@api_client_cli.command("create")
@click.argument("org_code", required=False)
@click.option("--programme", "for_programme", is_flag=True,
              help="For the programme's auditors and administrators (no organisation; "
                   "read only) instead of an organisation.")
@click.option("--name", default="", help="What the client is (the bank's core system ...).")
@click.option("--scopes", default="read", help="Comma-separated: read, decide, report.")
def api_client_create(org_code: str | None, for_programme: bool, name: str,
                      scopes: str) -> None:
    """Register a client for an organisation (or, with --programme, for the programme's
    auditors and administrators); prints its id and secret (shown once)."""
    if for_programme == bool(org_code):
        raise click.UsageError("name an organisation's code, or give --programme")
    org = None
    if org_code:
        org = db.session.scalar(select(Organisation).where(Organisation.code == org_code))
        if org is None:
            raise click.ClickException(f"no organisation with the code {org_code}")
    try:
        client, secret = api_clients.register(
            org, name, [s.strip() for s in scopes.split(",") if s.strip()], None)
    except api_clients.ClientRefused as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"client_id: {client.client_id}\nclient_secret: {secret}\n"
               "(the secret is shown this once; only its digest is kept)")


@api_client_cli.command("revoke")
@click.argument("client_id")
def api_client_revoke(client_id: str) -> None:
    """Revoke a client: no new tokens, and its tokens end now."""
    client = db.session.scalar(select(ApiClient).where(ApiClient.client_id == client_id))
    if client is None:
        raise click.ClickException(f"no API client {client_id}")
    if api_clients.revoke(client, None):
        click.echo(f"{client_id} revoked")
    else:
        click.echo(f"{client_id} was already revoked on {client.revoked_at:%Y-%m-%d %H:%M} UTC")


def _backup(step, folder: str) -> dict:
    """Run a backup step; its refusal as the command's error."""
    try:
        return step(folder)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from exc


@backup_cli.command("create")
@click.argument("folder", type=click.Path(file_okay=False))
def backup_create(folder: str) -> None:
    """Write a backup (database, files, manifest) into FOLDER (new or empty)."""
    manifest = _backup(backup.create, folder)
    click.echo(f"backup written to {folder}: the database and {len(manifest['files'])} "
               "file(s)")


@backup_cli.command("check")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
def backup_check(folder: str) -> None:
    """Check every part of the backup in FOLDER against its manifest."""
    manifest = _backup(backup.check, folder)
    click.echo(f"backup of {manifest['created_at']}: every part matches its manifest")


@backup_cli.command("restore")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
def backup_restore(folder: str) -> None:
    """Restore the backup in FOLDER into this empty instance (checked first)."""
    manifest = _backup(backup.restore, folder)
    click.echo(f"restored the backup of {manifest['created_at']}; the audit chains verify")


@audit_cli.command("verify")
def audit_verify() -> None:
    """Walk every application's transition log chain, the ledger and the checkpoints; exit
    non-zero naming the first bad row of each broken chain."""
    breaks = verify_all()
    for found in breaks:
        click.echo(f"{found.chain}: row id {found.row_id} (seq {found.seq}): {found.reason}")
    stale = broken_sign_offs()
    for signed_id, chain, seq in stale:
        click.echo(f"sign-off {signed_id}: {chain} seq {seq} no longer matches")
    if breaks or stale:
        sys.exit(1)
    click.echo("audit chains verified: transition_log (per application), ledger, checkpoints")


@audit_cli.command("checkpoint")
def audit_checkpoint_command() -> None:
    """Seal the heads of the chains that moved since the last checkpoint (as the scheduler
    does every hour)."""
    made = audit_checkpoint(date.today())
    click.echo(f"{made} checkpoint(s) sealed")


@workflows_cli.command("check")
def workflows_check() -> None:
    """Validate every registered product's definition; exit non-zero on a defect."""
    failed = False
    for product in registry.products():
        problems = product_defects(product, frozenset(FORMS))
        if problems:
            failed = True
            click.echo(f"{product.key}: {len(problems)} defect(s)")
            for line in problems:
                click.echo(f"  - {line}")
        else:
            click.echo(f"{product.key}: ok")
    sys.exit(1 if failed else 0)


@click.command("create-user")
@with_appcontext
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice(sorted(ROLES)))
@click.option("--org", "org_code", default=None, help="Organisation code for staff roles.")
@click.password_option()
def create_user_command(email, name, role, org_code, password) -> None:
    """Create an account (staff accounts name their organisation by code)."""
    try:
        user = create_user(email, password, name, role, org_code=org_code)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"created {user.email} ({user.role})")


@click.command("seed-policy")
@with_appcontext
def seed_policy_command() -> None:
    """Write the default policy parameters that are missing."""
    click.echo(f"{seed_defaults()} policy parameter(s) added")


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Create the demo institutions, accounts and applications (safe to run twice)."""
    for line in seed_demo():
        click.echo(line)


@click.command("worker")
@with_appcontext
@click.option("--once", is_flag=True, help="Run due tasks once and exit.")
def worker_command(once: bool) -> None:
    """Run the outbox worker (renders dossiers after commits, retries failures)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s worker %(message)s")
    click.echo("worker: polling the outbox")
    run_worker(current_app.config["WORKER_POLL_SECONDS"], once=once)


@click.command("scheduler")
@with_appcontext
@click.option("--once", is_flag=True, help="Run every job for the current period and exit.")
@click.option("--standby", type=float, default=None, metavar="SECONDS",
              help="When another scheduler holds the lock, ask again every SECONDS and take "
                   "over when it is gone (a second host's scheduler) instead of exiting.")
def scheduler_command(once: bool, standby: float | None) -> None:
    """Run the job scheduler (its own process; a second copy exits, or stands by)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s scheduler %(message)s")
    code = run_scheduler(current_app._get_current_object(), once=once, standby_seconds=standby)
    if code == 3:
        click.echo("another scheduler is running; this one exits", err=True)
    sys.exit(code)


@click.command("fonts")
@with_appcontext
def fonts_command() -> None:
    """Build the dossiers' Chinese font subset from the system font (once; ~15 s)."""
    built = build_subset(font_path())
    if built is None:
        click.echo("no Noto Sans CJK font on this machine: dossiers use the system fonts")
    else:
        click.echo(f"font subset ready: {built}")


@click.command("outbox-retry")
@with_appcontext
def outbox_retry_command() -> None:
    """Put failed outbox tasks back in the queue."""
    click.echo(f"{retry_failed()} task(s) queued again")
