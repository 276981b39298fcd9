"""The ``bench`` command: its options, and where the figures go."""

import json
import os
from pathlib import Path

import click

from talentfin.bench.plan import PARTS
from talentfin.bench.plan import Plan
from talentfin.bench.plan import parse_sizes
from talentfin.bench.report import render
from talentfin.bench.report import render_plans
from talentfin.bench.runner import run
from talentfin.bench.scratch import scratch_database


@click.command("bench")
@click.option("--db", "db_kind", type=click.Choice(["sqlite", "postgresql"]), default="sqlite",
              show_default=True,
              help="sqlite: a temporary file. postgresql: a scratch database created on the "
                   "server of TALENTFIN_DATABASE_URL and dropped afterwards.")
@click.option("--sizes", callback=parse_sizes,
              help="Application counts, comma-separated [default: 10000,100000; --quick: "
                   "500,2000].")
@click.option("--quick", is_flag=True, help="Small sizes and few repetitions (a smoke run).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the figures as JSON to this file.")
@click.option("--pg-database", default="talentfin_bench", show_default=True,
              help="Name of the scratch PostgreSQL database (dropped first if it exists).")
@click.option("--pg-in-given-database", is_flag=True,
              help="Instead of creating a database, create and drop the schema "
                   "talentfin_bench inside the database of TALENTFIN_DATABASE_URL.")
@click.option("--skip", multiple=True, type=click.Choice(PARTS), help="Leave a part out.")
@click.option("--explain", is_flag=True, help="Print the queue's SQL and query plans.")
@click.option("--seed", default=4, show_default=True, help="Seed of the synthetic data.")
def bench_command(db_kind, sizes, quick, json_path, pg_database, pg_in_given_database, skip,
                  explain, seed) -> None:
    """Seed a scratch database, measure, print the figures against issue 4's targets."""
    plan = Plan.make(sizes, quick, tuple(skip), seed)
    given_url = os.environ.get("TALENTFIN_DATABASE_URL") if db_kind == "postgresql" else None
    with scratch_database(db_kind, given_url, pg_database=pg_database,
                          in_given_database=pg_in_given_database) as scratch:
        click.echo(f"bench: scratch {scratch.where}", err=True)
        results = run(plan, scratch, lambda line: click.echo(f"bench: {line}", err=True))
    plans = results.pop("queue_plans", None)
    if explain and plans:
        click.echo(render_plans(plans))
        click.echo()
    click.echo(render(results))
    if json_path:
        if plans:
            results["queue_plans"] = plans
        json_path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
        click.echo(f"\nfigures written to {json_path}")
