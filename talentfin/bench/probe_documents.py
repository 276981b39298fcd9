"""The documents the dossier probe renders: a Chinese bank decision and a Latin page."""

from html import escape

FONT_STACK = '"Noto Sans CJK SC", "Noto Sans SC", sans-serif'
LATIN_FONT_STACK = '"DejaVu Sans", sans-serif'

REVIEW = (
    "经审查，申请企业主营海洋智能装备的研发与销售，近三年营业收入保持增长，"
    "经营性现金流为正，核心团队稳定，创业人才持有企业百分之五十一的股权并担任法定代表人。",
    "企业提交的财务报表经会计师事务所审计，资产负债率处于行业合理区间，"
    "无逾期贷款记录，征信报告未见不良信息，亦无严重失信记录。",
    "本笔贷款用于采购研发设备和补充流动资金，用途明确，与企业经营规模相匹配；"
    "还款来源为企业经营收入，第二还款来源为风险补偿资金池的代偿。",
    "综合考虑企业的技术优势、市场前景和人才层次，客户经理建议按上述条件发放人才贷，"
    "贷后每季度跟踪企业经营和资金使用情况，发现风险及时预警。",
)
ATTACHMENTS = (
    ("business_licence", "营业执照副本.pdf", 412_330),
    ("talent_certificate", "人才认定证书.pdf", 286_114),
    ("financial_statements", "2025年度审计报告.pdf", 2_318_906),
    ("business_plan", "商业计划书.pdf", 5_120_448),
    ("other", "专利证书汇编.pdf", 1_874_002),
    ("other", "主要客户合同.pdf", 964_517),
)


def review_comment(paragraphs: int) -> str:
    """A credit review comment of ``paragraphs`` paragraphs."""
    return "\n".join(REVIEW[n % len(REVIEW)] for n in range(paragraphs))


def dossier_summary(paragraphs: int) -> dict:
    """A frozen dossier summary in the shape ``services.dossiers.build_summary`` writes."""
    return {
        "reference": "RCD20260012345", "product": "loan",
        "enterprise": {"name": "青岛深蓝智能科技有限公司", "uscc": "91370212MA0012345X"},
        "founder": {"name": "陈海洋"},
        "talent": {"tier": "B", "certificate_no": "QD-RC-2024-00871",
                   "issuer": "青岛市人才工作领导小组办公室", "valid_until": "2027-06-30"},
        "park": "崂山人才创新园", "partner": "青岛科创银行",
        "request": {"amount_fen": 300_000_000, "term_months": 24,
                    "purpose": "采购研发设备并补充流动资金。",
                    "details": {"annual_revenue_fen": 1_250_000_000,
                                "net_profit_fen": 86_000_000, "employees": 42}},
        "decision": {"trigger": "bank_approve", "from_state": "bank_approval",
                     "to_state": "approved", "comment": review_comment(paragraphs),
                     "at": "2026-03-02T06:30:00",
                     "decider": {"name": "赵审批", "role": "bank_approver",
                                 "organisation": "青岛科创银行"}},
        "terms": {"amount_fen": 300_000_000, "rate_bp": 365, "term_months": 24},
        "contract": None, "disbursement": None, "filing": None,
        "attachments": [{"kind": kind, "name": name, "size_bytes": size,
                         "sha256": f"{n:02d}" + "9f86d081884c7d659a2feaa0c55ad015" * 2}
                        for n, (kind, name, size) in enumerate(ATTACHMENTS)],
        "verify_url": "http://127.0.0.1:5000/verify/BN2K-7QXM-4HRT",
    }


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


def chinese_html(paragraphs: int, font_stack: str = FONT_STACK) -> str:
    """The bank decision as a self-contained page (used when the app's template is absent)."""
    summary = dossier_summary(paragraphs)
    rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in (
        ("企业名称", summary["enterprise"]["name"]),
        ("统一社会信用代码", summary["enterprise"]["uscc"]),
        ("创业人才", summary["founder"]["name"]), ("人才层次", "B 类"),
        ("申请金额", "3,000,000.00 元"), ("年利率", "3.65%"), ("贷款期限", "24 个月"),
        ("审批银行", summary["partner"]),
    ))
    comment = "".join(f"<p>{escape(line)}</p>"
                      for line in summary["decision"]["comment"].split("\n"))
    files = "".join(f"<tr><td>{escape(a['name'])}</td><td>{a['size_bytes']}</td>"
                    f"<td style='font-size:7.5pt'>{a['sha256']}</td></tr>"
                    for a in summary["attachments"])
    body = (f"<h2>申请主体与核定条件</h2><table>{rows}</table><h2>审批意见</h2>{comment}"
            f"<h2>附件清单</h2><table>{files}</table><p>验证码：BN2K-7QXM-4HRT</p>")
    return _page("银行审批通知书", body, font_stack, "zh-CN")


def latin_html() -> str:
    """A one-page English letter in a Latin font, the baseline of the dossier ratio."""
    text = ("The bank has reviewed the application of the company named below and "
            "approves the loan on the terms stated. The borrower signs the contract "
            "within thirty days; the approval lapses after that date. ")
    rows = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in (
        ("Company", "Qingdao Deep Blue Intelligent Technology Co., Ltd."),
        ("Reference", "RCD20260012345"), ("Amount", "3,000,000.00 yuan"),
        ("Rate", "3.65% a year"), ("Term", "24 months"), ("Bank", "Qingdao Sci-Tech Bank"),
    ))
    body = f"<table>{rows}</table>" + "".join(f"<p>{text * 3}</p>" for _ in range(4))
    return _page("Loan approval notice", body, LATIN_FONT_STACK, "en")
