"""The load test's users (Locust): founders drafting and submitting applications with their
documents, the park's reviewers and the banks' officers and approvers claiming and deciding
from their queues, the pool's staff on the pool dashboard, dossier downloads and public
verification lookups. Every user posts the pages' real forms (CSRF tokens included).

Settings (environment), as ``make loadtest`` passes them:
  LOADTEST_HOSTS     the web servers, space-separated; requests go to each in turn
                     (default: Locust's --host)
  LOADTEST_RECORD    the file where users record what they submitted and decided, one JSON
                     object a line, for ``flask loadtest-check`` (loadtest-record.jsonl)
  LOADTEST_FOUNDERS  how many load founders ``flask loadtest-seed`` made (100)
  LOADTEST_REVIEWERS how many reviewers of each kind it made (4)

The rate limits count per network address: each user sends its own X-Forwarded-For
address, which the server believes only when started with TALENTFIN_PROXY_COUNT=1.
"""

import itertools
import json
import os
import random
import re

from locust import HttpUser
from locust import between
from locust import task

from loadtest.forms import form_posting_to
from loadtest.forms import forms_of

PASSWORD = "demo-pass-2026"  # noqa: S105 (the demo's, published in the README)
DOMAIN = "load.demo.cn"
# A minimal valid PDF, so uploads pass the server's content check.
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
PURPOSE = "研发投入与市场拓展：采购测试设备、扩充研发团队（压力测试）。"
# What a founder types into each product's request step (fields left as the page has them
# otherwise); the products drafted, loans most often.
REQUESTS = {
    "loan": {"requested_amount": "300,000", "purpose": PURPOSE, "annual_revenue": "2,000,000",
             "net_profit": "150,000", "employees": "20"},
    "insurance": {"cover": "rd_loss", "requested_amount": "200,000",
                  "project_name": "海洋传感器研发项目", "purpose": PURPOSE},
    "board": {"requested_tier": "incubation", "shareholders": "3", "purpose": PURPOSE},
}
PRODUCTS = ("loan", "loan", "loan", "insurance", "board")
# What a reviewer types into a decision form's empty fields, by the field's own name.
DECISION_VALUES = {"comment": "材料齐全，同意（压力测试）。", "rate": "3.50",
                   "security": "pure_credit"}
# Each kind of reviewer: its queue's state and the decision it takes there.
REVIEWS = {"park": ("park_review", "park_approve"),
           "officer": ("partner_review", "recommend"),
           "approver": ("bank_approval", "bank_approve")}
# Documented refusals: the item was taken by a colleague meanwhile (409), or decided.
LOST_RACE = (409,)

_addresses = itertools.count(1)
_accounts = {kind: itertools.count() for kind in ("founder", *REVIEWS)}
# Where this run starts in the list of load founders: runs on one day spread the uploads
# over the accounts (each account may upload 100 files in 24 hours).
_founder_offset = random.randrange(10_000)
verify_codes: list[str] = []  # codes seen on application pages, for the verify users


def _hosts(default: str) -> list[str]:
    return os.environ.get("LOADTEST_HOSTS", "").split() or [default]


def record(kind: str, application_id: int, trigger: str, user: str) -> None:
    """Note a submission or decision for the after-check."""
    path = os.environ.get("LOADTEST_RECORD", "loadtest-record.jsonl")
    with open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps({"kind": kind, "id": application_id, "trigger": trigger,
                              "user": user}) + "\n")


class TalentfinUser(HttpUser):
    """A browser of one person: its own address, cookies, and the servers in turn."""

    abstract = True
    wait_time = between(1, 3)
    email = ""

    def on_start(self):
        self.new_address()
        self._hosts = itertools.cycle(_hosts(self.host))

    def new_address(self) -> None:
        """This user's own network address (as a proxy would forward it)."""
        number = next(_addresses)
        self.client.headers["X-Forwarded-For"] = f"10.77.{number // 250}.{number % 250 + 1}"

    def url(self, path: str) -> str:
        """``path`` on the next server."""
        return next(self._hosts) + path

    def get(self, path: str, name: str, **kwargs):
        """A GET named by its endpoint, so the statistics group per endpoint."""
        return self.client.get(self.url(path), name=name, **kwargs)

    def post(self, path: str, name: str, **kwargs):
        """A POST named by its endpoint; redirects are not followed (the answer counts)."""
        return self.client.post(self.url(path), name=name, allow_redirects=False, **kwargs)

    def log_in(self, email: str) -> None:
        """Log in with the login page's form."""
        self.email = email
        page = self.get("/login", "/login")
        form = form_posting_to(page.text, "")
        with self.post("/login", "/login [post]", catch_response=True,
                       data={**form.values, "email": email, "password": PASSWORD}) as answer:
            if answer.status_code != 302:
                answer.failure(f"login of {email}: {answer.status_code}")

    def application_page(self, application_id: int):
        """An application's page; its verification codes are kept for the verify users."""
        page = self.get(f"/applications/{application_id}", "/applications/<id>")
        verify_codes.extend(re.findall(r'<td class="mono">([A-Z0-9-]{6,})</td>', page.text))
        del verify_codes[:-500]
        return page

    def download_dossier(self, page) -> None:
        """Download one of the ready dossiers on an application's page."""
        links = re.findall(r'href="(/applications/\d+/dossiers/\d+)"', page.text)
        if links:
            self.get(random.choice(links), "/applications/<id>/dossiers/<id>")


class Founder(TalentfinUser):
    """A founder: drafts an application of a product, uploads its documents, submits it;
    reads the applications' pages and downloads their dossiers."""

    weight = 6

    def on_start(self):
        super().on_start()
        count = int(os.environ.get("LOADTEST_FOUNDERS", "100"))
        number = (_founder_offset + next(_accounts["founder"])) % count + 1
        self.log_in(f"load-founder-{number:03d}@{DOMAIN}")

    @task(3)
    def apply(self):
        """Draft, fill, upload, submit (the application's steps in order)."""
        product = random.choice(PRODUCTS)
        mine = self.get("/applications/", "/applications/")
        opening = next((f for f in forms_of(mine.text)
                        if f.values.get("product") == product), None)
        if opening is None:
            return
        answer = self.post("/applications/new", "/applications/new", data=opening.values)
        found = re.search(r"/applications/(\d+)/edit/company", answer.headers.get("Location", ""))
        if found is None:
            return
        application_id = int(found.group(1))
        steps = f"/applications/{application_id}/edit"
        self.get(f"{steps}/company", "/applications/<id>/edit/company")
        if not self.fill_request(steps, product) or not self.upload_documents(steps):
            return
        review = self.get(f"{steps}/review", "/applications/<id>/edit/review")
        self.submit(application_id, review.text)

    def fill_request(self, steps: str, product: str) -> bool:
        page = self.get(f"{steps}/request", "/applications/<id>/edit/request")
        form = form_posting_to(page.text, "")
        if form is None:
            return False
        values = {**form.values, **REQUESTS[product]}
        if form.options.get("partner_org_id"):  # the founder's own choice of partner
            values["partner_org_id"] = random.choice(form.options["partner_org_id"])
        with self.post(f"{steps}/request", "/applications/<id>/edit/request [post]",
                       data=values,
                       catch_response=True) as answer:
            if not answer.headers.get("Location", "").endswith("/edit/documents"):
                answer.failure(f"{product} request not saved: {answer.status_code}")
                return False
        return True

    def upload_documents(self, steps: str) -> bool:
        """Upload the document the page asks for next until none is missing (True)."""
        for _ in range(8):
            page = self.get(f"{steps}/documents", "/applications/<id>/edit/documents")
            form = form_posting_to(page.text, "")
            if form is None or "kind" not in form.selected:  # nothing missing any more
                return True
            with self.post(f"{steps}/documents", "/applications/<id>/edit/documents [post]",
                           data=form.values, catch_response=True,
                           files={"file": (f"{form.values['kind']}.pdf", PDF,
                                           "application/pdf")}) as answer:
                if answer.status_code != 302:
                    answer.failure(f"upload refused: {answer.status_code}")
                    return False
        return False

    def submit(self, application_id: int, review: str) -> None:
        form = form_posting_to(review, "/fire/submit")
        if form is None:
            return
        with self.post(f"/applications/{application_id}/fire/submit",
                       "/applications/<id>/fire/submit", data=form.values,
                       catch_response=True) as answer:
            if answer.status_code == 302 and answer.headers["Location"].endswith(
                    f"/applications/{application_id}"):
                record("submitted", application_id, "submit", self.email)
            else:
                answer.failure(f"submit refused: {answer.status_code}")

    @task(2)
    def read_applications(self):
        """The list, one application's page and one of its dossiers."""
        mine = self.get("/applications/", "/applications/")
        ids = re.findall(r'href="/applications/(\d+)"', mine.text)
        if ids:
            self.download_dossier(self.application_page(int(random.choice(ids))))


class Reviewer(TalentfinUser):
    """A reviewer of ``kind``: opens the queue, claims an item, decides it with the real
    decision form (the claim may be lost to a colleague: the documented 409)."""

    abstract = True
    kind = ""

    def on_start(self):
        super().on_start()
        count = int(os.environ.get("LOADTEST_REVIEWERS", "4"))
        self.log_in(f"load-{self.kind}-{next(_accounts[self.kind]) % count + 1:03d}@{DOMAIN}")

    @task
    def work_queue(self):
        """Queue, claim, decide."""
        state, trigger = REVIEWS[self.kind]
        queue = self.get(f"/queue/?status={state}&product=loan" if self.kind != "park"
                         else f"/queue/?status={state}", "/queue/")
        ids = re.findall(r'href="/applications/(\d+)"', queue.text)
        if not ids:
            return
        application_id = int(random.choice(ids[:10]))
        page = self.application_page(application_id)
        claim = form_posting_to(page.text, f"/applications/{application_id}/claim")
        if claim is not None:
            self.post(f"/applications/{application_id}/claim", "/applications/<id>/claim",
                      data=claim.values)
            page = self.application_page(application_id)
        self.decide(application_id, trigger, page.text)
        self.download_dossier(page)

    def decide(self, application_id: int, trigger: str, page: str) -> None:
        form = form_posting_to(page, f"/fire/{trigger}")
        if form is None:  # a colleague holds it, or it moved on: nothing to decide
            return
        values = dict(form.values)
        for name, value in values.items():
            own = name.removeprefix(f"{trigger}-")
            if not value.strip() and own in DECISION_VALUES:
                values[name] = DECISION_VALUES[own]
        with self.post(f"/applications/{application_id}/fire/{trigger}",
                       f"/applications/<id>/fire/{trigger}", data=values,
                       catch_response=True) as answer:
            if answer.status_code == 302:
                record("decided", application_id, trigger, self.email)
            elif answer.status_code in LOST_RACE:
                answer.success()  # a colleague decided it first: the documented refusal
            else:
                answer.failure(f"{trigger} refused: {answer.status_code}")


class ParkReviewer(Reviewer):
    """The park's reviewers recommend every product's applications to its partner."""

    weight = 2
    kind = "park"


class BankOfficer(Reviewer):
    """A bank's credit officers recommend the loan's terms."""

    weight = 1
    kind = "officer"


class BankApprover(Reviewer):
    """A bank's approvers approve the recommended loans."""

    weight = 1
    kind = "approver"


class PoolStaff(TalentfinUser):
    """The pool's staff on its dashboard, ledger and covered loans."""

    weight = 1

    def on_start(self):
        super().on_start()
        self.log_in("pool@demo.cn")

    @task(3)
    def dashboard(self):
        self.get("/pool/", "/pool/")

    @task(1)
    def ledger(self):
        self.get("/pool/ledger", "/pool/ledger")

    @task(1)
    def loans(self):
        self.get("/pool/loans", "/pool/loans")


class Verifier(TalentfinUser):
    """People checking dossiers' codes on the public page (no login), a few codes each
    from their own address (the page allows 60 an address in ten minutes); now and then
    a code mistyped, which the page answers with the documented 404."""

    weight = 1
    lookups = 0

    @task
    def lookup(self):
        self.lookups += 1
        if self.lookups % 10 == 0:  # the next person
            self.new_address()
        if verify_codes and random.random() < 0.9:
            self.get(f"/verify/{random.choice(verify_codes)}", "/verify/<code>")
            return
        with self.get("/verify/NO-SUCH-CODE", "/verify/<unknown code>",
                      catch_response=True) as answer:
            if answer.status_code == 404:
                answer.success()
