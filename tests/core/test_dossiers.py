"""Dossiers: one per deciding stage, rendered after commit by the outbox, publicly checkable."""

import hashlib
import subprocess
from datetime import timedelta

import pytest
from sqlalchemy import select

from talentfin import pdf
from talentfin.models import Dossier
from talentfin.models import OutboxTask
from talentfin.models.base import utcnow
from talentfin.services import dossier_rendering as dossier_service
from talentfin.services import outbox
from talentfin.services.uploads import save_attachment
from talentfin.storage import dossier_folder
from talentfin.storage import dossier_path
from talentfin.workflows import engine
from tests import factories

COVERED_STAGES = ["application_form", "park_opinion", "bank_decision", "pool_filing"]
TITLES = {"application_form": "申请书", "park_opinion": "园区推荐意见书",
          "bank_decision": "银行审批通知书", "pool_filing": "资金池备案确认书"}


def _dossiers(db, application) -> list[Dossier]:
    db.session.expire_all()
    return list(db.session.scalars(
        select(Dossier).where(Dossier.application_id == application.id).order_by(Dossier.id)
    ))


def _pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def test_every_deciding_stage_of_a_covered_loan_has_a_ready_dossier(db, world):
    application = factories.loan_in(world, "covered")
    pending = _dossiers(db, application)
    assert [d.stage for d in pending] == COVERED_STAGES
    assert {d.status for d in pending} == {"pending"}

    assert outbox.run_pending()[1] == 0  # nothing failed (notification tasks run too)

    for dossier in _dossiers(db, application):
        path = dossier_path(dossier)
        content = path.read_bytes()
        assert dossier.status == "ready" and dossier.rendered_at is not None
        assert dossier.sha256 == hashlib.sha256(content).hexdigest()
        assert dossier.size_bytes == len(content)
        assert path.name == f"{application.reference}-{dossier.stage}-v1-{dossier.id}.pdf"
        text = _pdf_text(path)
        assert TITLES[dossier.stage] in text
        assert application.reference in text and dossier.verify_code in text


def test_a_rejected_loan_has_a_bank_decision_saying_so(db, world):
    application = factories.loan_in(world, "rejected")
    assert outbox.run_pending()[1] == 0
    dossiers = _dossiers(db, application)
    assert [d.stage for d in dossiers] == COVERED_STAGES[:3]
    notice = dossiers[-1]
    assert notice.status == "ready"
    assert notice.summary["decision"]["trigger"] == "bank_reject"
    assert notice.summary["decision"]["decider"]["organisation"] == world.bank1.name
    text = _pdf_text(dossier_path(notice))
    assert "不予批准" in text and "too risky" in text


def test_the_pdf_embeds_a_cjk_font(db, world):
    factories.loan_in(world, "park_review")
    outbox.run_pending()
    dossier = db.session.scalars(select(Dossier)).one()
    listing = subprocess.run(["pdffonts", str(dossier_path(dossier))], check=True,
                             capture_output=True, text=True).stdout
    # The app's subset of Noto Sans CJK (talentfin/fonts.py), or the system font itself.
    cjk = [line for line in listing.splitlines()
           if any(name in line.split(" ")[0].replace("-", "")
                  for name in ("NotoSansCJK", "TalentfinCJKSC"))]
    assert cjk, listing
    # Columns: name type encoding emb sub uni object ID
    assert all(line.split()[-5] == "yes" for line in cjk), listing


def test_the_summary_freezes_the_decision_and_later_edits_do_not_change_it(db, world):
    application = factories.loan_in(world, "approved")
    notice = _dossiers(db, application)[-1]
    summary = notice.summary
    assert summary["reference"] == application.reference
    assert summary["enterprise"] == {"name": "测试企业1",
                                     "uscc": application.enterprise.uscc}
    assert summary["talent"]["certificate_no"] == "C-1"
    assert summary["request"]["amount_fen"] == 100_000_000
    assert summary["terms"] == {"amount_fen": 100_000_000, "rate_bp": 360, "term_months": 24,
                                "security": "pure_credit"}
    assert summary["decision"]["decider"] == {"name": "approver1", "role": "bank_approver",
                                              "organisation": world.bank1.name}
    assert len(summary["attachments"]) == 4
    assert all(len(item["sha256"]) == 64 for item in summary["attachments"])
    assert notice.data_version == application.version

    application.enterprise.name = "改名后的企业"
    db.session.commit()
    outbox.run_pending()
    text = _pdf_text(dossier_path(_dossiers(db, application)[-1]))
    assert "测试企业1" in text and "改名后的企业" not in text
    assert "1,000,000.00 元" in text and "3.60%" in text


def test_the_public_page_verifies_a_code(client, db, world):
    application = factories.loan_in(world, "partner_review")
    outbox.run_pending()
    opinion = _dossiers(db, application)[-1]

    page = client.get(f"/verify/{opinion.verify_code}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert application.reference in body and opinion.sha256 in body
    assert "测试企业1" in body and world.park.name in body

    typed = opinion.verify_code.replace("-", " ").lower()
    assert application.reference in client.get("/verify/", query_string={"code": typed}).text


def test_an_unknown_code_is_refused(client, app):
    assert client.get("/verify/AAAA-BBBB-CCCC").status_code == 404
    page = client.get("/verify/", query_string={"code": "AAAA-BBBB-CCCC"})
    assert page.status_code == 200 and "alert-danger" in page.text


def test_a_new_decision_of_the_same_stage_is_version_2_in_a_new_file(db, world):
    application = factories.loan_in(world, "info_requested")
    outbox.run_pending()
    first = _dossiers(db, application)[0]
    first_path, first_bytes = dossier_path(first), dossier_path(first).read_bytes()

    for kind in application.info_request["documents"]:  # the reviewer asked for these
        save_attachment(application, kind, factories.pdf_upload(f"{kind}-v2.pdf"),
                        world.founder)
    engine.fire(application, "resubmit", world.founder)
    assert outbox.run_pending()[1] == 0

    forms = [d for d in _dossiers(db, application) if d.stage == "application_form"]
    assert [d.version for d in forms] == [1, 2]
    assert forms[1].file_name != forms[0].file_name and "-v2-" in forms[1].file_name
    assert forms[0].sha256 == first.sha256 and first_path.read_bytes() == first_bytes
    assert forms[1].verify_code != forms[0].verify_code


def test_a_failed_render_is_retried_and_the_decision_stays(db, world, monkeypatch):
    application = factories.loan_in(world, "park_review")
    assert outbox.run_pending()[1] == 0
    real_render = dossier_service.render_dossier_pdf
    calls = []

    def flaky(dossier):
        calls.append(dossier.id)
        if len(calls) == 1:
            raise RuntimeError("font server on fire")
        return real_render(dossier)

    monkeypatch.setattr(dossier_service, "render_dossier_pdf", flaky)
    engine.fire(application, "park_approve", world.park_reviewer, comment="ok")

    assert outbox.run_pending()[1] == 1
    db.session.expire_all()
    task = db.session.scalars(select(OutboxTask).where(OutboxTask.status == "pending")).one()
    assert task.attempts == 1 and "font server on fire" in task.last_error
    assert _dossiers(db, application)[-1].status == "pending"
    assert application.status == "partner_review"
    assert outbox.run_pending() == (0, 0)  # not due yet: backoff

    task.available_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert outbox.run_pending() == (1, 0)
    assert _dossiers(db, application)[-1].status == "ready"


def test_rendering_twice_keeps_the_first_file(db, world):
    factories.loan_in(world, "park_review")
    dossier = db.session.scalars(select(Dossier)).one()
    dossier_service.render_dossier_task({"dossier_id": dossier.id})
    db.session.expire_all()
    first = (dossier.file_name, dossier.sha256)
    dossier_service.render_dossier_task({"dossier_id": dossier.id})
    db.session.expire_all()
    assert (dossier.file_name, dossier.sha256) == first
    assert len(list(dossier_folder().glob("*.pdf"))) == 1


def test_a_leftover_file_of_a_crashed_attempt_is_not_overwritten(db, world):
    application = factories.loan_in(world, "park_review")
    dossier = db.session.scalars(select(Dossier)).one()
    stem = f"{application.reference}-application_form-v1-{dossier.id}"
    leftover = dossier_folder() / f"{stem}.pdf"
    leftover.write_bytes(b"half a file")
    outbox.run_pending()
    db.session.expire_all()
    assert dossier.file_name == f"{stem}-r2.pdf" and leftover.read_bytes() == b"half a file"


def test_a_dossier_scheduled_without_a_summary_is_frozen_when_rendered(db, world):
    application = factories.loan_in(world, "park_review")
    dossier = db.session.scalars(select(Dossier)).one()
    dossier.summary = {}
    db.session.commit()
    assert outbox.run_pending()[1] == 0
    db.session.expire_all()
    assert dossier.status == "ready"
    assert dossier.summary["reference"] == application.reference
    assert dossier.summary["decision"]["trigger"] == "submit"


def test_the_founder_downloads_a_dossier_and_others_do_not(client, auth, db, world):
    application = factories.loan_in(world, "park_review")
    outbox.run_pending()
    dossier = _dossiers(db, application)[0]
    url = f"/applications/{application.id}/dossiers/{dossier.id}"

    auth.login(world.founder.email)
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert hashlib.sha256(response.data).hexdigest() == dossier.sha256
    auth.logout()

    auth.login(world.founder2.email)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", [
    "http://example.com/logo.png", "https://example.com/a.css", "ftp://example.com/x",
    "file:///etc/passwd", "file:///tmp/../etc/passwd",
])
def test_the_renderer_never_fetches_outside_the_package(url):
    with pytest.raises(PermissionError):
        pdf.LocalOnlyFetcher().fetch(url)


def test_the_renderer_reads_data_uris_and_package_files():
    assert pdf.LocalOnlyFetcher().fetch("data:text/plain,hello").read() == b"hello"
    css = (pdf.PACKAGE_DIR / "static" / "app.css").as_uri()
    assert b"talentfin" in pdf.LocalOnlyFetcher().fetch(css).read()
