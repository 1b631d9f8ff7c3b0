"""The 纪委's two registers as real XLSX files: good rows become records, bad cells are rejected."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from kaohe import KaoheError
from kaohe.testing import read_export
from kaohe_jiwei import items as it
from kaohe_jiwei.adapters import normalise_situation

TODAY = dt.date(2016, 1, 31)
VETO_HEADER = ["编号", "单位", "日期", "否决情形", "说明"]
DEDUCTION_HEADER = ["编号", "单位", "日期", "事项", "人次", "是否自查主动上报", "说明"]


def xlsx(path: Path, headers: list[str], rows: list[list]) -> Path:
    """A workbook as the 纪委 makes it: a merged title row above the header."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["金坛市公安局纪委(督察) 2015年"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.append(headers)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def read(path: Path, bureau, registry):
    return read_export(path, bureau, registry, today=TODAY)


def test_veto_register_good_rows(tmp_path, kaohe_bureau, kaohe_registry):
    f = xlsx(
        tmp_path / "一票否决情形登记.xlsx",
        VETO_HEADER,
        [
            ["F1", "乙镇所", dt.date(2015, 7, 9), "(一)违反五条禁令、三条铁规", "民警酒后驾驶"],
            ["F2", "甲城派出所", "2015-03-02", "(三)", None],  # the ordinal alone, full-width brackets
            ["F3", "c1", "2015年5月6日", "(六)落实党风廉政建设责任制不力", None],
        ],
    )
    export = read(f, kaohe_bureau, kaohe_registry)
    assert export.adapter.id == "jiwei.vetoes"
    assert export.rejected == []
    got = [(r.key, r.kind, r.unit, r.date, dict(r.attrs)) for r in export.records]
    assert got == [
        ("jiwei.veto:F1", it.VETO, "b1", dt.date(2015, 7, 9), {"situation": it.SITUATIONS[0]}),
        ("jiwei.veto:F2", it.VETO, "a1", dt.date(2015, 3, 2), {"situation": it.SITUATIONS[2]}),
        ("jiwei.veto:F3", it.VETO, "c1", dt.date(2015, 5, 6), {"situation": it.SITUATIONS[5]}),
    ]
    assert export.records[0].note == "(一)违反五条禁令、三条铁规:民警酒后驾驶"


def test_veto_register_bad_cells(tmp_path, kaohe_bureau, kaohe_registry):
    f = xlsx(
        tmp_path / "一票否决情形登记.xlsx",
        VETO_HEADER,
        [
            ["F1", "乙镇所", dt.date(2015, 7, 9), "(八)其他", None],  # not one of the seven situations
            ["F2", "城南派出所", dt.date(2015, 7, 9), "(一)", None],  # not a station of the bureau
            ["F3", "乙镇所", "2015-02-30", "(一)", None],  # no such day
            ["F4", "乙镇所", dt.date(2015, 7, 9), None, None],  # no situation
            ["F5", "乙镇所", dt.date(2015, 7, 9), "七", None],  # good: the ordinal alone
            ["F5", "乙镇所", dt.date(2015, 7, 9), "七", None],  # the same 编号 again
        ],
    )
    export = read(f, kaohe_bureau, kaohe_registry)
    assert [(r.key, r.get("situation")) for r in export.records] == [("jiwei.veto:F5", it.SITUATIONS[6])]
    # title row 1, header row 2, data from row 3
    assert [(r.row, r.column) for r in export.rejected] == [(3, "否决情形"), (4, "单位"), (5, "日期"), (6, "否决情形"), (8, "")]


def test_deduction_register_good_rows(tmp_path, kaohe_bureau, kaohe_registry):
    f = xlsx(
        tmp_path / "队伍建设扣分登记.xlsx",
        DEDUCTION_HEADER,
        [
            ["J1", "甲城所", dt.date(2015, 7, 1), it.DISCIPLINE, 2, "否", "值班脱岗"],
            ["J2", "甲城所", dt.date(2015, 7, 2), it.DISCIPLINE, None, "是", None],
            ["J3", "乙镇派出所", "2015/7/3", it.NOTICE, None, "N", None],
            ["J4", "c1", dt.date(2015, 7, 4), it.KEY_TARGET, 1, "否", "常州市局列为重点整治单位"],
        ],
    )
    export = read(f, kaohe_bureau, kaohe_registry)
    assert export.adapter.id == "jiwei.deductions"
    assert export.rejected == []
    got = [(r.key, r.unit, r.date, dict(r.attrs)) for r in export.records]
    assert got == [
        ("jiwei.deduction:J1", "a1", dt.date(2015, 7, 1), {"matter": it.DISCIPLINE, "count": 2, "self_reported": False}),
        ("jiwei.deduction:J2", "a1", dt.date(2015, 7, 2), {"matter": it.DISCIPLINE, "count": 1, "self_reported": True}),
        ("jiwei.deduction:J3", "b1", dt.date(2015, 7, 3), {"matter": it.NOTICE, "count": 1, "self_reported": False}),
        ("jiwei.deduction:J4", "c1", dt.date(2015, 7, 4), {"matter": it.KEY_TARGET, "count": 1, "self_reported": False}),
    ]
    assert [r.note for r in export.records] == [
        "违反内务条令等被检查督查发现 2人次:值班脱岗",
        "违反内务条令等被检查督查发现(自查主动上报)",
        "市局督查督办通知书",
        "列为重点整治单位:常州市局列为重点整治单位",
    ]


def test_deduction_register_bad_cells(tmp_path, kaohe_bureau, kaohe_registry):
    f = xlsx(
        tmp_path / "队伍建设扣分登记.xlsx",
        DEDUCTION_HEADER,
        [
            ["J1", "甲城所", dt.date(2015, 7, 1), "迟到早退", 1, "否", None],  # not a 事项 of the list
            ["J2", "甲城所", dt.date(2015, 7, 1), it.WARNING, "两", "否", None],  # text in 人次
            ["J3", "甲城所", dt.date(2015, 7, 1), it.WARNING, 0, "否", None],  # 人次 below 1
            ["J4", "甲城所", dt.date(2015, 7, 1), it.WARNING, 1.5, "否", None],  # not a whole number
            ["J5", "甲城所", dt.date(2015, 7, 1), it.DISCIPLINE, 1, "也许", None],  # not 是/否
            ["J6", "甲城所", "2015-09-31", it.WARNING, 1, "否", None],  # no such day
            ["J7", "东城派出所", dt.date(2015, 7, 1), it.WARNING, 1, "否", None],  # not a station
            ["J8", "甲城所", dt.date(2015, 7, 1), it.KEY_TARGET, 2, "否", None],  # 重点整治 is once
            [None, "甲城所", dt.date(2015, 7, 1), it.WARNING, 1, "否", None],  # no 编号
            ["J9", "甲城所", dt.date(2016, 3, 1), it.WARNING, 1, "否", None],  # after today
            ["J11", "甲城所", dt.date(2015, 7, 1), it.WARNING, 1, None, None],  # 是否自查主动上报 left blank
            ["J10", "甲城所", dt.date(2015, 7, 1), it.WARNING, 1, "否", None],  # good
        ],
    )
    export = read(f, kaohe_bureau, kaohe_registry)
    assert [r.key for r in export.records] == ["jiwei.deduction:J10"]
    assert [(r.row, r.column) for r in export.rejected] == [
        (3, "事项"), (4, "人次"), (5, "人次"), (6, "人次"), (7, "是否自查主动上报"), (8, "日期"), (9, "单位"),
        (10, ""), (11, "编号"), (12, "日期"), (13, "是否自查主动上报"),
    ]
    assert "人次应为1或空白" in export.rejected[7].message


def test_situation_spelling():
    # brackets, quotes and spaces as staff type them all name the same situation
    assert normalise_situation("(一)违反“五条禁令”、“三条铁规”") == it.SITUATIONS[0]
    assert normalise_situation(" (四) ") == it.SITUATIONS[3]
    assert normalise_situation("五") == it.SITUATIONS[4]
    assert normalise_situation("(八)") == "(八)"  # unknown: left for the column to refuse


def test_register_without_the_self_report_column_is_not_taken_for_the_deductions(tmp_path, kaohe_bureau, kaohe_registry):
    # 编号/单位/日期/事项/人次 alone is also the header of other departments' registers: without
    # 是否自查主动上报 this file is not the 纪委's deduction register
    f = xlsx(tmp_path / "x.xlsx", DEDUCTION_HEADER[:5], [["J1", "甲城所", dt.date(2015, 7, 1), it.WARNING, 1]])
    with pytest.raises(KaoheError, match="缺少列:是否自查主动上报"):
        read(f, kaohe_bureau, kaohe_registry)
