"""CSV and XLSX exports of the ledger and of the covered loans, with Chinese headers.

Exports are records for the pool's files, kept in Chinese whatever the reader's UI language
(like the dossiers), so the headers and code names below are fixed Chinese text and not
message-catalogue strings. CSV streams row by row; XLSX uses openpyxl's write-only mode,
which spills rows to a temporary file instead of holding the sheet in memory.
"""

import csv
import io
import re
import tempfile
from collections.abc import Iterable
from collections.abc import Iterator
from datetime import date
from datetime import datetime
from decimal import Decimal

from flask_babel import force_locale
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from talentfin.money import fen_to_yuan
from talentfin.pool.cover import covered_products
from talentfin.workflows.registry import product_for

ZH_KINDS = {
    "contribution": "出资注入", "compensation_payout": "代偿支付",
    "recovery_receipt": "追偿回收", "interest_subsidy_payout": "贴息支付",
    "premium_subsidy_payout": "保费补贴支付", "clawback": "代偿追回", "reversal": "冲正",
    "adjustment": "调整", "financing_reward": "挂牌融资奖励（专项预算）",
    "bond_reserve_receipt": "人才债利差计提风险准备金",
    "bond_reserve_draw": "人才债违约：动用风险准备金",
    "bond_government_draw": "人才债违约：政府风险分担",
    "bond_issuer_draw": "人才债违约：发行人自有资金承担",
}
ZH_ACCOUNTS = {
    "pool_cash": "资金池存款", "funder_capital": "出资方资本",
    "compensation_paid": "代偿支出", "compensation_recovered": "追偿收入",
    "interest_subsidy_paid": "贴息支出", "premium_subsidy_paid": "保费补贴支出",
    "compensation_clawed_back": "代偿追回", "programme_budget": "人才金融专项预算",
    "financing_rewards": "挂牌融资奖励支出",
    "bond_risk_reserve": "人才债风险准备金", "bond_spread_income": "人才债转贷利差",
    "bond_government_share": "人才债政府风险分担资金", "bond_issuer_funds": "人才债发行人自有资金",
    "bond_default_losses": "人才债违约损失",
}
ZH_CLASSIFICATIONS = {
    "normal": "正常", "special_mention": "关注", "substandard": "次级", "doubtful": "可疑",
    "loss": "损失",
}

# The memos the code writes when it posts an entry (English, hashed into the chain as
# written; the pages describe such entries from their references): the export says them in
# Chinese. A memo a person typed (a reversal's reason) is exported as typed.
_REF = r"(?P<ref>\S+)"
_YEAR = _REF + r" (?P<n>\d{4})"
_DEFAULT = _REF + r" default"
GENERATED_MEMOS = {kind: (re.compile(shape), text) for kind, shape, text in (
    ("compensation_payout", _REF + r" claim (?P<n>\d+)", "贷款 {ref} 第 {n} 号代偿申请的代偿支付"),
    ("recovery_receipt", _REF + r" recovery", "贷款 {ref} 的追偿回收（按出资比例返还）"),
    ("interest_subsidy_payout", _YEAR, "贷款 {ref} {n} 年度贴息"),
    ("premium_subsidy_payout", _YEAR, "{ref} {n} 年度保费补贴"),
    ("financing_reward", _YEAR, "挂牌企业 {ref} {n} 年度融资奖励"),
    ("bond_reserve_receipt", _REF + r" spread", "人才债分配 {ref} 利差计提风险准备金"),
    ("bond_reserve_draw", _DEFAULT, "人才债分配 {ref} 违约：动用风险准备金"),
    ("bond_government_draw", _DEFAULT, "人才债分配 {ref} 违约：政府风险分担"),
    ("bond_issuer_draw", _DEFAULT, "人才债分配 {ref} 违约：发行人自有资金承担"),
)}


def zh_memo(kind: str, memo: str) -> str:
    """The memo in Chinese when the code wrote it, else as stored."""
    shape, text = GENERATED_MEMOS.get(kind, (None, ""))
    found = shape.fullmatch(memo or "") if shape else None
    return text.format(**found.groupdict()) if found else memo


LEDGER_HEADERS = ("链上序号", "分录编号", "记账日期", "业务类型", "摘要", "关联贷款",
                  "冲正分录编号", "制单人", "复核人", "科目", "出资方", "机构",
                  "借方金额（元）", "贷方金额（元）", "登记时间（UTC）", "本行哈希")
LOAN_HEADERS = ("申请编号", "企业名称", "统一社会信用代码", "贷款银行", "贷款状态", "合同编号",
                "放款日期", "放款金额（元）", "未偿本金（元）", "备案日期", "备案编号",
                "五级分类", "逾期起始日")


def ledger_cells(row) -> list:
    """One exported ledger line: codes in Chinese, amounts in yuan (Decimal), debit/credit."""
    (seq, entry_id, effective_on, kind, memo, reference, reverses_id, maker, checker,
     account, funder, org, amount_fen, created_at, row_hash) = row
    debit = fen_to_yuan(amount_fen) if amount_fen > 0 else None
    credit = fen_to_yuan(-amount_fen) if amount_fen < 0 else None
    return [seq, entry_id, effective_on, ZH_KINDS.get(kind, kind), zh_memo(kind, memo), reference,
            reverses_id, maker, checker, ZH_ACCOUNTS.get(account, account), funder, org,
            debit, credit, created_at.replace(microsecond=0), row_hash]


def zh_state_names() -> dict[tuple[str, str], str]:
    """(product, state) -> the state's name in Chinese, for every covered product."""
    with force_locale("zh"):
        return {(key, state.name): str(state.label) for key, _cover in covered_products()
                for state in product_for(key).workflow.states}


def loan_cells(row, state_names: dict[tuple[str, str], str]) -> list:
    """One exported covered loan (a row of ``records.loan_rows``)."""
    status = state_names.get((row.product, row.status), row.status)
    return [row.reference, row.firm, row.uscc, row.bank, status, row.contract_no,
            row.started_on, _yuan(row.principal_fen), _yuan(row.outstanding_fen),
            row.covered_on, row.filing_no,
            ZH_CLASSIFICATIONS.get(row.classification, row.classification), row.overdue_since]


def _yuan(fen: int | None):
    return fen_to_yuan(fen) if fen is not None else None


def csv_stream(headers: Iterable[str], rows: Iterable[list], chunk: int = 200) -> Iterator[bytes]:
    """UTF-8 CSV with a byte-order mark (so spreadsheet programs read the Chinese right)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(headers)
    for index, row in enumerate(rows, start=1):
        writer.writerow(["" if cell is None else inert(cell) for cell in row])
        if index % chunk == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def xlsx_file(title: str, headers: Iterable[str], rows: Iterable[list]):
    """An XLSX workbook of one sheet in a temporary file, rewound for sending."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.append(list(headers))
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value, WriteOnlyCell) for value in row])
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    workbook.save(spool)
    spool.seek(0)
    return spool


def _xlsx_cell(sheet, value, cell_class):
    """Amounts and dates as formatted cells; anything else as the plain value (faster)."""
    if isinstance(value, Decimal):
        cell = cell_class(sheet, value=value)
        cell.number_format = "#,##0.00"
        return cell
    if isinstance(value, date) and not isinstance(value, datetime):
        cell = cell_class(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    return inert(value)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(value):
    """Text a spreadsheet would run as a formula, quoted so it stays text; others unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
