"""The bench command (issue 4) runs end to end and writes figures of the documented shape.

Only the shape is asserted: speed is the benchmark's business, never a timed test's.
"""

import json

import pytest
from sqlalchemy import func
from sqlalchemy import select

from talentfin.models import Application

NUMBER = (int, float)
FIGURES = {
    "dossier": ("median_s", "bytes", "rss_mb", "latin_median_s", "ratio"),
    "engine": ("transitions_per_s", "raw_per_s", "ratio"),
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
    for section, keys in FIGURES.items():
        assert_numbers(figures[section], keys)
    assert figures["targets"]
    assert {row["met"] for row in figures["targets"]} <= {"yes", "no", "n/a"}
    assert "queue p95" in result.output and "target" in result.output
    # The bench seeds a scratch database; the app's own database stays empty.
    assert db.session.scalar(select(func.count(Application.id))) == 0


def test_bench_refuses_sizes_that_are_not_numbers(runner):
    result = runner.invoke(args=["bench", "--sizes", "ten,20"])

    assert result.exit_code == 2
    assert "sizes are whole numbers" in result.output
