"""Demo export → read_export → score 2015-04 → two stations checked by hand against the file's rows.

2015-04 runs from 2015-03-21 to 2015-04-20. 金城派出所 is class A (monthly quotas 4/5/1, fines ≥ 5000);
建昌派出所 is class C, assessed in 2015-04 over the block 2015-03/04 = 2015-02-21 .. 2015-04-20
(1/2/1 per two months, no fine target).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import kaohe_xiaofang
import openpyxl
import pytest
from kaohe import Period
from kaohe.demo import demo_bureau
from kaohe.testing import read_export
from kaohe.testing import MemorySource, score


@pytest.fixture(scope="module")
def demo(tmp_path_factory, kaohe_registry):
    bureau, _ = demo_bureau(kaohe_registry)
    directory = tmp_path_factory.mktemp("xiaofang-demo")
    files = kaohe_xiaofang.kaohe_demo_data(bureau=bureau, directory=directory, seed=2015)
    exports = [read_export(f, bureau, kaohe_registry, today=dt.date(2016, 1, 31)) for f in files]
    return bureau, files, exports


def rows_of(path, names, start, end):
    """The data rows of a generated workbook for a station (by any of its names) dated start..end."""
    wb = openpyxl.load_workbook(path, read_only=True)
    out = []
    for row in wb.active.iter_rows(min_row=3, values_only=True):
        day = row[2]
        if row[1] in names and isinstance(day, dt.datetime) and start <= day.date() <= end:
            out.append(row)
    wb.close()
    return sorted(out, key=lambda r: (r[2], r[0]))


def test_demo_files_and_rejections(demo):
    bureau, files, exports = demo
    assert [e.adapter.id for e in exports] == [
        "xiaofang.enforcement", "xiaofang.findings", "xiaofang.activities", "xiaofang.meetings", "xiaofang.fires",
    ]
    # three rows are bad on purpose: 东城派出所 (not a unit), 罚款金额 “五千”, 会议日期 2015-02-30
    assert sorted((e.file, r.column) for e in exports for r in e.rejected) == sorted(
        [(files[0].name, "派出所"), (files[0].name, "罚款金额"), (files[3].name, "会议日期")]
    )
    assert 1000 < sum(len(e.records) for e in exports) < 3000


def test_two_stations_in_2015_04(demo):
    bureau, files, exports = demo
    enforcement, findings, activities, meetings, fires = files
    jincheng = ("金城派出所", "金城所", "金城")
    jianchang = ("建昌派出所", "建昌所", "建昌")
    apr = (dt.date(2015, 3, 21), dt.date(2015, 4, 20))
    block = (dt.date(2015, 2, 21), dt.date(2015, 4, 20))

    # The rows of the generated files the hand calculation below reads from.
    assert rows_of(enforcement, jincheng, *apr) == [
        ("金公消当罚〔2015〕0016号", "金城派出所", dt.datetime(2015, 3, 26), "当场处罚", 500),
        ("金公消行罚〔2015〕0006号", "金城派出所", dt.datetime(2015, 3, 29), "一般程序处罚", 5000),
        ("金公消责改〔2015〕0018号", "金城派出所", dt.datetime(2015, 4, 1), "责令改正通知书", None),
        ("金公消当罚〔2015〕0021号", "金城派出所", dt.datetime(2015, 4, 4), "当场处罚", 50),
        ("金公消当罚〔2015〕0020号", "金城派出所", dt.datetime(2015, 4, 5), "当场处罚", 500),
        ("金公消当罚〔2015〕0018号", "金城派出所", dt.datetime(2015, 4, 13), "当场处罚", 500),
        ("金公消当罚〔2015〕0019号", "金城派出所", dt.datetime(2015, 4, 14), "当场处罚", 200),
        ("金公消当罚〔2015〕0022号", "金城派出所", dt.datetime(2015, 4, 14), "当场处罚", 1000),
        ("金公消责改〔2015〕0019号", "金城派出所", dt.datetime(2015, 4, 14), "责令改正通知书", None),
        ("金公消当罚〔2015〕0017号", "金城所", dt.datetime(2015, 4, 17), "当场处罚", 0),
        ("金公消责改〔2015〕0017号", "金城派出所", dt.datetime(2015, 4, 18), "责令改正通知书", None),
        ("金公消责改〔2015〕0021号", "金城派出所", dt.datetime(2015, 4, 19), "责令改正通知书", None),
        ("金公消责改〔2015〕0020号", "金城所", dt.datetime(2015, 4, 20), "责令改正通知书", None),
    ]
    assert [r[:3] for r in rows_of(meetings, jincheng, *apr)] == [("XFLH20150046", "金城派出所", dt.datetime(2015, 3, 31))]
    assert rows_of(findings, jincheng, *apr) == []
    assert rows_of(fires, jincheng, *apr) == []

    assert rows_of(enforcement, jianchang, *block) == [
        ("金公消当罚〔2015〕0416号", "建昌派出所", dt.datetime(2015, 3, 14), "当场处罚", 50),
    ]
    # 02-25 is in 2015-03; 03-27 is the one meeting of 2015-04
    assert [r[2] for r in rows_of(meetings, jianchang, *block)] == [dt.datetime(2015, 2, 25), dt.datetime(2015, 3, 27)]
    assert rows_of(findings, jianchang, *apr) == []
    assert rows_of(fires, jianchang, *apr) == []

    records = [r for e in exports for r in e.records]
    result = score(bureau, Period.parse("2015-04"), MemorySource(records))

    def items(unit):
        return {i.item: i.points for c in result.unit(unit).categories for i in c.items if i.item.startswith("xiaofang.")}

    a = items("jincheng")
    # 责令改正通知书: 04-01, 04-14, 04-18, 04-19, 04-20 = 5 > 4 → +5 (once)
    assert a["xiaofang.quota_rectification"] == Decimal(5)
    # 当场处罚: 03-26, 04-04, 04-05, 04-13, 04-14, 04-14, 04-17 = 7 > 5 → +5 (once)
    assert a["xiaofang.quota_onsite"] == Decimal(5)
    # 一般程序处罚: 03-29 = 1 = 1 → 0
    assert a["xiaofang.quota_general"] == Decimal(0)
    # 罚款额: 500 + 5000 + 50 + 500 + 500 + 200 + 1000 + 0 = 7750 > 5000 → +5
    assert a["xiaofang.quota_fine"] == Decimal(5)
    # 例会: one (03-31) → 0
    assert a["xiaofang.meeting"] == Decimal(0)
    # no findings, no fires: every other item 0; training and 119 are not due in April
    assert "xiaofang.training" not in a and "xiaofang.day119_missing" not in a
    assert sum(a.values()) == Decimal(15)  # 5 + 5 + 0 + 5 + 0

    c = items("jianchang")
    # block 2015-03/04: 责令改正通知书 0 < 1 → −20; 当场处罚 1 (03-14) < 2 → −20; 一般程序处罚 0 < 1 → −20
    assert c["xiaofang.quota_rectification"] == Decimal(-20)
    assert c["xiaofang.quota_onsite"] == Decimal(-20)
    assert c["xiaofang.quota_general"] == Decimal(-20)
    # class C has no fine target: 0, with no line
    assert c["xiaofang.quota_fine"] == Decimal(0)
    # 例会 03-27 → 0
    assert c["xiaofang.meeting"] == Decimal(0)
    assert sum(c.values()) == Decimal(-60)  # −20 × 3
