"""Bank reports on covered loans: a CSV of repayments, validated row by row, all or nothing."""

import csv
import io
import secrets
from dataclasses import dataclass
from dataclasses import field
from datetime import date

from sqlalchemy import select

from talentfin.extensions import db
from talentfin.i18n import _
from talentfin.models import Application
from talentfin.models import User
from talentfin.money import MoneyError
from talentfin.money import parse_yuan
from talentfin.policy import rule
from talentfin.services import webhooks
from talentfin.workflows import engine
from talentfin.workflows.access import can_view
from talentfin.workflows.loan.definition import WORKFLOW
from talentfin.workflows.loan.labels import REPAYMENTS_PROCESSED

COLUMNS = ("reference", "due_on", "paid_on", "principal_yuan", "interest_yuan")
REPORTERS = WORKFLOW.transition("report_repayment").roles


class RepaymentFile:
    """A bank's file of repayments: the subject of the upload page's rule."""


@rule(RepaymentFile, "upload")
def _may_upload(user: User, _file, _action: str) -> tuple[bool, str]:
    """The bank's staff who report repayments upload them as a file too."""
    if user.role in REPORTERS:
        return True, ""
    return False, _("Only the bank's staff report repayments.")
MAX_ROWS = 5000


@dataclass
class RowProblem:
    """A bad line of an uploaded file (1-based, the header is line 1)."""

    line: int
    reason: str


@dataclass
class ImportResult:
    """What happened to an uploaded file: applied rows, or every bad row and nothing applied."""

    applied: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    batch: str = ""


def _date(text: str) -> date:
    return date.fromisoformat(text.strip())


def _parse(content: bytes) -> tuple[list[tuple[int, dict]], list[RowProblem]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [RowProblem(1, _("The file is not UTF-8 text (save it as CSV UTF-8)."))]
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        return [], [RowProblem(1, _("The header must be: %(columns)s", columns=",".join(COLUMNS)))]
    rows, problems = [], []
    for line, row in enumerate(reader, start=2):
        if line - 1 > MAX_ROWS:
            problems.append(RowProblem(line, _("At most %(n)s rows per file.", n=MAX_ROWS)))
            break
        _read_row(line, row, rows, problems)
    return rows, problems


def _read_row(line: int, row: dict, rows: list, problems: list) -> None:
    """One row of the CSV's columns (text as typed) into ``rows``, or its problem."""
    try:
        rows.append((line, {
            "reference": (row["reference"] or "").strip(),
            "due_on": _date(row["due_on"]), "paid_on": _date(row["paid_on"]),
            "principal_fen": parse_yuan(row["principal_yuan"] or "0"),
            "interest_fen": parse_yuan(row["interest_yuan"] or "0"),
        }))
    except (ValueError, MoneyError, TypeError, AttributeError, KeyError):
        problems.append(RowProblem(line, _("Dates must be YYYY-MM-DD and amounts in yuan "
                                           "with at most two decimals.")))


def import_repayments(content: bytes, user: User, today: date | None = None) -> ImportResult:
    """Apply every row of a repayment file in one transaction, or none if any row is bad."""
    rows, problems = _parse(content)
    result = ImportResult(problems=problems, batch=f"csv-{secrets.token_hex(6)}")
    if problems and problems[0].line == 1:  # unreadable file or wrong header
        return result
    if not rows and not problems:
        result.problems.append(RowProblem(1, _("The file has no rows.")))
        return result
    return _apply(rows, result, user, today)


def report_repayments(items: list[dict], user: User, via: str,
                      today: date | None = None) -> ImportResult:
    """Apply repayments sent by a partner's system (each with the CSV's columns; a problem's
    ``line`` is the item's place, from 1), all in one transaction or none, as a file;
    ``via`` is recorded on each transition (``api:<client id>``)."""
    rows, problems = [], []
    for place, item in enumerate(items[:MAX_ROWS + 1], start=1):
        if place > MAX_ROWS:
            problems.append(RowProblem(place, _("At most %(n)s rows per file.", n=MAX_ROWS)))
            break
        _read_row(place, item, rows, problems)
    result = ImportResult(problems=problems, batch=f"api-{secrets.token_hex(6)}")
    if not rows and not problems:
        result.problems.append(RowProblem(1, _("The file has no rows.")))
        return result
    return _apply(rows, result, user, today, via)


def _apply(rows: list, result: ImportResult, user: User, today: date | None,
           via: str | None = None) -> ImportResult:
    """Check every row against its loan, then fire them all in one transaction."""
    references = {row["reference"] for _line, row in rows}
    loans = loans_by_reference(references)
    checked = []
    first_line: dict[tuple, int] = {}
    for line, row in rows:
        application = loans.get(row["reference"])
        if application is None or not can_view(user, application):
            result.problems.append(RowProblem(line, _("No loan of your bank has the reference "
                                                      "%(ref)s.", ref=row["reference"])))
            continue
        same = first_line.setdefault(_identity(row), line)
        if same != line:
            result.problems.append(RowProblem(line, _(
                "The same repayment as line %(line)s (same loan, due date, payment date, "
                "principal and interest); report each repayment once.", line=same)))
            continue
        reason = engine.check(application, "report_repayment", user, data=row, today=today)
        if reason:
            result.problems.append(RowProblem(line, reason))
        checked.append((line, application, row))
    if result.problems:
        result.problems.sort(key=lambda problem: problem.line)
        return _told(result, user, references)
    for line, application, row in checked:
        try:  # rows of one loan build on each other: a later row can still fail here
            engine.fire(application, "report_repayment", user, today=today, commit=False,
                        data={**row, "batch": result.batch}, via=via)
        except engine.TransitionError as exc:
            result.problems.append(RowProblem(line, exc.message))
            return _told(_refuse_all(result, rows, line), user, references)
    result.applied = len(rows)
    return _told(result, user, references)


def _told(result: ImportResult, user: User, references: set[str]) -> ImportResult:
    """Commit what the batch did (all of it, or nothing: a refusal rolls back) with the
    bank's "repayments.processed" webhook deliveries."""
    if result.problems:
        db.session.rollback()
    if user.org_id is not None:
        refused_lines = sorted({p.line for p in result.problems})
        webhooks.organisation_event(user.org_id, REPAYMENTS_PROCESSED, f"r_{result.batch}", {
            "batch": result.batch, "outcome": "refused" if refused_lines else "applied",
            "applied": result.applied, "refused_lines": refused_lines,
            "references": sorted(references)})
    db.session.commit()
    return result


def loans_by_reference(references: set[str]) -> dict[str, Application]:
    """The loans with these references (of any bank: the caller checks who sees them); a
    reference with a NUL (which PostgreSQL refuses in text) is none of them."""
    references = {reference for reference in references if "\x00" not in reference}
    return {a.reference: a for a in db.session.scalars(
        select(Application).where(Application.reference.in_(references),
                                  Application.product == "loan"))}


def _identity(row: dict) -> tuple:
    """What makes two rows the same repayment (the guard checks the same against the loan's
    recorded repayments)."""
    return (row["reference"], row["due_on"], row["paid_on"], row["principal_fen"],
            row["interest_fen"])


def _refuse_all(result: ImportResult, rows, failed_line: int) -> ImportResult:
    """After a rollback, the remaining rows are not checked against the changed state."""
    result.applied = 0
    remaining = [line for line, _row in rows if line > failed_line]
    if remaining:
        result.problems.append(RowProblem(
            remaining[0], _("Rows from here on were not checked; fix the rows above and "
                            "upload the whole file again.")))
    return result
