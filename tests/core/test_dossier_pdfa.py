"""Dossiers are PDF/A-3b and carry their frozen summary as an embedded JSON file.

veraPDF (the reference validator) cannot be installed here, so these tests read the PDF
with pikepdf and check what ISO 19005-3 level B asks that can be seen in the objects: the
XMP identification, the sRGB output intent, embedded fonts, no encryption nor JavaScript,
the document ID, the info dictionary mirrored in XMP, and the associated file (its MIME
subtype, AFRelationship, its place in the catalog's /AF, and its JSON: the summary).
``flask bundle extract FILE.pdf`` prints that JSON from the file alone.
"""

import hashlib
import io
import json

import pikepdf
import pytest
from sqlalchemy import select

from talentfin import pdf
from talentfin.demo import walk
from talentfin.extensions import db
from talentfin.models import Dossier
from talentfin.services import outbox
from talentfin.services.dossier_rendering import render_dossier_pdf
from talentfin.storage import dossier_path
from talentfin.workflows.insurance import INSURANCE
from tests import factories
from tests.insurance.factories import make_insurers

# Info dictionary keys and the XMP properties that must say the same (ISO 19005-3, 6.6.2.3).
INFO_IN_XMP = {"/Title": "dc:title", "/Producer": "pdf:Producer", "/Author": "dc:creator",
               "/Subject": "dc:description", "/Keywords": "pdf:Keywords",
               "/Creator": "xmp:CreatorTool"}


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


def _fonts(document: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    return [obj for obj in document.objects
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font"]


def _has_font_file(font: pikepdf.Dictionary) -> bool:
    if font.Subtype == "/Type3":  # glyphs drawn by the PDF's own content streams
        return True
    if font.Subtype == "/Type0":
        font = font.DescendantFonts[0]
    descriptor = font.get("/FontDescriptor")
    return descriptor is not None and any(
        key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def _javascript(document: pikepdf.Pdf) -> list:
    names = document.Root.get("/Names", {})
    found = ["/JavaScript name tree"] if "/JavaScript" in names else []
    for obj in document.objects:
        if isinstance(obj, pikepdf.Dictionary) and (
                "/JS" in obj or obj.get("/S") == "/JavaScript"):
            found.append(obj)
    return found


def assert_pdfa_3b(content: bytes) -> None:
    """What of PDF/A-3b can be checked without veraPDF."""
    assert content.startswith(b"%PDF-1.7")
    with pikepdf.open(io.BytesIO(content)) as document:
        meta = document.open_metadata()
        assert meta["pdfaid:part"] == "3" and meta["pdfaid:conformance"] == "B"
        for key, prop in INFO_IN_XMP.items():
            if key in document.docinfo:
                assert str(document.docinfo[key]) in str(meta.get(prop)), key

        intents = document.Root.OutputIntents
        assert len(intents) == 1 and intents[0].S == "/GTS_PDFA1"
        profile = intents[0].DestOutputProfile
        assert profile.N == 3 and profile.read_bytes()[36:40] == b"acsp"  # an ICC profile

        fonts = _fonts(document)
        assert fonts and all(_has_font_file(font) for font in fonts)
        assert not document.is_encrypted and "/Encrypt" not in document.trailer
        assert not _javascript(document) and "/OpenAction" not in document.Root
        assert "/AA" not in document.Root
        assert len(document.trailer.ID) == 2


def assert_carries_summary(content: bytes, dossier: Dossier) -> None:
    """The PDF's one associated file is the dossier's summary as JSON data."""
    with pikepdf.open(io.BytesIO(content)) as document:
        specs = document.attachments
        name = f"dossier-{dossier.summary['reference']}-{dossier.stage}-v{dossier.version}.json"
        assert list(specs) == [name]
        spec = specs[name].obj
        assert spec.AFRelationship == "/Data" and str(spec.UF) == name
        assert str(spec.Desc) == "本文书所依据的数据，于决定时冻结（JSON）"  # a Chinese document
        assert spec.objgen in {item.objgen for item in document.Root.AF}
        stream = spec.EF.F
        assert stream.Subtype == "/application/json"
        data = stream.read_bytes()
        assert int(stream.Params.Size) == len(data)
        assert bytes(stream.Params.CheckSum) == hashlib.md5(data).digest()  # noqa: S324
        assert json.loads(data.decode("utf-8")) == dossier.summary
        assert data.decode() == json.dumps(dossier.summary, ensure_ascii=False, sort_keys=True)


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
