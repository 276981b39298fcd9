"""Files through the partner API: a bank's system uploads its claim papers and downloads
documents and dossiers with the hashes the application lists, under the pages' rules
(who reads which, who uploads which kind; another organisation gets 404), and a retried
upload with its Idempotency-Key stores the file once."""

import hashlib
import io

import pytest
from sqlalchemy import func
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.models import Attachment
from talentfin.models import Dossier
from talentfin.services import api_clients
from talentfin.services.applications import current_attachments
from talentfin.storage import dossier_path
from tests import factories
from tests.web import api_token


@pytest.fixture
def bank(client, world):
    """A bank 1 client that reads and decides; its token."""
    row, secret = api_clients.register(world.bank1, "核心系统", ["read", "decide"],
                                       world.admin)
    return api_token(client, row.client_id, secret)


def _headers(token: str, person: str, **more) -> dict:
    return {"Authorization": f"Bearer {token}", "On-Behalf-Of": person, **more}


def _upload(client, token, person, application_id, kind, content, name="合同.pdf", **more):
    return client.post(f"/api/v1/applications/{application_id}/documents",
                       data={"kind": kind, "file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data",
                       headers=_headers(token, person, **more))


def _attachments(application_id: int) -> int:
    return db.session.scalar(select(func.count(Attachment.id)).where(
        Attachment.application_id == application_id))


def test_the_bank_uploads_its_claim_paper_and_downloads_it_with_its_hash(
        client, world, bank):
    loan = factories.loan_in(world, "npl")
    content = factories.DEMO_PDF
    before = _attachments(loan.id)
    made = _upload(client, bank, world.officer1.email, loan.id, "loan_contract", content)
    assert made.status_code == 201, made.get_json()
    document = made.get_json()
    assert document["kind"] == "loan_contract" and document["name"] == "合同.pdf"
    assert document["sha256"] == hashlib.sha256(content).hexdigest()
    assert _attachments(loan.id) == before + 1
    # The application lists it, with where to download it; the bytes are the ones sent.
    listed = client.get(f"/api/v1/applications/{loan.id}",
                        headers=_headers(bank, world.officer1.email)).get_json()["documents"]
    ours = next(d for d in listed if d["id"] == document["id"])
    fetched = client.get(ours["download"], headers=_headers(bank, world.officer1.email))
    assert fetched.status_code == 200 and fetched.data == content
    assert fetched.headers["X-Content-SHA256"] == document["sha256"]
    # A founder's kind, or a file that is not a PDF or an image: the page's refusals.
    refused = _upload(client, bank, world.officer1.email, loan.id, "business_plan", content)
    assert refused.status_code == 422 and refused.get_json()["detail"]
    not_pdf = _upload(client, bank, world.officer1.email, loan.id, "loan_contract",
                      b"MZ\x90\x00 not a document", name="x.pdf")
    assert not_pdf.status_code == 422 and not_pdf.get_json()["detail"]
    missing = client.post(f"/api/v1/applications/{loan.id}/documents", data={"kind": ""},
                          content_type="multipart/form-data",
                          headers=_headers(bank, world.officer1.email))
    assert missing.status_code == 422
    assert set(missing.get_json()["errors"]["body"]) == {"kind", "file"}
    assert _attachments(loan.id) == before + 1


def test_a_retried_upload_stores_the_file_once(client, world, bank):
    loan = factories.loan_in(world, "npl")
    before = _attachments(loan.id)
    first = _upload(client, bank, world.officer1.email, loan.id, "loan_contract",
                    factories.DEMO_PDF, **{"Idempotency-Key": "upload-1"})
    again = _upload(client, bank, world.officer1.email, loan.id, "loan_contract",
                    factories.DEMO_PDF, **{"Idempotency-Key": "upload-1"})
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _attachments(loan.id) == before + 1
    other_file = _upload(client, bank, world.officer1.email, loan.id, "loan_contract",
                         factories.DEMO_PDF + b"\n%another", **{"Idempotency-Key": "upload-1"})
    assert other_file.status_code == 422
    assert _attachments(loan.id) == before + 1


def test_dossiers_are_downloaded_ready_and_by_those_who_may_read_them(client, world, bank):
    loan = factories.loan_in(world, "partner_review")
    dossier = Dossier(application_id=loan.id, stage="park_opinion", version=99,
                      status="ready", verify_code=f"API-{loan.id:04d}",
                      data_version=loan.version, made_at=loan.created_at,
                      file_name=f"api-{loan.id}.pdf", summary={},
                      sha256=hashlib.sha256(factories.DEMO_PDF).hexdigest())
    db.session.add(dossier)
    db.session.commit()
    dossier_path(dossier).write_bytes(factories.DEMO_PDF)
    listed = client.get(f"/api/v1/applications/{loan.id}",
                        headers=_headers(bank, world.officer1.email)).get_json()["dossiers"]
    ours = next(d for d in listed if d["id"] == dossier.id)
    got = client.get(ours["download"], headers=_headers(bank, world.officer1.email))
    assert got.status_code == 200 and got.mimetype == "application/pdf"
    assert got.data == factories.DEMO_PDF and got.headers["X-Content-SHA256"] == ours["sha256"]
    # Being rendered: no address, and the address answers 404.
    dossier.status = "pending"
    db.session.commit()
    assert client.get(ours["download"],
                      headers=_headers(bank, world.officer1.email)).status_code == 404
    again = client.get(f"/api/v1/applications/{loan.id}",
                       headers=_headers(bank, world.officer1.email)).get_json()["dossiers"]
    assert next(d for d in again if d["id"] == dossier.id)["download"] is None


def test_another_organisations_client_gets_404_for_every_file(client, world, bank):
    loan = factories.loan_in(world, "npl")
    attachment = current_attachments(loan)[0]
    row, secret = api_clients.register(world.bank2, "他行系统", ["read", "decide"],
                                       world.admin)
    theirs = api_token(client, row.client_id, secret)
    base = f"/api/v1/applications/{loan.id}"
    person = world.officer2.email
    assert client.get(f"{base}/documents/{attachment.id}",
                      headers=_headers(theirs, person)).status_code == 404
    assert _upload(client, theirs, person, loan.id, "loan_contract",
                   factories.DEMO_PDF).status_code == 404
    # And a document of another application under this one's address is not found either.
    other = factories.loan_in(world, "npl")
    elsewhere = current_attachments(other)[0]
    assert client.get(f"{base}/documents/{elsewhere.id}",
                      headers=_headers(bank, world.officer1.email)).status_code == 404
