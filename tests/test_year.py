"""The year of the 2015 scheme: months 60 %, year-end extra test 20 %, special work 20 % (seed 000
l.422), with special work ranked campaign by campaign (l.690) and its last-place flag (l.426)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kaohe.core.model import Record
from kaohe.core.periods import Period
from kaohe.plugins.discovery import get_plugin_manager, load_registry
from kaohe.scheme.config import parse_bureau
from kaohe.scoring.pipeline import MemorySource, score

CONFIG = {
    "bureau": {"name": "测试局"},
    "scheme": {"year_method": "scaled", "year_scale": 60},
    "series": [{"id": "A", "name": "A类所"}],
    "categories": [
        {"id": "jichu", "name": "基础工作建设", "weight": 100, "base": 100},
        {"id": "jiakao", "name": "年度加考", "weight": 20, "base": 100, "scope": "year"},
        {"id": "zhuanxiang", "name": "专项工作", "weight": 20, "base": 0, "scope": "year"},
    ],
    "units": [
        {"id": "a", "name": "甲所", "series": "A"},
        {"id": "b", "name": "乙所", "series": "A"},
        {"id": "c", "name": "丙所", "series": "A"},
    ],
    "office_items": [
        {
            "id": "office.special_work", "title": "专项工作考核", "category": "zhuanxiang", "reference": "seed 000 l.690",
            "reads": ["office.campaign"], "cadence": "yearly", "shape": "campaigns",
        },
        {
            "id": "office.report_late", "title": "报表迟报", "category": "jichu", "reference": "seed 000 l.458",
            "reads": ["office.report_late"], "shape": "per_occurrence", "params": {"points": -10},
        },
    ],
}


def campaign(n, unit, day, name, value):
    return Record(f"office.campaign:{n}", "office.campaign", unit, dt.date.fromisoformat(day), Decimal(value), {"campaign": name})


RECORDS = [
    # 春季: 甲 90, 乙 80, 丙 70 → places 1, 2, 3 → 3, 2, 1 points (n − place + 1)
    campaign(1, "a", "2015-03-10", "春季", 90), campaign(2, "b", "2015-03-10", "春季", 80), campaign(3, "c", "2015-03-10", "春季", 70),
    # 夏季: 乙 85, 甲 60, 丙 50 → 乙 3, 甲 2, 丙 1; 丙 last twice running → flagged (l.426)
    campaign(4, "a", "2015-06-10", "夏季", 60), campaign(5, "b", "2015-06-10", "夏季", 85), campaign(6, "c", "2015-06-10", "夏季", 50),
    # one deduction in April for 甲: its April 基础工作建设 raw 90, normalised 90 / 100 × 100 = 90
    Record("office.report_late:1", "office.report_late", "a", dt.date(2015, 4, 2)),
]


def bureau():
    reg = load_registry(get_plugin_manager(load_entrypoints=False))
    return parse_bureau(CONFIG, reg)


def test_year_is_months_60_plus_extra_test_20_plus_special_work_20():
    res = score(bureau(), Period.parse("2015"), MemorySource(RECORDS))
    a, b, c = (res.unit(u) for u in "abc")
    # months: 甲 11 × 100 + 90 = 1190, mean 1190 / 12 = 99.1666…, ÷ 100 × 60 = 59.50 (2 places);
    #         乙 and 丙 100 every month → 60
    # extra test: no items → raw 100 for all, the top → 20 each
    # special work raw: 甲 3 + 2 = 5, 乙 2 + 3 = 5, 丙 1 + 1 = 2; top 5 → 20, 20, 2 / 5 × 20 = 8
    assert [u.total for u in (a, b, c)] == [Decimal("99.50"), Decimal(100), Decimal(88)]
    special = {u.unit: next(cat for cat in u.categories if cat.category == "zhuanxiang") for u in (a, b, c)}
    assert [special[u].raw for u in "abc"] == [5, 5, 2]
    assert [special[u].score for u in "abc"] == [Decimal(20), Decimal(20), Decimal(8)]
    assert "专项工作连续2次考核排名末位" in c.flags and not any("专项" in f for f in a.flags + b.flags)
    assert [u.rank for u in (b, a, c)] == [1, 2, 3]


def test_year_categories_are_not_part_of_the_months():
    res = score(bureau(), Period.parse("2015-04"), MemorySource(RECORDS))
    a = res.unit("a")
    assert [c.category for c in a.categories] == ["jichu"]
    assert a.total == 90


def test_special_work_fixed_points_by_place():
    from kaohe.rules import Campaigns

    b = bureau()
    special = next(i for i in b.items if i.id == "office.special_work")
    rule = special.rule.with_params({"points": [5, "4.5", 4]})
    assert isinstance(rule, Campaigns)
    import attrs

    b2 = b.evolve(items=tuple(attrs.evolve(i, rule=rule) if i.id == special.id else i for i in b.items))
    res = score(b2, Period.parse("2015"), MemorySource(RECORDS))
    cat = next(c for c in res.unit("c").categories if c.category == "zhuanxiang")
    # 丙 third twice → 4 + 4 = 8; 甲 5 + 4.5 = 9.5; 乙 4.5 + 5 = 9.5 → 8 / 9.5 × 20 = 16.84
    assert cat.raw == 8 and cat.score == Decimal("16.84")


def test_the_year_report_shows_the_months_part_on_the_years_scale(tmp_path):
    """The published year (HTML and XLSX) ranks with the CLI's columns: the months' part on the
    year's scale beside the year's own categories, adding up to the total — never the months'
    12-month category sums (甲所's 基础工作建设 1190) beside a total of 99.50."""
    import re

    import openpyxl
    from kaohe.report import publish

    b = bureau()
    res = score(b, Period.parse("2015"), MemorySource(RECORDS))
    when = dt.datetime(2016, 1, 5, 9, 30, 5, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    html = publish(tmp_path, b, None, res, generated=when).read_text(encoding="utf-8")
    wb = openpyxl.load_workbook(tmp_path / "通报-2015.xlsx")
    ws = wb["A类所"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[3][:7] == ["名次", "单位", "单位编号", "总分", "月考核部分", "年度加考", "专项工作"]
    # by hand (see the test above): 甲 months 1190 / 12 / 100 × 60 = 59.50, extra test 20, special work 20
    by_unit = {r[2]: r for r in rows[4:7]}
    assert [Decimal(str(v)) for v in by_unit["a"][3:7]] == [Decimal("99.5"), Decimal("59.5"), 20, 20]
    assert [Decimal(str(v)) for v in by_unit["c"][3:7]] == [88, 60, 20, 8]
    assert 1190 not in by_unit["a"]
    assert ws.cell(5, 5).data_type == "n"
    # the formula sentence names the unit whose figures it quotes (乙所 ranks first: 1200 / 12 / 100 × 60)
    sentence = next(r[0] for r in rows if r[0] and str(r[0]).startswith("2015年度总分的计算方法"))
    assert sentence.startswith("2015年度总分的计算方法(以乙所为例):") and "= 60" in sentence
    assert "以乙所为例" in html
    # the web page's ranking row of 甲所: total, the months' part, the two year categories
    row = re.search(r'<tr data-unit="a">(.*?)</tr>', html, re.S).group(1)
    cells = re.findall(r'<td class="num[^"]*"[^>]*>([^<]*)</td>', row)
    assert cells[:4] == ["99.50", "59.50", "20.00", "20.00"]
    # 甲所's sheet: its categories, their normalisation, the months' part and the total
    unit = [[c.value for c in r] for r in wb["甲所"].iter_rows()]
    head = unit.index(["考核内容", "项目加扣分", "原始分", "组内最高", "权重", "得分", "序列平均", "计算方法", None, None, None, None, None])
    block = {r[0]: r for r in unit[head + 1 : head + 7]}
    assert [Decimal(str(v)) for v in block["基础工作建设"][1:3]] == [-10, 1190]  # 12 months summed
    assert [Decimal(str(v)) for v in block["专项工作"][1:6]] == [5, 5, 5, 20, 20]  # raw 5 ÷ top 5 × 20
    assert "5 ÷ 组内最高分5 × 权重20 = 20" in block["专项工作"][7]
    assert Decimal(str(block["月考核部分"][5])) == Decimal("59.5")
    assert Decimal(str(block["总分"][5])) == Decimal("99.5")
    # the JSON carries the same columns
    import json

    data = json.loads((tmp_path / "report-2015.json").read_text(encoding="utf-8"))
    assert [c["header"] for c in data["columns"]] == ["月考核部分", "年度加考", "专项工作"]
    a = next(r for r in data["series"][0]["ranking"] if r["unit"] == "a")
    assert a["columns"] == ["59.5", "20", "20"] and a["total"] == "99.5"
    # the date it was made, readable
    assert "生成于 2016年1月5日 09:30:05(UTC+08:00)" in rows[1][0]
    assert "生成于 2016年1月5日 09:30:05(UTC+08:00)" in html


def test_a_year_of_months_only_says_the_months_part_is_the_total(tmp_path):
    """year_method = "mean" and no year-scoped category: the ranking has one column beside the
    total, and the sentences say it is the total (there are no further columns to add it to).
    甲所: eleven months of 100 and April's 90 → (1100 + 90) ÷ 12 = 99.17."""
    import copy

    import openpyxl
    from kaohe.report import publish

    config = copy.deepcopy(CONFIG)
    config["scheme"] = {"year_method": "mean"}
    config["categories"] = [c for c in config["categories"] if c["id"] == "jichu"]
    config["office_items"] = [i for i in config["office_items"] if i["category"] == "jichu"]
    reg = load_registry(get_plugin_manager(load_entrypoints=False))
    b = parse_bureau(config, reg)
    res = score(b, Period.parse("2015"), MemorySource(RECORDS[-1:]))
    html = publish(tmp_path, b, None, res).read_text(encoding="utf-8")
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(tmp_path / "通报-2015.xlsx")["A类所"].iter_rows()]
    assert rows[3][:5] == ["名次", "单位", "单位编号", "总分", "月考核部分"]
    a = next(r for r in rows[4:7] if r[2] == "a")
    assert [Decimal(str(v)) for v in a[3:5]] == [Decimal("99.17"), Decimal("99.17")]
    said = [str(r[0]) for r in rows if r[0] and "“月考核部分”列" in str(r[0])]
    assert len(said) == 1 and said[0].endswith("即为总分") and "与其后各列相加" not in said[0]
    assert "即为总分;" in html and "与其后各列相加" not in html
