"""The outstanding caps at the bank's approval: 10,000,000 per talent across all banks and
firms, 50,000,000 per firm; each at its boundary, counting only committed loans."""

import pytest
from sqlalchemy import event

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import PolicyParameter
from talentfin.workflows import engine
from tests import factories
from tests.plans import sqlite_plan

LOAN = 100_000_000  # the factories' loans: 1,000,000 yuan each


def _policy(key: str, value: int) -> None:
    db.session.add(PolicyParameter(key=key, value=str(value), effective_from=business_today()))
    db.session.commit()


def _approve(world, application: Application) -> None:
    engine.fire(db.session.get(Application, application.id), "bank_approve", world.approver1,
                comment="同意。")


@pytest.fixture
def second_firm_founder(world):
    """The same person (same ID number) founded another firm, in the other park."""
    firm = factories.enterprise(world.park2, 3, id_number=world.founder.enterprise.talent.id_number)
    return factories.user("founder3@t.cn", "founder", enterprise=firm)


def test_the_talent_cap_counts_the_same_persons_loans_at_another_firm(world,
                                                                      second_firm_founder):
    factories.loan_in(world, "approved", founder=second_firm_founder, bank=world.bank2)
    waiting = factories.loan_in(world, "bank_approval")
    _policy("cap_per_talent_fen", 2 * LOAN - 1)
    with pytest.raises(engine.Refused, match="该人才在各银行的贷款余额合计将超过 1,999,999.99 元"):
        _approve(world, waiting)
    assert db.session.get(Application, waiting.id).status == "bank_approval"
    _policy("cap_per_talent_fen", 2 * LOAN)  # exactly at the cap is allowed
    _approve(world, waiting)
    assert db.session.get(Application, waiting.id).status == "approved"


def test_another_persons_loans_do_not_count_against_the_talent_cap(world):
    factories.loan_in(world, "approved", founder=world.founder2, bank=world.bank2)
    waiting = factories.loan_in(world, "bank_approval")
    _policy("cap_per_talent_fen", LOAN)
    _approve(world, waiting)
    assert db.session.get(Application, waiting.id).status == "approved"


def test_the_firm_cap_counts_the_firms_own_committed_loans_only(world, second_firm_founder):
    factories.loan_in(world, "covered")  # this firm: counts
    factories.loan_in(world, "approved", founder=second_firm_founder, bank=world.bank2)
    factories.loan_in(world, "rejected")  # not committed: does not count
    waiting = factories.loan_in(world, "bank_approval")
    _policy("cap_per_talent_fen", 10 * LOAN)
    _policy("cap_per_firm_fen", 2 * LOAN - 1)
    with pytest.raises(engine.Refused, match="企业的人才贷余额将超过 1,999,999.99 元"):
        _approve(world, waiting)
    _policy("cap_per_firm_fen", 2 * LOAN)  # the other firm's loan is not this firm's
    _approve(world, waiting)
    assert db.session.get(Application, waiting.id).status == "approved"


def test_the_caps_read_the_persons_firms_not_every_committed_loan(world):
    # SQLite plans without statistics (the app runs no ANALYZE): the sum must still seek the
    # person's firms on the enterprise index, not read every committed loan of the
    # programme by (product, status) on each approval (360 ms a firing at 100,000 files).
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL plans from its statistics")
    waiting = factories.loan_in(world, "bank_approval")
    plan = " | ".join(sqlite_plan(
        lambda sql: "sum(CASE" in sql and "applications.enterprise_id IN" in sql,
        lambda: _approve(world, waiting)))
    assert "ix_applications_product_status" not in plan, plan
    assert "ix_applications_enterprise_status (enterprise_id=? AND product=?" in plan, plan


def _statements_of(app, action) -> list[str]:
    seen: list[str] = []

    def before(_conn, _cursor, statement, *_args):
        seen.append(" ".join(statement.split())[:60])

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        action()
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    return seen


def test_an_approval_counts_the_caps_once_behind_their_locks(app, world):
    waiting = factories.loan_in(world, "bank_approval")
    db.session.commit()
    loan = db.session.get(Application, waiting.id)
    # A page only asking whether approving is possible takes no lock.
    checked = _statements_of(app, lambda: engine.check(loan, "bank_approve", world.approver1))
    assert not [s for s in checked if s.startswith("UPDATE")]
    fired = _statements_of(app, lambda: _approve(world, waiting))
    sums = [n for n, s in enumerate(fired) if "sum(CASE" in s]
    locks = [n for n, s in enumerate(fired)
             if s.startswith(("UPDATE talent_profiles", "UPDATE enterprises"))]
    assert len(sums) == 1 and len(locks) == 2 and max(locks) < sums[0], fired
    assert db.session.get(Application, waiting.id).status == "approved"
