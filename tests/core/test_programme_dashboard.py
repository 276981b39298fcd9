"""The programme dashboard: its figures against hand-computed values on seeded files, the
applications behind each number, the exports, who may see it, both languages.

Six loans are walked by the real engine, then their log rows are dated by hand (the audit
chain of these rows is not what is tested here). Times are UTC; China is eight hours ahead.
The National Day holidays of 2025 (1-8 October off, Sunday 28 September and Saturday
11 October worked) lie inside the stays.
"""

import csv
import io
import re
from datetime import datetime
from decimal import Decimal

import openpyxl
import pytest
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy import update

from talentfin.clock import business_today
from talentfin.extensions import db
from talentfin.models import TransitionLog
from talentfin.services import programme_figures as figures
from talentfin.services import programme_timing as timing
from talentfin.workflows.labels import state_label
from tests import factories
from tests.board import factories as board_factories
from tests.insurance import factories as insurance_factories
from tests.web import login
from tests.web import switch_to
from tests.web import text

ALL = figures.Period()
OCTOBER = figures.Period(datetime(2025, 10, 1).date(), datetime(2025, 10, 31).date())


def _at(day: str, hour: int = 2) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour)


def _dated(world, state: str, times: list[datetime], *, founder=None, bank=None,
           amount_fen: int = 100_000_000):
    """A loan walked to ``state``, its log rows (in order) dated ``times``."""
    application = factories.draft(world, founder or world.founder, bank or world.bank1,
                                  amount_fen=amount_fen)
    for trigger in factories.PATHS[state] if state != "withdrawn" else ("submit", "withdraw"):
        factories.advance(world, application, trigger)
    rows = list(db.session.scalars(
        select(TransitionLog.id).where(TransitionLog.application_id == application.id)
        .order_by(TransitionLog.seq)))
    assert len(rows) == len(times)
    for row_id, moment in zip(rows, times, strict=True):
        db.session.execute(update(TransitionLog).where(TransitionLog.id == row_id)
                                     .values(created_at=moment))
    factories.set_columns(application, submitted_at=times[0], status_changed_at=times[-1])
    return application


@pytest.fixture
def files(world):
    """A approved, B rejected, C with the bank, D with the park, E withdrawn, F approved."""
    return {
        # park review 26 Sep -> 30 Sep: 28 (a Sunday worked), 29, 30 = 3; bank review
        # 30 Sep -> 9 Oct: 9 only = 1; approval 9 Oct -> 1 Nov in China (17:00 UTC on
        # 31 Oct): 10, 11 (a Saturday worked), 13-17, 20-24, 27-31 = 17.
        "A": _dated(world, "approved", [_at("2025-09-26"), _at("2025-09-30"),
                                        _at("2025-10-09"), _at("2025-10-31", 17)]),
        # 9 -> 13 Oct: 10, 11, 13 = 3; 13 -> 20 Oct = 5; 20 Oct -> 3 Nov = 10.
        "B": _dated(world, "rejected", [_at("2025-10-09"), _at("2025-10-13"),
                                        _at("2025-10-20"), _at("2025-11-03")]),
        # Submitted on 1 Nov in China; park review 1 -> 3 Nov = 1; with bank 2 since.
        "C": _dated(world, "partner_review", [_at("2025-10-31", 17), _at("2025-11-03")],
                    founder=world.founder2, bank=world.bank2),
        "D": _dated(world, "park_review", [_at("2025-11-03")]),
        "E": _dated(world, "withdrawn", [_at("2025-10-09"), _at("2025-10-10")]),
        # One working day in each stage; 500,000 yuan.
        "F": _dated(world, "approved", [_at("2025-11-03"), _at("2025-11-04"),
                                        _at("2025-11-05"), _at("2025-11-06")],
                    amount_fen=50_000_000),
    }


def _references(response) -> set[str]:
    return set(re.findall(r'data-reference="([^"]+)"', text(response)))


def _refs(files, *names) -> set[str]:
    return {files[name].reference for name in names}


def test_applications_by_state_and_the_funnel(files):
    counts = figures.state_counts(ALL)
    assert counts["loan"] == [("park_review", 1), ("partner_review", 1), ("approved", 2),
                              ("rejected", 1), ("withdrawn", 1)]
    assert set(counts) == {"loan", "insurance", "equity", "bond", "board"}
    assert all(counts[key] == [] for key in ("insurance", "equity", "bond", "board"))
    funnel = figures.funnels(ALL)["loan"]
    assert (funnel.submitted, funnel.partner, funnel.decided, funnel.approved) == (6, 4, 3, 2)
    assert [funnel.conversion_bp(step) for step in funnel.steps()] == [None, 6667, 7500, 6667]
    october = figures.funnels(OCTOBER)["loan"]  # B and E (C was submitted on 1 Nov in China)
    assert (october.submitted, october.partner, october.decided, october.approved) == (
        2, 1, 1, 0)


def test_median_and_p90_in_working_days_across_the_holidays(files):
    stages = {s.state: s for s in timing.stage_times(ALL, business_today())["loan"]}
    park, bank, approval = (stages[name] for name in (
        "park_review", "partner_review", "bank_approval"))
    assert sorted(park.days) == [1, 1, 1, 3, 3] and park.now == 1  # D still there
    assert (park.median, park.p90) == (Decimal(1), 3)
    assert sorted(bank.days) == [1, 1, 5] and bank.now == 1  # C
    assert (bank.median, bank.p90) == (Decimal(1), 5)
    assert sorted(approval.days) == [1, 10, 17] and approval.now == 0
    assert (approval.median, approval.p90) == (Decimal(10), 17)
    # Past the five working days of the service level: A's 17 and B's 10 days.
    assert approval.over_ids == sorted([files["A"].id, files["B"].id])
    assert bank.over_ids == [] and park.over_ids == []
    assert stages["approved"].over_ids is None  # no service level there
    even = timing.StageTime("loan", "x", days=[3, 1, 2, 3])
    assert (even.median, even.p90) == (Decimal("2.5"), 3)


def test_service_levels_missed_by_organisation(files, world):
    found = timing.breaches(ALL, business_today())
    assert [(b.org_id, b.product, b.ids) for b in found] == [
        (world.park.id, "loan", (files["D"].id,)),
        (world.bank2.id, "loan", (files["C"].id,)),
    ]
    assert timing.breaches(OCTOBER, business_today()) == []


def test_amounts_approved_per_month_by_the_month_in_china(files):
    # A's approval at 17:00 UTC on 31 October is 1 November in China.
    months = figures.amounts_by_month(ALL)
    assert [m.month for m in months] == ["2025-11"]
    assert months[0].products["loan"] == (2, 150_000_000)
    assert months[0].products["equity"] == (0, 0) and months[0].total_fen() == 150_000_000
    assert figures.amounts_by_month(OCTOBER) == []


def test_the_page_shows_the_figures_and_each_number_links_to_its_files(
        files, client, auth, world):
    login(auth, world.auditor)
    page = text(client.get("/programme/"))
    assert "Programme overview" in page and "<script>" not in page
    funnel = re.search(r'<tr data-product="loan">.*?</tr>', page, re.S).group(0)
    assert re.findall(r">(\d+)</a>", funnel) == ["6", "4", "3", "2"]
    assert "(66.67%)" in funnel and "(75.00%)" in funnel
    assert "1,500,000.00" in page
    links = {
        "figure=approved&product=loan": ("A", "F"),
        "figure=decided&product=loan": ("A", "B", "F"),
        "figure=partner&product=loan": ("A", "B", "C", "F"),
        "figure=state&product=loan&state=approved": ("A", "F"),
        "figure=stage&product=loan&state=bank_approval": ("A", "B", "F"),
        "figure=over&product=loan&state=bank_approval": ("A", "B"),
        "figure=month&product=loan&month=2025-11": ("A", "F"),
        f"figure=breach&product=loan&org={world.bank2.id}": ("C",),
        "figure=stage&product=loan&state=park_review": ("A", "B", "C", "E", "F"),
    }
    for query, names in links.items():
        response = client.get(f"/programme/applications?{query}")
        assert response.status_code == 200, query
        assert _references(response) == _refs(files, *names), query
        assert f">{len(names)} application" in text(response)
    for query in re.findall(r'href="/programme/applications\?([^"]+)"', page):
        assert client.get(f"/programme/applications?{query.replace('&amp;', '&')}") \
            .status_code == 200
    october = client.get("/programme/applications?figure=submitted&product=loan"
                         "&from=2025-10-01&to=2025-10-31")
    assert _references(october) == _refs(files, "B", "E")


def test_bad_numbers_are_not_found_and_bad_dates_are_said(files, client, auth, world):
    login(auth, world.admin)
    for query in ("figure=nope&product=loan", "figure=state&product=nope&state=x",
                  "figure=state&product=loan&state=nope", "figure=month&product=loan&month=25"):
        assert client.get(f"/programme/applications?{query}").status_code == 404
    page = text(client.get("/programme/?from=2025-1-01"))
    assert "Enter a date as YYYY-MM-DD." in page and "This filter is not applied." in page


def test_a_reversed_period_applies_neither_end_and_says_so(files, client, auth, world):
    login(auth, world.admin)
    everything = _references(client.get("/programme/applications?figure=submitted&product=loan"))
    url = "/programme/applications?figure=submitted&product=loan&from=2025-10-31&to=2025-10-01"
    reversed_ = client.get(url)
    assert _references(reversed_) == everything  # not October onwards: nothing applied
    page = text(reversed_)
    assert page.count("The end comes before the start.") == 2
    assert "This filter is not applied." in page
    dashboard = text(client.get("/programme/?from=2025-10-31&to=2025-10-01"))
    assert dashboard.count("The end comes before the start.") == 2
    bad = text(client.get("/programme/applications?figure=submitted&product=loan&to=2025-02-30"))
    assert "There is no such day in the calendar." in bad  # said on the drill-down too
    client.post("/language", data={"lang": "zh"})  # in Chinese, with its own punctuation
    assert "提交日期自：结束日期早于开始日期。此筛选条件未生效。" in text(client.get(url))


def test_exports_hold_the_figures(files, client, auth, world):
    login(auth, world.admin)
    response = client.get("/programme/export/stages.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(text(response).lstrip("\ufeff"))))
    assert rows[0][:3] == ["产品", "阶段", "已完成件数"]
    with force_locale("zh"):
        approval = state_label("loan", "bank_approval")
    assert ["人才贷", approval, "3", "10", "17", "2", "0"] in rows
    funnel = list(csv.reader(io.StringIO(text(client.get(
        "/programme/export/funnel.csv?from=2025-10-01&to=2025-10-31")).lstrip("\ufeff"))))
    assert ["人才贷", "2", "1", "1", "0", "50.00%", "100.00%", "0.00%"] in funnel
    workbook = openpyxl.load_workbook(io.BytesIO(
        client.get("/programme/export/months.xlsx").get_data()))
    sheet = workbook.active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == ["月份", "产品", "批准件数", "批准金额（元）"]
    assert ["2025-11", "人才贷", 2, 1_500_000] in values
    breaches = text(client.get("/programme/export/breaches.csv"))
    assert "二号银行,人才贷,1" in breaches and "崂山园区,人才贷,1" in breaches
    assert client.get("/programme/export/nope.csv").status_code == 404
    assert client.get("/programme/export/states.pdf").status_code == 404


@pytest.mark.parametrize("who", ["founder", "officer1", "approver1", "park_reviewer",
                                 "pool_admin", "committee"])
def test_only_the_administrator_and_auditors_see_it(world, client, auth, who):
    login(auth, getattr(world, who))
    for url in ("/programme/", "/programme/applications?figure=submitted&product=loan",
                "/programme/export/funnel.csv"):
        assert client.get(url).status_code == 404
    assert 'href="/programme/"' not in text(client.get("/"))


def test_logged_out_readers_are_sent_to_log_in(world, client):
    assert client.get("/programme/").status_code == 302


@pytest.mark.parametrize("who", ["admin", "auditor"])
def test_both_readers_find_it_in_their_navigation(world, client, auth, who):
    login(auth, getattr(world, who))
    assert 'href="/programme/"' in text(client.get("/programme/"))


def test_the_page_in_chinese(files, client, auth, world):
    auth.login(world.auditor.email)
    client.post("/language", data={"lang": "zh"})
    page = text(client.get("/programme/"))
    assert "项目总览" in page and "Programme overview" not in page
    with force_locale("zh"):
        assert state_label("loan", "bank_approval") in page
    drill = text(client.get("/programme/applications?figure=approved&product=loan"))
    assert "2 笔申请" in drill and "合作机构已批准" in drill
    assert "金额合计：1,500,000.00 元" in drill


def test_the_administrator_sees_the_files_but_opens_none(files, client, auth, world):
    login(auth, world.admin)
    page = text(client.get("/programme/applications?figure=approved&product=loan"))
    assert files["A"].reference in page
    assert f'/applications/{files["A"].id}"' not in page
    switch_to(auth, world.auditor)
    page = text(client.get("/programme/applications?figure=approved&product=loan"))
    assert f'href="/applications/{files["A"].id}"' in page


def test_the_monthly_chart_is_an_svg_with_its_own_csp(files, client, auth, world):
    login(auth, world.auditor)
    assert 'src="/programme/charts/months.svg"' in text(client.get("/programme/"))
    response = client.get("/programme/charts/months.svg?from=2025-10-01")
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    body = text(response)
    assert body.startswith("<svg") and "<script" not in body
    assert ">2025-11<" in body and ">Talent loan<" in body and ">Talent board<" in body
    empty = text(client.get("/programme/charts/months.svg?from=2030-01-01"))
    assert ">No approvals in this period.<" in empty


def test_every_product_names_its_partners_yes_and_no():
    for product in figures.programme_products():
        assert figures.outcome_triggers(product, figures.APPROVED), product.key
        assert figures.outcome_triggers(product, ("refuse",)), product.key
    assert figures.product_keys() == ("loan", "insurance", "equity", "bond", "board")


def test_the_list_pages_and_keeps_its_figure(files, app, client, auth, world, monkeypatch):
    monkeypatch.setitem(app.config, "POOL_PAGE_SIZE", 2)
    login(auth, world.auditor)
    url = "/programme/applications?figure=partner&product=loan"
    first, second = text(client.get(url)), client.get(url + "&page=2")
    assert _references(second) == _refs(files, "C", "F")  # by submission: A, B, then C, F
    assert "4 applications" in first and "Page 1 of 2" in first
    assert "figure=partner&amp;product=loan&amp;page=2" in first


@pytest.mark.parametrize(("typed", "said"), [
    ("0001-01-01", "Enter a date between the years 2000 and 2999."),
    ("9999-12-31", "Enter a date between the years 2000 and 2999."),
    ("20251001", "Enter a date as YYYY-MM-DD."), ("2025-W40-1", "Enter a date as YYYY-MM-DD."),
    ("2025-02-30", "There is no such day in the calendar."),
    ("2025-13-01", "There is no such day in the calendar.")])
def test_a_date_out_of_reach_is_said_not_crashed_on(world, client, auth, typed, said):
    login(auth, world.auditor)
    page = text(client.get(f"/programme/?from={typed}&to={typed}"))
    assert page.count(said) == 2
    assert client.get(f"/programme/export/funnel.csv?to={typed}").status_code == 200
    assert client.get("/programme/applications?figure=breach&product=loan&org=x") \
        .status_code == 404


def test_another_products_funnel_reads_its_own_definition(world, client, auth):
    """Insurance: counter-terms are the insurer's yes, even when the founder then refuses
    them; a park's rejection never reached the insurer."""
    insurers = insurance_factories.make_insurers()
    for state in ("counter_offered", "refused", "declined", "rejected", "underwriting"):
        insurance_factories.policy_in(world, insurers, state)
    funnel = figures.funnels(ALL)["insurance"]
    assert (funnel.submitted, funnel.partner, funnel.decided, funnel.approved) == (5, 4, 3, 2)
    assert figures.funnels(ALL)["loan"] == figures.Funnel()
    login(auth, world.auditor)
    response = client.get("/programme/applications?figure=approved&product=insurance")
    with force_locale("en"):
        shown = {state_label("insurance", "counter_offered"),
                 state_label("insurance", "refused")}
    assert set(re.findall(r"<td>([^<]*)</td>", text(response))) >= shown
    assert "Counter-terms refused" in shown


def test_a_listing_without_an_amount_counts_files_not_zero_yuan(world, client, auth):
    listing = board_factories.listing_in(world, board_factories.make_exchange(), "listed")
    month = next(m for m in figures.amounts_by_month(ALL) if m.products["board"][0])
    assert month.products["board"] == (1, 0)  # a listing carries no amount
    login(auth, world.admin)
    page = text(client.get("/programme/"))
    cell = re.search(rf'<tr data-month="{month.month}">.*?data-product="board">(.*?)</td>',
                     page, re.S).group(1)
    assert ">1 file</a>" in cell and "0.00" not in cell
    drill = client.get(f"/programme/applications?figure=month&product=board&month={month.month}")
    assert _references(drill) == {listing.reference}
