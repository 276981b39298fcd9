"""The plan of a benchmark run: its parts, sizes and repetitions, and the ``--sizes`` parser."""

from dataclasses import dataclass

import click

PARTS = ("queue", "dossier", "engine", "http")


@dataclass(frozen=True)
class Plan:
    """Sizes and repetitions of one run."""

    sizes: tuple[int, ...]
    queue_requests: int
    engine_rounds: int
    engine_per_round: int
    dossier_renders: int
    http_seconds: float
    http_rounds: int
    skip: tuple[str, ...] = ()
    seed: int = 4

    @classmethod
    def make(cls, sizes: tuple[int, ...] | None, quick: bool, skip: tuple[str, ...],
             seed: int) -> "Plan":
        """The full plan, or the smoke-run plan for ``--quick``."""
        if quick:
            return cls(sizes or (500, 2000), 20, 3, 30, 3, 1.0, 2, skip, seed)
        return cls(sizes or (10_000, 100_000), 200, 5, 200, 9, 3.0, 3, skip, seed)


def parse_sizes(_ctx, _param, value: str | None) -> tuple[int, ...] | None:
    """``10000,100000`` -> (10000, 100000), sorted and without repeats."""
    if not value:
        return None
    try:
        sizes = sorted({int(part.replace("_", "")) for part in value.split(",") if part.strip()})
    except ValueError as exc:
        raise click.BadParameter("sizes are whole numbers separated by commas") from exc
    if not sizes or sizes[0] <= 0:
        raise click.BadParameter("sizes must be positive")
    return tuple(sizes)
