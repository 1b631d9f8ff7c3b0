"""A department's page, the office's dashboard and search (issue 16, point 4), by URL and JSON under
each role's permissions. The bureau is site_support's (report_bureau's four months, 2015-02
published on 2015-02-25), with an appeal filed, 督察支队's February signed off and a file with a bad
row imported; the expected values are worked out from report_bureau's records by hand."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pytest
from kaohe.core.periods import Period
from kaohe.office.appeals import file_appeal
from kaohe.office.ingest import ingest
from kaohe.store.store import Store
from pg_support import module_database  # noqa: F401 (the fixture: each backend)
from site_support import make_site_with_registry, running, signed_in


def extras(bureau, reg, db, tmp):
    """The appeal, the sign-off and the import with a rejected row the dashboard shows."""
    bad = tmp / "督察通报-4月补报.csv"
    bad.write_text("编号,单位,日期,说明\nC08,xuebu,2015-04-13,着装不规范\nC09,xuebu,2015-04-31,台账不全\n", encoding="utf-8")
    with Store(db) as store:
        file_appeal(store, bureau, Period.parse("2015-02"), "rulin", "testdept.late", "当日110系统故障",
                    record="testdept.event:E11", received=dt.date(2015, 2, 26), actor="office")
        store.sign_off("督察支队", "2015-02", "office", "")
        report = ingest(store, bureau, reg, bad, actor="dept")
        assert (report.accepted, len(report.rejected)) == (1, 1)


@pytest.fixture(scope="module")
def site(tmp_path_factory, module_database):  # noqa: F811 - the fixture imported from pg_support
    tmp = tmp_path_factory.mktemp("overviews")
    bureau, reg, db = make_site_with_registry(tmp, module_database)
    extras(bureau, reg, db, tmp)
    with running(bureau, reg) as base:
        yield base


def url(path: str) -> str:
    return quote(path, safe="/?=.&:")


def get_json(client, path):
    return client.json(url(path))


# --- a department's page -----------------------------------------------------------------------------


def test_a_department_sees_its_items_across_the_units_with_their_spread(site):
    c = signed_in(site, "dept")
    status, page = get_json(c, "/department/测试大队/2015-02.json")
    assert status == 200 and page["published"] and page["department"] == "测试大队"
    items = {i["item"]: i for i in page["items"]}
    assert list(items) == ["testdept.late", "testdept.praise", "testdept.veto"]  # 测试大队's items only
    # 接警后未按时到场 in February (each late −1): 儒林 E11-E13 −3, 金城 E14-E15 −2, 恶意所 E16 −1, the
    # three others 0 → min −3, max 0, median of (−3, −2, −1, 0, 0, 0) = (−1 + 0) / 2 = −0.5, 3 units
    late = items["testdept.late"]
    assert (late["min"], late["median"], late["max"], late["triggered"], late["units"]) == ("-3", "-0.5", "0", 3, 6)
    assert {u: p["points"] for u, p in late["points"].items() if p["points"] != "0"} == {"rulin": "-3", "jincheng": "-2", "evil": "-1"}
    assert late["order"][:3] == ["rulin", "jincheng", "evil"]  # the lowest points first
    # 工作受上级表扬 (+2 each): 薛埠 E18 only → 0, 0, 2, one unit
    praise = items["testdept.praise"]
    assert (praise["min"], praise["median"], praise["max"], praise["triggered"]) == ("0", "0", "2", 1)
    # 一票否决: no points, but 恶意所's record E17 triggers it
    assert (items["testdept.veto"]["max"], items["testdept.veto"]["triggered"]) == ("0", 1)
    # its data: E11-E18 arrived (8 records), not signed off
    assert [(r["period"], r["state"], r["records"], r["signed_off"]) for r in page["data_status"]] == [("2015-02", "已报送", 8, False)]
    assert page["units"][0].keys() >= {"unit", "name", "link"} and all(u["link"] for u in page["units"])
    status, _, html = c.get(url("/department/测试大队/2015-02"))
    assert status == 200 and "接警后未按时到场" in html and "-0.5" in html and "被督察通报批评" not in html
    # a draft: its own items, and March's data carried over from February ([carry_over] 测试大队)
    status, march = get_json(c, "/department/测试大队/2015-03.json")
    assert status == 200 and not march["published"]
    assert [(r["period"], r["state"]) for r in march["data_status"]] == [("2015-03", "沿用上期")]
    assert {u: p["carried"] for u, p in march["items"][0]["points"].items()}["rulin"] is True
    # /department/测试大队: the latest month it may open
    status, headers, _ = c.get(url("/department/测试大队"))
    assert status == 303 and headers["location"] == url("/department/测试大队/2015-04")


def test_a_department_page_is_refused_to_whom_it_does_not_belong(site):
    dept = signed_in(site, "dept")
    refused = {"error": "无此部门或期间,或无权查看该部门在该期间的页面"}
    assert get_json(dept, "/department/督察支队/2015-02.json") == (403, refused)
    assert dept.get(url("/department/督察支队/2015-02"))[0] == 403
    assert get_json(dept, "/department/不存在大队/2015-02.json") == (403, refused)  # no hint whether it exists
    station = signed_in(site, "rulin")
    assert get_json(station, "/department/测试大队/2015-02.json") == (403, refused)
    assert station.get(url("/department/测试大队/2015-02"))[0] == 403
    leader = signed_in(site, "leader")
    assert get_json(leader, "/department/督察支队/2015-02.json")[0] == 200  # published
    assert get_json(leader, "/department/督察支队/2015-03.json") == (403, refused)  # a draft
    office = signed_in(site, "office")
    status, draft = get_json(office, "/department/督察支队/2015-03.json")
    # 督察支队 in March: C03 儒林, C04 恶意所, C05 金城, C06 formula, −2 each
    crit = draft["items"][0]
    assert status == 200 and (crit["min"], crit["median"], crit["max"], crit["triggered"]) == ("-2", "-2", "0", 4)
    assert [(r["state"], r["records"]) for r in draft["data_status"]] == [("已报送", 4)]


# --- the office's dashboard --------------------------------------------------------------------------


def test_the_office_dashboard(site):
    c = signed_in(site, "office")
    status, board = c.json("/office.json")
    assert status == 200 and board["periods"] == ["2015-01", "2015-02", "2015-03", "2015-04"]
    table = {d["department"]: d["cells"] for d in board["data_status"]}
    assert [cell["state"] for cell in table["测试大队"]] == ["已报送", "已报送", "沿用上期", "已报送"]
    # 督察支队: C01, C02, C03-C06, C07 and C08 (the补报's good row): 1, 1, 4, 2 records; February signed off
    assert [(cell["records"], cell["signed_off"]) for cell in table["督察支队"]] == [(1, False), (1, True), (4, False), (2, False)]
    # the appeal: published 2015-02-25 (a Wednesday), 2 working days → Friday 2015-02-27
    assert [(a["unit_name"], a["title"], a["points"], a["received"], a["deadline"]) for a in board["appeals"]] == [
        ("儒林派出所", "接警后未按时到场", "-1", "2015-02-26", "2015-02-27"),
    ]
    assert [(e["period"], e["number"], e["actor"]) for e in board["editions"]] == [("2015-02", 1, "test")]
    latest = board["imports"][0]
    assert (latest["file"], latest["department"], latest["accepted"], latest["rejected"], latest["actor"]) == (
        "督察通报-4月补报.csv", "督察支队", 1, 1, "dept",
    )
    assert len(board["imports"]) == 3
    [rejected] = board["rejections"]
    assert (rejected["file"], rejected["row"], rejected["column"]) == ("督察通报-4月补报.csv", 3, "日期")
    status, _, html = c.get("/office")
    assert status == 200 and "考核办工作台" in html and "当日110系统故障" not in html and "2015-02-27" in html


@pytest.mark.parametrize("account", ["dept", "rulin", "leader"])
def test_only_the_office_sees_the_dashboard(site, account):
    c = signed_in(site, account)
    assert c.json("/office.json") == (403, {"error": "考核办工作台仅考核办可以查看"})
    assert c.get("/office")[0] == 403
    assert c.json("/office")[0] == 403


# --- search ------------------------------------------------------------------------------------------


def test_search_links_only_to_what_the_account_may_see(site):
    office = signed_in(site, "office")
    found = get_json(office, "/search.json?q=儒林")[1]
    assert found["units"] == [{"unit": "rulin", "name": "儒林派出所", "period": "2015-04", "link": "/unit/2015-04/rulin"}]
    station = signed_in(site, "rulin")
    # its own unit: the published month only; another unit: nothing
    assert [u["link"] for u in get_json(station, "/search.json?q=儒林")[1]["units"]] == ["/unit/2015-02/rulin"]
    assert get_json(station, "/search.json?q=薛埠")[1]["units"] == []
    # a record key of its own (E11) links to the record; 金城's (E14) finds nothing, as an unknown key
    own = get_json(station, "/search.json?q=testdept.event:E11")[1]["records"]
    assert [(r["period"], r["link"]) for r in own] == [("2015-02", "/record/2015-02/rulin?key=testdept.event%3AE11")]
    assert station.get(own[0]["link"])[0] == 200
    other = get_json(station, "/search.json?q=testdept.event:E14")[1]
    assert other == {**get_json(station, "/search.json?q=testdept.event:E99")[1], "q": "testdept.event:E14"}
    assert other["records"] == [] and other["units"] == [] and other["items"] == []
    # an item: a station finds it on its own page, a department its own department's page only
    assert [i["link"] for i in get_json(station, "/search.json?q=接警")[1]["items"]] == ["/unit/2015-02/rulin"]
    dept = signed_in(site, "dept")
    assert [i["link"] for i in get_json(dept, "/search.json?q=testdept.late")[1]["items"]] == [url("/department/测试大队/2015-04")]
    assert get_json(dept, "/search.json?q=被督察")[1]["items"] == []
    assert get_json(dept, "/search.json?q=testdept.check:C02")[1]["records"] == []  # 督察支队's record
    leader = signed_in(site, "leader")
    assert [i["link"] for i in get_json(leader, "/search.json?q=被督察")[1]["items"]] == [url("/department/督察支队/2015-02")]
    # the page
    status, _, html = station.get(url("/search?q=testdept.event:E14"))
    assert status == 200 and "没有找到" in html and "金城" not in html


def test_the_department_page_cites_the_regulation_by_name_and_article(tmp_path):
    # what a department reads cites the bureau's regulation (《…》第N条), not the seed's line number
    import attrs
    import report_bureau

    from kaohe.office.jobs import score_period
    from kaohe.office.overview import department_items

    bureau, reg, db = report_bureau.make(tmp_path)
    cited = tuple(
        attrs.evolve(i, citation="《派出所绩效考核制度》第十一条(四)1") if i.id == "testdept.late" else i for i in bureau.items
    )
    bureau = attrs.evolve(bureau, assessment=attrs.evolve(bureau.assessment, items=cited))
    with Store(db) as store:
        score_period(store, bureau, reg, Period.parse("2015-02"))
        items = {i["item"]: i for i in department_items(store, bureau, "测试大队", Period.parse("2015-02"))["items"]}
    assert items["testdept.late"]["reference"] == "《派出所绩效考核制度》第十一条(四)1"
    assert items["testdept.praise"]["reference"] == "seed 000 l.258"  # an item that names no article: its passage


def test_a_department_signs_off_a_period_not_scored_yet(site):
    # before the office scores May, 测试大队 still sees its data's status and the link to sign it off
    c = signed_in(site, "dept")
    status, page = get_json(c, "/department/测试大队/2015-05.json")
    assert status == 200 and (page["scored"], page["items"], page["sign_off"]) == (False, [], True)
    assert [(r["period"], r["records"], r["signed_off"]) for r in page["data_status"]] == [("2015-05", 0, False)]
    status, _, html = c.get(url("/department/测试大队/2015-05"))
    assert status == 200 and "2015年5月尚未计分" in html and 'href="/signoff/2015-05"' in html
    # a leader sees nothing of a period not published
    assert get_json(signed_in(site, "leader"), "/department/测试大队/2015-05.json")[0] == 403
