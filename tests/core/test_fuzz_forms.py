"""Generated input to the founder's profile pages and their park's decision (Hypothesis):
the pre-screener's questions (``/company/eligibility``, a GET form), the talent
certification, a change of the company's identity asked for and decided, and a document
uploaded on an application's documents step (generated names, types and contents). Each
answers with a page, a redirect or a refusal, never a server error; in a Chinese session
every message is in Chinese; nothing stored holds what a form must refuse
(``tests.fuzzing``). ``make test`` runs a few cases of each (``FEW``), ``make fuzz``
thousands."""

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from talentfin.demo import DEMO_PDF
from talentfin.extensions import db
from talentfin.models import Enterprise
from talentfin.models import IdentityChange
from talentfin.services import enterprises
from talentfin.workflows.loan.labels import REQUIRED_DOCUMENTS
from tests import factories
from tests.fuzzing import AMOUNTS
from tests.fuzzing import COUNTS
from tests.fuzzing import DATES
from tests.fuzzing import FEW
from tests.fuzzing import ODD
from tests.fuzzing import RATES
from tests.fuzzing import WORDS
from tests.fuzzing import check
from tests.fuzzing import check_followed
from tests.fuzzing import drawn
from tests.fuzzing import first_example
from tests.fuzzing import in_chinese
from tests.fuzzing import stored_values_are_clean

pytestmark = pytest.mark.fuzz

# Resident ID numbers and credit codes: valid ones, a check character off, other shapes.
ID_NUMBERS = st.one_of(st.sampled_from(["370212199001010018", "370212199001010019",
                                        "11010519491231002X", "11010519491231002x",
                                        "370212 19900101 0018",
                                        "３７０２１２１９９００１０１００１８"]),
                       st.from_regex(r"[0-9]{17}[0-9X]", fullmatch=True))
USCCS = st.one_of(st.builds(factories.demo_uscc, st.integers(min_value=1, max_value=9999)),
                  st.from_regex(r"[0-9A-Z]{18}", fullmatch=True),
                  st.sampled_from(["91370212MA3C000000", "91370212ma3c00001x"]))
NAMES = st.one_of(WORDS, st.sampled_from(["新名称有限公司", "青岛海洋科技有限公司", "A" * 121]))


@FEW
@given(data=st.data())
def test_the_prescreeners_questions(client, auth, world, data):
    in_chinese(world, auth, client, world.founder)
    asked = drawn(data, {"staff": COUNTS, "rd_staff": COUNTS, "total_assets": AMOUNTS,
                         "revenue": AMOUNTS, "shareholders": COUNTS})
    check(client.get("/company/eligibility", query_string=asked), chinese=True)


@FEW
@given(data=st.data())
def test_the_talent_certification(client, auth, world, data):
    in_chinese(world, auth, client, world.founder)
    posted = drawn(data, {
        "founder_name": NAMES, "id_number": ID_NUMBERS,
        "tier": st.sampled_from(["A", "B", "C", "D", "E"]), "certificate_no": WORDS,
        "issuer": NAMES, "valid_until": DATES, "equity_percent": RATES})
    check_followed(client, client.post("/company/talent", data=posted), chinese=True)
    stored_values_are_clean({})


def _locked(world) -> Enterprise:
    """The founder's company with an application submitted on its name and code."""
    factories.loan_in(world, "park_review")
    return db.session.get(Enterprise, world.founder.enterprise_id)


@FEW
@given(data=st.data())
def test_a_change_of_identity_asked_for(client, auth, world, data):
    if first_example(world, "fuzz_locked"):
        _locked(world)
    in_chinese(world, auth, client, world.founder)
    db.session.query(IdentityChange).delete()  # none waiting: each example may ask
    db.session.commit()
    posted = drawn(data, {"identity-new_name": NAMES, "identity-new_uscc": USCCS,
                          "identity-reason": WORDS})
    check_followed(client, client.post("/company/identity-change", data=posted),
                   chinese=True)
    stored_values_are_clean({})


@pytest.mark.parametrize("decision", ["approve", "refuse"])
@FEW
@given(note=st.one_of(st.none(), ODD, WORDS))
def test_a_change_of_identity_decided(client, auth, world, decision, note):
    if first_example(world, "fuzz_change"):
        enterprise = _locked(world)
        world.fuzz_change = enterprises.request_identity_change(
            enterprise, world.founder, "新名称有限公司", factories.demo_uscc(777),
            "工商变更登记已完成。").id
    in_chinese(world, auth, client, world.park_reviewer)
    change = db.session.get(IdentityChange, world.fuzz_change)
    change.status, change.decided_by_id, change.decided_at = "requested", None, None
    db.session.commit()  # waiting again for each example
    posted = {} if note is None else {"note": note}
    response = client.post(f"/company/identity-changes/{change.id}/{decision}", data=posted)
    check_followed(client, response, chinese=True)
    stored_values_are_clean({})


# What a file may hold and be called: a real PDF, a PDF's start and garbage, an image's
# magic bytes, nothing, text; names with paths, controls, bidi marks, other extensions.
CONTENTS = st.one_of(st.just(DEMO_PDF), st.binary(max_size=2000),
                     st.binary(max_size=200).map(lambda tail: b"%PDF-1.4\n" + tail),
                     st.sampled_from([b"", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0",
                                      "账单".encode(), b"<script>x</script>"]))
FILE_NAMES = st.one_of(ODD, st.sampled_from(["营业执照.pdf", "../../etc/passwd", "a.exe",
                                             "x\u202egpj.pdf", "CON.pdf", ".pdf", "a" * 300]))


@FEW
@given(kind=st.one_of(st.sampled_from(REQUIRED_DOCUMENTS), ODD), content=CONTENTS,
       name=FILE_NAMES, mimetype=st.sampled_from(["application/pdf", "image/png",
                                                  "text/plain", ""]))
def test_a_document_uploaded(client, auth, world, kind, content, name, mimetype):
    if first_example(world, "fuzz_draft"):
        world.fuzz_draft = factories.draft(world, documents=False).id
    in_chinese(world, auth, client, world.founder)
    upload = (io.BytesIO(content), name, mimetype) if mimetype else (io.BytesIO(content), name)
    response = client.post(f"/applications/{world.fuzz_draft}/edit/documents",
                           data={"kind": kind, "file": upload},
                           content_type="multipart/form-data")
    check_followed(client, response, chinese=True)
    stored_values_are_clean({})
