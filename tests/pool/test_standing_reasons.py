"""Why a bank's standing changed, in the reader's language: the daily check stores a reason
code and its figures (worded when shown), the committee's reason stays as typed, and a
reason stored as text before the codes is shown as it is; the migration gives the check's
old sentences their code."""

import html

from flask_babel import force_locale
from flask_migrate import downgrade
from flask_migrate import upgrade
from sqlalchemy import text as sql

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.models import Dossier
from talentfin.models import Organisation
from talentfin.models import PolicyParameter
from talentfin.pool import standing
from talentfin.pool.labels import NPL_ABOVE_THRESHOLD
from talentfin.pool.labels import standing_reason
from talentfin.pool.models import StandingChange
from tests import factories
from tests.conftest import app_on
from tests.web import login
from tests.web import text

EXPECTED = ("Covered NPL ratio 50.00%, above the threshold of 3.00%, with a covered balance "
            "of 2,000,000.00 yuan (above 1,000,000.00 yuan).")


def _suspended(world) -> StandingChange:
    factories.fund_pool(world)
    factories.loan_in(world, "npl")
    factories.loan_in(world, "covered")
    db.session.add(PolicyParameter(key="suspension_balance_fen", value="100000000",
                                   effective_from=business_today()))
    db.session.commit()
    assert standing.check_suspensions(business_today()) == 1
    return db.session.query(StandingChange).one()


def _history(page: str) -> str:
    return html.unescape(page)


def test_the_daily_check_stores_a_code_and_its_figures(world):
    change = _suspended(world)
    assert change.reason == ""
    assert change.reason_code == NPL_ABOVE_THRESHOLD
    assert change.figures == {"covered_fen": 200_000_000, "npl_fen": 100_000_000,
                              "npl_bp": 5000, "threshold_bp": 300,
                              "balance_threshold_fen": 100_000_000}
    notice = db.session.query(Dossier).filter(Dossier.stage == "suspension_notice").one()
    # The notice (a Chinese document) words the reason when it is made, in Chinese.
    with force_locale("zh"):
        assert notice.summary["reason"] == standing_reason(change)
    assert notice.summary["reason_code"] == NPL_ABOVE_THRESHOLD
    assert notice.summary["decision"]["comment"] == notice.summary["reason"]


def test_the_banks_page_in_english_says_why_in_english(client, auth, world):
    _suspended(world)
    login(auth, world.committee)
    page = _history(text(client.get("/banks/")))
    assert EXPECTED in page
    assert "不良率" not in page


def test_the_committees_reason_and_an_old_stored_text_are_shown_as_they_are(
        client, auth, world):
    bank = db.session.get(Organisation, world.bank1.id)
    db.session.add(StandingChange(bank_id=bank.id, from_standing="active",
                                  to_standing="suspended", reason="备案贷款不良率超过阈值。",
                                  figures={"covered_fen": 1, "npl_fen": 1, "npl_bp": 10_000}))
    bank.standing = "suspended"
    db.session.commit()
    login(auth, world.committee)
    assert client.post(f"/banks/{bank.id}/reinstate",
                       data={"reason": "Bad loans sold; 处置完毕"}).status_code == 302
    page = _history(text(client.get("/banks/")))
    assert "备案贷款不良率超过阈值。" in page  # stored before the codes: as it is
    assert "Bad loans sold; 处置完毕" in page
    reinstated = db.session.query(StandingChange).filter_by(to_standing="active").one()
    assert (reinstated.reason_code, reinstated.reason) == ("", "Bad loans sold; 处置完毕")


def test_a_code_without_its_thresholds_still_reads(app):
    change = StandingChange(reason="", reason_code=NPL_ABOVE_THRESHOLD,
                            figures={"covered_fen": 4, "npl_fen": 1, "npl_bp": 2500})
    with force_locale("en"):
        assert standing_reason(change) == "Covered NPL ratio above the threshold."
    unknown = StandingChange(reason="", reason_code="fraud", figures={})
    assert standing_reason(unknown) == "fraud"


def test_the_migration_gives_the_checks_old_sentences_their_code(tmp_path):
    url = f"sqlite:///{tmp_path / 'reasons.sqlite3'}"
    app = app_on(url, tmp_path)
    english = "Covered NPL ratio above the threshold."
    rows = [(1, "备案贷款不良率超过阈值。", None), (2, english, None), (3, english, 1),
            (4, "欺诈，终止合作", None)]
    with app.app_context():
        upgrade(revision="0035_programme_amount_index")
        with db.engine.begin() as connection:
            connection.execute(sql(
                "INSERT INTO organisations (id, kind, code, name, name_en, district, active, "
                "standing, created_at, updated_at) VALUES (1, 'bank', 'b', 'b', '', '', true, "
                "'suspended', '2026-01-01', '2026-01-01')"))
            connection.execute(sql(
                "INSERT INTO users (id, email, name, password_hash, role, locale, active, "
                "created_at, updated_at) VALUES (1, 'c@x.cn', 'c', 'x', 'committee', 'zh', "
                "true, '2026-01-01', '2026-01-01')"))
            for number, reason, decided_by in rows:
                connection.execute(sql(
                    "INSERT INTO standing_changes (id, bank_id, from_standing, to_standing, "
                    "reason, figures, decided_by_id, created_at) VALUES (:id, 1, 'active', "
                    "'suspended', :reason, '{}', :by, '2026-01-01')"),
                    {"id": number, "reason": reason, "by": decided_by})
        upgrade(revision="0036_standing_reason_code")
        with db.engine.connect() as connection:
            stored = connection.execute(sql(
                "SELECT id, reason, reason_code FROM standing_changes ORDER BY id")).all()
        assert [tuple(row) for row in stored] == [
            (1, "", NPL_ABOVE_THRESHOLD), (2, "", NPL_ABOVE_THRESHOLD),
            (3, "Covered NPL ratio above the threshold.", ""), (4, "欺诈，终止合作", "")]
        downgrade(revision="0035_programme_amount_index")
        with db.engine.connect() as connection:
            reasons = connection.execute(sql(
                "SELECT reason FROM standing_changes ORDER BY id")).scalars().all()
        assert reasons == ["备案贷款不良率超过阈值。", "备案贷款不良率超过阈值。",
                           "Covered NPL ratio above the threshold.", "欺诈，终止合作"]
        db.engine.dispose()
