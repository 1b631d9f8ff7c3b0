"""The adapters: good rows become the records the items read; bad cells and rows are refused."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal

import pytest
from kaohe import CellError
from kaohe.testing import read_export
from kaohe_zhihui110.adapters import (
    ALARM_ADAPTER,
    DISPATCH_ADAPTER,
    INFO_ADAPTER,
    MONTHLY_ADAPTER,
    PROBLEM_ADAPTER,
    parse_month,
)


def convert(adapter, raw: dict) -> dict:
    """A row as the kernel hands it to to_records: every column converted by its type."""
    by_name = {c.name: c for c in adapter.columns}
    return {c.key: c.convert(raw.get(c.name)) for c in by_name.values()}


def write_csv(path, header, rows):
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


# --- 110接处警记录 ---------------------------------------------------------------------------------


def test_dispatch_row_derives_minutes_and_hours():
    row = convert(DISPATCH_ADAPTER, {
        "警情编号": "J001", "处警单位": "甲城所", "警情等级": "一类", "发生地区域": "城区", "是否重大紧急": "是",
        "派单时间": "2015-04-03 09:00", "到达时间": "2015-04-03 09:06:30", "反馈时间": "2015-04-03 11:30",
        "反馈内容是否规范": "否",
    })
    [d] = DISPATCH_ADAPTER.to_records(row)
    assert d.key == "zhihui110.dispatch:J001" and d.unit == "甲城所" and d.date == dt.date(2015, 4, 3)
    # 09:00 → 09:06:30 is 6.5 minutes; 09:00 → 11:30 is 2.5 hours
    assert d.attrs["arrival_minutes"] == Decimal("6.5")
    assert d.attrs["feedback_hours"] == Decimal("2.5")
    assert d.attrs["grade"] == "一类" and d.attrs["area"] == "城区"
    assert d.attrs["urgency"] == "重大紧急"
    assert d.attrs["answer"] == "正常签收"  # blank 签收情况 is a normal sign-off
    assert d.attrs["feedback_standard"] == "否"
    assert "到场用时6.5分钟" in d.note


def test_dispatch_defaults_and_missing_times():
    row = convert(DISPATCH_ADAPTER, {
        "警情编号": "J002", "处警单位": "乙镇派出所", "警情等级": "三类", "发生地区域": "农村",
        "派单时间": "2015-04-03 22:10", "签收情况": "电话无人接听",
    })
    [d] = DISPATCH_ADAPTER.to_records(row)
    assert d.attrs["urgency"] == "一般"
    assert d.attrs["answer"] == "电话无人接听"
    assert d.attrs["feedback_standard"] == "是"
    assert "arrival_minutes" not in d.attrs and "feedback_hours" not in d.attrs


def test_dispatch_arrival_before_dispatch_is_refused():
    row = convert(DISPATCH_ADAPTER, {
        "警情编号": "J003", "处警单位": "甲城所", "警情等级": "一类", "发生地区域": "城区",
        "派单时间": "2015-04-03 09:00", "到达时间": "2015-04-03 08:50",
    })
    with pytest.raises(CellError, match="早于"):
        DISPATCH_ADAPTER.to_records(row)


@pytest.mark.parametrize(
    ("column", "raw"),
    [("警情等级", "四类"), ("发生地区域", "市中心"), ("派单时间", "2015-02-30 10:00"), ("签收情况", "未接"),
     ("是否重大紧急", "也许"), ("警情编号", "")],
)
def test_dispatch_bad_cells(column, raw):
    col = next(c for c in DISPATCH_ADAPTER.columns if c.name == column)
    with pytest.raises(CellError):
        col.convert(raw)


def test_dispatch_file_through_the_intake(tmp_path, kaohe_bureau, kaohe_registry):
    path = write_csv(
        tmp_path / "接处警.csv",
        ["警情编号", "处警单位", "警情等级", "发生地区域", "是否重大紧急", "派单时间", "签收情况", "到达时间", "反馈时间", "反馈内容是否规范"],
        [
            ["J1", "甲城派出所", "一类", "城区", "否", "2015-04-03 09:00", "", "2015-04-03 09:07", "2015-04-03 12:00", "是"],
            ["J2", "东门派出所", "二类", "城区", "否", "2015-04-03 09:00", "", "", "", ""],  # unknown unit
            ["J3", "乙镇派出所", "五类", "农村", "否", "2015-04-03 09:00", "", "", "", ""],  # bad grade
            ["J4", "丙村派出所", "二类", "城郊", "否", "2015-04-03 09:00", "", "2015-04-03 08:00", "", ""],  # arrival first
        ],
    )
    export = read_export(path, kaohe_bureau, kaohe_registry)
    assert export.adapter.id == "zhihui110.dispatch"
    assert [r.key for r in export.records] == ["zhihui110.dispatch:J1"]
    assert export.records[0].unit == "a1" and export.records[0].attrs["arrival_minutes"] == Decimal(7)
    assert [(r.row, r.column) for r in export.rejected] == [(3, "处警单位"), (4, "警情等级"), (5, "")]


# --- 处警问题登记 ----------------------------------------------------------------------------------


def test_problem_points_become_negative_value():
    row = convert(PROBLEM_ADAPTER, {
        "登记编号": "W1", "派出所": "甲城派出所", "发现日期": "2015-04-05",
        "问题类别": "造成群众投诉、媒体炒作等严重后果", "扣分": "8", "关联警情编号": "J9",
    })
    [d] = PROBLEM_ADAPTER.to_records(row)
    assert d.value == Decimal(-8) and d.attrs["problem"] == "造成群众投诉、媒体炒作等严重后果"
    assert d.attrs["incident"] == "J9" and d.key == "zhihui110.problem:W1"


def test_problem_file_through_the_intake(tmp_path, kaohe_bureau, kaohe_registry):
    path = write_csv(
        tmp_path / "问题.csv",
        ["登记编号", "派出所", "发现日期", "问题类别", "扣分", "关联警情编号", "情况说明"],
        [
            ["W1", "甲城派出所", "2015-04-05", "拖延出警", "", "", ""],
            ["W2", "甲城派出所", "2015-04-06", "造成群众投诉、媒体炒作等严重后果", "12", "", ""],  # > 10
            ["W3", "乙镇派出所", "2015-04-06", "因联络不畅导致群众投诉等严重后果", "", "", ""],  # no points
            ["W4", "乙镇派出所", "2015-04-07", "态度不好", "", "", ""],  # not a problem of the seed
            ["W5", "丙村派出所", "2015-04-07", "因联络不畅导致群众投诉等严重后果", "7", "", ""],
        ],
    )
    export = read_export(path, kaohe_bureau, kaohe_registry)
    assert [r.key for r in export.records] == ["zhihui110.problem:W1", "zhihui110.problem:W5"]
    assert [(r.row, r.column) for r in export.rejected] == [(3, "扣分"), (4, "问题类别"), (5, "问题类别")]
    assert "超出规定范围" in export.rejected[0].message


# --- 月度统计 -------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["2015-04", "2015年4月", "2015.4", "2015/04"])
def test_parse_month(text):
    # the 1st of the month lies in assessment month 2015-04 (03-21 .. 04-20)
    assert parse_month(text) == dt.date(2015, 4, 1)


@pytest.mark.parametrize("text", ["2015-13", "四月", "2015-04-31"])
def test_parse_month_refuses(text):
    with pytest.raises(CellError):
        parse_month(text)


def test_monthly_row():
    row = convert(MONTHLY_ADAPTER, {
        "统计月份": "2015年4月", "派出所": "甲城派出所", "回访满意率": "96.5%", "巡逻民警人数": "10", "盘查人(辆)次": "1600",
    })
    [d] = MONTHLY_ADAPTER.to_records(row)
    assert d.key == "zhihui110.monthly:{unit}:2015-04" and d.date == dt.date(2015, 4, 1)
    assert d.attrs == {"satisfaction": Decimal("96.5"), "patrol_officers": 10, "checks": 1600}


def test_monthly_file_through_the_intake(tmp_path, kaohe_bureau, kaohe_registry):
    path = write_csv(
        tmp_path / "月度.csv",
        ["统计月份", "派出所", "回访满意率", "巡逻民警人数", "盘查人(辆)次"],
        [
            ["2015-04", "甲城派出所", "96", "10", "1600"],
            ["2015-04", "乙镇派出所", "96", "5", "三百"],  # text in a number
            ["2015-04", "丙村派出所", "101", "4", "600"],  # a rate above 100
            ["2015-04", "丙村派出所", "97", "0", "600"],  # no patrol officers
            ["2015-14", "丙村派出所", "97", "4", "600"],  # no such month
        ],
    )
    export = read_export(path, kaohe_bureau, kaohe_registry)
    assert [r.unit for r in export.records] == ["a1"]
    assert [(r.row, r.column) for r in export.rejected] == [(3, "盘查人(辆)次"), (4, "回访满意率"), (5, "巡逻民警人数"), (6, "")]


# --- 巡防信息 / 警情 -------------------------------------------------------------------------------


def test_info_rows():
    base = {"信息编号": "X1", "报送单位": "甲城派出所", "报送日期": "2015-04-02", "信息标题": "夜巡发现可疑车辆"}
    [d] = INFO_ADAPTER.to_records(convert(INFO_ADAPTER, {**base, "录用情况": "未录用"}))
    assert d.attrs == {"adopted": "否"}
    [d] = INFO_ADAPTER.to_records(convert(INFO_ADAPTER, base))
    assert d.attrs == {"adopted": "否"}
    [d] = INFO_ADAPTER.to_records(convert(INFO_ADAPTER, {**base, "录用情况": "省厅"}))
    assert d.attrs == {"adopted": "是", "level": "省厅"}


def test_alarm_rows_split_into_robbery_and_theft(tmp_path, kaohe_bureau, kaohe_registry):
    path = write_csv(
        tmp_path / "警情.csv",
        ["警情编号", "管辖单位", "报警日期", "警情类型"],
        [
            ["A1", "甲城派出所", "2015-04-02", "抢劫"],
            ["A2", "甲城派出所", "2015-04-02", "抢夺"],
            ["A3", "甲城派出所", "2014-04-02", "盗窃"],
            ["A4", "甲城派出所", "2015-02-30", "盗窃"],  # impossible date
            ["A5", "甲城派出所", "2015-04-02", "诈骗"],  # not an alarm these items count
        ],
    )
    export = read_export(path, kaohe_bureau, kaohe_registry)
    assert export.adapter is ALARM_ADAPTER or export.adapter.id == ALARM_ADAPTER.id
    assert [(r.key, r.date) for r in export.records] == [
        ("zhihui110.robbery_alarm:A1", dt.date(2015, 4, 2)),
        ("zhihui110.robbery_alarm:A2", dt.date(2015, 4, 2)),
        ("zhihui110.theft_alarm:A3", dt.date(2014, 4, 2)),
    ]
    assert [(r.row, r.column) for r in export.rejected] == [(5, "报警日期"), (6, "警情类型")]


def test_monthly_key_is_the_resolved_unit(tmp_path, kaohe_bureau, kaohe_registry):
    """甲城所 and 甲城派出所 are one station: their rows of one month are one record, not two."""
    path = write_csv(
        tmp_path / "月度.csv",
        ["统计月份", "派出所", "回访满意率", "巡逻民警人数", "盘查人(辆)次"],
        [["2015-04", "甲城派出所", "96", "10", "1600"], ["2015年4月", "甲城所", "97", "10", "1500"]],
    )
    export = read_export(path, kaohe_bureau, kaohe_registry)
    assert [r.key for r in export.records] == ["zhihui110.monthly:a1:2015-04"]
    assert [(r.row, "同一条记录" in r.message) for r in export.rejected] == [(3, True)]


def test_durations_to_two_decimals_half_up():
    """到场用时 in minutes, 反馈用时 in hours, from whole seconds, two decimals rounded half up (kept
    with two decimals: the stored attribute and so the record's hash depend on it), and as the note
    writes them (trailing zeros dropped). A time before the dispatch is refused."""
    import datetime as dt

    import pytest
    from kaohe import CellError
    from kaohe_zhihui110.adapters import _elapsed

    start = dt.datetime(2015, 4, 3, 10, 0, 0)

    def text(per, **kw):
        value, note = _elapsed(start, start + dt.timedelta(**kw), per, "派单时间", "到达时间")
        return str(value), note

    assert text(60, minutes=7) == ("7.00", "7")
    assert text(60, seconds=30) == ("0.50", "0.5")
    assert text(60, seconds=20, microseconds=999999) == ("0.33", "0.33")  # whole seconds: 20 s
    assert text(3600, seconds=18) == ("0.01", "0.01")  # 0.005 h, half up
    assert text(3600, seconds=17) == ("0.00", "0")  # 0.00472 h
    assert text(3600, days=1, hours=2, minutes=15) == ("26.25", "26.25")
    assert text(60, seconds=0) == ("0.00", "0")
    with pytest.raises(CellError) as caught:
        text(60, microseconds=-1)
    assert str(caught.value) == "到达时间2015-04-03 09:59早于派单时间2015-04-03 10:00"
