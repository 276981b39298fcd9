"""Dossiers are PDF/A-3b and carry their frozen summary as an embedded JSON file (what is
checked, and what not without veraPDF: tests/pdfa.py); ``flask bundle extract FILE.pdf``
prints that JSON from the file alone.
"""

import json

import pytest
from sqlalchemy import select

from talentfin import pdf
from talentfin.demo import walk
from talentfin.extensions import db
from talentfin.models import Application
from talentfin.models import Dossier
from talentfin.services import outbox
from talentfin.services.dossier_rendering import render_dossier_pdf
from talentfin.storage import dossier_path
from talentfin.workflows.insurance import INSURANCE
from tests import factories
from tests.board import factories as board
from tests.bond import factories as bond
from tests.equity import factories as equity
from tests.insurance.factories import make_insurers
from tests.pdfa import assert_carries
from tests.pdfa import assert_pdfa_3b

DESCRIPTION = "本文书所依据的数据，于决定时冻结（JSON）"  # the document is Chinese


def _ready_dossiers(application) -> list[Dossier]:
    assert outbox.run_pending()[1] == 0
    db.session.expire_all()
    dossiers = list(db.session.scalars(select(Dossier).where(
        Dossier.application_id == application.id).order_by(Dossier.id)))
    assert dossiers and {d.status for d in dossiers} == {"ready"}
    return dossiers


def _insurance_in_underwriting(world):
    """An insurance application the park has recommended (quote request, park opinion)."""
    factories.user("park@demo.cn", "park_reviewer", world.park)
    insurers = make_insurers()
    return walk(INSURANCE, world.founder, insurers.insurer1, "underwriting", 3)


def assert_carries_summary(content: bytes, dossier: Dossier) -> None:
    """The PDF's one associated file is the dossier's summary as JSON data."""
    name = f"dossier-{dossier.summary['reference']}-{dossier.stage}-v{dossier.version}.json"
    assert_carries(content, name, dossier.summary, DESCRIPTION)


def test_every_dossier_of_a_covered_loan_is_pdfa_3b_carrying_its_summary(db, world):
    application = factories.loan_in(world, "covered")
    dossiers = _ready_dossiers(application)
    assert len(dossiers) == 4
    for dossier in dossiers:
        content = dossier_path(dossier).read_bytes()
        assert_pdfa_3b(content)
        assert_carries_summary(content, dossier)


def test_an_insurance_dossier_is_pdfa_3b_carrying_its_summary(db, world):
    application = _insurance_in_underwriting(world)
    dossiers = _ready_dossiers(application)
    assert {d.stage for d in dossiers} == {"application_form", "park_opinion"}
    for dossier in dossiers:
        content = dossier_path(dossier).read_bytes()
        assert_pdfa_3b(content)
        assert_carries_summary(content, dossier)
        assert dossier.summary["product"] == "insurance"


def _assert_every_dossier_pdfa(application, product: str, stages: set[str]) -> None:
    dossiers = _ready_dossiers(application)
    assert {d.stage for d in dossiers} == stages
    for dossier in dossiers:
        content = dossier_path(dossier).read_bytes()
        assert_pdfa_3b(content)
        assert_carries_summary(content, dossier)
        assert dossier.summary["product"] == product


def test_every_equity_dossier_to_the_committee_is_pdfa_3b_carrying_its_summary(db, world):
    application = equity.equity_in(world, equity.make_funds(size1=3), "publicity")
    _assert_every_dossier_pdfa(application, "equity", {
        "application_form", "park_opinion", "project_approval", "dd_summary",
        "ic_resolution"})


def test_the_bonds_and_an_allocations_dossiers_are_pdfa_3b_carrying_their_summary(db, world):
    allocation = bond.allocation_in(world, bond.make_underwriters(), "allocated")
    issue = db.session.get(Application, allocation.bond_id)
    _assert_every_dossier_pdfa(allocation, "bond", {
        "application_form", "park_opinion", "allocation_notice"})
    _assert_every_dossier_pdfa(issue, "bond_issue", {"registration", "issue_terms"})


def test_every_board_dossier_to_the_listing_is_pdfa_3b_carrying_its_summary(db, world):
    listing = board.listing_in(world, board.make_exchange(), "listed")
    _assert_every_dossier_pdfa(listing, "board", {
        "application_form", "park_opinion", "broker_recommendation", "listing_notice"})


def test_a_retried_render_gives_the_same_bytes(db, world):
    application = factories.loan_in(world, "park_review")
    dossier = _ready_dossiers(application)[0]
    assert render_dossier_pdf(dossier) == dossier_path(dossier).read_bytes()


def test_the_data_comes_back_out_of_the_pdf_alone(db, world, runner, tmp_path):
    application = factories.loan_in(world, "approved")
    dossier = _ready_dossiers(application)[-1]
    copy = tmp_path / "received.pdf"
    copy.write_bytes(dossier_path(dossier).read_bytes())
    result = runner.invoke(["bundle", "extract", str(copy)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == dossier.summary
    assert dossier.summary["decision"]["trigger"] in result.output


@pytest.mark.parametrize(("content", "message"), [
    (b"not a pdf", "not a readable PDF"),
    (None, "carries no embedded JSON data"),  # a PDF of the same renderer, without data
])
def test_extracting_from_a_file_without_the_data_says_so(app, runner, tmp_path, content,
                                                         message):
    path = tmp_path / "other.pdf"
    with app.app_context():
        path.write_bytes(content or pdf.html_to_pdf("<p>no data here</p>"))
    result = runner.invoke(["bundle", "extract", str(path)])
    assert result.exit_code == 1 and message in result.output
