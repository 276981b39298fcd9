"""What the generated-input tests (``tests/core/test_fuzz*.py``) share: the Hypothesis
profiles (``default`` for ``make test``, ``fuzz`` for ``make fuzz``), the odd values people
and attackers type, what a response may be, the language of its messages, and what nothing
stored may hold."""

import html
import os
import re
import unicodedata
from datetime import date
from datetime import timedelta

from hypothesis import HealthCheck
from hypothesis import settings
from hypothesis import strategies as st
from sqlalchemy import Date
from sqlalchemy import or_
from sqlalchemy import select

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.money import MAX_FEN
from tests.web import login

settings.register_profile("default", max_examples=15, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                 HealthCheck.too_slow])
settings.register_profile("fuzz", max_examples=int(os.environ.get("FUZZ_EXAMPLES", "2500")),
                          deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                 HealthCheck.too_slow])
TODAY = business_today()
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "default")
CASES = settings.get_profile(PROFILE)
# The page forms' share of ``make test`` (a few cases each; ``make fuzz`` runs CASES).
FEW = CASES if PROFILE == "fuzz" else settings(CASES, max_examples=5)

# What people and attackers type: any text, numbers in every shape, control and bidi
# characters, digits of other scripts, very long strings.
ODD = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(["", " ", "0", "-1", "1e9", "١٢٣", "²", "9" * 30, "1,000,000.005",
                     "\x00", "\u202e12", "NaN", "inf", "2026-02-30", "0000-00-00",
                     "<script>x</script>", "' OR 1=1 --", "=cmd|' /C calc'!A0"]),
    st.integers(min_value=-10**20, max_value=10**20).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
)
# Values of a field's own shape, at and beyond its bounds: the firing goes through now
# and then, and the effects meet the extremes a form lets pass.
AMOUNTS = st.one_of(
    st.integers(min_value=-100, max_value=MAX_FEN + 100).map(
        lambda fen: f"{'-' if fen < 0 else ''}{abs(fen) // 100}.{abs(fen) % 100:02d}"),
    st.integers(min_value=1, max_value=50_000_000).map(str),
    st.sampled_from([str(MAX_FEN // 100), f"{MAX_FEN // 100}.01", "0", "0.00", "0.01",
                     "1,000,000", "１０００", "¥1000", "1000.5", " 300000 "]),
)
RATES = st.one_of(
    st.decimals(min_value=-1, max_value=120, places=2).map(str),
    st.sampled_from(["3.75", "3.75%", "100", "100.00", "100.01", "0.01", ".5", "0", "0.00",
                     "1e1", "３.７５"]),
)
DATES = st.one_of(
    st.integers(min_value=-1_500, max_value=400).map(
        lambda days: (TODAY + timedelta(days=days)).isoformat()),
    st.dates().map(date.isoformat),
    st.sampled_from(["9999-12-31", "0001-01-01", "1900-01-01", "2028-02-29", "2027-02-29",
                     "2026-13-01", "2026-1-5", "2026/01/05", f" {TODAY.isoformat()} "]),
)
COUNTS = st.integers(min_value=-5, max_value=10**12).map(str)
WORDS = st.one_of(
    st.from_regex(r"[A-Z]{1,4}-?[0-9]{1,10}", fullmatch=True),
    st.sampled_from(["同意。", "资料齐全，同意。", "请补充近三年财务报表。", "HT-2026-001",
                     "  ", "a" * 4001, "号" * 61, "x\r\ny", "\t"]),
)
TICKS = st.sampled_from(["y", "on", "1", "", "false"])
# Strings the English WTForms and our own English messages (the fields' of
# ``talentfin.forms.base``, the page's) would show untranslated.
ENGLISH = re.compile(r"This field is required|Not a valid|Invalid Choice|could not be "
                     r"coerced|Field must be|Enter a whole number|must be at|Enter an "
                     r"amount|Enter the date as|Choose one of|Enter a positive rate|A rate "
                     r"is at most|cannot be in the future|Write the amount|is too large|"
                     r"Please correct", re.IGNORECASE)
# What a response to generated input may be: a page, a redirect or a refusal.
STATUSES = (200, 302, 400, 403, 404, 409, 422, 429)

# A message to the user: a flash above the page, the errors under a field.
MESSAGES = re.compile(r'role="alert">\s*([^<]*?)\s*<|id="[^"]*-errors">([^<]*)<|'
                      r'class="invalid-feedback[^"]*">([^<]*)<')
HAN = re.compile("[\u3400-\u9fff]")


def check(response, chinese: bool) -> None:
    """A page, a redirect or a refusal; in a Chinese session no English message (the
    page's, a flash's or a field's: each says something in Chinese)."""
    assert response.status_code in STATUSES, response.status_code
    if not chinese or response.mimetype != "text/html":
        return
    page = response.get_data(as_text=True)
    english = ENGLISH.search(page)
    assert english is None, page[max(english.start() - 200, 0):english.end() + 100]
    for found in MESSAGES.finditer(page):
        message = html.unescape("".join(part or "" for part in found.groups())).strip()
        assert not message or HAN.search(message), message


def check_followed(client, response, chinese: bool) -> None:
    """``check``, and for a redirect the page it leads to (where its flash is shown)."""
    check(response, chinese)
    if response.status_code == 302:
        check(client.get(response.location), chinese)


# C0 controls but tab and line breaks, DEL and the C1 controls, the bidi embeddings,
# overrides and isolates: what ``talentfin.text.clean_text`` takes out of every form.
UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
MAX_BP = 100_00
MAX_INTEGER = 2**31 - 1
# Signed by design: the ledger's double entry, a deal's cash flows (the investment out).
SIGNED_AMOUNTS = {("ledger_lines", "amount_fen"), ("equity_cash_flows", "amount_fen")}


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def stored_values_are_clean(seen: dict[str, int], related: set[int] = frozenset()) -> None:
    """The rows added since the last look (``seen``: the highest id looked at per table;
    empty: every row) and those of the applications ``related`` names: text (in columns and
    in JSON) without control or bidi characters and in NFC; amounts within the money's
    bounds (not negative but where signed by design); rates and shares at most 100 %;
    integers within 32 bits; dates real dates."""
    for table in db.metadata.sorted_tables:
        query = select(table)
        if "id" in table.c:
            near = [table.c.id > seen.get(table.name, 0), table.c.id.in_(related)]
            if "application_id" in table.c:
                near.append(table.c.application_id.in_(related))
            query = query.where(or_(*near))
        for row in db.session.execute(query).mappings():
            if "id" in table.c:
                seen[table.name] = max(seen.get(table.name, 0), row["id"])
            for column in table.columns:
                _stored_value_is_clean(table.name, column, row[column.name])


def _stored_value_is_clean(table: str, column, value) -> None:
    if value is None:
        return
    where = f"{table}.{column.name} = {value!r}"[:300]
    for text in _strings(value):
        assert not UNWANTED.search(text), where
        assert unicodedata.is_normalized("NFC", text), where
    if isinstance(value, int) and not isinstance(value, bool):
        if column.name.endswith("_fen"):
            low = -MAX_FEN if (table, column.name) in SIGNED_AMOUNTS else 0
            assert low <= value <= MAX_FEN, where
        elif column.name.endswith("_bp"):
            assert 0 <= value <= MAX_BP, where
        else:
            assert abs(value) <= MAX_INTEGER, where
    if isinstance(column.type, Date):
        assert isinstance(value, date), where


def drawn(data, shapes: dict) -> dict:
    """A post of the fields named in ``shapes``: each left out, odd (``ODD``) or of its own
    shape (the strategy given), as Hypothesis draws."""
    posted = {}
    for name, shape in shapes.items():
        value = data.draw(st.one_of(st.none(), ODD, shape), label=name)
        if value is not None:
            posted[name] = value
    return posted


def first_example(world, key: str) -> bool:
    """True at a Hypothesis run's first example (the world is the run's: its fixtures are
    built once), for what is set up once: a login, a row to post to."""
    if hasattr(world, key):
        return False
    setattr(world, key, True)
    return True


def in_chinese(world, auth, client, user) -> None:
    """At a run's first example: ``user`` logged in, the session in Chinese."""
    if first_example(world, "fuzz_login"):
        login(auth, user)
        client.post("/language", data={"lang": "zh"})


def post_checked(client, url: str, posted: dict, multipart: bool = False) -> None:
    """Post a form's generated values: no server error, the messages in Chinese (on the
    page a redirect leads to too), nothing stored the form should refuse."""
    response = (client.post(url, data=posted, content_type="multipart/form-data") if multipart
                else client.post(url, data=posted))
    check_followed(client, response, chinese=True)
    stored_values_are_clean({})
