"""Input shaped as an attacker or a careless client would send it: a file name with control
or bidi characters is stored cleaned and downloads with a valid header (rows stored before
the cleaning included); a PDF uploaded under an HTML name downloads as a PDF; text fields
lose control and bidi-override characters, so a company's name cannot reorder itself on
the pages."""

import io
from urllib.parse import unquote

import pytest
from flask_babel import force_locale
from sqlalchemy import func
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from talentfin.demo import DEMO_PDF
from talentfin.extensions import db
from talentfin.models import Attachment
from talentfin.models import Enterprise
from talentfin.services.uploads import UploadRefused
from talentfin.services.uploads import attachment_path
from talentfin.services.uploads import save_attachment
from talentfin.text import clean_file_name
from talentfin.text import clean_text
from tests import factories
from tests.web import login


def _upload(application, name: str):
    return save_attachment(application, "business_plan", FileStorage(
        io.BytesIO(DEMO_PDF), filename=name, content_type="text/html"),
        application.applicant)


def _download(client, application_id: int, attachment_id: int):
    response = client.get(f"/applications/{application_id}/files/{attachment_id}")
    assert response.status_code == 200, response.status_code
    return response, unquote(response.headers["Content-Disposition"])


@pytest.mark.parametrize(("given", "stored"), [
    ("a\x00b.pdf", "ab.pdf"), ("a\x1bb.pdf", "ab.pdf"), ("a\x7fb.pdf", "ab.pdf"),
    ("报告\u202efdp.exe", "报告fdp.exe.pdf"), ("line\nbreak.pdf", "linebreak.pdf"),
    ("report.html", "report.html.pdf"), ("../../etc/passwd", "passwd.pdf"),
    ("C:\\scans\\合同.PDF", "合同.PDF"), ("  .pdf", "document.pdf"),
])
def test_a_file_name_is_stored_clean_and_downloads_as_what_it_is(client, auth, world, given,
                                                                  stored):
    application = factories.draft(world)
    attachment = _upload(application, given)
    assert attachment.original_name == stored
    login(auth, world.founder)
    response, header = _download(client, application.id, attachment.id)
    assert response.mimetype == "application/pdf"
    assert header.startswith("attachment;") and stored in header
    assert not any(ord(ch) < 32 or ord(ch) == 127 for ch in header)


def test_a_name_stored_before_the_cleaning_still_downloads(client, auth, world):
    application = factories.draft(world)
    attachment = _upload(application, "ok.pdf")
    attachment.original_name = "old\x1b\x7fname.html"  # as an older release stored it
    db.session.commit()
    login(auth, world.founder)
    response, header = _download(client, application.id, attachment.id)
    assert "oldname.html.pdf" in header and response.data == DEMO_PDF


def test_the_cleaning_keeps_what_people_type():
    assert clean_text("青岛 深蓝\t科技\r\n有限公司") == "青岛 深蓝\t科技\r\n有限公司"
    assert clean_text("\u202eABC\u2066x\u2069\x00") == "ABCx"
    assert clean_text("e\u0301") == "\u00e9"  # one spelling (NFC)
    assert clean_file_name("v1.2 终稿", "pdf") == "v1.2 终稿.pdf"
    assert clean_file_name("scan.jpeg", "jpg") == "scan.jpeg"
    assert clean_file_name("x" * 400 + ".pdf", "pdf") == "x" * 251 + ".pdf"


def test_a_bidi_override_in_a_company_name_is_dropped(client, auth, world):
    login(auth, world.founder)
    page = client.get("/company/")
    assert page.status_code == 200
    enterprise = db.session.get(Enterprise, world.founder.enterprise_id)
    form = _company_form(enterprise)
    form["name"] = "\u202e司公限有技科"
    response = client.post("/company/", data=form)
    assert response.status_code in (200, 302)
    db.session.expire_all()
    name = db.session.scalar(select(Enterprise.name).where(
        Enterprise.id == world.founder.enterprise_id))
    assert name == "司公限有技科"


def _company_form(enterprise: Enterprise) -> dict:
    return {"name": enterprise.name, "uscc": enterprise.uscc, "park_id": enterprise.park_id,
            "registered_in_district": "y", "founded_on": enterprise.founded_on.isoformat(),
            "registered_capital": "5,000,000", "legal_representative": "陈海洋",
            "address": "青岛市崂山区松岭路 1 号", "industry": "软件", "employees": "10"}


CRAFTED = ("/applications/9223372036854775808", "/applications/99999999999999999999/files/1",
           "/applications/1/dossiers/9223372036854775808", "/pool/claims/9223372036854775808",
           "/pool/ledger?funder=99999999999999999999", "/pool/ledger?kind=%00",
           "/queue/?page=%C2%B2", "/queue/?page=%D9%A3", "/queue/?page=99999999999999999999",
           "/notifications/?page=%C2%B2", "/pool/ledger?page=%C2%B2",
           "/pool/claims?page=%C2%B2")


@pytest.mark.parametrize("url", CRAFTED)
def test_crafted_ids_and_pages_are_a_404_or_the_page(client, auth, world, url):
    login(auth, world.pool_admin)
    response = client.get(url)
    # The page (a bad page number is the first page), no such row, or a filter refused
    # with its error page; never a server error.
    assert response.status_code in (200, 400, 404), (url, response.status_code)


@pytest.mark.parametrize("target", ["/\r\nSet-Cookie: x=1", "/queue/\n", "/a\x7f",
                                    "//evil.example", "/\\evil.example", "https://e.example/"])
def test_a_next_address_with_a_line_break_or_another_site_goes_home(client, auth, world,
                                                                    target):
    login(auth, world.founder)
    response = client.post("/language", data={"lang": "zh", "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    auth.logout()
    response = client.post("/login", data={
        "email": world.founder.email, "password": factories.PASSWORD, "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_a_term_outside_the_choices_says_which_terms_there_are(client, auth, world):
    application = factories.draft(world)
    login(auth, world.founder)
    for term in ("99", "abc", "-12"):
        response = client.post(f"/applications/{application.id}/edit/request", data={
            "partner_org_id": str(world.bank1.id), "requested_amount": "1,000,000",
            "requested_term_months": term, "purpose": "采购研发设备与扩充团队。"})
        assert response.status_code == 422, term
        page = response.get_data(as_text=True)
        assert "Choose one of: 12 months, 24 months, 36 months." in page, term
        assert "Not a valid choice" not in page and "could not coerce" not in page


def _pdf(name: str, extra: bytes = b""):
    return FileStorage(io.BytesIO(DEMO_PDF + extra), filename=name,
                       content_type="application/pdf")


def test_an_applications_documents_have_a_quota(app, world):
    application = factories.draft(world)  # its required documents uploaded
    in_force = db.session.scalar(select(func.sum(Attachment.size_bytes)).where(
        Attachment.application_id == application.id, Attachment.superseded_at.is_(None)))
    kept = app.config["UPLOAD_MAX_PER_APPLICATION_BYTES"]
    app.config["UPLOAD_MAX_PER_APPLICATION_BYTES"] = in_force + len(DEMO_PDF) + 10
    try:
        # Replacing a document counts the new file, not the one it replaces.
        save_attachment(application, "business_plan", _pdf("plan-v2.pdf"), world.founder)
        save_attachment(application, "other", _pdf("extra.pdf"), world.founder)
        with force_locale("en"), pytest.raises(UploadRefused) as refused:
            save_attachment(application, "other", _pdf("bigger.pdf", b"x" * 20),
                            world.founder)
        assert "This application's documents would take more than" in str(refused.value)
    finally:
        app.config["UPLOAD_MAX_PER_APPLICATION_BYTES"] = kept


def test_an_account_has_a_daily_upload_quota(app, world):
    application = factories.draft(world, documents=False)
    kept = app.config["UPLOAD_MAX_PER_ACCOUNT_DAY_FILES"]
    app.config["UPLOAD_MAX_PER_ACCOUNT_DAY_FILES"] = 3
    try:
        for index in range(3):
            save_attachment(application, "business_plan", _pdf(f"p{index}.pdf"), world.founder)
        with force_locale("en"), pytest.raises(UploadRefused) as refused:
            save_attachment(application, "business_plan", _pdf("p9.pdf"), world.founder)
        assert "You have uploaded 3 files" in str(refused.value)
        assert db.session.scalar(select(func.count(Attachment.id)).where(
            Attachment.application_id == application.id)) == 3
    finally:
        app.config["UPLOAD_MAX_PER_ACCOUNT_DAY_FILES"] = kept


def test_a_replaced_draft_file_is_removed_a_submitted_one_kept(client, auth, world):
    application = factories.draft(world)
    first = db.session.scalar(select(Attachment).where(
        Attachment.application_id == application.id, Attachment.kind == "business_plan"))
    first_path = attachment_path(first)
    assert first_path.exists()
    second = save_attachment(application, "business_plan", _pdf("plan-v2.pdf", b"2"),
                             world.founder)
    assert not first_path.exists()  # the draft's earlier upload: nothing refers to it
    login(auth, world.founder)
    assert client.get(f"/applications/{application.id}/files/{first.id}").status_code == 404
    # Submitted with the second file, replacing it keeps it: the submission refers to it.
    factories.advance(world, application, "submit")
    factories.advance(world, application, "park_request_info")
    save_attachment(application, "business_plan", _pdf("plan-v3.pdf", b"3"), world.founder)
    assert attachment_path(second).exists()
    assert db.session.get(Attachment, first.id).superseded_at is not None


def test_a_refused_field_is_announced_with_its_message(client, auth, world):
    application = factories.draft(world)
    login(auth, world.founder)
    response = client.post(f"/applications/{application.id}/edit/request", data={
        "partner_org_id": str(world.bank1.id), "requested_amount": "abc",
        "requested_term_months": "24", "purpose": "采购研发设备与扩充团队。"})
    page = response.get_data(as_text=True)
    field = page[page.index('name="requested_amount"') - 300:page.index(
        'name="requested_amount"') + 300]
    assert 'aria-invalid="true"' in field and 'aria-describedby="requested_amount-errors"' in field
    described = page[page.index('id="requested_amount-errors"'):]
    assert described[described.index(">") + 1:described.index("<")].strip()
