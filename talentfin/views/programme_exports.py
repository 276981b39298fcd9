"""The programme dashboard's tables as export rows, with Chinese headers.

Like the pool's exports (``talentfin.pool.exports``), these are records for the
programme's files, kept in Chinese whatever the reader's UI language: the headers are fixed
Chinese text, product and state names the definitions' Chinese ones. Amounts are yuan
(``Decimal``), working days numbers, conversions percentages as on the page.
"""

from datetime import date

from flask_babel import force_locale

from talentfin.money import fen_to_yuan
from talentfin.services import programme_figures as figures
from talentfin.services import programme_timing as timing
from talentfin.views.pool_charts import pct
from talentfin.workflows.labels import product_label
from talentfin.workflows.labels import state_label

FUNNEL_HEADERS = ("产品", "已提交", "进入合作机构审查", "已决定", "已批准", "进入审查率",
                  "决定率", "批准率")
STATE_HEADERS = ("产品", "状态", "申请数")
STAGE_HEADERS = ("产品", "阶段", "已完成件数", "中位数（工作日）", "第90百分位（工作日）",
                 "超过服务时限件数", "当前在此阶段件数")
BREACH_HEADERS = ("机构", "产品", "超过服务时限的在办件数")
MONTH_HEADERS = ("月份", "产品", "批准件数", "批准金额（元）")


def funnel_rows(period: figures.Period, _today: date):
    """The funnel per product."""
    with force_locale("zh"):
        rows = []
        for key, funnel in figures.funnels(period).items():
            rates = [pct(funnel.conversion_bp(step)) for step in figures.Funnel.steps()[1:]]
            rows.append([product_label(key), funnel.submitted, funnel.partner,
                         funnel.decided, funnel.approved, *rates])
    return "申请漏斗", FUNNEL_HEADERS, rows


def state_rows(period: figures.Period, _today: date):
    """Applications per product and state now."""
    with force_locale("zh"):
        rows = [[product_label(key), state_label(key, state), count]
                for key, counts in figures.state_counts(period).items()
                for state, count in counts]
    return "各状态申请数", STATE_HEADERS, rows


def stage_rows(period: figures.Period, today: date):
    """Working days per stage."""
    with force_locale("zh"):
        rows = [[product_label(key), state_label(key, s.state), s.done, s.median, s.p90,
                 len(s.over_ids) if s.over_ids is not None else None, s.now]
                for key, stages in timing.stage_times(period, today).items() for s in stages]
    return "各阶段用时", STAGE_HEADERS, rows


def breach_rows(period: figures.Period, today: date):
    """Open items past their service level per organisation."""
    found = timing.breaches(period, today)
    names = {key: org.name for key, org in timing.organisations(found).items()}
    with force_locale("zh"):
        rows = [[names.get(b.org_id, ""), product_label(b.product), len(b.ids)]
                for b in found]
    return "超时未办", BREACH_HEADERS, rows


def month_rows(period: figures.Period, _today: date):
    """Approvals per month and product."""
    with force_locale("zh"):
        rows = [[m.month, product_label(key), count, fen_to_yuan(fen)]
                for m in figures.amounts_by_month(period)
                for key, (count, fen) in m.products.items()]
    return "每月批准金额", MONTH_HEADERS, rows


DATASETS = {"funnel": funnel_rows, "states": state_rows, "stages": stage_rows,
            "breaches": breach_rows, "months": month_rows}
