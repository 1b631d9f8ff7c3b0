"""Demo export → read_export → score 2015-04 → two stations checked by hand against the files' rows.

2015-04 runs from 2015-03-21 to 2015-04-20. 金城派出所 is class A with 42 民警; 建昌派出所 is class C
with 9 民警 (kaohe's demo bureau). Quarterly and half-yearly items of class B/C are not due in April.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import kaohe_bangongshi
import openpyxl
import pytest
from kaohe import Period
from kaohe.demo import demo_bureau
from kaohe.testing import read_export
from kaohe.testing import MemorySource, score

JINCHENG = ("金城派出所", "金城所", "金城")
JIANCHANG = ("建昌派出所", "建昌所", "建昌")
APR = (dt.date(2015, 3, 21), dt.date(2015, 4, 20))


@pytest.fixture(scope="module")
def demo(tmp_path_factory, kaohe_registry):
    bureau, _ = demo_bureau(kaohe_registry)
    directory = tmp_path_factory.mktemp("bangongshi-demo")
    files = kaohe_bangongshi.kaohe_demo_data(bureau=bureau, directory=directory, seed=2015)
    exports = [read_export(f, bureau, kaohe_registry, today=dt.date(2016, 1, 31)) for f in files]
    return bureau, {f.stem.rsplit("_", 1)[0]: f for f in files}, exports


def rows_of(path, names, date_col, start=APR[0], end=APR[1]):
    """The data rows of a generated workbook for a station (by any of its names) dated start..end."""
    wb = openpyxl.load_workbook(path, read_only=True)
    out = []
    for row in wb.active.iter_rows(min_row=3, values_only=True):
        day = row[date_col]
        if row[1] in names and isinstance(day, dt.datetime) and start <= day.date() <= end:
            out.append(row)
    wb.close()
    return sorted(out, key=lambda r: (r[date_col], r[0]))


def month_row(path, names, month):
    wb = openpyxl.load_workbook(path, read_only=True)
    out = [r for r in wb.active.iter_rows(min_row=3, values_only=True) if r[0] == month and r[1] in names]
    wb.close()
    return out


def test_demo_files_and_rejections(demo):
    bureau, files, exports = demo
    assert [e.adapter.id for e in exports] == [
        "bangongshi.intel_monthly", "bangongshi.intel_quality", "bangongshi.intel_adoption", "bangongshi.reporting",
        "bangongshi.analysis", "bangongshi.warning", "bangongshi.instructions", "bangongshi.key_persons",
        "bangongshi.bank_catches", "bangongshi.publicity", "bangongshi.papers",
    ]
    # four rows are bad on purpose: “约40条” as a number, 东城派出所 (not a unit), 下发日期 2015-02-30,
    # and a paper 录用级别 公安部, not a level of l.680
    assert sorted((e.file, r.column) for e in exports for r in e.rejected) == sorted([
        (files["情报信息报送月统计表"].name, "上报情报信息数"),
        (files["情报信息录用登记"].name, "报送单位"),
        (files["查控指令、预警信息签注反馈及查控登记"].name, "下发日期"),
        (files["局办公室_调研论文登记"].name, "录用级别"),
    ])
    assert 1000 < sum(len(e.records) for e in exports) <= 2000


def test_demo_is_deterministic(demo, tmp_path):
    bureau, files, _ = demo
    again = kaohe_bangongshi.kaohe_demo_data(bureau=bureau, directory=tmp_path, seed=2015)
    first = files["宣传报道及政工信息录用登记"]
    second = next(f for f in again if f.name == first.name)
    read = lambda p: list(openpyxl.load_workbook(p, read_only=True).active.iter_rows(values_only=True))  # noqa: E731
    assert read(first) == read(second)


def test_two_stations_in_2015_04(demo):
    bureau, files, exports = demo

    # The rows of the generated files the hand calculation below reads from.
    assert month_row(files["情报信息报送月统计表"], JINCHENG, "2015年4月") == [("2015年4月", "金城所", None, 127, 38, 4)]
    assert month_row(files["情报信息报送月统计表"], JIANCHANG, "2015年4月") == [("2015年4月", "建昌派出所", None, 30, 11, 2)]
    assert [r[:6] for r in rows_of(files["情报信息录用登记"], JINCHENG, 2)] == [
        ("QBXX20150059", "金城派出所", dt.datetime(2015, 3, 22), "涉众型经济案件苗头", "否", "常州市政府"),
    ]
    assert rows_of(files["情报信息录用登记"], JIANCHANG, 2) == []
    assert [r[4] for r in rows_of(files["情报信息退回及弄虚作假登记"], JINCHENG, 2)] == ["退回"]
    assert rows_of(files["情报信息退回及弄虚作假登记"], JIANCHANG, 2) == []
    assert rows_of(files["报告制度执行情况登记"], JINCHENG + JIANCHANG, 2) == []
    assert rows_of(files["情报信息分析研判问题登记"], JINCHENG + JIANCHANG, 2) == []
    assert [r[2] for r in rows_of(files["预警信息录用登记"], JINCHENG, 2)] == [dt.datetime(2015, 4, 16)]
    assert rows_of(files["查控指令、预警信息签注反馈及查控登记"], JINCHENG, 3) == [
        # issued Sunday 03-22, 2 working days → Tuesday 03-24: signed 03-23, in time
        ("JTZL2015010", "金城派出所", "预警信息", dt.datetime(2015, 3, 22), dt.datetime(2015, 3, 23), None, None, None, None),
        # issued Tuesday 03-31 → Thursday 04-02: signed 04-01, in time
        ("JTZL2015009", "金城派出所", "查控指令", dt.datetime(2015, 3, 31), dt.datetime(2015, 4, 1), None, None, None, None),
    ]
    assert [r[4] for r in rows_of(files["查控指令、预警信息签注反馈及查控登记"], JIANCHANG, 3)] == [
        dt.datetime(2015, 3, 23),  # JTZL2015010, in time
        dt.datetime(2015, 4, 2),  # JTZL2015009, issued 03-31, deadline 04-02: in time
    ]
    assert rows_of(files["重点人员签收反馈及管控登记"], JINCHENG, 2) == [
        ("ZDRY20150033", "金城派出所", dt.datetime(2015, 4, 16), "徐某", "是", None, None, None, None, None),
    ]
    assert rows_of(files["重点人员签收反馈及管控登记"], JIANCHANG, 2) == []
    assert rows_of(files["银行系统报警抓获网上逃犯登记"], JINCHENG + JIANCHANG, 2) == []
    assert [(r[3], r[5]) for r in rows_of(files["宣传报道及政工信息录用登记"], JINCHENG, 2)] == [
        ("宣传报道", "地级"),  # 03-22
        ("宣传报道", "地级"),  # 03-27
        ("宣传报道", "地级"),  # 03-28
        ("宣传报道", "金坛级"),  # 03-30
        ("宣传报道", "地级"),  # 04-02
        ("政工信息", "常州市局政治部"),  # 04-06
    ]
    assert [(r[3], r[5]) for r in rows_of(files["宣传报道及政工信息录用登记"], JIANCHANG, 2)] == [
        ("宣传报道", "地级"),  # 03-29
        ("宣传报道", "地级"),  # 04-11
        ("宣传报道", "地级"),  # 04-14
        ("政工信息", "常州市局政治部"),  # 04-18
    ]

    records = [r for e in exports for r in e.records]
    result = score(bureau, Period.parse("2015-04"), MemorySource(records))

    def items(unit):
        return {i.item: i.points for c in result.unit(unit).categories for i in c.items if i.item.startswith("bangongshi.")}

    a = items("jincheng")
    # 情报信息: 42 民警 × 3 = 126 required (42 维稳); 127 reported but 38 维稳: 4 short → 4 × −2 = −8
    assert a["bangongshi.intel_per_capita"] == Decimal(-8)
    # 档案信息: A 4, reported 4 → 0
    assert a["bangongshi.archive_quota"] == Decimal(0)
    # 被常州市政府采用 → +20
    assert a["bangongshi.intel_adopted"] == Decimal(20)
    # 退回一次 → −2
    assert a["bangongshi.intel_returned"] == Decimal(-2)
    # 预警信息: A 每月1条, 1 → 0
    assert a["bangongshi.warning_quota"] == Decimal(0)
    # 重点人员超时签收 → −2
    assert a["bangongshi.key_person_late"] == Decimal(-2)
    # 宣传报道: 4 of 地级以上 ≥ 2 → 0; beyond: 2 地级 × 2 + 金坛级 0.5 = +4.5
    assert a["bangongshi.publicity_quota"] == Decimal(0)
    assert a["bangongshi.publicity_bonus"] == Decimal("4.5")
    # 政工信息: A 每月1条, 1 → 0, nothing beyond
    assert a["bangongshi.zhenggong_quota"] == Decimal(0)
    assert a["bangongshi.zhenggong_bonus"] == Decimal(0)
    assert sum(a.values()) == Decimal("12.5")  # −8 + 20 − 2 − 2 + 4.5

    c = items("jianchang")
    # 情报信息: 9 × 3 = 27 (9 维稳); 30 (11 维稳) → 0
    assert c["bangongshi.intel_per_capita"] == Decimal(0)
    # 档案信息: C 2, reported 2 → 0
    assert c["bangongshi.archive_quota"] == Decimal(0)
    # 宣传报道: C 1; 3 地级 → 2 beyond × 2 = +4
    assert c["bangongshi.publicity_bonus"] == Decimal(4)
    # 预警信息、政工信息 of class C are assessed at the half-year's end (2015-06): no line in April
    for item in ("bangongshi.warning_quota", "bangongshi.zhenggong_quota", "bangongshi.zhenggong_bonus"):
        res = next(i for cat in result.unit("jianchang").categories for i in cat.items if i.item == item)
        assert res.points == Decimal(0) and res.lines == ()
    assert sum(c.values()) == Decimal(4)
