"""What the insurance tests share beside the factories: pages as the user reads them (in
English), uploads of a later stage, refusals, policy parameters, and a guaranteed loan."""

import html
import io
from datetime import date
from datetime import timedelta

from sqlalchemy import select

from talentfin.clock import business_today
from talentfin.demo import DEMO_PDF
from talentfin.extensions import db
from talentfin.models import PolicyParameter
from talentfin.workflows.insurance.models import InsuranceOffer
from tests import factories
from tests.insurance.factories import policy_in
from tests.web import fire
from tests.web import text as raw_text

TODAY = business_today()


def text(response) -> str:
    """The page as the user reads it (entities decoded)."""
    return html.unescape(raw_text(response))


def day(offset: int = 0) -> str:
    """Today plus ``offset`` days, as a date field takes it."""
    return (business_today() + timedelta(days=offset)).isoformat()


def stage_upload(client, application_id: int, kind: str):
    """Upload a document of a later stage (an invoice, a claim form) from the page."""
    return client.post(f"/applications/{application_id}/documents", data={
        "document-kind": kind, "document-file": (io.BytesIO(DEMO_PDF), f"{kind}.pdf")},
        content_type="multipart/form-data")


def refused(client, application_id: int, trigger: str, **fields) -> str:
    """Fire a transition's form that must be refused; the page the user then reads."""
    response = fire(client, application_id, trigger, **fields)
    assert response.status_code == 422, (response.status_code, text(response)[:2000])
    return text(response)


def done(client, application_id: int, trigger: str, **fields) -> None:
    """Fire a transition's form that must go through."""
    response = fire(client, application_id, trigger, **fields)
    assert response.status_code == 302, text(response)[-3000:]


def set_parameter(key: str, value: str, since: date = date(2020, 1, 1)) -> None:
    """A policy parameter's new value, in force from ``since``."""
    db.session.add(PolicyParameter(key=key, value=value, effective_from=since))
    db.session.commit()


def offer(insurer, cover: str) -> InsuranceOffer:
    """An insurer's terms for a cover."""
    return db.session.scalar(select(InsuranceOffer).where(
        InsuranceOffer.org_id == insurer.id, InsuranceOffer.cover == cover))


def guaranteed(world, insurers, state: str, loan_state: str = "covered", **kwargs):
    """(loan, guarantee policy in ``state``): a covered loan of the founder at bank 1 and a
    loan-guarantee policy of insurer 1 on it (1,000,000 yuan at 3.60 % over 24 months)."""
    loan = factories.loan_in(world, loan_state)
    policy = policy_in(world, insurers, state, cover="loan_guarantee", loan=loan, **kwargs)
    return loan, policy


def to_npl(world, loan) -> None:
    """The bank reports the loan overdue, then classifies it non-performing."""
    factories.advance(world, loan, "report_overdue")
    factories.advance(world, loan, "classify_npl")
    assert loan.status == "npl"
