"""HTML -> PDF/A-3b with WeasyPrint: fonts configured once per process, no network fetches.

Dossiers are rendered by the outbox worker from the app's own templates. The documents
are Chinese, so the stylesheet asks for "Noto Sans CJK SC" (Debian's fonts-noto-cjk),
which WeasyPrint subsets and embeds; without libharfbuzz-subset0 a render takes seconds.

Every document is PDF/A-3b (ISO 19005-3, level B): an archival PDF that may carry files
of its own, so a dossier embeds the data it attests (``json_attachment``);
``talentfin.pdf_files`` reads them back out of the PDF alone.
"""

import base64
import io
import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import qrcode
from flask import has_app_context
from weasyprint import CSS
from weasyprint import HTML
from weasyprint import Attachment
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from talentfin.fonts import FAMILY
from talentfin.fonts import font_path

PACKAGE_DIR = Path(__file__).resolve().parent
# The only places a template may load a file from (stylesheets, images).
ALLOWED_ROOTS = (PACKAGE_DIR / "templates", PACKAGE_DIR / "static")
BASE_URL = (PACKAGE_DIR / "templates" / "pdf").as_uri() + "/"
# The app's own subset first (talentfin/fonts.py), the full system font as the fallback.
FONT_STACK = '"Talentfin CJK SC", "Noto Sans CJK SC", "Noto Sans SC", sans-serif'
# WeasyPrint writes the XMP identification (pdfaid part 3, conformance B), the sRGB output
# intent and, per embedded file, its AFRelationship and the catalog's /AF array.
PDF_VARIANT = "pdf/a-3b"
_font_face: list = []  # the @font-face stylesheet, made once per process (or nothing)

# Building a FontConfiguration loads fontconfig's whole font list, and WeasyPrint caches
# the fonts it has opened on it: one per process keeps warm renders fast. The worker
# renders one dossier at a time, so the object is never used by two threads at once.
FONT_CONFIG = FontConfiguration()


class LocalOnlyFetcher(URLFetcher):
    """Fetches data: URIs and files under the package's templates/static folders, nothing else.

    Everything else (http, https, ftp, files elsewhere) is refused, so a rendered dossier
    never reaches the network or reads a file it should not.
    """

    def fetch(self, url, headers=None):
        """Fetch an allowed URL; raise PermissionError for anything else."""
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data" or (scheme == "file" and _inside_allowed_roots(url)):
            return super().fetch(url, headers)
        raise PermissionError(f"dossier rendering may not fetch {url[:80]!r}")


def _inside_allowed_roots(url: str) -> bool:
    path = Path(url2pathname(urlsplit(url).path)).resolve()
    return any(path.is_relative_to(root) for root in (*ALLOWED_ROOTS, *_font_roots()))


def _font_roots() -> tuple[Path, ...]:
    return (font_path().parent,) if has_app_context() else ()


def _stylesheets() -> list:
    """The @font-face rule of the subset, when it has been built."""
    if not _font_face:
        path = font_path()
        if not path.exists():
            return []
        _font_face.append(CSS(string=f"@font-face {{ font-family: '{FAMILY}'; "
                                     f"src: url('{path.as_uri()}'); }}",
                              font_config=FONT_CONFIG, url_fetcher=LocalOnlyFetcher()))
    return list(_font_face)


def html_to_pdf(html: str, attachments: Sequence[Attachment] = ()) -> bytes:
    """Render an HTML document to PDF/A-3b bytes with ``attachments`` embedded (relative
    URLs resolve in templates/pdf/)."""
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=LocalOnlyFetcher())
    return document.write_pdf(stylesheets=_stylesheets(), font_config=FONT_CONFIG,
                              pdf_variant=PDF_VARIANT, attachments=list(attachments))


def json_attachment(name: str, value, description: str, at: datetime | None) -> Attachment:
    """``value`` as a UTF-8 JSON file (sorted keys, CJK as is) to embed as the PDF's data.

    Relationship "Data": the file is the data the document presents (ISO 32000-2, 7.11.3).
    ``at`` (naive UTC) dates the file; a fixed date keeps a retried render's bytes the same,
    where WeasyPrint would take the current time.
    """
    content = json.dumps(value, ensure_ascii=False, sort_keys=True).encode()
    return Attachment(string=content, name=name, description=description,
                      relationship="Data", created=at, modified=at,
                      url_fetcher=LocalOnlyFetcher())


def qr_data_uri(text: str) -> str:
    """A QR code of ``text`` as a PNG data URI, to use as an <img> source.

    PNG rather than SVG: WeasyPrint draws an SVG QR code as hundreds of small paths,
    which costs more than a third of a warm render. Print it with
    ``image-rendering: pixelated`` so the modules stay sharp when scaled.
    """
    image = qrcode.make(text, box_size=4, border=2,
                        error_correction=qrcode.constants.ERROR_CORRECT_M)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
