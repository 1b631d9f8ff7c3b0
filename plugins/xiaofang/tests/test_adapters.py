"""The adapters: good rows become the records the items read; bad cells are rejected by column."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl
from kaohe.testing import read_export
from kaohe_xiaofang import adapters as ad
from kaohe_xiaofang import items as it

TODAY = dt.date(2016, 1, 31)


def xlsx(path: Path, headers: list[str], rows: list[list]) -> Path:
    """A workbook as departments make it: a merged title row above the header."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["金坛市公安局消防大队 2015年"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.append(headers)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def read(path: Path, bureau, registry):
    return read_export(path, bureau, registry, today=TODAY)


def test_enforcement_good_rows(tmp_path, kaohe_bureau, kaohe_registry):
    f = xlsx(
        tmp_path / "执法文书.xlsx",
        ["文书编号", "派出所", "日期", "文书类型", "罚款金额"],
        [
            ["金公消责改〔2015〕0001号", "甲所", dt.date(2015, 4, 1), "责令改正通知书", None],
            ["金公消责改〔2015〕0002号", "丙所", "2015-04-02", "责令限期改正通知书", None],
            ["金公消当罚〔2015〕0001号", "乙所", "2015/4/3", "当场处罚", 200],
            ["金公消当罚〔2015〕0002号", "乙所", dt.date(2015, 4, 3), "当场处罚", None],  # a warning: fine 0
            ["金公消行罚〔2015〕0001号", "a1", dt.date(2015, 4, 4), "一般程序处罚", "5000"],
        ],
    )
    export = read(f, kaohe_bureau, kaohe_registry)
    assert export.adapter.id == "xiaofang.enforcement"
    assert export.rejected == []
    got = [(r.key, r.kind, r.unit, r.date, r.value) for r in export.records]
    assert got == [
        ("xiaofang.rectification:金公消责改〔2015〕0001号", it.RECTIFICATION, "a1", dt.date(2015, 4, 1), None),
        ("xiaofang.rectification:金公消责改〔2015〕0002号", it.RECTIFICATION, "c1", dt.date(2015, 4, 2), None),
        ("xiaofang.onsite_penalty:金公消当罚〔2015〕0001号", it.ONSITE, "b1", dt.date(2015, 4, 3), Decimal(200)),
        ("xiaofang.onsite_penalty:金公消当罚〔2015〕0002号", it.ONSITE, "b1", dt.date(2015, 4, 3), Decimal(0)),
        ("xiaofang.general_penalty:金公消行罚〔2015〕0001号", it.GENERAL, "a1", dt.date(2015, 4, 4), Decimal(5000)),
    ]


def test_enforcement_bad_cells_rejected(tmp_path, kaohe_bureau, kaohe_registry):
    f = xlsx(
        tmp_path / "执法文书.xlsx",
        ["文书编号", "派出所", "日期", "文书类型", "罚款金额"],
        [
            ["W1", "甲所", dt.date(2015, 4, 1), "当场处罚", "五千"],  # text in a number column
            ["W2", "甲所", dt.date(2015, 4, 1), "当场处罚", -50],  # negative fine
            ["W3", "甲所", dt.date(2015, 4, 1), "警告书", None],  # not a document type of l.638
            ["W4", "甲所", "2015-02-30", "当场处罚", 50],  # impossible date
            ["W5", "东城派出所", dt.date(2015, 4, 1), "当场处罚", 50],  # not a unit of the bureau
            [None, "甲所", dt.date(2015, 4, 1), "当场处罚", 50],  # no document number
            ["W6", "甲所", dt.date(2015, 4, 1), "当场处罚", 50],  # good
            ["W6", "甲所", dt.date(2015, 4, 1), "当场处罚", 50],  # the same document again
        ],
    )
    export = read(f, kaohe_bureau, kaohe_registry)
    assert [r.key for r in export.records] == ["xiaofang.onsite_penalty:W6"]
    bad = [(r.row, r.column) for r in export.rejected]
    # the title is row 1, the header row 2, data from row 3
    assert bad == [(3, "罚款金额"), (4, "罚款金额"), (5, "文书类型"), (6, "日期"), (7, "派出所"), (8, "文书编号"), (10, "")]


def test_findings_rows(tmp_path, kaohe_bureau, kaohe_registry):
    f = xlsx(
        tmp_path / "检查发现问题.xlsx",
        ["编号", "单位", "检查日期", "问题类别", "数量", "说明"],
        [
            ["J1", "甲所", dt.date(2015, 4, 1), "基础档案台帐缺项", 2, "缺专项治理档案"],
            ["J2", "乙所", dt.date(2015, 4, 2), "未明确专(兼)职消防民警和辅警", None, None],
            ["J3", "乙所", dt.date(2015, 4, 2), "宣传栏破旧", None, None],  # not a 问题类别
            ["J4", "乙所", dt.date(2015, 4, 2), "消防警务室缺项", 0, None],  # 数量 must be ≥ 1
            ["J5", "乙所", dt.date(2015, 4, 2), "消防警务室缺项", 1.5, None],  # not a whole number
        ],
    )
    export = read(f, kaohe_bureau, kaohe_registry)
    assert export.adapter.id == "xiaofang.findings"
    got = [(r.key, r.unit, dict(r.attrs)) for r in export.records]
    assert got == [
        ("xiaofang.finding:J1", "a1", {"category": it.LEDGER_MISSING, "count": 2}),
        ("xiaofang.finding:J2", "b1", {"category": it.OFFICER, "count": 1}),  # blank 数量 counts as 1
    ]
    assert export.records[0].note == "基础档案台帐缺项2处(缺专项治理档案)"
    assert [(r.row, r.column) for r in export.rejected] == [(5, "问题类别"), (6, "数量"), (7, "数量")]


def test_activity_rows(tmp_path, kaohe_bureau, kaohe_registry):
    f = xlsx(
        tmp_path / "宣传培训.xlsx",
        ["活动编号", "派出所", "活动日期", "活动类型", "活动内容", "参加人数", "内容单调"],
        [
            ["H1", "甲所", dt.date(2015, 3, 1), "消防宣传培训", "学校疏散演练", 80, None],
            ["H2", "乙所", dt.date(2015, 11, 9), "119消防宣传日", "广场咨询", 120, "是"],
            ["H3", "丙所", dt.date(2015, 11, 9), "“119”消防宣传日", None, None, "否"],
            ["H4", "丙所", dt.date(2015, 11, 9), "119消防宣传日", None, None, "也许"],  # not 是/否
            ["H5", "丙所", dt.date(2015, 11, 9), "消防演练", None, None, None],  # not an activity type
        ],
    )
    export = read(f, kaohe_bureau, kaohe_registry)
    assert export.adapter.id == "xiaofang.activities"
    got = [(r.kind, r.unit, r.get("monotonous")) for r in export.records]
    assert got == [(it.TRAINING, "a1", "否"), (it.DAY119, "b1", "是"), (it.DAY119, "c1", "否")]
    assert [(r.row, r.column) for r in export.rejected] == [(6, "内容单调"), (7, "活动类型")]


def test_meeting_rows(tmp_path, kaohe_bureau, kaohe_registry):
    f = xlsx(
        tmp_path / "例会.xlsx",
        ["会议编号", "派出所", "会议日期", "会议内容", "参会人数"],
        [
            ["M1", "甲所", dt.date(2015, 4, 8), "部署检查", 12],
            ["M2", "乙所", "2015-13-01", None, None],  # impossible date
            ["M3", "乙所", dt.date(2015, 4, 8), None, "十二"],  # text in a number column
        ],
    )
    export = read(f, kaohe_bureau, kaohe_registry)
    assert export.adapter.id == "xiaofang.meetings"
    assert [(r.key, r.kind, r.unit, r.date) for r in export.records] == [
        ("xiaofang.meeting:M1", it.MEETING, "a1", dt.date(2015, 4, 8))
    ]
    assert [(r.row, r.column) for r in export.rejected] == [(4, "会议日期"), (5, "参会人数")]


def test_fire_rows(tmp_path, kaohe_bureau, kaohe_registry):
    headers = [c.name for c in ad.FIRES.columns]
    assert headers[:5] == ["火灾编号", "派出所", "起火日期", "起火地点", "火灾等级"]
    f = xlsx(
        tmp_path / "火灾.xlsx",
        headers,
        [
            ["Z1", "甲所", dt.date(2015, 4, 1), "民房", "一般", 1, 30000, "是", None, "否", None],
            ["Z2", "乙所", dt.date(2015, 4, 2), None, "特别重大", 12, None, None, "是", None, "是"],
            ["Z3", "丙所", dt.date(2015, 4, 3), None, "较大", None, None, None, None, None, None],
            ["Z4", "丙所", dt.date(2015, 4, 3), None, "严重", None, None, None, None, None, None],  # bad grade
            ["Z5", "丙所", dt.date(2015, 4, 3), None, "一般", -1, None, None, None, None, None],  # negative deaths
            ["Z6", "丙所", dt.date(2015, 4, 3), None, "一般", None, None, "可能", None, None, None],  # not 是/否
        ],
    )
    export = read(f, kaohe_bureau, kaohe_registry)
    assert export.adapter.id == "xiaofang.fires"
    got = [
        (r.unit, r.get("severity"), r.get("late_arrival"), r.get("investigation_late"), r.get("supervision_failed"))
        for r in export.records
    ]
    assert got == [
        ("a1", it.MAJOR, "是", "否", "否"),  # 一般 with a death: 亡人火灾
        ("b1", it.CATASTROPHIC, "否", "是", "是"),  # 特别重大 is 特大, deaths or not
        ("c1", "", "否", "否", "否"),  # 较大 without death: none of l.640's levels
    ]
    assert [(r.row, r.column) for r in export.rejected] == [(6, "火灾等级"), (7, "死亡人数"), (8, "接警未及时到场")]


def test_fire_severity():
    assert ad.fire_severity("一般", 0) == ""
    assert ad.fire_severity("较大", 0) == ""
    assert ad.fire_severity("较大", 2) == it.MAJOR
    assert ad.fire_severity("重大", 0) == it.MAJOR
    assert ad.fire_severity("特大", 0) == it.CATASTROPHIC
    assert ad.fire_severity("特大", 5) == it.CATASTROPHIC
