"""The adapters, read from real XLSX files: good rows become the records the items read; bad cells
are rejected by row and column."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from kaohe.testing import read_export
from kaohe_bangongshi import adapters as ad
from kaohe_bangongshi import items as it

TODAY = dt.date(2016, 1, 31)


def xlsx(path: Path, headers: list[str], rows: list[list]) -> Path:
    """A workbook as the offices make it: a merged title row above the header."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["金坛市公安局办公室 2015年"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.append(headers)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def read(path: Path, bureau, registry):
    return read_export(path, bureau, registry, today=TODAY)


def test_intel_monthly(tmp_path, kaohe_bureau, kaohe_registry):
    f = xlsx(
        tmp_path / "情报信息报送月统计表.xlsx",
        ["月份", "单位", "民警人数", "上报情报信息数", "其中维稳信息数", "上报档案信息数"],
        [
            ["2015年4月", "甲所", None, 95, 31, 4],
            ["2015-04", "乙所", 12, 40, None, 2],
            ["2015年4月", "丙所", None, "约20条", 8, 2],  # text in a number column
            ["2015年4月", "甲所", None, 96, 31, 4],  # 甲所 again for the same month
        ],
    )
    export = read(f, kaohe_bureau, kaohe_registry)
    assert export.adapter.id == "bangongshi.intel_monthly"
    got = [(r.key, r.unit, r.date, r.get("total"), r.get("stability"), r.get("archive"), r.get("headcount"))
           for r in export.records]
    # a month's figure is dated on the month's last day (2015-04-20)
    assert got == [
        ("bangongshi.intel_monthly:a1:2015-04", "a1", dt.date(2015, 4, 20), 95, 31, 4, None),
        ("bangongshi.intel_monthly:b1:2015-04", "b1", dt.date(2015, 4, 20), 40, 0, 2, 12),
    ]
    assert [(r.row, r.column) for r in export.rejected] == [(5, "上报情报信息数"), (6, "")]


def test_adoptions_levels_normalised_and_bad_level(tmp_path, kaohe_bureau, kaohe_registry):
    f = xlsx(
        tmp_path / "情报信息录用登记.xlsx",
        ["信息编号", "报送单位", "录用日期", "信息标题", "档案信息", "录用刊物(级别)", "领导批示肯定"],
        [
            ["QB001", "甲所", dt.date(2015, 4, 1), "某信息", "否", "《每日公安情况》", None],
            ["QB002", "乙所", "2015/4/2", "某信息", "是", "常州市局、省公安厅", "是"],
            ["QB003", "丙所", dt.date(2015, 4, 3), "某信息", None, "县政府", None],  # not a level of l.462
            ["QB004", "东城派出所", dt.date(2015, 4, 3), "某信息", None, "公安部", None],  # not a unit
        ],
    )
    export = read(f, kaohe_bureau, kaohe_registry)
    assert export.adapter.id == "bangongshi.intel_adoption"
    got = [(r.key, r.unit, r.get("level"), r.get("archive"), r.get("endorsed")) for r in export.records]
    assert got == [
        ("bangongshi.intel_adoption:QB001", "a1", "每日公安情况", "否", "否"),
        ("bangongshi.intel_adoption:QB002", "b1", "常州市局、省厅", "是", "是"),
    ]
    bad = [(r.row, r.column) for r in export.rejected]
    assert bad == [(5, ""), (6, "报送单位")]
    assert "县政府" in export.rejected[0].message


def test_instructions_late_computed_and_one_key_per_station(tmp_path, kaohe_bureau, kaohe_registry):
    f = xlsx(
        tmp_path / "签注反馈及查控登记.xlsx",
        ["指令编号", "签收单位", "类型", "下发日期", "签注反馈日期", "反馈内容不合要求", "抓获嫌疑人员数", "破获年内本地案件数",
         "破获年前本地案件数"],
        [
            ["ZL01", "甲所", "查控指令", dt.date(2015, 4, 3), dt.date(2015, 4, 7), None, 1, None, None],  # Fri → Tue: in time
            ["ZL01", "乙所", "查控指令", dt.date(2015, 4, 3), dt.date(2015, 4, 8), None, None, None, None],  # late
            ["ZL02", "丙所", "通知", dt.date(2015, 4, 3), None, "是", None, None, None],  # not signed, substandard
            ["ZL03", "甲所", "协查通报", dt.date(2015, 4, 3), None, None, None, None, None],  # not a type of l.466
            ["ZL04", "甲所", "查控指令", dt.date(2015, 4, 3), dt.date(2015, 4, 1), None, None, None, None],  # signed before issue
        ],
    )
    export = read(f, kaohe_bureau, kaohe_registry)
    assert export.adapter.id == "bangongshi.instructions"
    got = [(r.key, r.get("failed"), r.get("catches")) for r in export.records]
    assert got == [
        ("bangongshi.instruction:ZL01:a1", "否", 1),
        ("bangongshi.instruction:ZL01:b1", "是", 0),
        ("bangongshi.instruction:ZL02:c1", "是", 0),
    ]
    assert "超过期限4月7日" in export.records[1].note
    assert "未签注反馈" in export.records[2].note and "反馈内容达不到要求" in export.records[2].note
    assert [(r.row, r.column) for r in export.rejected] == [(6, "类型"), (7, "")]


def test_publicity_register_two_kinds_highest_level(tmp_path, kaohe_bureau, kaohe_registry):
    f = xlsx(
        tmp_path / "宣传报道及政工信息录用登记.xlsx",
        ["稿件编号", "单位", "录用日期", "类别", "稿件标题", "录用级别", "刊发媒体"],
        [
            ["XC01", "甲所", dt.date(2015, 4, 1), "宣传报道", "某稿", "地级、省级", "新华日报"],
            ["XC02", "乙所", dt.date(2015, 4, 2), "政工信息", "某稿", "常州市局政治部", "政工快讯"],
            ["XC03", "丙所", dt.date(2015, 4, 2), "政工信息", "某稿", "地级", None],  # a 宣传报道 level for 政工信息
            ["XC04", "丙所", dt.date(2015, 4, 2), "通讯", "某稿", "地级", None],  # not a category
        ],
    )
    export = read(f, kaohe_bureau, kaohe_registry)
    assert export.adapter.id == "bangongshi.publicity"
    got = [(r.key, r.kind, r.get("level")) for r in export.records]
    assert got == [
        ("bangongshi.publicity:XC01", it.PUBLICITY, "省级"),
        ("bangongshi.zhenggong:XC02", it.ZHENGGONG, "常州市局政治部"),
    ]
    assert [(r.row, r.column) for r in export.rejected] == [(5, ""), (6, "类别")]
    # the note names the level once: 省级录用, 常州市局政治部级录用 — never 地级级 or 省级级
    assert export.records[0].note == "宣传报道“某稿”(新华日报) 省级录用(另被地级录用,按最高值计)"
    assert export.records[1].note == "政工信息“某稿”(政工快讯) 常州市局政治部级录用"


def test_registers_are_told_apart_by_their_headers(tmp_path, kaohe_bureau, kaohe_registry):
    cases = [
        (ad.QUALITY_REGISTER, ["Q1", "甲所", dt.date(2015, 4, 1), "某信息", "退回", "要素不全"]),
        (ad.REPORTING_REGISTER, ["R1", "甲所", dt.date(2015, 4, 1), "瞒报", "某事", "是"]),
        (ad.ANALYSIS_REGISTER, ["Y1", "甲所", dt.date(2015, 4, 1), "舆情导控不得力", "某事"]),
        (ad.WARNINGS, ["W1", "甲所", dt.date(2015, 4, 1), "某预警"]),
        (ad.KEY_PERSONS, ["K1", "甲所", dt.date(2015, 4, 1), "王某", "是", None, 1, None, None, None]),
        (ad.BANK_CATCHES, ["B1", "甲所", dt.date(2015, 4, 1), "李某"]),
    ]
    for n, (adapter, row) in enumerate(cases):
        f = xlsx(tmp_path / f"{n}.xlsx", [c.name for c in adapter.columns], [row])
        export = read(f, kaohe_bureau, kaohe_registry)
        assert export.adapter.id == adapter.id
        assert export.rejected == [] and len(export.records) == 1
    # the key person row: late, one catch
    k = read(tmp_path / "4.xlsx", kaohe_bureau, kaohe_registry).records[0]
    assert (k.key, k.get("late"), k.get("catches"), k.get("checked_back")) == ("bangongshi.key_person:K1:a1", "是", 1, "否")
    r = read(tmp_path / "1.xlsx", kaohe_bureau, kaohe_registry).records[0]
    assert (r.get("violation"), r.get("notified")) == ("瞒报", "是")
