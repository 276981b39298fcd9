"""Small statistics and login helpers shared by the benchmark's measurements."""

import html
import re
import statistics

CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
VALUE = re.compile(r'value="([^"]*)"')


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation between ranks."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(values: list[float]) -> float:
    """The median."""
    return statistics.median(values)


def csrf_token(page: str) -> str:
    """The CSRF token of the first form on an HTML page."""
    tag = CSRF_INPUT.search(page)
    found = VALUE.search(tag.group(0)) if tag else None
    if not found:
        raise RuntimeError("no csrf_token input on the login page")
    return html.unescape(found.group(1))
