"""The four exports read through the kernel's intake: good rows become the expected records, bad
cells are rejected with the row and column."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl
from kaohe.testing import read_export

TODAY = dt.date(2016, 1, 31)


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def read(path, bureau, registry):
    return read_export(path, bureau, registry, today=TODAY)


CASE_HEADER = ["案件编号", "办案单位", "破案日期", "案件类别", "是否八类", "是否本辖区", "是否年内在帐", "是否积隐案",
               "是否外省市案件", "追回被盗抢汽车数", "简要案情"]


def test_cases_good_rows(tmp_path, kaohe_bureau, kaohe_registry):
    path = write_csv(tmp_path / "cases.csv", CASE_HEADER, [
        ["A1", "甲所", "2015-04-03", "抢劫", "是", "是", "是", "", "", "", "持刀抢劫"],
        ["A2", "乙派出所", "2015/4/5", "盗窃汽车", "否", "否", "是", "否", "否", "2", ""],
    ])
    exp = read(path, kaohe_bureau, kaohe_registry)
    assert exp.adapter.id == "xingzhen.cases"
    assert exp.rejected == []
    a1, a2 = exp.records
    assert (a1.key, a1.kind, a1.unit, a1.date) == ("xingzhen.case:A1", "xingzhen.case", "a1", dt.date(2015, 4, 3))
    assert dict(a1.attrs) == {"category": "抢劫", "eight": "是", "local": "是", "in_year": "是", "backlog": "否",
                              "other_province": "否", "cars": 0}
    assert a2.unit == "b1" and a2.attrs["cars"] == 2 and a2.attrs["category"] == "盗窃汽车"
    assert "追回汽车2辆" in a2.note


def test_cases_bad_cells(tmp_path, kaohe_bureau, kaohe_registry):
    path = write_csv(tmp_path / "cases.csv", CASE_HEADER, [
        ["B1", "开发区派出所", "2015-04-03", "盗窃", "否", "是", "是", "", "", "", ""],  # unit not in the bureau
        ["B2", "甲所", "2015-02-30", "盗窃", "否", "是", "是", "", "", "", ""],          # impossible date
        ["B3", "甲所", "2015-04-03", "盗窃", "也许", "是", "是", "", "", "", ""],        # not 是/否
        ["B4", "甲所", "2015-04-03", "盗窃", "否", "是", "是", "", "", "两辆", ""],      # text in a number column
        ["B5", "甲所", "2015-04-03", "盗窃", "否", "是", "是", "是", "", "", ""],        # 年内在帐 and 积隐案
        ["B6", "甲所", "2015-04-03", "盗窃", "否", "是", "是", "", "", "", ""],          # good
    ])
    exp = read(path, kaohe_bureau, kaohe_registry)
    assert [r.key for r in exp.records] == ["xingzhen.case:B6"]
    bad = {r.row: r for r in exp.rejected}
    assert sorted(bad) == [2, 3, 4, 5, 6]
    assert bad[2].column == "办案单位"
    assert bad[3].column == "破案日期"
    assert bad[4].column == "是否八类"
    assert bad[5].column == "追回被盗抢汽车数"
    assert "积隐案" in bad[6].message


PERSON_HEADER = ["人员编号", "姓名", "办案单位", "日期", "类别", "是否特种行业", "逃犯来源", "是否历年逃犯", "是否命案逃犯", "说明"]


def test_persons_good_and_bad_rows(tmp_path, kaohe_bureau, kaohe_registry):
    path = write_csv(tmp_path / "persons.csv", PERSON_HEADER, [
        ["R1", "张三", "甲派出所", "2015-04-03", "逮捕", "是", "", "", "", ""],
        ["R2", "", "丙派出所", "2015-04-04", "网上逃犯", "", "外省", "是", "否", ""],
        ["R1", "张三", "甲派出所", "2015-03-25", "刑事拘留", "", "", "", "", ""],  # same person, another 类别
        ["R3", "", "甲派出所", "2015-04-04", "网上逃犯", "", "", "", "", ""],       # fugitive without 逃犯来源
        ["R4", "", "甲派出所", "2015-04-04", "行政拘留", "", "", "", "", ""],       # not a 类别 of the list
        ["R5", "", "甲派出所", "2015-04-04", "网上逃犯", "", "外国", "", "", ""],   # not an 逃犯来源
    ])
    exp = read(path, kaohe_bureau, kaohe_registry)
    assert exp.adapter.id == "xingzhen.persons"
    keys = [r.key for r in exp.records]
    assert keys == ["xingzhen.person:R1:逮捕", "xingzhen.person:R2:网上逃犯", "xingzhen.person:R1:刑事拘留"]
    assert exp.records[0].attrs["special_trade"] == "是"
    assert {k: exp.records[1].attrs[k] for k in ("origin", "past", "homicide")} == {"origin": "外省", "past": "是", "homicide": "否"}
    bad = {r.row: r for r in exp.rejected}
    assert sorted(bad) == [5, 6, 7]
    assert "逃犯来源" in bad[5].message
    assert bad[6].column == "类别"
    assert bad[7].column == "逃犯来源"


FINDING_HEADER = ["编号", "单位", "日期", "事项", "人数", "说明"]


def test_findings_good_and_bad_rows(tmp_path, kaohe_bureau, kaohe_registry):
    path = write_csv(tmp_path / "findings.csv", FINDING_HEADER, [
        ["X1", "甲所", "2015-04-03", "被审查人员信息缺项", "3", "张三 缺抓获信息"],
        ["X2", "乙派出所", "2015-04-03", "协作平台破案", "", ""],
        ["X3", "甲所", "2015-04-03", "迟到早退", "1", ""],            # not a 事项 of the list
        ["X4", "甲所", "2015-04-03", "协作平台破案", "0", ""],         # 人数 below 1
        ["X1", "甲所", "2015-04-03", "被审查人员信息缺项", "3", ""],   # same 编号 again
    ])
    exp = read(path, kaohe_bureau, kaohe_registry)
    assert exp.adapter.id == "xingzhen.findings"
    x1, x2 = exp.records
    assert dict(x1.attrs) == {"matter": "被审查人员信息缺项", "count": 3}
    assert "张三 缺抓获信息" in x1.note
    assert dict(x2.attrs) == {"matter": "协作平台破案", "count": 1}
    bad = {r.row: r for r in exp.rejected}
    assert sorted(bad) == [4, 5, 6]
    assert bad[4].column == "事项"
    assert bad[5].column == "人数"
    assert exp.duplicates == 1


MONTHLY_HEADER = ["统计截止日期", "派出所", "指纹捺印份数", "不合格指纹份数", "是否设立技术员", "“八类”等案件勘查率",
                  "其他案件勘查率", "现场勘查率", "入库率"]


def test_monthly_figures_from_xlsx_with_a_title_row(tmp_path, kaohe_bureau, kaohe_registry):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["金坛市公安局刑侦大队 2015年派出所基础工作月度数据"])
    ws.merge_cells("A1:I1")
    ws.append(MONTHLY_HEADER)
    ws.append([dt.date(2015, 4, 20), "甲所", 48, 2, "否", "97.5%", 0.825, 95, 100])
    ws.cell(ws.max_row, 7).number_format = "0.0%"  # shows 82.5%: Excel stores 0.825
    ws.append([dt.date(2015, 4, 20), "乙派出所", 70, None, "是", None, 90, 96, 92.5])
    ws.append([dt.date(2015, 4, 20), "丙派出所", "十二", 0, "是", None, 90, 96, 92.5])   # text in a number column
    ws.append([dt.date(2015, 4, 20), "丙派出所", 40, 0, "是", None, 90, 120, 92.5])       # a rate above 100 %
    path = tmp_path / "monthly.xlsx"
    wb.save(path)
    exp = read(path, kaohe_bureau, kaohe_registry)
    assert exp.adapter.id == "xingzhen.monthly"
    a, b = exp.records
    assert a.key == "xingzhen.monthly:a1:2015-04-20"  # 甲所 resolved to its unit id
    assert dict(a.attrs) == {"prints": 48, "bad_prints": 2, "has_technician": "否", "rate_key": Decimal("97.5"),
                             "rate_other": Decimal("82.5"), "rate_scene": Decimal(95), "rate_storage": Decimal(100)}
    assert "rate_key" not in b.attrs and b.attrs["bad_prints"] == 0
    bad = {r.row: r for r in exp.rejected}
    assert sorted(bad) == [5, 6]
    assert bad[5].column == "指纹捺印份数"
    assert bad[6].column == "现场勘查率"


def test_monthly_key_is_the_resolved_unit(tmp_path, kaohe_bureau, kaohe_registry):
    """甲所 and 甲派出所 are one station: their rows of one month are one record, not two."""
    from kaohe_xingzhen.adapters import MONTHLY_COLUMNS

    path = write_csv(tmp_path / "monthly.csv", [c.name for c in MONTHLY_COLUMNS], [
        ["2015-04-20", "甲派出所", 50, "", "是", "", "", "", ""],
        ["2015-04-20", "甲所", 60, "", "是", "", "", "", ""],
    ])
    exp = read(path, kaohe_bureau, kaohe_registry)
    assert [(r.key, r.get("prints")) for r in exp.records] == [("xingzhen.monthly:a1:2015-04-20", 50)]
    assert [(r.row, "同一条记录" in r.message) for r in exp.rejected] == [(3, True)]
