"""The benchmark's targets (issue 4), the printed table and the machine description."""

import os
import platform
import subprocess  # noqa: S404 (git, to name the measured revision)
from pathlib import Path

QUEUE_P95_MS = 20.0
QUEUE_GROWTH = 1.3
DISTINCT_GROWTH = 1.5  # issue 14: distinct requests, smallest to largest size
DOSSIER_SECONDS = 0.20
DOSSIER_BYTES = 250_000
DOSSIER_RSS_MB = 150.0
DOSSIER_RATIO = 6.0
ENGINE_PER_S = 1000.0
ENGINE_RATIO = 1.5
ENGINE_CONCURRENCY = 3.0  # 8 firers on distinct applications vs one (issue #14)
HTTP_SHARE = 0.25


def machine() -> str:
    """CPU model, cores, memory and Python of this machine."""
    model = platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kilobytes = int(meminfo.read_text().split()[1])
        memory = f", {kilobytes / 1024 / 1024:.0f} GB RAM"
    return (f"{platform.system()} {platform.machine()}, {model}, {os.cpu_count()} cores"
            f"{memory}, Python {platform.python_version()}")


def revision() -> str:
    """The git commit the measured code comes from, marked when files differ from it."""
    root = Path(__file__).resolve().parents[2]
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root,  # noqa: S603,S607
                                capture_output=True, text=True, check=True).stdout.strip()
        changed = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],  # noqa: S603,S607
                                 cwd=root, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{commit}+uncommitted changes" if changed.strip() else commit


def _row(figure: str, value: str, target: str, met: bool | None) -> dict:
    return {"figure": figure, "value": value, "target": target,
            "met": "n/a" if met is None else ("yes" if met else "no")}


def targets(results: dict) -> list[dict]:
    """Each figure of issue 4 with its target and whether this run met it."""
    rows = []
    queue = results.get("queue")
    if queue:
        sizes = sorted(queue, key=int)
        small, large = queue[sizes[0]], queue[sizes[-1]]
        for label, key in (("default", "p95_ms"), ("filtered", "filtered_p95_ms")):
            rows.append(_row(f"queue p95 at {int(sizes[-1]):,} ({label})",
                             f"{large[key]:.1f} ms", f"<= {QUEUE_P95_MS:.0f} ms",
                             large[key] <= QUEUE_P95_MS))
        if len(sizes) > 1:
            for label, key in (("default", "p95_ms"), ("filtered", "filtered_p95_ms")):
                growth = large[key] / small[key]
                rows.append(_row(f"queue p95 growth {int(sizes[0]):,} -> {int(sizes[-1]):,}"
                                 f" ({label})", f"{growth:.2f}x", f"<= {QUEUE_GROWTH}x",
                                 growth <= QUEUE_GROWTH))
    rows += _distinct_targets(results.get("queue_distinct"))
    dossier = results.get("dossier")
    if dossier:
        rows += [
            _row(f"dossier warm median ({dossier['pages']} pages, zh)",
                 f"{dossier['median_s']:.3f} s", f"<= {DOSSIER_SECONDS:.2f} s",
                 dossier["median_s"] <= DOSSIER_SECONDS),
            _row("dossier size", f"{dossier['bytes'] / 1000:.0f} KB",
                 f"<= {DOSSIER_BYTES // 1000} KB", dossier["bytes"] <= DOSSIER_BYTES),
            _row("dossier process peak RSS", f"{dossier['rss_mb']:.0f} MB",
                 f"<= {DOSSIER_RSS_MB:.0f} MB", dossier["rss_mb"] <= DOSSIER_RSS_MB),
            _row("dossier / 1-page Latin render", f"{dossier['ratio']:.1f}x",
                 f"<= {DOSSIER_RATIO:.0f}x", dossier["ratio"] <= DOSSIER_RATIO),
        ]
    engine = results.get("engine")
    if engine:
        on_postgres = results["db"] == "postgresql"
        noun = engine.get("noun", "firings")
        rows += [
            _row(f"engine {noun}/s", f"{engine['transitions_per_s']:.0f}/s",
                 f">= {ENGINE_PER_S:,.0f}/s on PostgreSQL",
                 engine["transitions_per_s"] >= ENGINE_PER_S if on_postgres else None),
            _row("engine: raw UPDATE+INSERT / engine", f"{engine['ratio']:.1f}x",
                 f"<= {ENGINE_RATIO}x", engine["ratio"] <= ENGINE_RATIO),
            *([_row(f"engine, a bare move ({engine['bare']['transition']}): raw / engine",
                    f"{engine['bare']['ratio']:.1f}x", f"<= {ENGINE_RATIO}x",
                    engine["bare"]["ratio"] <= ENGINE_RATIO)] if "bare" in engine else []),
            _row(f"engine: {engine['concurrent_firers']} firers / single stream",
                 f"{engine['concurrency_gain']:.1f}x", f">= {ENGINE_CONCURRENCY:.0f}x on "
                 "PostgreSQL", engine["concurrency_gain"] >= ENGINE_CONCURRENCY
                 if on_postgres else None),
        ]
    http = results.get("http")
    if http:
        rows.append(_row("http queue rps / hello rps", f"{http['ratio']:.0%}",
                         f">= {HTTP_SHARE:.0%}", http["ratio"] >= HTTP_SHARE))
    return rows


def _distinct_targets(distinct: dict | None) -> list[dict]:
    """Issue 14's targets on distinct requests: p95 at the largest size, growth."""
    if not distinct:
        return []
    sizes = sorted(distinct, key=int)
    small, large = distinct[sizes[0]], distinct[sizes[-1]]
    rows = [_row(f"queue_distinct p95 at {int(sizes[-1]):,}", f"{large['p95_ms']:.1f} ms",
                 f"<= {QUEUE_P95_MS:.0f} ms", large["p95_ms"] <= QUEUE_P95_MS)]
    if len(sizes) > 1:
        growth = large["p95_ms"] / small["p95_ms"]
        rows.append(_row(f"queue_distinct p95 growth {int(sizes[0]):,} -> {int(sizes[-1]):,}",
                         f"{growth:.2f}x", f"<= {DISTINCT_GROWTH}x", growth <= DISTINCT_GROWTH))
    return rows


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows,
                                                                        strict=True)]
    lines = ["  ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=True))
             .rstrip() for line in (header, *rows)]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return lines


def render(results: dict) -> str:
    """The human-readable report: queue figures per size, other figures, targets."""
    lines = [f"talentfin bench - {results['db']} {results['db_version']} - {results['date']}"
             f" - code {results.get('revision', 'unknown')}", results["machine"], ""]
    queue = results.get("queue")
    if queue:
        lines.append(f"Review queue of the {results.get('queue_of', 'measured role')} at the "
                     "largest partner (server time through the view, ms)")
        lines += _table(
            ["applications", "in queue", "p50", "p95", "filtered p50", "filtered p95",
             "SQL p50", "queries"],
            [[f"{int(size):,}", f"{q['queue_total']:,}", f"{q['p50_ms']:.1f}",
              f"{q['p95_ms']:.1f}", f"{q['filtered_p50_ms']:.1f}",
              f"{q['filtered_p95_ms']:.1f}", f"{q['sql_p50_ms']:.1f}", str(q["queries"])]
             for size, q in sorted(queue.items(), key=lambda item: int(item[0]))])
        lines.append("")
    distinct = results.get("queue_distinct")
    if distinct:
        seeded = results.get("seeding", {})
        lines.append("Review queue on distinct requests (random staff, filters, sorts and "
                     "pages; server time through the view, ms; by role: p50/p95 (requests))")
        lines += _table(
            ["applications", "seeded in", "logins", "p50", "p95", "max"],
            [[f"{int(size):,}", f"{seeded.get(size, {}).get('seconds', 0):.0f} s",
              str(q["logins"]), f"{q['p50_ms']:.1f}", f"{q['p95_ms']:.1f}", f"{q['max_ms']:.1f}"]
             for size, q in sorted(distinct.items(), key=lambda item: int(item[0]))])
        lines += _by_role(distinct)
        lines.append("")
    extra = []
    if "dossier" in results:
        d = results["dossier"]
        extra.append(f"dossier: Latin page {d['latin_median_s']:.3f} s, first (cold) render "
                     f"{d['first_s']:.2f} s, RSS before rendering {d['baseline_rss_mb']:.0f} MB;"
                     f" {d['renderer']}")
    for size, e in sorted(results.get("engine_by_size", {}).items(),
                          key=lambda item: int(item[0])):
        extra.append(f"engine at {int(size):,}: {e['transitions_per_s']:.0f}/s single-stream "
                     f"(raw {e['raw_per_s']:.0f}/s, {e['ratio']:.1f}x); "
                     f"{e['concurrent_per_s']:.0f}/s from {e['concurrent_firers']} firers "
                     f"({e['concurrency_gain']:.1f}x)")
    if "engine" in results:
        e = results["engine"]
        extra.append(f"engine: {e['transition']} {e['transitions_per_s']:.0f}/s vs raw "
                     f"{e['raw_per_s']:.0f}/s; {e['statements_per_fire']:.0f} SQL statements "
                     f"per firing; {e['concurrent_per_s']:.0f}/s from "
                     f"{e['concurrent_firers']} firers at once "
                     f"({e['concurrency_gain']:.1f}x single-stream, {e['cores']} cores)")
        if "bare" in e:
            b = e["bare"]
            extra.append(f"engine, bare move: {b['transition']} {b['transitions_per_s']:.0f}/s "
                         f"vs raw {b['raw_per_s']:.0f}/s; {b['statements_per_fire']:.0f} SQL "
                         "statements per firing")
    if "http" in results:
        h = results["http"]
        extra.append(f"http: queue {h['queue_rps']:.0f} rps vs /healthz {h['hello_rps']:.0f} "
                     f"rps (gunicorn {h['workers']} workers, {h['tool']}, "
                     f"{h['connections']} connections, {h['seconds']:g} s x {h['rounds']})")
    lines += extra + ([""] if extra else [])
    lines += _table(["figure", "value", "target", "met"],
                    [[r["figure"], r["value"], r["target"], r["met"]]
                     for r in results["targets"]])
    return "\n".join(lines)


def _by_role(distinct: dict) -> list[str]:
    """The distinct requests' p50/p95 by the role that asked, per size (a role whose queue
    spans the programme, the pool's or the auditor's, reads differently from a bank's)."""
    return [f"  at {int(size):,}: " + "; ".join(
        f"{role} {r['p50_ms']:.1f}/{r['p95_ms']:.1f} ms ({r['requests']})"
        for role, r in q.get("by_role", {}).items())
        for size, q in sorted(distinct.items(), key=lambda item: int(item[0]))
        if q.get("by_role")]


def render_plans(plans: dict) -> str:
    """The queue's SQL statements and their plans, for --explain."""
    lines = []
    for label, statements in plans.items():
        for item in statements:
            lines.append(f"[{label}] {item['sql'][:300]}{'...' if len(item['sql']) > 300 else ''}")
            lines += [f"    {step}" for step in item["plan"]]
    return "\n".join(lines)
