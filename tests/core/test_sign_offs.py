"""Auditors verify and sign off; a signed head that changes later is reported."""

import pytest
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update

from talentfin.models import AuditSignOff
from talentfin.models import Checkpoint
from talentfin.models import TransitionLog
from talentfin.services import checkpoints
from tests import factories
from tests.web import login
from tests.web import text


def test_auditor_signs_off_and_a_later_change_is_reported(client, auth, runner, world, db):
    factories.loan_in(world, "park_review")
    login(auth, world.auditor)
    page = text(client.get("/audit/"))
    assert "verify end to end" in page
    assert client.post("/audit/sign-off", data={"note": "2026年11月复核"}).status_code == 302
    signed = db.session.scalar(select(AuditSignOff))
    sealed = db.session.scalar(select(Checkpoint).where(Checkpoint.seq == signed.checkpoint_seq))
    assert signed.checkpoint_hash == sealed.row_hash
    assert db.session.scalar(select(func.count()).select_from(TransitionLog)
                             .where(TransitionLog.checkpoint_id.is_(None))) == 0
    # Someone rewrites the signed checkpoint: the checkpoints' chain breaks, and the
    # sign-off names it too.
    db.session.execute(update(Checkpoint).where(Checkpoint.id == sealed.id)
                       .values(row_hash="0" * 64))
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"sign-off {signed.id}: checkpoints seq {sealed.seq}" in result.output


def test_only_auditors_sign_off(client, auth, world, db):
    login(auth, world.pool_admin)
    client.post("/audit/sign-off", data={"note": "x"})
    assert db.session.scalar(select(AuditSignOff)) is None
    auth.logout()
    login(auth, world.officer1)
    assert client.get("/audit/").status_code == 404


def test_every_decision_records_its_policy_date(world, db):
    factories.loan_in(world, "approved")
    rows = db.session.scalars(select(TransitionLog)).all()
    assert rows and all("policy_on" in row.payload for row in rows)


def test_the_audit_page_names_an_altered_row_in_the_readers_language(client, auth, world, db):
    factories.loan_in(world, "park_review")
    row = db.session.scalar(select(TransitionLog).order_by(TransitionLog.seq).limit(1))
    db.session.execute(update(TransitionLog).where(TransitionLog.id == row.id)
                       .values(comment="rewritten"))
    db.session.commit()
    login(auth, world.auditor)
    page = text(client.get("/audit/"))
    assert "the row was changed after it was written" in page
    assert f"row {row.id} " in page
    assert client.post("/audit/sign-off", data={"note": "x"}).status_code == 302
    assert db.session.scalar(select(AuditSignOff)) is None  # nothing signed over a break


@pytest.mark.parametrize("note, message", [
    ("", "Say what you reviewed."), ("   ", "Say what you reviewed."),
    ("x" * 1001, "At most 1000 characters."), ("\x00\x1b\u202e", "Say what you reviewed."),
])
def test_a_sign_off_without_a_usable_note_is_refused_keeping_nothing(client, auth, world, db,
                                                                      note, message):
    login(auth, world.auditor)
    response = client.post("/audit/sign-off", data={"note": note})
    assert response.status_code == 422 and message in text(response)
    assert db.session.scalar(select(func.count(AuditSignOff.id))) == 0


def test_a_note_keeps_its_words_without_control_characters(client, auth, world, db):
    login(auth, world.auditor)
    assert client.post("/audit/sign-off",
                       data={"note": "复核\x00第 11 月\u202e"}).status_code == 302
    assert db.session.scalar(select(AuditSignOff.note)) == "复核第 11 月"


def test_the_checkpoint_line_counts_heads_and_joins_its_sentences_as_the_reader_writes(
        client, auth, world, db):
    factories.loan_in(world, "partner_review")  # one application's chain moved
    db.session.commit()
    checkpoints.seal()
    db.session.commit()
    login(auth, world.auditor)
    page = text(client.get("/audit/"))
    assert "sealing 1 chain head. Log rows not sealed" in page
    client.post("/language", data={"lang": "zh"})
    page = text(client.get("/audit/"))
    assert "封存了 1 条链的链头。尚未被检查点封存" in page
