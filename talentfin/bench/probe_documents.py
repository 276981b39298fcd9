"""The pages the dossier probe renders besides the app's template: a built-in Chinese page
of the measured product's decision (should the template fail) and the Latin letter the
dossier is compared with. Their words come from the product's profile (``DOSSIER``)."""

from html import escape

FONT_STACK = '"Noto Sans CJK SC", "Noto Sans SC", sans-serif'
LATIN_FONT_STACK = '"DejaVu Sans", sans-serif'


def review_comment(review: tuple[str, ...], paragraphs: int) -> str:
    """The decider's comment: ``paragraphs`` paragraphs, the profile's ``review`` repeated."""
    return "\n".join(review[n % len(review)] for n in range(paragraphs))


def _page(title: str, body: str, font_stack: str, lang: str) -> str:
    return f"""<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<title>{escape(title)}</title><style>
@page {{ size: A4; margin: 24mm 18mm 22mm 18mm; }}
html {{ font-family: {font_stack}; font-size: 10.5pt; line-height: 1.55; }}
h1 {{ text-align: center; font-size: 20pt; }}
table {{ width: 100%; border-collapse: collapse; table-layout: fixed; }}
th, td {{ border: 0.6pt solid #888; padding: 1.2mm 2mm; text-align: left; }}
th {{ width: 28%; font-weight: normal; background: #f0f0f0; }}
</style></head><body><h1>{escape(title)}</h1>{body}</body></html>"""


def _facts(facts) -> str:
    return "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in facts)


def chinese_html(dossier, paragraphs: int, font_stack: str = FONT_STACK) -> str:
    """The decision as a self-contained page (used when the app's template fails)."""
    summary = dossier.summary(review_comment(dossier.review, paragraphs))
    comment = "".join(f"<p>{escape(line)}</p>"
                      for line in summary["decision"]["comment"].split("\n"))
    files = "".join(f"<tr><td>{escape(a['name'])}</td><td>{a['size_bytes']}</td>"
                    f"<td style='font-size:7.5pt'>{a['sha256']}</td></tr>"
                    for a in summary["attachments"])
    code = summary["verify_url"].rsplit("/", 1)[-1]
    body = (f"<h2>申请主体与核定条件</h2><table>{_facts(dossier.facts)}</table>"
            f"<h2>审批意见</h2>{comment}<h2>附件清单</h2><table>{files}</table>"
            f"<p>验证码：{escape(code)}</p>")
    return _page(dossier.title, body, font_stack, "zh-CN")


def latin_html(letter) -> str:
    """A one-page English letter in a Latin font, the baseline of the dossier ratio."""
    body = (f"<table>{_facts(letter.facts)}</table>"
            + "".join(f"<p>{escape(letter.text * 3)}</p>" for _ in range(4)))
    return _page(letter.title, body, LATIN_FONT_STACK, "en")
