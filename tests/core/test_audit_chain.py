"""The transition log is tamper-evident: `flask audit verify` names the first altered row.

Each application has its own chain (talentfin.audit); the checkpoints that seal the chains'
heads are tested in test_audit_checkpoints.py."""

from datetime import date

from sqlalchemy import select
from sqlalchemy import update

from talentfin.clock import business_today
from talentfin.models import TransitionLog
from talentfin.pool import ledger
from talentfin.pool.models import Funder
from talentfin.pool.models import LedgerEntry
from tests import factories


def test_verify_passes_on_an_untouched_history(runner, world):
    factories.loan_in(world, "covered")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "verified" in result.output


def test_verify_names_the_altered_log_row(runner, world, db):
    application = factories.loan_in(world, "approved")
    rows = db.session.scalars(select(TransitionLog).where(
        TransitionLog.application_id == application.id).order_by(TransitionLog.seq)).all()
    assert [row.seq for row in rows] == list(range(1, len(rows) + 1))
    assert (application.log_seq, application.log_hash) == (rows[-1].seq, rows[-1].row_hash)
    assert all(b.prev_hash == a.row_hash for a, b in zip(rows, rows[1:], strict=False))
    target = rows[2]
    db.session.execute(update(TransitionLog).where(TransitionLog.id == target.id)
                       .values(comment="nobody said this"))
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"transition_log: row id {target.id} " in result.output
    assert f"application {application.id}: content does not match" in result.output


def test_verify_notices_a_deleted_last_row(runner, world, db):
    factories.loan_in(world, "info_requested")  # the last step renders no dossier
    last = db.session.scalar(select(TransitionLog).order_by(TransitionLog.seq.desc()).limit(1))
    db.session.delete(last)
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "missing" in result.output


def test_verify_names_an_altered_ledger_amount(runner, world, db):
    city = Funder(code="city", name="市级", share_bp=6000)
    db.session.add(city)
    db.session.commit()
    entry = ledger.contribute(city, 1000, world.pool_admin, business_today())
    ledger.contribute(city, 2000, world.pool_admin, business_today())
    db.session.execute(update(LedgerEntry).where(LedgerEntry.id == entry.id)
                       .values(effective_on=date(2020, 1, 1)))
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"ledger: row id {entry.id} " in result.output
