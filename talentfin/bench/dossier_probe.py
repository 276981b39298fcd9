"""Render dossiers in a clean process; print timings, sizes and peak memory as one JSON line.

The benchmark runs ``python -m talentfin.bench.dossier_probe --repeat N`` so that the peak
RSS (VmHWM) is that of a process which, like the outbox worker, loads the app and
renders PDFs and nothing else. The dossier is the measured product's (its profile's
``DOSSIER``: a Chinese decision) and goes through the worker's own path
(``services.dossier_rendering.render_dossier_pdf``: the real template, then
``pdf.html_to_pdf``), or, should that fail, through ``pdf.html_to_pdf`` with a built-in
page; the Latin letter goes through the same renderer. Its comment is lengthened until the
dossier fills exactly three pages.
"""

import argparse
import json
import re
import resource
import shutil
import statistics
import subprocess  # noqa: S404 (pdfinfo, a fixed local program)
import sys
import tempfile
import time
from pathlib import Path

from talentfin import create_app
from talentfin import pdf
from talentfin.bench.probe_documents import FONT_STACK
from talentfin.bench.probe_documents import chinese_html
from talentfin.bench.probe_documents import latin_html
from talentfin.bench.probe_documents import review_comment
from talentfin.bench.profile import measured
from talentfin.models import Dossier
from talentfin.services.dossier_files import template_of
from talentfin.services.dossier_rendering import render_dossier_pdf

PAGES = 3
PAGE_OBJECT = re.compile(rb"/Type\s*/Page\b")


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB.

    VmHWM, not ``ru_maxrss``: Linux keeps in ``ru_maxrss`` the high-water mark of the
    address space replaced by exec, which after fork is the parent's, so a probe started
    by a benchmark that holds 100,000 rows would report the benchmark's memory.
    """
    status = Path("/proc/self/status")
    if status.exists():
        found = re.search(r"^VmHWM:\s+(\d+) kB", status.read_text(), re.MULTILINE)
        if found:
            return int(found.group(1)) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def page_count(content: bytes) -> int:
    """Pages of a PDF, by pdfinfo when installed (page objects may sit in object streams)."""
    if shutil.which("pdfinfo"):
        with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
            handle.write(content)
            handle.flush()
            out = subprocess.run(["pdfinfo", handle.name], capture_output=True,  # noqa: S603,S607
                                 text=True, check=False).stdout
        found = re.search(r"^Pages:\s+(\d+)", out, re.MULTILINE)
        if found:
            return int(found.group(1))
    return len(PAGE_OBJECT.findall(content))


def dossier_renderer(profile):
    """A function of the comment length that renders the Chinese dossier, and its name."""
    def through_template(paragraphs: int) -> bytes:
        # An application id, so that the template is the product's (not a notice's).
        dossier = Dossier(application_id=1, stage=profile.stage, version=1,
                          verify_code="BN2K-7QXM-4HRT", data_version=5,
                          summary=profile.summary(review_comment(profile.review, paragraphs)))
        return render_dossier_pdf(dossier)

    try:
        through_template(1)
        template = template_of(Dossier(application_id=1, stage=profile.stage,
                                       summary=profile.summary("")))
        return through_template, f"services.dossier_rendering.render_dossier_pdf ({template})"
    except Exception as exc:  # the worker's path is being changed: say so, go on
        print(f"dossier template path failed, using a built-in page: {exc!r}",
              file=sys.stderr)
    return (lambda paragraphs: pdf.html_to_pdf(chinese_html(profile, paragraphs, FONT_STACK)),
            "built-in page")


def fill_pages(render, pages: int = PAGES) -> int:
    """The longest comment (in paragraphs) that keeps the dossier at ``pages`` pages."""
    high = 1
    while page_count(render(high)) <= pages and high < 256:
        high *= 2
    low = high // 2
    while high - low > 1:
        middle = (low + high) // 2
        if page_count(render(middle)) <= pages:
            low = middle
        else:
            high = middle
    return max(low, 1)


def probe(repeat: int) -> dict:
    """Cold render, calibration, then ``repeat`` alternating warm renders of both documents."""
    folder = Path(tempfile.mkdtemp(prefix="talentfin-probe-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "bench-probe",
                      "UPLOAD_FOLDER": str(folder), "DOSSIER_FOLDER": str(folder)})
    try:
        with app.app_context():
            baseline = peak_rss_mb()
            profile = measured().bench.DOSSIER
            started = time.perf_counter()
            render_dossier, dossier_name = dossier_renderer(profile)
            first = render_dossier(1)
            first_s = time.perf_counter() - started
            paragraphs = fill_pages(render_dossier)
            latin = latin_html(profile.letter)
            zh_times, latin_times = [], []
            for _ in range(repeat):
                started = time.perf_counter()
                zh_pdf = render_dossier(paragraphs)
                zh_times.append(time.perf_counter() - started)
                started = time.perf_counter()
                latin_pdf = pdf.html_to_pdf(latin)
                latin_times.append(time.perf_counter() - started)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    zh_median = statistics.median(zh_times)
    latin_median = statistics.median(latin_times)
    return {
        "median_s": zh_median, "bytes": len(zh_pdf), "rss_mb": peak_rss_mb(),
        "latin_median_s": latin_median, "ratio": zh_median / latin_median,
        "pages": page_count(zh_pdf), "latin_pages": page_count(latin_pdf),
        "latin_bytes": len(latin_pdf), "first_s": first_s, "first_bytes": len(first),
        "baseline_rss_mb": baseline, "comment_paragraphs": paragraphs, "repeat": repeat,
        "renderer": f"{dossier_name}; HTML -> PDF by talentfin.pdf.html_to_pdf",
    }


def main() -> None:
    """Parse ``--repeat`` and print the probe's JSON on one line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    print(json.dumps(probe(args.repeat)))


if __name__ == "__main__":
    main()
