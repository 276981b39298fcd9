"""Per-application chains sealed by checkpoints: `audit verify` finds an altered, deleted,
inserted or reordered row, a broken checkpoint and a signed-off head that changed, even
when the tamperer recomputes every hash they can; and firings on different applications
share no row."""

import threading

import pytest
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update

from talentfin import audit
from talentfin.extensions import db as _db
from talentfin.jobs import audit_checkpoint
from talentfin.models import Application
from talentfin.models import ChainHead
from talentfin.models import Checkpoint
from talentfin.models import CheckpointLeaf
from talentfin.models import Dossier
from talentfin.models import Notification
from talentfin.models import TransitionLog
from talentfin.models import User
from talentfin.services import checkpoints
from talentfin.services import signoffs
from talentfin.services.audit_chains import verify_all
from talentfin.workflows import engine
from tests import factories
from tests.conftest import PG_URL


def _rows(application_id: int) -> list[TransitionLog]:
    return _db.session.scalars(select(TransitionLog).where(
        TransitionLog.application_id == application_id).order_by(TransitionLog.seq)).all()


def _delete_row(row_id: int) -> None:
    """Delete a log row as a tamperer would, first unhooking what points at it."""
    for model in (Dossier, Notification):
        _db.session.execute(update(model).where(model.transition_log_id == row_id)
                            .values(transition_log_id=None))
    _db.session.execute(delete(TransitionLog).where(TransitionLog.id == row_id))
    _db.session.commit()


def _relink(application_id: int) -> None:
    """What a careful tamperer does after editing rows: recompute the application's chain
    and its head, so that the chain alone verifies again."""
    prev, seq = audit.GENESIS, 0
    for row in _rows(application_id):
        seq, prev, row.row_hash = audit.next_link(seq, prev, row.chain_payload())
        row.seq, row.prev_hash = seq, prev
        prev = row.row_hash
    _db.session.flush()
    _db.session.execute(update(Application).where(Application.id == application_id)
                        .values(log_seq=seq, log_hash=prev)
                        .execution_options(synchronize_session=False))
    _db.session.commit()


def _kinds(application_id: int | None = None) -> set[str]:
    return {b.kind for b in verify_all()
            if application_id is None or b.application_id in (None, application_id)}


@pytest.fixture
def two_loans(world, db):
    """Two applications with histories, sealed by a checkpoint."""
    first = factories.loan_in(world, "approved")
    second = factories.loan_in(world, "park_review")
    assert audit_checkpoint(None) == 1
    assert verify_all() == []
    return first, second


def test_firings_link_into_their_applications_chains(two_loans):
    first, second = two_loans
    for application in two_loans:
        rows = _rows(application.id)
        assert [row.seq for row in rows] == list(range(1, len(rows) + 1))
        assert rows[0].prev_hash == audit.GENESIS
        assert all(b.prev_hash == a.row_hash for a, b in zip(rows, rows[1:], strict=False))
    assert _db.session.get(ChainHead, TransitionLog.CHAIN) is None  # no global head


def test_an_altered_row_is_found(two_loans, db):
    first, _ = two_loans
    target = _rows(first.id)[1]
    db.session.execute(update(TransitionLog).where(TransitionLog.id == target.id)
                       .values(comment="nobody said this"))
    db.session.commit()
    found = verify_all()
    assert [(b.application_id, b.row_id, b.kind) for b in found] == [
        (first.id, target.id, "content")]


def test_a_deleted_row_is_found_even_with_the_chain_relinked(two_loans, db):
    first, _ = two_loans
    target = _rows(first.id)[1]
    _delete_row(target.id)
    assert "sequence" in _kinds(first.id)
    _relink(first.id)  # the chain itself verifies again; its sealed head does not
    assert _kinds() == {"checkpoint"}


def test_a_deleted_last_row_is_found(two_loans, db):
    _, second = two_loans
    _delete_row(_rows(second.id)[-1].id)
    assert _kinds() == {"missing", "checkpoint"}


def test_an_inserted_row_is_found_even_with_the_chain_relinked(two_loans, db):
    first, _ = two_loans
    model = _rows(first.id)[0]
    db.session.execute(insert(TransitionLog).values(
        application_id=first.id, trigger=model.trigger, from_state=model.from_state,
        to_state=model.to_state, actor_id=model.actor_id, comment="slipped in",
        payload={}, created_at=model.created_at, seq=99, prev_hash=audit.GENESIS,
        row_hash=audit.GENESIS))
    db.session.commit()
    assert "sequence" in _kinds(first.id)
    # Put it second and relink: every row of the chain now moves against its sealed head.
    rows = _rows(first.id)
    db.session.execute(update(TransitionLog).where(TransitionLog.application_id == first.id,
                                                   TransitionLog.seq > 1)
                       .values(seq=TransitionLog.seq + 1000))
    db.session.execute(update(TransitionLog).where(TransitionLog.id == rows[-1].id)
                       .values(seq=2))
    db.session.commit()
    _relink(first.id)
    assert _kinds() == {"checkpoint"}


def test_reordered_rows_are_found(two_loans, db):
    first, _ = two_loans
    (a, a_seq), (b, b_seq) = [(row.id, row.seq) for row in _rows(first.id)[1:3]]
    db.session.execute(update(TransitionLog).where(TransitionLog.id == a).values(seq=-1))
    db.session.execute(update(TransitionLog).where(TransitionLog.id == b).values(seq=a_seq))
    db.session.execute(update(TransitionLog).where(TransitionLog.id == a).values(seq=b_seq))
    db.session.commit()
    assert "previous" in _kinds(first.id)
    _relink(first.id)
    assert _kinds() == {"checkpoint"}


def test_a_broken_checkpoint_is_found(two_loans, db):
    sealed = checkpoints.latest()
    db.session.execute(update(CheckpointLeaf).where(CheckpointLeaf.checkpoint_id == sealed.id)
                       .values(hash="0" * 64))
    db.session.commit()
    assert _kinds() == {"checkpoint"}


def test_an_altered_root_or_a_dropped_checkpoint_is_found(two_loans, world, db):
    factories.loan_in(world, "park_review")
    audit_checkpoint(None)
    first, second = db.session.scalars(select(Checkpoint).order_by(Checkpoint.seq)).all()
    db.session.execute(update(Checkpoint).where(Checkpoint.id == second.id)
                       .values(root="0" * 64))
    db.session.commit()
    assert _kinds() == {"content", "checkpoint"}  # its hash and its leaves disagree
    db.session.execute(delete(CheckpointLeaf).where(CheckpointLeaf.checkpoint_id == first.id))
    db.session.execute(delete(Checkpoint).where(Checkpoint.id == first.id))
    db.session.commit()
    assert "sequence" in _kinds()


def test_a_changed_signed_off_head_is_found(two_loans, world, db):
    """A tamperer who rewrites a row and recomputes the chain, its leaf, the checkpoint's
    root and the checkpoints' chain gets past every hash, but not the sign-off."""
    first, _ = two_loans
    signed = signoffs.sign_off(world.auditor, "reviewed")
    assert signoffs.broken_sign_offs() == []
    db.session.execute(update(TransitionLog).where(TransitionLog.id == _rows(first.id)[0].id)
                       .values(comment="rewritten"))
    db.session.commit()
    _relink(first.id)
    _reseal_everything()
    assert verify_all() == []
    assert signoffs.broken_sign_offs() == [(signed.id, "checkpoints", signed.checkpoint_seq)]


def _reseal_everything() -> None:
    """Recompute every leaf from today's heads, every root and the checkpoints' chain."""
    heads = dict((a.id, a) for a in _db.session.scalars(select(Application)))
    prev, seq = audit.GENESIS, 0
    for checkpoint in _db.session.scalars(select(Checkpoint).order_by(Checkpoint.seq)).all():
        leaves = _db.session.scalars(select(CheckpointLeaf).where(
            CheckpointLeaf.checkpoint_id == checkpoint.id)).all()
        for leaf in leaves:
            if leaf.application_id in heads:
                head = heads[leaf.application_id]
                leaf.hash = _db.session.scalar(select(TransitionLog.row_hash).where(
                    TransitionLog.application_id == head.id, TransitionLog.seq == leaf.seq))
        leaves.sort(key=lambda leaf: leaf.key)
        checkpoint.root = audit.merkle_root([audit.leaf_hash(x.key, x.seq, x.hash)
                                             for x in leaves])
        seq, prev, checkpoint.row_hash = audit.next_link(seq, prev, checkpoint.chain_payload())
        checkpoint.prev_hash = prev
        prev = checkpoint.row_hash
    _db.session.execute(update(ChainHead).where(ChainHead.name == Checkpoint.CHAIN)
                        .values(seq=seq, last_hash=prev))
    _db.session.commit()


def test_a_checkpoint_seals_only_what_moved(two_loans, world, db):
    assert audit_checkpoint(None) == 0  # nothing moved
    third = factories.loan_in(world, "park_review")
    assert audit_checkpoint(None) == 1
    newest = checkpoints.latest()
    sealed = db.session.scalars(select(CheckpointLeaf.application_id).where(
        CheckpointLeaf.checkpoint_id == newest.id)).all()
    assert sealed == [third.id]
    assert checkpoints.unsealed() == 0 and verify_all() == []


@pytest.mark.skipif(not PG_URL, reason="SQLite has one writer at a time by design")
def test_firings_on_different_applications_do_not_wait_for_each_other(app, world, db):
    """Two transactions fire on two applications; each flushes everything it writes (the
    application's UPDATE, the log row, the dossier) while the other is still open. (Two
    firms of different people: one person's approvals rightly wait on the person's caps.)"""
    ids = [factories.loan_in(world, "bank_approval", founder=founder).id
           for founder in (world.founder, world.founder2)]
    approver_id = world.approver1.id
    db.session.remove()
    flushed = [threading.Event(), threading.Event()]
    finish = threading.Event()
    errors: list = []

    def work(index: int) -> None:
        with app.app_context():
            try:
                application = _db.session.get(Application, ids[index])
                user = _db.session.get(User, approver_id)
                engine.fire(application, "bank_approve", user, commit=False)
                flushed[index].set()
                finish.wait(timeout=30)
                _db.session.commit()
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                _db.session.remove()

    first = threading.Thread(target=work, args=(0,))
    first.start()
    assert flushed[0].wait(timeout=30)
    second = threading.Thread(target=work, args=(1,))
    second.start()
    # Under a global chain head the second would now wait for the first's commit.
    proceeded = flushed[1].wait(timeout=10)
    finish.set()
    first.join(timeout=30)
    second.join(timeout=30)
    assert proceeded, "the second firing waited for the first one's transaction"
    assert errors == []
    assert _db.session.scalar(select(func.count()).select_from(Application).where(
        Application.id.in_(ids), Application.status == "approved")) == 2
    assert verify_all() == []
