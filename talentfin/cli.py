"""Flask CLI commands: accounts, demo data, workflow checks, the dossier worker."""

import sys

import click
from flask import Flask
from flask import current_app
from flask.cli import AppGroup

from talentfin.bench import bench_command
from talentfin.models import ROLES

workflows_cli = AppGroup("workflows", help="Workflow definitions.")
audit_cli = AppGroup("audit", help="The tamper-evident audit chains.")


@audit_cli.command("verify")
def audit_verify() -> None:
    """Walk the transition log and the ledger chains; exit non-zero naming the first bad row."""
    from talentfin.audit import verify_all
    from talentfin.services.signoffs import broken_sign_offs

    breaks = verify_all()
    for found in breaks:
        click.echo(f"{found.chain}: row id {found.row_id} (seq {found.seq}): {found.reason}")
    stale = broken_sign_offs()
    for signed_id, chain, seq in stale:
        click.echo(f"sign-off {signed_id}: {chain} seq {seq} no longer matches")
    if breaks or stale:
        sys.exit(1)
    click.echo("audit chains verified: transition_log, ledger")


@workflows_cli.command("check")
def workflows_check() -> None:
    """Validate every workflow definition; exit non-zero on a defect."""
    from talentfin.workflows.checker import defects
    from talentfin.workflows.registry import PRODUCT_MODULES
    from talentfin.workflows.registry import workflow_for

    failed = False
    for product in PRODUCT_MODULES:
        problems = defects(workflow_for(product))
        if problems:
            failed = True
            click.echo(f"{product}: {len(problems)} defect(s)")
            for line in problems:
                click.echo(f"  - {line}")
        else:
            click.echo(f"{product}: ok")
    sys.exit(1 if failed else 0)


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--org", "org_code", default=None, help="Organisation code for staff roles.")
@click.password_option()
def create_user_command(email, name, role, org_code, password) -> None:
    """Create an account (staff accounts name their organisation by code)."""
    from talentfin.services.accounts import AccountError
    from talentfin.services.accounts import create_user

    try:
        user = create_user(email, password, name, role, org_code=org_code)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"created {user.email} ({user.role})")


@click.command("seed-policy")
def seed_policy_command() -> None:
    """Write the default policy parameters that are missing."""
    from talentfin.services.parameters import seed_defaults

    click.echo(f"{seed_defaults()} policy parameter(s) added")


@click.command("seed-demo")
def seed_demo_command() -> None:
    """Create the demo institutions, accounts and applications (safe to run twice)."""
    from talentfin.demo import seed_demo

    for line in seed_demo():
        click.echo(line)


@click.command("worker")
@click.option("--once", is_flag=True, help="Run due tasks once and exit.")
def worker_command(once: bool) -> None:
    """Run the outbox worker (renders dossiers after commits, retries failures)."""
    import logging

    from talentfin.services.outbox import run_worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s worker %(message)s")
    click.echo("worker: polling the outbox")
    run_worker(current_app.config["WORKER_POLL_SECONDS"], once=once)


@click.command("scheduler")
@click.option("--once", is_flag=True, help="Run every job for the current period and exit.")
def scheduler_command(once: bool) -> None:
    """Run the job scheduler (its own process; a second copy exits)."""
    import logging

    from talentfin.jobs import run_scheduler

    logging.basicConfig(level=logging.INFO, format="%(asctime)s scheduler %(message)s")
    code = run_scheduler(current_app._get_current_object(), once=once)
    if code == 3:
        click.echo("another scheduler is running; this one exits", err=True)
    sys.exit(code)


@click.command("fonts")
def fonts_command() -> None:
    """Build the dossiers' Chinese font subset from the system font (once; ~15 s)."""
    from talentfin.fonts import build_subset
    from talentfin.pdf import font_path

    built = build_subset(font_path())
    if built is None:
        click.echo("no Noto Sans CJK font on this machine: dossiers use the system fonts")
    else:
        click.echo(f"font subset ready: {built}")


@click.command("outbox-retry")
def outbox_retry_command() -> None:
    """Put failed outbox tasks back in the queue."""
    from talentfin.services.outbox import retry_failed

    click.echo(f"{retry_failed()} task(s) queued again")


def register(app: Flask) -> None:
    """Add the commands to ``flask --app talentfin``."""
    for command in (workflows_cli, audit_cli, create_user_command, seed_policy_command,
                    seed_demo_command, worker_command, scheduler_command, outbox_retry_command,
                    bench_command, fonts_command):
        app.cli.add_command(command)
