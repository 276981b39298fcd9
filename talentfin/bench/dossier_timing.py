"""Dossier figures: run the probe in a clean child process and read its JSON line."""

import json
import subprocess  # noqa: S404 (runs this package's own probe module)
import sys


def measure_dossier(repeat: int, timeout: float = 600) -> dict:
    """Warm render time, size and peak RSS of a 3-page Chinese dossier vs a Latin page."""
    result = subprocess.run(  # noqa: S603 (fixed argv: this interpreter, our module)
        [sys.executable, "-m", "talentfin.bench.dossier_probe", "--repeat", str(repeat)],
        capture_output=True, text=True, timeout=timeout, check=False,
    )
    lines = result.stdout.strip().splitlines()
    if result.returncode != 0 or not lines:
        raise RuntimeError(f"dossier probe failed ({result.returncode}): {result.stderr[-2000:]}")
    figures = json.loads(lines[-1])
    if result.stderr.strip():
        figures["probe_notes"] = result.stderr.strip()[-500:]
    return figures
