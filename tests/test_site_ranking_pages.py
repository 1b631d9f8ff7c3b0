"""The ranking in pages (issue 16, point 5): a ranking larger than ``[site] ranking_rows`` is shown a
series at a time, that many units a page, with links to every series' pages, the previous and the
next page; a unit's account lands on the page that holds its own row; a unit is found by its name
or id; the whole ranking stays available on one page, as JSON and as XLSX; every role sees exactly
what it saw of the unpaged ranking.

report_bureau's 2015-02 (published), two rows a page. Its ranks, worked out by hand in
test_site_ranking's comments: 一类所 (s1) 模拟公式所 100 (1st), 金城 98.00 (2nd), 恶意所 0 —
vetoed — (3rd); 二类所 (s2) 薛埠 100 (1st, its praise: 队伍建设 42), 直溪 40 ÷ 42 × 40 + 60 = 98.10
(2nd), 儒林 (late three times, criticised once) 38 ÷ 42 × 40 + 57 = 93.19 (3rd). So s1's pages hold rows 1–2 and 3, s2's likewise."""

from __future__ import annotations

import io
import urllib.error
from urllib.parse import quote

import attrs
import openpyxl
import pytest
from kaohe.core.errors import KaoheError
from kaohe.scheme.config import parse_bureau
from pg_support import module_database  # noqa: F401 (the fixture: each backend)
from site_support import make_site, running, signed_in

import report_bureau


@pytest.fixture(scope="module")
def site(tmp_path_factory, module_database):  # noqa: F811 - the fixture imported from pg_support
    bureau, db = make_site(tmp_path_factory.mktemp("ranking-pages"), module_database)  # 2015-02 published, 2015-03 a draft
    paged = attrs.evolve(bureau, office=attrs.evolve(bureau.office, site=attrs.evolve(bureau.site, ranking_rows=2)))
    with running(paged) as base:
        yield base


def _status(client, path):
    """The status of ``path`` for ``client`` (its body, a workbook perhaps, unread)."""
    try:
        with client.opener.open(client.base + path, timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def _rows(ranking):
    return [(s["series"], u["unit"], u["rank"]) for s in ranking["series"] for u in s["units"]]


def test_a_leader_reads_the_first_series_page_by_page_with_links_to_every_page(site):
    leader = signed_in(site, "leader")
    status, ranking = leader.json("/ranking/2015-02.json")
    assert status == 200
    assert _rows(ranking) == [("s1", "formula", 1), ("s1", "jincheng", 2)]
    paging = ranking["paging"]
    assert {k: paging[k] for k in ("size", "rows", "all", "series", "page", "pages", "first", "last", "previous", "next", "own")} == {
        "size": 2, "rows": 6, "all": False, "series": "s1", "page": 1, "pages": 2, "first": 1, "last": 2,
        "previous": None, "next": "/ranking/2015-02?series=s1&page=2", "own": None,
    }
    assert [(s["series"], s["units"], [(p["first"], p["last"], p["url"], p["current"]) for p in s["pages"]]) for s in paging["index"]] == [
        ("s1", 3, [(1, 2, "/ranking/2015-02?series=s1&page=1", True), (3, 3, "/ranking/2015-02?series=s1&page=2", False)]),
        ("s2", 3, [(1, 2, "/ranking/2015-02?series=s2&page=1", False), (3, 3, "/ranking/2015-02?series=s2&page=2", False)]),
    ]
    assert paging["whole"] == {"html": "/ranking/2015-02?all=1", "json": "/ranking/2015-02.json?all=1", "xlsx": "/ranking/2015-02.xlsx"}
    # the rest of the page's JSON keeps its shape: the period, the data status, the links to units
    assert ranking["published"] and ranking["data_status"]["periods"] == ["2015-02"]
    assert {u["link"] for s in ranking["series"] for u in s["units"]} == {True}  # a leader opens every unit

    status, ranking = leader.json("/ranking/2015-02.json?series=s1&page=2")
    assert _rows(ranking) == [("s1", "evil", 3)]
    assert ranking["paging"]["first"] == 3 and ranking["paging"]["last"] == 3
    assert ranking["paging"]["previous"] == "/ranking/2015-02?series=s1&page=1" and ranking["paging"]["next"] is None
    assert _rows(leader.json("/ranking/2015-02.json?series=s2")[1]) == [("s2", "xuebu", 1), ("s2", "zhixi", 2)]

    status, _, html = leader.get("/ranking/2015-02?series=s2&page=2")
    assert status == 200 and html.count('<tr id="u-') == 1 and 'id="u-rulin"' in html and "儒林派出所" in html
    assert 'aria-current="page">3–3</strong>' in html and '<a href="/ranking/2015-02?series=s1&amp;page=1">1–2</a>' in html
    assert 'rel="prev" href' not in html and '<a href="/ranking/2015-02?series=s2&amp;page=1" rel="prev">上一页</a>' in html
    assert 'href="/ranking/2015-02.xlsx"' in html and "共 6 个" in html


def test_the_whole_ranking_on_one_page_and_pages_that_do_not_exist(site):
    office = signed_in(site, "office")
    status, ranking = office.json("/ranking/2015-02.json?all=1")
    assert status == 200 and ranking["paging"]["all"] and ranking["paging"]["series"] is None
    assert _rows(ranking) == [("s1", "formula", 1), ("s1", "jincheng", 2), ("s1", "evil", 3),
                              ("s2", "xuebu", 1), ("s2", "zhixi", 2), ("s2", "rulin", 3)]
    status, _, html = office.get("/ranking/2015-02?all=1")
    assert status == 200 and html.count('<tr id="u-') == 6
    for query in ("series=s9", "series=s1&page=3", "page=0", "page=x", "series=s1&page=-1", "all=1&page=2"):
        status, body = office.json(f"/ranking/2015-02.json?{query}")
        assert status == 404 and body["error"] == "2015年2月的排名中没有这一页(序列或页码不对)", query


def test_a_station_lands_on_the_page_with_its_own_row_and_opens_only_its_own_unit(site):
    rulin = signed_in(site, "rulin")
    status, ranking = rulin.json("/ranking/2015-02.json")
    assert _rows(ranking) == [("s2", "rulin", 3)]
    assert ranking["paging"]["own"] == {
        "unit": "rulin", "name": "儒林派出所", "rank": 3, "series": "s2", "page": 2, "url": "/ranking/2015-02?series=s2&page=2#u-rulin",
    }
    assert [u["link"] for s in ranking["series"] for u in s["units"]] == [True]
    # another page of the ranking: every unit's total, none of them a link (as on the unpaged page)
    status, ranking = rulin.json("/ranking/2015-02.json?series=s2&page=1")
    assert [(u["unit"], u["total"], u["link"]) for s in ranking["series"] for u in s["units"]] == [("xuebu", "100.00", False), ("zhixi", "98.10", False)]
    status, _, html = rulin.get("/ranking/2015-02")
    assert status == 200 and 'href="/unit/2015-02/rulin"' in html and html.count('href="/unit/') == 1
    assert '本单位:<a href="/ranking/2015-02?series=s2&amp;page=2#u-rulin">儒林派出所</a>,第3名' in html
    # 薛埠, first in s2: the first page of its series
    assert _rows(signed_in(site, "xuebu").json("/ranking/2015-02.json")[1]) == [("s2", "xuebu", 1), ("s2", "zhixi", 2)]


def test_finding_a_unit_by_name_or_id(site):
    leader = signed_in(site, "leader")
    found = leader.json("/ranking/2015-02.json?find=" + quote("派出所"))[1]["paging"]["found"]
    assert [(f["unit"], f["series"], f["page"]) for f in found] == [("jincheng", "s1", 1), ("xuebu", "s2", 1), ("zhixi", "s2", 1), ("rulin", "s2", 2)]
    found = leader.json("/ranking/2015-02.json?find=EVIL")[1]["paging"]["found"]  # an id, whatever its case
    assert [(f["unit"], f["url"]) for f in found] == [("evil", "/ranking/2015-02?series=s1&page=2#u-evil")]
    # one unit found: the page that holds its row
    status, headers, _ = leader.get("/ranking/2015-02?find=%E5%84%92%E6%9E%97")  # 儒林
    assert status == 303 and headers["location"] == "/ranking/2015-02?series=s2&page=2#u-rulin"
    status, _, html = leader.get("/ranking/2015-02?find=" + quote("不存在"))
    assert status == 200 and "本期排名中没有名称含此文字或编号为此的单位" in html


def test_each_role_sees_of_the_pages_what_it_saw_of_the_ranking(site):
    # published 2015-02: every role reads every page (a station, a department, a leader, the office);
    # the draft 2015-03: the office only, its pages, its whole and its workbook alike
    for account in ("office", "dept", "rulin", "leader"):
        client = signed_in(site, account)
        for path in ("/ranking/2015-02.json?series=s2&page=2", "/ranking/2015-02.json?all=1", "/ranking/2015-02.xlsx"):
            assert _status(client, path) == 200, (account, path)
        for path in ("/ranking/2015-03.json?series=s2&page=2", "/ranking/2015-03.json?all=1", "/ranking/2015-03.xlsx"):
            assert _status(client, path) == (200 if account == "office" else 403), (account, path)
    # a department's links: the units whose page it may open, as before paging (every unit when published)
    dept = signed_in(site, "dept").json("/ranking/2015-02.json?series=s1&page=2")[1]
    assert [(u["unit"], u["link"]) for s in dept["series"] for u in s["units"]] == [("evil", True)]


def test_the_whole_ranking_as_a_workbook(site):
    station = signed_in(site, "rulin")
    with station.opener.open(site + "/ranking/2015-02.xlsx", timeout=30) as r:
        status, headers, body = r.status, r.headers, r.read()
    assert status == 200 and headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert headers["content-disposition"].startswith("attachment; filename*=UTF-8''")
    wb = openpyxl.load_workbook(io.BytesIO(body))
    assert wb.sheetnames == ["一类所", "二类所"]
    rows = [list(r) for r in wb["二类所"].iter_rows(min_row=4, values_only=True)]
    # 2015-01 is not published: no change columns (as on the page for everyone but the office)
    assert rows[0] == ["名次", "单位", "单位编号", "总分", "标记", "一票否决"]
    assert [r[:4] for r in rows[1:]] == [[1, "薛埠派出所", "xuebu", 100], [2, "直溪派出所", "zhixi", 98.1], [3, "儒林派出所", "rulin", 93.19]]
    flags = {u["unit"]: u["flags"] for s in station.json("/ranking/2015-02.json?all=1")[1]["series"] for u in s["units"]}
    assert "末位" in flags["rulin"] and rows[3][4] == "、".join(flags["rulin"])
    s1 = [list(r) for r in wb["一类所"].iter_rows(min_row=5, values_only=True)]
    # 恶意所's name is an HTML injection, 模拟公式所's a formula: written as text, never evaluated
    assert s1[0][1] == "'" + report_bureau.FORMULA_NAME and s1[2][1] == report_bureau.EVIL_NAME and s1[2][3] == 0
    assert s1[2][5] == "2月11日 发生民警违法违纪案件(一票否决)"


def test_the_rows_a_page_is_a_setting(tmp_path):
    config = {**report_bureau.CONFIG, "bureau": {**report_bureau.CONFIG["bureau"], "database": "kaohe.sqlite"}}
    reg = report_bureau.registry()
    assert parse_bureau(config, reg, "test.toml", tmp_path).site.ranking_rows == 100
    assert parse_bureau({**config, "site": {"ranking_rows": 50}}, reg, "test.toml", tmp_path).site.ranking_rows == 50
    with pytest.raises(KaoheError) as refused:
        parse_bureau({**config, "site": {"ranking_rows": 5}}, reg, "test.toml", tmp_path)
    assert "ranking_rows" in str(refused.value) and "应为 10-100000 的整数" in str(refused.value) and "\n" not in str(refused.value)

