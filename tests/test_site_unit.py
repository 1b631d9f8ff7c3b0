"""A unit's page beyond the drill-down (issue 16, point 4): the change from the previous period, the
trends over the months against the series' average and best, each item's history, the appeal window
with the button to appeal a deduction, and the record lines loaded on demand — each value worked out
by hand from report_bureau's records; and what another unit's account cannot get by URL or JSON.

The small bureau of site_support, with 2015-01 also published (today: its appeal window is open) and
an account for 金城派出所."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from kaohe.core.periods import Period
from kaohe.office.accounts import add_users
from kaohe.office.publication import publish
from kaohe.store.store import Store
from report_bureau import registry
from pg_support import module_database  # noqa: F401 (the fixture: each backend)
from site_support import PASSWORD, Client, make_site, running, signed_in

TODAY = dt.date.today()


def two_working_days_after(day: dt.date) -> dt.date:
    """The bureau sets no holidays of its own and counts by the official calendar (``[appeals]
    calendar``, default): the second working day after ``day`` as the State Council's calendar
    (the chinesecalendar package) has it, Monday to Friday outside the years it knows."""
    import chinese_calendar

    left = 2
    while left:
        day += dt.timedelta(days=1)
        try:
            working = chinese_calendar.is_workday(day)
        except NotImplementedError:
            working = day.weekday() < 5
        if working:
            left -= 1
    return day


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, module_database: str) -> Iterator[tuple[str, Any]]:  # noqa: F811 - pg_support's fixture
    tmp = tmp_path_factory.mktemp("site-unit")
    bureau, db = make_site(tmp, module_database)
    with Store(db) as store:
        publish(store, bureau, registry(), Period.parse("2015-01"), published_on=TODAY, actor="test", write=False)
        add_users(store, bureau, [("jc", "金城所己", "单位", "jincheng", PASSWORD)], "test")
    with running(bureau) as base:
        yield base, bureau


def test_change_from_the_previous_month_in_total_and_rank(site):
    base, _ = site
    c = signed_in(base, "jc")
    status, page = c.json("/unit/2015-02/jincheng.json")
    assert status == 200
    # 金城 in 一类所: January one late (基础 59) and 队伍 40 scaled by the group's top 42 (恶意所's
    # formula twin praised +2): 40 ÷ 42 × 40 = 38.10, total 97.10, third of three; February two
    # lates (基础 58), no praise in the series (队伍 40): 98.00, second (恶意所 vetoed to 0)
    assert (page["total"], page["rank"]) == ("98", 2)
    ch = page["change"]
    assert (ch["period"], ch["previous_total"], ch["previous_rank"]) == ("2015-01", "97.1", 3)
    assert (ch["total"], ch["rank"], ch["rank_text"]) == ("+0.9", 1, "升 1 名")
    status, _, html = c.get("/unit/2015-02/jincheng")
    assert "较2015年1月 +0.9" in html and "升 1 名" in html
    # the first month of the year: January has no previous month stored (2014-12)
    assert c.json("/unit/2015-01/jincheng.json")[1]["change"] is None


def test_no_change_shown_from_a_period_the_account_may_not_see(site):
    base, _ = site
    office, station = signed_in(base, "office"), signed_in(base, "rulin")
    # 2015-03 is a draft: the office compares it with February (儒林 the same: −3 carried over, −2)
    ch = office.json("/unit/2015-03/rulin.json")[1]["change"]
    assert (ch["total"], ch["rank"], ch["rank_text"]) == ("+0", 0, "名次不变")
    # April against March, for the office: one late (基础 59) and one criticism (队伍 38): 97.00
    ch = office.json("/unit/2015-04/rulin.json")[1]["change"]
    assert (ch["previous_total"], ch["total"]) == ("93.19", "+3.81")
    # the quarter has no stored previous quarter; the station sees February against January only
    assert office.json("/unit/2015-Q1/rulin.json")[1]["change"] is None
    assert station.json("/unit/2015-02/rulin.json")[1]["change"]["period"] == "2015-01"


def test_a_trend_point_against_the_series_average_and_best(site):
    base, _ = site
    station = signed_in(base, "rulin")
    trends = station.json("/unit/2015-02/rulin.json")[1]["trends"]
    # only the published months (January, February) for a station
    assert [m["period"] for m in trends["months"]] == ["2015-01", "2015-02"]
    feb = trends["months"][1]
    # 二类所 in February: 薛埠 100, 直溪 98.1, 儒林 93.19 → average 291.29 ÷ 3 = 97.10, best 100
    assert (feb["total"], feb["rank"], feb["units"], feb["average"], feb["best"]) == ("93.19", 3, 3, "97.1", "100")
    assert feb["in_period"] and not trends["months"][0]["in_period"]
    jichu = next(x for x in feb["categories"] if x["category"] == "jichu")
    # 基础工作建设: 薛埠 60, 直溪 60 (no late in February), 儒林 57 (three) → average 59, best 60
    assert (jichu["score"], jichu["average"], jichu["best"]) == ("57", "59", "60")
    duiwu = next(x for x in feb["categories"] if x["category"] == "duiwu")
    # 队伍建设, scaled by the series' top 42 (薛埠 praised +2): 薛埠 40, 直溪 40 ÷ 42 × 40 = 38.10,
    # 儒林 (one criticism) 38 ÷ 42 × 40 = 36.19 → average 114.29 ÷ 3 = 38.10, best 40
    assert (duiwu["score"], duiwu["average"], duiwu["best"]) == ("36.19", "38.1", "40")
    # the office also sees the drafts: March and April
    office = signed_in(base, "office")
    assert [m["period"] for m in office.json("/unit/2015-02/rulin.json")[1]["trends"]["months"]] == [
        "2015-01", "2015-02", "2015-03", "2015-04",
    ]
    status, _, html = station.get("/unit/2015-02/rulin")
    assert "<svg" in html and "<polyline" in html and "2015年各月走势" in html and "97.1" in html


def test_an_items_history_over_the_months(site):
    base, _ = site
    office = signed_in(base, "office")
    history = office.json("/unit/2015-03/rulin.json")[1]["history"]
    assert [m["period"] for m in history["months"]] == ["2015-01", "2015-02", "2015-03", "2015-04"]
    late = next(h for h in history["items"] if h["item"] == "testdept.late")
    # three lates in January and in February, February's carried into March (测试大队 sent nothing), one in April
    assert (late["points"], late["sum"]) == (["-3", "-3", "-3", "-1"], "-10")
    assert {h["item"] for h in history["items"]} == {"testdept.late", "testdept.criticised"}  # items without points left out
    # the item's own lines, with its months, on demand
    status, item = office.json("/unit/2015-04/rulin/item/testdept.late.json")
    assert status == 200 and item["history"]["points"] == ["-3", "-3", "-3", "-1"]
    assert [(ln["points"], ln["record"]) for ln in item["lines"]] == [("-1", "testdept.event:E31")]
    # a department sees only its own items' history
    dept = signed_in(base, "dept")
    assert {h["department"] for h in dept.json("/unit/2015-03/rulin.json")[1]["history"]["items"]} == {"测试大队"}
    assert dept.json("/unit/2015-03/rulin/item/testdept.criticised.json")[0] == 404


def test_the_appeal_window_and_the_button_on_deductions(site):
    base, _ = site
    jc = signed_in(base, "jc")
    # February: published 2015-02-25 (a Wednesday), 2 working days: until Friday 2015-02-27, closed
    window = jc.json("/unit/2015-02/jincheng.json")[1]["appeal_window"]
    assert window == {
        "edition": 1, "published_on": "2015-02-25", "deadline": "2015-02-27", "weekday": "五", "working_days": 2, "open": False,
    }
    page = jc.json("/unit/2015-02/jincheng.json")[1]
    assert all(ln["appeal"] is None for c in page["categories"] for i in c["items"] for ln in i["lines"])
    # January: published today, open until the second working day after
    page = jc.json("/unit/2015-01/jincheng.json")[1]
    last = two_working_days_after(TODAY)
    assert page["appeal_window"]["open"] and page["appeal_window"]["deadline"] == last.isoformat()
    late = next(i for c in page["categories"] for i in c["items"] if i["item"] == "testdept.late")
    assert late["lines"][0]["appeal"] == "/appeals/new/2015-01/jincheng?item=testdept.late&record=testdept.event%3AE04"
    status, _, html = jc.get("/unit/2015-01/jincheng?full=1")
    assert "申请复查" in html and "/appeals/new/2015-01/jincheng?item=testdept.late&amp;record=testdept.event%3AE04" in html
    assert f"截至 {last.isoformat()}" in html and "现可申请复查" in html
    # the fragment loaded on demand carries the button too
    status, _, frag = jc.get("/unit/2015-01/jincheng/item/testdept.late", **{"HX-Request": "true"})
    assert status == 200 and "<html" not in frag and "申请复查" in frag and "testdept.event:E04" in frag
    # a praise (+2) is no deduction: no button; the leader reads but does not appeal; the office may
    formula = signed_in(base, "office").json("/unit/2015-01/formula.json")[1]
    praise = next(i for c in formula["categories"] for i in c["items"] if i["item"] == "testdept.praise")
    assert praise["lines"] and all(ln["appeal"] is None for ln in praise["lines"])
    leader = signed_in(base, "leader").json("/unit/2015-01/jincheng.json")[1]
    assert all(ln["appeal"] is None for c in leader["categories"] for i in c["items"] for ln in i["lines"])
    office = signed_in(base, "office").json("/unit/2015-01/jincheng.json")[1]
    assert any(ln["appeal"] for c in office["categories"] for i in c["items"] for ln in i["lines"])
    # the quarter is summed from its months: its deductions are appealed in the month's edition
    assert signed_in(base, "office").json("/unit/2015-Q1/jincheng.json")[1]["appeal_window"] is None


def test_the_page_is_light_and_the_lines_come_on_demand(site):
    base, _ = site
    c = signed_in(base, "rulin")
    status, _, html = c.get("/unit/2015-02/rulin")
    assert status == 200
    # the lines are not on the page, only where to load them from; the full page has them
    assert "testdept.event:E11" not in html
    assert 'hx-get="rulin/item/testdept.late"' in html and "显示全部明细" in html
    assert "testdept.event:E11" in c.get("/unit/2015-02/rulin?full=1")[2]
    # without htmx the item's link opens a page of its own with the lines
    status, _, page = c.get("/unit/2015-02/rulin/item/testdept.late")
    assert status == 200 and "<html" in page and "testdept.event:E12" in page and "2月6日" in page
    # the items' history: a page of its own, linked from the page and from each item's lines
    assert 'href="/unit/2015-02/rulin/history"' in html
    frag = c.get("/unit/2015-02/rulin/item/testdept.late", **{"HX-Request": "true"})[2]
    assert 'href="/unit/2015-02/rulin/history#history-testdept.late"' in frag and "本项目2015年各月:1月 -3;2月 -3" in frag
    status, _, page = c.get("/unit/2015-02/rulin/history")
    assert status == 200 and 'id="history-testdept.late"' in page
    status, history = c.json("/unit/2015-02/rulin/history.json")
    assert status == 200 and history["history"] == c.json("/unit/2015-02/rulin.json")[1]["history"]
    # an item with no points and no lines is listed by name only, with nothing to load
    assert "未加减分、无记录的项目 2 项" in html and 'hx-get="rulin/item/testdept.praise"' not in html


def test_another_units_history_or_lines_are_refused(site):
    base, _ = site
    c = signed_in(base, "rulin")
    for path in ["/unit/2015-02/xuebu/item/testdept.praise", "/unit/2015-02/jincheng/item/testdept.late", "/unit/2015-02/xuebu/history"]:
        assert c.get(path)[0] == 403
        assert c.get(path, **{"HX-Request": "true"})[0] == 403
        assert c.json(path + ".json")[0] == 403
    assert c.json("/unit/2015-02/xuebu.json") == (403, {"error": "无权查看该单位在该期间的结果"})
    # a draft month: neither its lines nor its page, even its own
    assert c.json("/unit/2015-03/rulin/item/testdept.late.json")[0] == 403
    # its own page never shows the drafts' months or another unit's figures beyond the series' average and best
    page = c.json("/unit/2015-02/rulin.json")[1]
    assert [m["period"] for m in page["history"]["months"]] == ["2015-01", "2015-02"]
    assert "xuebu" not in str(page["trends"]) and "薛埠" not in str(page["trends"])
    # not signed in: nothing
    assert Client(base).json("/unit/2015-02/rulin/item/testdept.late.json")[0] == 401


def test_a_path_outside_the_units_items_is_not_found(site):
    base, _ = site
    c = signed_in(base, "rulin")
    assert c.json("/unit/2015-02/rulin/item/..%2f..%2fetc.json")[0] == 404
    assert c.json("/unit/2015-02/rulin/item/nope.json") == (404, {"error": "该单位在该期间的结果中没有这个项目"})


def test_the_tests_own_count_of_working_days() -> None:
    assert two_working_days_after(dt.date(2015, 2, 25)) == dt.date(2015, 2, 27)  # Wednesday → Friday
    # Friday → Monday: Saturday 2015-02-28 was a working day (the Spring Festival's exchanged day)
    assert two_working_days_after(dt.date(2015, 2, 27)) == dt.date(2015, 3, 2)


def test_the_trend_chart_geometry() -> None:
    from kaohe.web.charts import line_chart

    # 480 × 180 with margins 44 left, 18 right, 12 top, 30 bottom: the plot 418 wide, 138 high;
    # 90 at the bottom (y 12 + 138 = 150), 100 at the top (y 12), the months at x 44 and 44 + 418
    chart = line_chart(["1月", "2月"], [("unit", "本所", ["90", "100"]), ("average", "平均", [None, "95"])])
    assert chart is not None
    assert chart["lines"][0]["points"] == "44.0,150.0 462.0,12.0"
    assert chart["lines"][1]["points"] == "462.0,81.0"  # a month without a value is left out
    assert [t["label"] for t in chart["ticks"]] == ["100", "95", "90"]
    assert line_chart([], []) is None and line_chart(["1月"], [("unit", "本所", [None])]) is None
