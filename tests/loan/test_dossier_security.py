"""How a loan is secured (担保方式), as the bank recorded it when it recommended the terms,
shows on every dossier the pool's bonus depends on: the bank's decision, the pool's filing
and the bank's claim form (read back from the rendered PDFs with pdftotext)."""

import subprocess

import pytest
from sqlalchemy import select

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.models import Dossier
from talentfin.services import outbox
from talentfin.storage import dossier_path
from talentfin.workflows import engine
from tests import factories

# The dossiers' Chinese wording of each kind of security (templates/pdf/loan/_zh.html).
WORDING = {"pure_credit": "纯信用（无保证、质押或抵押）", "guarantee": "保证",
           "pledge": "质押", "collateral": "抵押"}
AFTER_APPROVAL = ("bank_approve", "contract", "disburse", "file_with_pool", "report_overdue",
                  "classify_npl", "lodge_claim")
STAGES = ("bank_decision", "pool_filing", "claim_form")


def _pdf_text(dossier: Dossier) -> str:
    """The rendered dossier as pdftotext reads it, without its layout's spaces and breaks."""
    text = subprocess.run(["pdftotext", "-layout", str(dossier_path(dossier)), "-"],
                          check=True, capture_output=True, text=True).stdout
    return "".join(text.split())


def _loan_secured_by(world, security: str):
    """A loan the bank recommended as ``security``, walked to its claim."""
    application = factories.loan_in(world, "partner_review")
    engine.fire(application, "recommend", world.officer1, comment="经营稳定，建议授信。",
                data={"amount_fen": application.requested_amount_fen, "rate_bp": 360,
                      "term_months": 24, "security": security}, today=business_today())
    for trigger in AFTER_APPROVAL:
        factories.advance(world, application, trigger)
    assert application.status == "claim_review"
    return application


@pytest.mark.parametrize("security", sorted(WORDING))
def test_the_decision_filing_and_claim_dossiers_say_how_the_loan_is_secured(world, security):
    application = _loan_secured_by(world, security)
    assert outbox.run_pending()[1] == 0
    db.session.expire_all()
    dossiers = {d.stage: d for d in db.session.scalars(select(Dossier).where(
        Dossier.application_id == application.id, Dossier.stage.in_(STAGES)))}
    assert set(dossiers) == set(STAGES)
    for stage, dossier in dossiers.items():
        assert dossier.status == "ready", stage
        assert dossier.summary["terms"]["security"] == security, stage
        text = _pdf_text(dossier)
        assert f"担保方式{WORDING[security]}" in text, stage
        assert text.count("担保方式") == 1, stage
