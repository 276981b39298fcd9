"""The authorization map through the API over every operation besides reading a file and
deciding (tests/core/test_api_matrix.py): the queue, a document's and a dossier's download,
a document's upload, the loan's repayments and arrears, the pool's figures and the policy
on a date. Every staff account of the world asks through its own organisation's client and
gets the page's answer: 200 (201) for what the page shows or takes, the page's 404 or 403
otherwise, and nothing changes on a refusal. The auditor and the administrator, who belong
to no organisation, read through the programme's own client (read only)."""

import csv
import hashlib
import io
from datetime import date

import pytest
from sqlalchemy import func
from sqlalchemy import select

from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import Attachment
from talentfin.models import Dossier
from talentfin.models import TransitionLog
from talentfin.models import User
from talentfin.services import api_clients
from talentfin.services.applications import current_attachments
from talentfin.services.loan.repayments import COLUMNS
from talentfin.storage import dossier_path
from talentfin.workflows import access
from talentfin.workflows.loan.models import Repayment
from talentfin.workflows.registry import product_for
from tests import factories
from tests.core.test_api_matrix import MAKERS
from tests.core.test_api_matrix import _tokens
from tests.loan.test_servicing import due
from tests.loan.test_servicing import on
from tests.web import api_token
from tests.web import fresh
from tests.web import page_references
from tests.web import switch_to
from tests.web import text


class Scene:
    """A file of every product waiting for its institution (with its documents and its
    dossiers rendered), a loan in the park's review, one waiting for the other bank, and
    every staff account with the token of its organisation's client (the auditor's and the
    administrator's: the programme's read-only client)."""

    def __init__(self, app, client, world):
        self.files = {product: make(world) for product, make in sorted(MAKERS.items())}
        self.files["park"] = factories.loan_in(world, "park_review")
        self.files["bank2"] = factories.loan_in(world, "partner_review",
                                                founder=world.founder2, bank=world.bank2)
        for dossier in db.session.scalars(select(Dossier)):
            dossier.status, dossier.file_name = "ready", f"matrix-{dossier.id}.pdf"
            dossier.sha256 = hashlib.sha256(factories.DEMO_PDF).hexdigest()
            dossier_path(dossier).write_bytes(factories.DEMO_PDF)
        db.session.commit()
        app.config["API_RATE_LIMIT"] = 100_000  # many calls of one client, in one test
        self.tokens = _tokens(client, world)
        self.staff = db.session.scalars(select(User).where(User.org_id.is_not(None))
                                        .order_by(User.id)).all()
        assert len(self.staff) >= 30
        # The auditors and the administrators read through the programme's own client.
        self.programme_staff = [world.auditor, world.admin]
        row, secret = api_clients.register(None, "审计系统", ["read"], world.admin)
        self.tokens[None] = api_token(client, row.client_id, secret)
        self.readers = [*self.staff, *self.programme_staff]

    def headers(self, user: User) -> dict:
        """A call for ``user`` through their organisation's client."""
        return {"Authorization": f"Bearer {self.tokens[user.org_id]}",
                "On-Behalf-Of": user.email}


@pytest.fixture
def scene(app, client, world) -> Scene:
    return Scene(app, client, world)


def fingerprint() -> tuple:
    """What a refusal must leave as it was: every file's state and version, its documents,
    dossiers, log and the loans' repayments."""
    db.session.expire_all()
    counts = tuple(db.session.scalar(select(func.count(model.id))) for model in (
        Attachment, Dossier, TransitionLog, Repayment))
    return (*counts, tuple(db.session.execute(select(
        Application.id, Application.status, Application.version).order_by(Application.id))))


def test_the_queue_lists_what_the_queue_page_lists_and_nothing_of_another_organisation(
        client, auth, scene):
    listed_somewhere = set()
    for user in scene.readers:
        switch_to(auth, user)
        for status in ("", "all"):
            page = client.get(f"/queue/?status={status}")
            api = client.get(f"/api/v1/queue/?status={status}&limit=100",
                             headers=scene.headers(user))
            if user.role == "admin":  # no queue in the pages: none through the API
                assert (page.status_code, api.status_code) == (404, 404), user.email
                continue
            assert (page.status_code, api.status_code) == (200, 200), user.email
            body = api.get_json()
            references = [item["reference"] for item in body["items"]]
            assert sorted(references) == sorted(page_references(text(page))), user.email
            assert body["next"] is None
            for item in body["items"]:
                application = db.session.get(Application, item["id"])
                assert access.can_view(user, application), (user.email, item)
                # A partner sees its own files: none waiting for another institution.
                if application.partner_org_id is not None and user.org is not None \
                        and user.org.kind != "park":
                    assert application.partner_org_id == user.org_id or \
                        application.product == "bond_issue", (user.email, item)
            listed_somewhere.update(references)
    # Every waiting file was in someone's queue (the other bank's and the park's too).
    assert {a.reference for a in scene.files.values()} <= listed_somewhere


def _download_answers(client, user, scene, page_url: str, api_url: str,
                      sha256: str) -> tuple[int, int]:
    """The page's and the API's status for one file; a file sent is the page's bytes, with
    the hash the application lists."""
    page = client.get(page_url)
    api = client.get(api_url, headers=scene.headers(user))
    if api.status_code == 200:
        assert api.data == page.data and hashlib.sha256(api.data).hexdigest() == sha256
        assert api.headers["X-Content-SHA256"] == sha256
    return page.status_code, api.status_code


def test_documents_and_dossiers_download_for_whoever_the_page_lets_read_them(
        client, auth, scene):
    wrong, seen = [], set()
    for user in scene.readers:
        switch_to(auth, user)
        for product, application in scene.files.items():
            base = f"/applications/{application.id}"
            document = current_attachments(application)[0]
            answers = [(f"{product} document", _download_answers(
                client, user, scene, f"{base}/files/{document.id}",
                f"/api/v1{base}/documents/{document.id}", document.sha256))]
            # Its latest dossier (the park's opinion; a bond issue's terms).
            for dossier in db.session.scalars(select(Dossier).where(
                    Dossier.application_id == application.id)
                    .order_by(Dossier.id.desc()).limit(1)):
                answers.append((f"{product} {dossier.stage}", _download_answers(
                    client, user, scene, f"{base}/dossiers/{dossier.id}",
                    f"/api/v1{base}/dossiers/{dossier.id}", dossier.sha256)))
            for what, (page, api) in answers:
                seen.add(page)
                if page != api or page not in (200, 404):
                    wrong.append(f"{user.email} {what}: page {page}, api {api}")
    assert wrong == []
    assert seen == {200, 404}


def _kind(user: User, application: Application) -> str:
    """The kind the person uploads now, or (having none) one of the product's staff's."""
    theirs = access.uploadable_documents(user, application)
    if theirs:
        return theirs[0].key
    documents = product_for(application.product).documents
    staff = [d.key for d in documents if "founder" not in d.roles]
    return (staff or [documents[0].key])[0]


def test_a_document_is_uploaded_by_whoever_the_page_lets_upload_it(client, auth, scene):
    wrong, answers = [], set()
    for user in scene.staff:
        switch_to(auth, user)
        for product, application in scene.files.items():
            kind = _kind(user, application)
            before = fingerprint()
            page = client.post(f"/applications/{application.id}/documents", data={
                "document-kind": kind,
                "document-file": (io.BytesIO(factories.DEMO_PDF), f"{kind}.pdf")},
                content_type="multipart/form-data").status_code
            page_took = fingerprint() != before
            before = fingerprint()
            api = client.post(f"/api/v1/applications/{application.id}/documents", data={
                "kind": kind, "file": (io.BytesIO(factories.DEMO_PDF), f"{kind}.pdf")},
                content_type="multipart/form-data", headers=scene.headers(user))
            expected = 201 if page == 302 and page_took else page
            answers.add(expected)
            if api.status_code != expected or expected not in (201, 403, 404):
                wrong.append(f"{user.email} {product} {kind}: page {page}, "
                             f"api {api.status_code}")
            if api.status_code == 201:
                stored = db.session.get(Attachment, api.get_json()["id"])
                assert (stored.application_id, stored.kind, stored.uploaded_by_id) == (
                    application.id, kind, user.id)
            else:  # refused: nothing changed
                assert fingerprint() == before, (user.email, product)
    assert wrong == []
    assert answers == {201, 403, 404}  # the broker's staff upload their due diligence


def _csv(item: dict) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerow(item)
    return out.getvalue().encode()


def test_repayments_are_reported_by_whoever_the_page_lets_report_them(
        client, auth, world, scene):
    loan = factories.loan_in(world, "covered")
    month = iter(range(1, 100))

    def item() -> dict:
        number = next(month)
        return {"reference": loan.reference, "due_on": due(loan, number),
                "paid_on": on(loan, number), "principal_yuan": "1000", "interest_yuan": "10"}

    wrong, answers = [], set()
    for user in scene.staff:
        switch_to(auth, user)
        before = fingerprint()
        page = client.post("/loan/repayments", data={
            "file": (io.BytesIO(_csv(item())), "repayments.csv")},
            content_type="multipart/form-data").status_code
        assert (fingerprint() != before) == (page == 200), user.email
        before = fingerprint()
        api = client.post("/api/v1/loans/repayments", json={"repayments": [item()]},
                          headers=scene.headers(user))
        answers.add(page)
        if api.status_code != page:
            wrong.append(f"{user.email}: page {page}, api {api.status_code}")
        elif page == 422:  # the other bank's: the loan named as none of theirs
            assert list(api.get_json()["errors"]["repayments"]) == ["1"]
        if api.status_code == 200:
            assert fingerprint()[3] == before[3] + 1
        else:
            assert fingerprint() == before, user.email
    assert wrong == []
    assert answers == {200, 404, 422}


def test_arrears_are_reported_by_whoever_the_page_lets_report_them(
        client, auth, world, scene):
    shared = factories.loan_in(world, "covered")
    wrong, answers = [], set()
    for user in scene.staff:
        switch_to(auth, user)
        ours = user.org_id == world.bank1.id
        loan = factories.loan_in(world, "covered") if ours else shared
        # The page's answer without a change: the form sent empty (422 for who may).
        page = client.post(f"/applications/{loan.id}/fire/report_overdue",
                           data={}).status_code
        before = fingerprint()
        api = client.post("/api/v1/loans/arrears", json={"arrears": [{
            "reference": loan.reference, "classification": "special_mention",
            "overdue_since": fresh(loan.id).disbursed_on.isoformat()}]},
            headers=scene.headers(user))
        answers.add((page, api.status_code))
        if api.status_code == 200:
            assert fresh(loan.id).status == "overdue"
        else:
            assert fingerprint() == before, user.email
        # The page's 403 (the park, the pool: they see the loan) and 404 (the others); the
        # other bank's staff, whose role reports arrears, get the loan named as none of
        # theirs (the batch names each refused item, as the CSV does).
        expected = {422: 200, 403: 403,
                    404: 422 if user.org.kind == "bank" else 404}.get(page)
        if api.status_code != expected:
            wrong.append(f"{user.email}: page {page}, api {api.status_code}")
        elif expected == 422:
            assert list(api.get_json()["errors"]["arrears"]) == ["1"]
    assert wrong == []
    assert answers == {(422, 200), (403, 403), (404, 422), (404, 404)}


def test_the_pool_and_the_policy_are_read_by_whoever_reads_them_in_the_pages(
        client, auth, scene):
    wrong, readers = [], set()
    day = date(2026, 1, 15)
    for user in scene.readers:
        switch_to(auth, user)
        before = fingerprint()
        for page_url, api_url in (("/pool/", "/api/v1/pool/figures"),
                                  ("/policy/", f"/api/v1/policy?on={day.isoformat()}")):
            page = client.get(page_url).status_code
            api = client.get(api_url, headers=scene.headers(user))
            if api.status_code != page or page not in (200, 404):
                wrong.append(f"{user.email} {api_url}: page {page}, api {api.status_code}")
            if api.status_code == 200:
                readers.add(user.role)
                body = api.get_json()
                assert body.get("parameters") or "balance_fen" in body
        assert fingerprint() == before
    assert wrong == []
    # The pool's staff read both; the auditor both, through the programme's client; the
    # administrator the policy alone.
    assert readers == {"pool_admin", "pool_committee", "auditor", "admin"}
