"""The bench command (issue 4) runs end to end and writes figures of the documented shape.

Only the shape is asserted: speed is the benchmark's business, never a timed test's.
"""

import json
import random
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update

from talentfin.bench.profile import benched
from talentfin.bench.profile import checked_engine
from talentfin.bench.profile import measured
from talentfin.bench.profile import own_table
from talentfin.bench.profile import product_tables
from talentfin.bench.seeding import finish_load
from talentfin.bench.seeding import seed_batch
from talentfin.bench.seeding import seed_cast
from talentfin.bench.seeding import seeded_tables
from talentfin.institutions import kind_of
from talentfin.models import Application
from talentfin.models import User
from talentfin.services.audit_chains import verify_all
from talentfin.workflows import engine

BENCH = Path(__file__).resolve().parents[2] / "talentfin" / "bench"

NUMBER = (int, float)
FIGURES = {
    "dossier": ("median_s", "bytes", "rss_mb", "latin_median_s", "ratio"),
    "engine": ("transitions_per_s", "raw_per_s", "ratio", "concurrent_per_s",
               "concurrency_gain"),
    "http": ("queue_rps", "hello_rps", "ratio"),
}


def assert_numbers(section: dict, keys) -> None:
    for key in keys:
        assert isinstance(section[key], NUMBER) and not isinstance(section[key], bool), key
        assert section[key] >= 0, key


@pytest.mark.slow
def test_quick_bench_writes_figures_and_leaves_the_database_alone(runner, db, tmp_path):
    path = tmp_path / "bench.json"

    result = runner.invoke(args=["bench", "--quick", "--json", str(path)])

    assert result.exit_code == 0, result.output
    figures = json.loads(path.read_text())
    assert figures["db"] == "sqlite"
    assert isinstance(figures["machine"], str) and figures["machine"]
    assert set(figures["queue"]) == {"500", "2000"}
    for size in figures["queue"].values():
        assert_numbers(size, ("p50_ms", "p95_ms", "filtered_p50_ms", "filtered_p95_ms"))
    # Issue 14: distinct requests by staff of every benched product, at every size.
    assert set(figures["queue_distinct"]) == {"500", "2000"}
    for size in figures["queue_distinct"].values():
        assert_numbers(size, ("p50_ms", "p95_ms"))
        assert size["logins"] >= 2 * len(benched())
    assert set(figures["seeding"]) == {"500", "2000"}
    for section, keys in FIGURES.items():
        assert_numbers(figures[section], keys)
    assert set(figures["engine_by_size"]) == {"500", "2000"}
    assert figures["engine"]["concurrent_firers"] == 8
    # The engine's own cost: a bare move, measured against the same raw statements, sends
    # fewer statements than the decision (no caps, no dossier).
    bare = figures["engine"]["bare"]
    assert_numbers(bare, ("transitions_per_s", "raw_per_s", "ratio", "statements_per_fire"))
    assert bare["transition"] == "close"
    assert bare["statements_per_fire"] < figures["engine"]["statements_per_fire"]
    assert "a bare move (close)" in result.output
    assert figures["targets"]
    assert {row["met"] for row in figures["targets"]} <= {"yes", "no", "n/a"}
    assert "queue p95" in result.output and "target" in result.output
    # The bench seeds a scratch database; the app's own database stays empty.
    assert db.session.scalar(select(func.count(Application.id))) == 0


def test_bench_refuses_sizes_that_are_not_numbers(runner):
    result = runner.invoke(args=["bench", "--sizes", "ten,20"])

    assert result.exit_code == 2
    assert "sizes are whole numbers" in result.output


def test_seeded_applications_are_split_by_table_and_carry_the_amount(app, db):
    cast = seed_cast()

    ids = seed_batch(cast, 60, random.Random(4))
    finish_load()

    for product in benched():
        own = own_table(product)
        of_product = select(Application.id).where(Application.product == product.key)
        assert db.session.scalar(select(func.count()).select_from(own)) == \
            db.session.scalar(select(func.count()).select_from(of_product.subquery()))
    applications = db.session.scalars(select(Application).where(Application.id.in_(ids))).all()
    assert len(applications) == 60
    assert all(a.amount_fen == a.current_amount() for a in applications)
    assert len({a.status for a in applications}) > 3
    assert verify_all() == []


def test_the_measured_transition_fires_on_a_seeded_application(app, db):
    product = measured()
    spec = checked_engine(product)
    cast = seed_cast()
    partner = cast.partners[product.partner_kind][-1]
    ids = seed_batch(cast, 3, random.Random(4), product=product, state=spec.source,
                     partner_id=partner, per_company=1)
    db.session.execute(update(Application).where(Application.id.in_(ids))
                       .values(claimed_by_id=None, claimed_at=None))
    db.session.commit()
    finish_load()
    actor = db.session.get(User, cast.member(partner, spec.role))

    with app.test_request_context():
        for application_id in ids:
            engine.fire(db.session.get(Application, application_id), spec.trigger, actor,
                        comment=spec.comment)

    assert {db.session.get(Application, i).status for i in ids} == {spec.dest}
    assert verify_all() == []


def test_the_bench_names_no_product_state_trigger_role_or_column(app):
    source = "\n".join(path.read_text() for path in BENCH.glob("*.py"))
    # A state or a product's column may share its name with a core column ("active", the
    # board's listing "tier" and the talent's): those are not the product's.
    core_columns = {c.name for table in seeded_tables() if table not in product_tables()
                    for c in table.c}
    for product in benched():
        names = {product.key, *(t.trigger for t in product.workflow.transitions),
                 *(s for s in product.workflow.state_names if s not in core_columns),
                 *(r for t in product.workflow.transitions for r in t.roles
                   if kind_of(r) == product.partner_kind),
                 *(c.name for c in own_table(product).c
                   if c.name != "id" and c.name not in core_columns)}
        assert not [name for name in names if f'"{name}"' in source or f"'{name}'" in source]
