"""The two exports read through the kernel's intake: good rows become the expected records, bad
cells are rejected with the row and column."""

from __future__ import annotations

import csv
import datetime as dt
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


LODGING_HEADER = ["登记编号", "派出所", "入住日期", "姓名", "国籍", "人次", "是否及时申报", "申报是否准确"]


def test_lodging_good_and_bad_rows(tmp_path, kaohe_bureau, kaohe_registry):
    path = write_csv(tmp_path / "lodging.csv", LODGING_HEADER, [
        ["J1", "甲所", "2015-04-03", "KIM MINJUN", "韩国", "", "是", "否"],
        ["J2", "丙派出所", "2015/4/5", "", "", "2", "否", "是"],
        ["J3", "开发区派出所", "2015-04-03", "", "", "", "是", "是"],   # unit not in the bureau
        ["J4", "甲所", "2015-04-31", "", "", "", "是", "是"],           # impossible date
        ["J5", "甲所", "2015-04-03", "", "", "两", "是", "是"],         # text in a number column
        ["J6", "甲所", "2015-04-03", "", "", "", "按时", "是"],         # not 是/否
        ["J7", "甲所", "2015-04-03", "", "", "0", "是", "是"],          # 人次 below 1
    ])
    exp = read_export(path, kaohe_bureau, kaohe_registry, today=TODAY)
    assert exp.adapter.id == "churujing.lodging"
    j1, j2 = exp.records
    assert (j1.key, j1.unit, j1.date) == ("churujing.lodging:J1", "a1", dt.date(2015, 4, 3))
    assert dict(j1.attrs) == {"timely": "是", "accurate": "否", "count": 1}
    assert "韩国 KIM MINJUN" in j1.note
    assert j2.unit == "c1" and dict(j2.attrs) == {"timely": "否", "accurate": "是", "count": 2}
    bad = {r.row: r.column for r in exp.rejected}
    assert bad == {4: "派出所", 5: "入住日期", 6: "人次", 7: "是否及时申报", 8: "人次"}


MONTHLY_HEADER = ["统计截止日期", "派出所", "常驻境外人员漏登人次", "非法居留未发现人次", "非法居留30日以上未发现人次",
                  "租房境外人员户数", "签订保证书户数", "未建档户数", "及时通报备案人数"]


def test_monthly_figures_from_xlsx_with_a_title_row(tmp_path, kaohe_bureau, kaohe_registry):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["金坛市公安局出入境管理大队 2015年派出所出入境管理工作月度数据"])
    ws.merge_cells("A1:I1")
    ws.append(MONTHLY_HEADER)
    ws.append([dt.date(2015, 4, 20), "甲所", 1, None, None, 20, 19, 1, 2])
    ws.append([dt.date(2015, 4, 20), "乙派出所", None, None, None, None, None, None, None])
    ws.append([dt.date(2015, 4, 20), "丙派出所", "两人", None, None, 5, 5, None, None])  # text in a number column
    ws.append([dt.date(2015, 4, 20), "丙派出所", None, None, None, 5, 6, None, None])    # more signed than rented
    ws.append([dt.date(2015, 4, 20), "丙派出所", -1, None, None, 5, 5, None, None])      # negative count
    path = tmp_path / "monthly.xlsx"
    wb.save(path)
    exp = read_export(path, kaohe_bureau, kaohe_registry, today=TODAY)
    assert exp.adapter.id == "churujing.monthly"
    a, b = exp.records
    assert a.key == "churujing.monthly:a1:2015-04-20"  # 甲所 resolved to its unit id
    assert dict(a.attrs) == {"missed": 1, "illegal": 0, "illegal_30": 0, "rentals": 20, "signed": 19, "unfiled": 1,
                             "exit_ban": 2}
    assert all(v == 0 for v in b.attrs.values())
    bad = {r.row: r for r in exp.rejected}
    assert sorted(bad) == [5, 6, 7]
    assert bad[5].column == "常驻境外人员漏登人次"
    assert "签订保证书户数" in bad[6].message
    assert bad[7].column == "常驻境外人员漏登人次"


def test_monthly_key_is_the_resolved_unit(tmp_path, kaohe_bureau, kaohe_registry):
    """甲所 and 甲派出所 are one station: their rows of one month are one record, not two."""
    path = write_csv(tmp_path / "monthly.csv", MONTHLY_HEADER, [
        ["2015-04-20", "甲派出所", 1, "", "", 20, 19, 1, 2],
        ["2015-04-20", "甲所", 2, "", "", 20, 20, 0, 0],
    ])
    exp = read_export(path, kaohe_bureau, kaohe_registry, today=TODAY)
    assert [r.key for r in exp.records] == ["churujing.monthly:a1:2015-04-20"]
    assert [(r.row, "同一条记录" in r.message) for r in exp.rejected] == [(3, True)]
