"""The rows behind the pool's figures: covered loans, open claims and ledger entries, paged.

Filters use the same conditions as ``pool_figures``, so the total shown under a drill-down
list is the figure that linked to it. Every page is a fixed number of queries (no N+1).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field

from sqlalchemy import case
from sqlalchemy import exists
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import aliased
from sqlalchemy.orm import joinedload
from sqlalchemy.orm import selectinload

from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import Enterprise
from talentfin.models import Organisation
from talentfin.models import User
from talentfin.pool.cover import exposures
from talentfin.pool.figures import FINAL_CLAIM_STATES
from talentfin.pool.figures import month_bounds
from talentfin.pool.models import Claim
from talentfin.pool.models import Funder
from talentfin.pool.models import LedgerEntry
from talentfin.pool.models import LedgerLine
from talentfin.pool.models import PoolStatement
from talentfin.pool.models import Recovery
from talentfin.pool.models import SubsidyClaim

NONPERFORMING = "nonperforming"  # the status filter meaning every NPL state
OPEN = "open"  # the claim filter meaning every claim in progress


@dataclass
class Page:
    """One page of rows, with the count and the amount total of every matching row."""

    items: list
    total: int
    page: int
    pages: int
    sum_fen: int | None = None
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class LoanFilter:
    """Which covered loans (or open claims) a drill-down lists."""

    bank: int | None = None
    status: str = ""  # "", a covered state, or NONPERFORMING
    claim: str = ""  # "", OPEN, or a claim status: list claims instead of loans


@dataclass(frozen=True)
class LedgerFilter:
    """Which ledger entries a drill-down lists; line filters select entries with such a line."""

    funder: int | None = None
    kind: str = ""
    month: str = ""  # "YYYY-MM", by effective date
    account: str = ""
    bank: int | None = None

    def line_conditions(self) -> list:
        """Conditions on a ledger line (funder, account, bank)."""
        conditions = []
        if self.funder is not None:
            conditions.append(LedgerLine.funder_id == self.funder)
        if self.account:
            conditions.append(LedgerLine.account == self.account)
        if self.bank is not None:
            conditions.append(LedgerLine.org_id == self.bank)
        return conditions

    def entry_conditions(self) -> list:
        """Conditions on the entry (kind, month of effect)."""
        conditions = []
        if self.kind:
            conditions.append(LedgerEntry.kind == self.kind)
        if self.month:
            start, end = month_bounds(self.month)
            conditions += [LedgerEntry.effective_on >= start, LedgerEntry.effective_on < end]
        return conditions


def paged(count: int, page: int, size: int) -> tuple[int, int]:
    """The page to show of ``count`` rows (the asked one, kept in range) and the pages."""
    pages = max(1, -(-count // size))
    return min(max(1, page), pages), pages


def _loan_conditions(ex, wanted: LoanFilter) -> list:
    conditions = [ex.c.covered]
    if wanted.bank is not None:
        conditions.append(ex.c.bank_id == wanted.bank)
    if wanted.status == NONPERFORMING:
        conditions.append(ex.c.npl)
    elif wanted.status:
        conditions.append(ex.c.status == wanted.status)
    return conditions


def _loan_rows(ex, conditions: list):
    """A covered exposure as the lists and exports show it (plain rows)."""
    return (
        # The identity the loan was submitted on (a later change leaves it as decided).
        select(ex.c.id, ex.c.product, ex.c.reference,
               func.coalesce(Application.firm_name, Enterprise.name).label("firm"),
               func.coalesce(Application.firm_uscc, Enterprise.uscc).label("uscc"),
               Organisation.name.label("bank"),
               Organisation.name_en.label("bank_en"), ex.c.status, ex.c.contract_no,
               ex.c.started_on, ex.c.principal_fen, ex.c.outstanding_fen, ex.c.covered_on,
               ex.c.filing_no, ex.c.classification, ex.c.overdue_since)
        .join(Application, Application.id == ex.c.id)
        .join(Enterprise, Enterprise.id == ex.c.enterprise_id)
        .outerjoin(Organisation, Organisation.id == ex.c.bank_id)
        .where(*conditions)
    )


def loans_page(wanted: LoanFilter, page: int, size: int) -> Page:
    """Covered loans matching the filter, largest outstanding first, with their total."""
    ex = exposures()
    conditions = _loan_conditions(ex, wanted)
    count, total = db.session.execute(
        select(func.count(ex.c.id), func.coalesce(func.sum(ex.c.outstanding_fen), 0))
        .where(*conditions)).one()
    page, pages = paged(int(count), page, size)
    items = db.session.execute(
        _loan_rows(ex, conditions).order_by(ex.c.outstanding_fen.desc(), ex.c.id)
        .limit(size).offset((page - 1) * size)
    ).all()
    return Page(list(items), int(count), page, pages, int(total))


def _claim_conditions(wanted: LoanFilter) -> list:
    conditions = []
    if wanted.claim == OPEN:
        conditions.append(Claim.status.not_in(FINAL_CLAIM_STATES))
    else:
        conditions.append(Claim.status == wanted.claim)
    if wanted.bank is not None:
        conditions.append(Application.partner_org_id == wanted.bank)
    return conditions


def claims_page(wanted: LoanFilter, page: int, size: int) -> Page:
    """Claims matching the filter with their loans, oldest first, with the losses' total."""
    conditions = _claim_conditions(wanted)
    count, total = db.session.execute(
        select(func.count(Claim.id), func.coalesce(func.sum(Claim.principal_loss_fen), 0))
        .join(Application, Application.id == Claim.application_id).where(*conditions)).one()
    page, pages = paged(int(count), page, size)
    rows = db.session.execute(
        select(Claim, Application).join(Application, Application.id == Claim.application_id)
        .options(joinedload(Application.enterprise), joinedload(Application.partner))
        .where(*conditions).order_by(Claim.lodged_at, Claim.id)
        .limit(size).offset((page - 1) * size)
    ).all()
    return Page([tuple(row) for row in rows], int(count), page, pages, int(total))


def _entries_query(wanted: LedgerFilter):
    query = select(LedgerEntry).where(*wanted.entry_conditions())
    line_conditions = wanted.line_conditions()
    if line_conditions:
        query = query.where(exists().where(LedgerLine.entry_id == LedgerEntry.id,
                                           *line_conditions))
    return query


def ledger_page(wanted: LedgerFilter, page: int, size: int) -> Page:
    """Entries matching the filter, newest first, each with its lines.

    ``sum_fen`` is the signed sum of the matching lines and ``extra`` their debit and credit
    totals (none without a line filter: an entry's lines sum to zero); ``extra`` also holds
    the names the page needs, one query each.
    """
    query = _entries_query(wanted)
    count = db.session.scalar(select(func.count()).select_from(query.subquery()))
    page, pages = paged(int(count), page, size)
    items = list(db.session.scalars(
        query.options(selectinload(LedgerEntry.lines)).order_by(LedgerEntry.seq.desc())
        .limit(size).offset((page - 1) * size)
    ))
    names = _ledger_names(items)
    total = None
    if wanted.line_conditions():
        amount = LedgerLine.amount_fen
        debits, credits = db.session.execute(
            select(func.coalesce(func.sum(case((amount > 0, amount), else_=0)), 0),
                   func.coalesce(func.sum(case((amount < 0, -amount), else_=0)), 0))
            .join(LedgerEntry, LedgerEntry.id == LedgerLine.entry_id)
            .where(*wanted.line_conditions(), *wanted.entry_conditions())).one()
        total = int(debits) - int(credits)
        names.update(debit_fen=int(debits), credit_fen=int(credits))
    return Page(items, int(count), page, pages, total, names)


def _ledger_names(entries: list[LedgerEntry]) -> dict:
    user_ids = {i for e in entries for i in (e.maker_id, e.checker_id) if i}
    org_ids = {line.org_id for e in entries for line in e.lines if line.org_id}
    app_ids = {e.application_id for e in entries if e.application_id}
    return {
        "users": dict(db.session.execute(
            select(User.id, User.name).where(User.id.in_(user_ids))).all()) if user_ids else {},
        "orgs": {o.id: o for o in db.session.scalars(
            select(Organisation).where(Organisation.id.in_(org_ids)))} if org_ids else {},
        "funders": {f.id: f for f in db.session.scalars(select(Funder))},
        "references": dict(db.session.execute(
            select(Application.id, Application.reference)
            .where(Application.id.in_(app_ids))).all()) if app_ids else {},
        **_entry_references(entries),
    }


def _entry_references(entries: list[LedgerEntry]) -> dict:
    """What each entry is about, from the rows that point at it: the page describes an
    entry from these (in the reader's language), not from its stored memo.

    ``claims``: entry id -> claim number (payouts and recoveries); ``years``: entry id ->
    the year of an interest subsidy; ``reversed_seqs``: entry id -> seq of the entry it
    reverses. One query each, none without entries.
    """
    ids = [e.id for e in entries]
    reversed_ids = {e.reverses_id for e in entries if e.reverses_id}
    if not ids:
        return {"claims": {}, "years": {}, "reversed_seqs": {}}
    claims = dict(db.session.execute(
        select(Claim.payout_entry_id, Claim.id).where(Claim.payout_entry_id.in_(ids))).all())
    claims.update(db.session.execute(
        select(Recovery.entry_id, Recovery.claim_id).where(Recovery.entry_id.in_(ids))).all())
    years = dict(db.session.execute(
        select(SubsidyClaim.entry_id, SubsidyClaim.year)
        .where(SubsidyClaim.entry_id.in_(ids))).all())
    reversed_seqs = dict(db.session.execute(
        select(LedgerEntry.id, LedgerEntry.seq)
        .where(LedgerEntry.id.in_(reversed_ids))).all()) if reversed_ids else {}
    return {"claims": claims, "years": years, "reversed_seqs": reversed_seqs}


def ledger_rows(wanted: LedgerFilter, batch: int = 1000) -> Iterator:
    """Every line of the matching entries with its entry, names resolved, in chain order.

    One query, fetched in batches, so an export of the whole ledger stays small in memory.
    """
    entry_ids = _entries_query(wanted).with_only_columns(LedgerEntry.id)
    maker = aliased(User)
    checker = aliased(User)
    query = (
        select(LedgerEntry.seq, LedgerEntry.id, LedgerEntry.effective_on, LedgerEntry.kind,
               LedgerEntry.memo, Application.reference, LedgerEntry.reverses_id,
               maker.name, checker.name, LedgerLine.account, Funder.name, Organisation.name,
               LedgerLine.amount_fen, LedgerEntry.created_at, LedgerEntry.row_hash)
        .join(LedgerEntry, LedgerEntry.id == LedgerLine.entry_id)
        .outerjoin(Application, Application.id == LedgerEntry.application_id)
        .outerjoin(maker, maker.id == LedgerEntry.maker_id)
        .outerjoin(checker, checker.id == LedgerEntry.checker_id)
        .outerjoin(Funder, Funder.id == LedgerLine.funder_id)
        .outerjoin(Organisation, Organisation.id == LedgerLine.org_id)
        .where(LedgerLine.entry_id.in_(entry_ids))
        .order_by(LedgerEntry.seq, LedgerLine.id)
    )
    yield from db.session.execute(query.execution_options(yield_per=batch))


def loan_rows(wanted: LoanFilter, batch: int = 1000) -> Iterator:
    """Every covered loan matching the filter with its firm and bank, oldest filing first."""
    ex = exposures()
    query = _loan_rows(ex, _loan_conditions(ex, wanted)).order_by(ex.c.covered_on, ex.c.id)
    yield from db.session.execute(query.execution_options(yield_per=batch))


def recent_statements(limit: int = 12) -> list[PoolStatement]:
    """The newest statements first (latest month, latest version)."""
    return list(db.session.scalars(
        select(PoolStatement).order_by(PoolStatement.month.desc(), PoolStatement.version.desc())
        .limit(limit)))
