"""The firm's page as each reader sees it: every role of every kind of organisation sees
exactly the firm's files its organisation may see (the rule every list uses), an exposure
made of those files only, the caps only when it sees every file they count, and a 404
when it sees none; the fund's investment and its exit read as the firm's financings."""

import html
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.institutions import KINDS
from talentfin.institutions import ROLES
from talentfin.models import Application
from talentfin.models import Organisation
from talentfin.models import User
from talentfin.workflows import access
from talentfin.workflows.registry import products_with_role
from tests import factories
from tests.board import factories as board
from tests.bond import factories as bond
from tests.equity import factories as equity
from tests.insurance import factories as insurance
from tests.web import switch_to
from tests.web import text

YUAN = 100  # fen
FILES = ("loan1", "loan2", "policy", "allocation", "investment", "listing")
# The files of the firm each organisation sees: "first" is the organisation named on the
# firm's file of that kind (bank 1 on loan 1, bank 2 on loan 2), "second" another one of the
# same kind. The exchange and the pool are one each in the programme.
SEES = {
    ("park", "first"): set(FILES), ("park", "second"): set(),
    ("bank", "first"): {"loan1"}, ("bank", "second"): {"loan2"},
    # The pool: the loan once paid out, the policy once a subsidy is asked, the listing once
    # a reward is asked.
    ("pool", "first"): {"loan1", "policy", "listing"},
    ("insurer", "first"): {"policy"}, ("insurer", "second"): set(),
    ("fund", "first"): {"investment"}, ("fund", "second"): set(),
    ("underwriter", "first"): {"allocation"}, ("underwriter", "second"): set(),
    ("exchange", "first"): {"listing"},
    ("issuer", "first"): set(), ("issuer", "second"): set(),  # an issuer sees its bonds only
    ("broker", "first"): {"listing"}, ("broker", "second"): set(),
}
# What each file adds to the exposure (loans outstanding, bond allocations, cover), yuan.
EXPOSURE = {"loan1": ("loans", 600_000), "loan2": ("loans", 1_000_000),
            "policy": ("guaranteed_cover", 1_000_000),
            "allocation": ("bond_allocations", 1_000_000)}
PERSON_WIDE = "across all banks and firms"
# The product of each file, and the products whose files make each section of facts: a
# kind or section of whose products the reader sees no file is said to be out of view.
PRODUCT = {"loan1": "loan", "loan2": "loan", "policy": "insurance", "allocation": "bond",
           "investment": "equity", "listing": "board"}
SECTIONS = {"claim": {"loan", "bond", "insurance"}, "subsidy": {"loan", "insurance", "board"},
            "listing": {"board"}, "financing": {"board", "equity"}}
KIND_LABELS = {"loans": "Talent loans outstanding",
               "bond_allocations": "Bond allocations outstanding",
               "guaranteed_cover": "Guaranteed cover in force"}
NOT_SHOWN = "Not in what you may see"
# A role on no product's route sees no file anywhere (its queue and lists are empty too):
# the underwriter's bond committee takes no step of the bond's or the allocation's route.
NO_ROUTE = {"bond_committee"}


@dataclass
class Book:
    """The founder's firm with a file of every product, and the organisations of the
    test: kind -> (first, second) (second None where the programme has one)."""

    files: dict[str, Application]
    draft: Application
    orgs: dict[str, tuple[Organisation, Organisation | None]]
    funds: equity.Funds
    underwriters: bond.Underwriters


@pytest.fixture
def book(world) -> Book:
    """Loan 1 at bank 1 paid out (600,000 yuan still owed) and guaranteed by a policy of
    insurer 1 whose subsidy is asked for, loan 2 at bank 2 approved, a bond allocation of
    underwriter 1 paid out, fund 1's investment exited, a listing through broker 1 with its
    reward asked for; and a draft loan nobody but the founder sees."""
    insurers = insurance.make_insurers()
    funds = equity.make_funds(size1=3, size2=3)
    underwriters = bond.make_underwriters()
    exchange = board.make_exchange()
    loan1 = factories.loan_in(world, "covered")
    factories.set_columns(loan1, outstanding_fen=600_000 * YUAN)
    files = {
        "loan1": loan1,
        "loan2": factories.loan_in(world, "approved", bank=world.bank2),
        "policy": insurance.policy_in(world, insurers, "subsidy_review",
                                      cover="loan_guarantee", loan=loan1),
        "allocation": bond.allocation_in(world, underwriters, "disbursed"),
        "investment": equity.equity_in(world, funds, "exited"),
        "listing": board.listing_in(world, exchange, "rewarded"),
    }
    draft = factories.draft(world)
    db.session.expire_all()
    orgs = {"park": (world.park, world.park2), "bank": (world.bank1, world.bank2),
            "pool": (world.pool, None), "insurer": (insurers.insurer1, insurers.insurer2),
            "fund": (funds.fund1, funds.fund2),
            "underwriter": (underwriters.underwriter1, underwriters.underwriter2),
            "exchange": (exchange.exchange, None),
            "issuer": (underwriters.issuer, underwriters.issuer2),
            "broker": (exchange.broker1, exchange.broker2)}
    return Book(files, draft, orgs, funds, underwriters)


def _staff(role: str, org: Organisation) -> User:
    """A user of ``role`` in ``org``: the factories' own, or a new one."""
    found = db.session.scalar(select(User).where(User.role == role, User.org_id == org.id)
                              .order_by(User.id).limit(1))
    return found or factories.user(f"{role}-{org.code}@t.cn", role, org)


def _shown(client, firm_id: int) -> tuple[int, str]:
    response = client.get(f"/firms/{firm_id}", headers={"Accept-Language": "en"})
    return response.status_code, text(response)


def _files_listed(page: str) -> set[int]:
    table = page[page.index('id="firm-applications"'):]
    table = table[:table.index("</table>")]
    return {int(found) for found in re.findall(r'href="/applications/(\d+)"', table)}


def _cell(page: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}"[^>]*>([^<]*)<', page)
    assert found, element_id
    return found.group(1).strip()


def _yuan(amount: int) -> str:
    return f"{amount:,}.00"


def _check_reader(client, auth, reader: User, book: Book, names: set[str], *,
                  caps: bool, person_wide: bool = False, drafts: bool = False) -> None:
    """The reader sees exactly the files ``names`` of the firm, an exposure of those only,
    and the caps (the person-wide one) only if told; a 404 when ``names`` is empty."""
    firm = book.files["loan1"].enterprise_id
    switch_to(auth, reader)
    status, page = _shown(client, firm)
    who = f"{reader.role} of {reader.org.code if reader.org else '-'}"
    expected = {book.files[name].id for name in names} | ({book.draft.id} if drafts else set())
    seen = {a.id for a in db.session.scalars(select(Application).where(
        Application.enterprise_id == firm)) if access.can_view(reader, a)}
    assert seen == expected, who  # the engine's rule says the same as the table
    listed = client.get("/firms/", query_string={"q": book.files["loan1"].enterprise.uscc})
    if not names:
        assert status == 404, who
        if listed.status_code == 200:  # staff who list firms do not find this one
            assert book.files["loan1"].enterprise.name not in text(listed), who
        return
    assert status == 200, who
    assert _files_listed(page) == expected, who
    # Every link on the page (exposures, facts, defaults) goes to a file the reader sees.
    assert set(map(int, re.findall(r'href="/applications/(\d+)"', page))) <= expected, who
    parts = {"loans": 0, "bond_allocations": 0, "guaranteed_cover": 0}
    for name in names & set(EXPOSURE):
        parts[EXPOSURE[name][0]] += EXPOSURE[name][1]
    # A kind of which the reader sees no file is not a zero: it is out of their view; the
    # total adds what they see and names the kinds it does not wholly count.
    for kind, amount in parts.items():
        of_kind = {name for name, (k, _amount) in EXPOSURE.items() if k == kind}
        shown = _yuan(amount) if names & of_kind else NOT_SHOWN
        assert _cell(page, f"exposure-{kind}") == shown, (who, kind)
    assert _cell(page, "exposure-total") == _yuan(sum(parts.values())), who
    partial = [kind for kind in parts
               if {name for name, (k, _a) in EXPOSURE.items() if k == kind} - names]
    if partial:
        left_out = _cell(page, "exposure-left-out")
        assert left_out.startswith("The total leaves out what you may not see of"), who
        assert all(KIND_LABELS[kind] in left_out for kind in partial), (who, left_out)
    else:
        assert 'id="exposure-left-out"' not in page, who
    seen_products = {PRODUCT[name] for name in names}
    for section, behind in SECTIONS.items():
        assert (f'id="facts-{section}-unseen"' in page) is not (behind & seen_products), \
            (who, section)
    caps_shown = page[page.index('id="caps"'):page.index('id="files-title"')]
    assert ("50,000,000.00" in caps_shown) is caps, who
    assert (PERSON_WIDE in caps_shown) is person_wide, who
    assert ('id="firm-partial"' in page) is not caps, who
    if not caps:  # told how many of the firm's submitted files the page leaves out
        assert f"{len(FILES) - len(names)} more of this firm" in _cell(page, "firm-partial"), who
    if reader.role != "founder":
        assert listed.status_code == 200 and book.files["loan1"].enterprise.name \
            in text(listed), who


# Each kind of organisation, and the roles of no organisation: every role is read.
READERS = [*KINDS, "founder", "auditor", "admin"]


def test_every_role_is_among_the_readers():
    assert {role.kind or key for key, role in ROLES.items()} == set(READERS)
    assert {key for key in ROLES if not products_with_role(key)} == NO_ROUTE | {"admin"}


@pytest.mark.parametrize("kind", READERS)
def test_each_reader_sees_the_files_its_organisation_may_see(client, auth, world, book, kind):
    if kind == "founder":
        _check_reader(client, auth, world.founder, book, set(FILES), caps=True,
                      person_wide=True, drafts=True)
        _check_reader(client, auth, world.founder2, book, set(), caps=False)
        return
    if kind in ("auditor", "admin"):
        reader = world.auditor if kind == "auditor" else world.admin
        _check_reader(client, auth, reader, book, set(FILES) if kind == "auditor" else set(),
                      caps=kind == "auditor", person_wide=kind == "auditor")
        return
    roles = [key for key, role in ROLES.items() if role.kind == kind]
    for which, org in zip(("first", "second"), book.orgs[kind], strict=True):
        if org is None:
            continue
        for role in roles:
            names = set() if role in NO_ROUTE else SEES[kind, which]
            # Only the park sees every file of this firm; the caps are shown to it alone.
            _check_reader(client, auth, _staff(role, org), book, names,
                          caps=names == set(FILES))


def test_a_partner_who_sees_every_file_of_a_firm_sees_its_caps_but_not_the_persons(
        client, auth, world):
    factories.loan_in(world, "approved", founder=world.founder2, bank=world.bank2)
    switch_to(auth, world.officer2)
    status, page = _shown(client, world.founder2.enterprise_id)
    caps = page[page.index('id="caps"'):page.index('id="files-title"')]
    assert status == 200 and 'id="firm-partial"' not in page
    assert "1,000,000.00" in caps and "50,000,000.00" in caps and PERSON_WIDE not in caps


def test_the_issuers_company_shows_its_bond_to_the_issuer_and_its_underwriter(
        client, auth, world):
    underwriters = bond.make_underwriters()
    issue = bond.bond_in(underwriters, "allocating")
    for reader in (underwriters.issuer_officer, underwriters.officer1, world.auditor):
        switch_to(auth, reader)
        status, page = _shown(client, issue.enterprise_id)
        assert status == 200 and _files_listed(page) == {issue.id}, reader.email
    for reader in (underwriters.issuer2_officer, underwriters.officer2,
                   world.park_reviewer, world.officer1, world.pool_admin):
        switch_to(auth, reader)
        assert _shown(client, issue.enterprise_id)[0] == 404, reader.email


def test_the_funds_investment_and_exit_are_the_firms_financings(client, auth, world, book):
    investment = db.session.get(Application, book.files["investment"].id)
    assert investment.funded_on == business_today() - timedelta(days=equity.FUNDED_DAYS_AGO)
    for reader in (world.founder, world.park_reviewer, book.funds.manager1):
        switch_to(auth, reader)
        page = _shown(client, world.founder.enterprise_id)[1]
        financings = page[page.index('id="facts-financing"'):]
        financings = financings[:financings.index("</section>")]
        rows = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td>.*?"
                          r'<td class="text-end">([^<]*)</td><td>([^<]*)</td></tr>',
                          html.unescape(financings), re.S)
        put_in = (str(investment.funded_on), "Investment by the talent fund",
                  _yuan(investment.ticket_fen // YUAN),
                  f"the fund's stake after the round: {investment.stake_bp / 100:.2f}%")
        exit_ = (str(investment.exited_on), "The fund's exit",
                 _yuan(investment.exit_proceeds_fen // YUAN))
        assert put_in in rows, (reader.email, rows)
        assert any(row[:3] == exit_ for row in rows), (reader.email, rows)
    # Another fund, the banks and the underwriter do not read them.
    switch_to(auth, book.underwriters.officer1)
    assert "Investment by the talent fund" not in _shown(client,
                                                         world.founder.enterprise_id)[1]
