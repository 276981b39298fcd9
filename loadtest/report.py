"""The load test's figures from Locust's CSV statistics: p50 and p95 per endpoint, the
requests and failures, and the error rate; exits non-zero above the allowed rate.

    python -m loadtest.report <prefix>_stats.csv [--max-error-rate 0.01]
"""

import argparse
import csv
import sys


def rows_of(path: str) -> list[dict]:
    """The statistics' rows, the aggregate last."""
    with open(path, newline="", encoding="utf-8") as stats:
        return list(csv.DictReader(stats))


def table(rows: list[dict]) -> str:
    """A Markdown table of the endpoints and the total."""
    lines = ["| endpoint | requests | failures | p50 ms | p95 ms |", "|---|---:|---:|---:|---:|"]
    for row in rows:
        name = "**total**" if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
        lines.append(f"| {name} | {row['Request Count']} | {row['Failure Count']} "
                     f"| {row['50%']} | {row['95%']} |")
    return "\n".join(lines)


def error_rate(rows: list[dict]) -> float:
    """Failures over requests, from the aggregate row."""
    total = next(row for row in rows if row["Name"] == "Aggregated")
    requests = int(total["Request Count"])
    return int(total["Failure Count"]) / requests if requests else 1.0


def main(argv: list[str] | None = None) -> int:
    """Print the figures; 1 when the error rate is above the maximum (or nothing ran)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stats")
    parser.add_argument("--max-error-rate", type=float, default=0.01)
    args = parser.parse_args(argv)
    rows = rows_of(args.stats)
    rate = error_rate(rows)
    print(table(rows))
    print(f"\nerror rate: {rate:.2%} (allowed: {args.max_error_rate:.2%})")
    return 1 if rate > args.max_error_rate else 0


if __name__ == "__main__":
    sys.exit(main())
