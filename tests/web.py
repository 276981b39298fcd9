"""Helpers for tests that drive the app through the web client as a user would."""

import base64
import io
import re

from sqlalchemy import select

from talentfin.demo import DEMO_PDF
from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import OutboxTask
from talentfin.models import TransitionLog
from talentfin.models import User
from talentfin.workflows.loan.labels import REQUIRED_DOCUMENTS as REQUIRED_LOAN_ATTACHMENTS


def login(auth, user: User) -> None:
    """Log in through the real form and read the pages in English.

    The English switch keeps the asserted texts stable whatever the Chinese catalogue says.
    """
    response = auth.login(user.email)
    assert response.status_code == 302, response.get_data(as_text=True)
    auth._client.post("/language", data={"lang": "en"})


def switch_to(auth, user: User) -> None:
    """Log out whoever is logged in and log in as ``user``."""
    auth.logout()
    login(auth, user)


def text(response) -> str:
    """The response body as text."""
    return response.get_data(as_text=True)


def fire(client, application_id: int, trigger: str, follow: bool = False, **fields):
    """Post a transition's form; field names get the trigger's prefix as on the page."""
    data = {f"{trigger}-{name}": value for name, value in fields.items()}
    return client.post(f"/applications/{application_id}/fire/{trigger}", data=data,
                       follow_redirects=follow)


def upload(client, application_id: int, kind: str, content: bytes = DEMO_PDF,
           name: str | None = None, follow: bool = False):
    """Upload one document on the documents step."""
    return client.post(
        f"/applications/{application_id}/edit/documents",
        data={"kind": kind, "file": (io.BytesIO(content), name or f"{kind}.pdf")},
        content_type="multipart/form-data", follow_redirects=follow,
    )


def fresh(application_id: int) -> Application:
    """The application as the database has it now (not a stale session copy)."""
    db.session.expire_all()
    return db.session.get(Application, application_id)


def logs(application_id: int) -> list[TransitionLog]:
    """The application's transition log rows, oldest first."""
    db.session.expire_all()
    return list(db.session.scalars(
        select(TransitionLog).where(TransitionLog.application_id == application_id)
        .order_by(TransitionLog.id)
    ))


def status_label(response) -> str:
    """The status badge of the detail page, as the user reads it."""
    found = re.search(r'id="status">([^<]*)<', text(response))
    assert found, "no status badge on the page"
    return found.group(1).strip()


LOAN_REQUEST = {
    "requested_amount": "1,000,000", "requested_term_months": "24",
    "purpose": "采购研发设备与扩充研发团队。", "annual_revenue": "5,000,000.00",
    "net_profit": "300,000", "employees": "10",
}


def founder_applies(client, bank_id: int, **changes) -> int:
    """Start a draft, fill the request step and upload the four required documents."""
    response = client.post("/applications/new", data={"product": "loan"})
    assert response.status_code == 302, text(response)
    # A new application opens at the first step of the form.
    assert "/edit/company" in response.headers["Location"]
    application_id = int(response.headers["Location"].split("/")[-3])
    data = {**LOAN_REQUEST, "partner_org_id": str(bank_id), **changes}
    response = client.post(f"/applications/{application_id}/edit/request", data=data)
    assert response.status_code == 302, text(response)
    for kind in REQUIRED_LOAN_ATTACHMENTS:
        assert upload(client, application_id, kind).status_code == 302
    return application_id


def register_and_confirm(client, data: dict):
    """Register a founder through the pages: the form, then the link of the mail it sends
    (read from the outbox, as the worker would send it). The link's response."""
    response = client.post("/register", data=data)
    assert response.status_code == 200 and 'id="register-sent"' in response.get_data(
        as_text=True), response.get_data(as_text=True)[-2000:]
    link = registration_link(data["email"])
    assert 'id="confirm-registration"' in client.get(link).get_data(as_text=True)
    return client.post(link)


def registration_link(email: str) -> str:
    """The path of the newest registration link mailed to ``email``."""
    task = db.session.scalars(select(OutboxTask).where(OutboxTask.kind == "send_mail")
                              .order_by(OutboxTask.id.desc())).first()
    assert task is not None and task.payload["to"] == email.strip().lower(), task
    found = re.search(r"https?://[^/\s]+(/register/confirm/\S+)", task.payload["body"])
    assert found, task.payload["body"]
    return found.group(1)


TOKEN_URL = "/api/v1/oauth/token"

# An officer's recommendation of a loan, the body of a "recommend" through the API.
TERMS = {"amount": "800000", "rate": "3.45", "term_months": "24", "security": "pure_credit",
         "comment": "经营稳定，建议批准。"}


def api_basic(client_id: str, secret: str) -> dict:
    """The Basic authorization header of an API client's id and secret."""
    pair = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {pair}"}


def api_token(client, client_id: str, secret: str) -> str:
    """An access token of the partner API, through the client-credentials flow."""
    response = client.post("/api/v1/oauth/token", data={"grant_type": "client_credentials"},
                           headers=api_basic(client_id, secret))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    return body["access_token"]


def api_decide(client, token: str, person: str, application_id: int, trigger: str,
               body: dict, **headers):
    """Fire a transition through the partner API for ``person`` (On-Behalf-Of)."""
    return client.post(f"/api/v1/applications/{application_id}/transitions/{trigger}",
                       json=body, headers={"Authorization": f"Bearer {token}",
                                           "On-Behalf-Of": person, **headers})


def queue_page_text(client, url: str) -> str:
    """A queue page by a link as found in a page (``&amp;`` unescaped): its text; a 200."""
    response = client.get(url.replace("&amp;", "&"))
    assert response.status_code == 200
    return text(response)


def pager_link(page: str, label: str) -> str | None:
    """The pager's link of that label ("Next", "Previous"), or None when it is not a link."""
    found = re.search(rf'<li class="page-item ?"><a class="page-link" href="([^"]+)">{label}<',
                      page)
    return found.group(1) if found else None


def page_references(page: str) -> list[str]:
    """The references of the page's rows, in order."""
    return re.findall(r'<td><a href="/applications/\d+">([^<]+)</a></td>', page)
