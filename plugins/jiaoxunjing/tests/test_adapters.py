"""The assist register: good rows become records, bad cells and rows are refused."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from kaohe import CellError
from kaohe.testing import read_export
from kaohe_jiaoxunjing.adapters import ASSIST_ADAPTER

HEADER = ["登记编号", "协助单位", "认定日期", "协助类别", "事故(事件)编号", "简要情况"]


def test_good_row():
    cols = {c.name: c for c in ASSIST_ADAPTER.columns}
    raw = {"登记编号": "JX1", "协助单位": "甲城所", "认定日期": "2015年4月3日", "协助类别": "协助侦破死亡逃逸交通事故",
           "事故(事件)编号": "TY001", "简要情况": "协助排查嫌疑车辆"}
    row = {c.key: c.convert(raw.get(name)) for name, c in cols.items()}
    [d] = ASSIST_ADAPTER.to_records(row)
    assert d.key == "jiaoxunjing.assist:JX1" and d.unit == "甲城所" and d.date == dt.date(2015, 4, 3)
    assert d.attrs == {"type": "协助侦破死亡逃逸交通事故", "case": "TY001"}
    assert "协助排查嫌疑车辆" in d.note


@pytest.mark.parametrize(("column", "raw"), [("协助类别", "协助查处酒驾"), ("认定日期", "2015-06-31"), ("登记编号", None)])
def test_bad_cells(column, raw):
    col = next(c for c in ASSIST_ADAPTER.columns if c.name == column)
    with pytest.raises(CellError):
        col.convert(raw)


def test_file_through_the_intake(tmp_path, kaohe_bureau, kaohe_registry):
    path = tmp_path / "协助.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        w.writerow(["JX1", "甲城派出所", "2015-04-03", "协助侦破死亡逃逸交通事故", "TY001", ""])
        w.writerow(["JX2", "城南派出所", "2015-04-03", "协助侦破其他逃逸交通事故", "", ""])  # not a station
        w.writerow(["JX3", "乙镇派出所", "2015-06-31", "协助做好其他事件稳控工作", "", ""])  # no such day
        w.writerow(["JX4", "乙镇派出所", "2015-04-05", "协助做好重大事件稳控工作", "", ""])
        w.writerow(["JX1", "甲城派出所", "2015-04-03", "协助侦破死亡逃逸交通事故", "TY001", ""])  # same 登记编号 again
    export = read_export(path, kaohe_bureau, kaohe_registry)
    assert export.adapter.id == "jiaoxunjing.assists"
    assert [(r.key, r.unit) for r in export.records] == [("jiaoxunjing.assist:JX1", "a1"), ("jiaoxunjing.assist:JX4", "b1")]
    assert [(r.row, r.column) for r in export.rejected] == [(3, "协助单位"), (4, "认定日期"), (6, "")]
