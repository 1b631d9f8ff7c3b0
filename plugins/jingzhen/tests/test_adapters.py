"""The 经济案件打击处理人员名单 read from a real XLSX, and the demo year read and scored."""

from __future__ import annotations

import datetime as dt

import kaohe_jingzhen
import openpyxl
from kaohe import Period
from kaohe.demo import DEMO_SEED, demo_bureau
from kaohe.testing import read_export
from kaohe.plugins.discovery import get_plugin_manager, load_registry
from kaohe.testing import MemorySource, score


def test_read_a_list_with_a_title_row_aliases_and_bad_rows(tmp_path, make_bureau, kaohe_registry):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["测试局经侦大队 2015年经济案件打击处理人员名单"])
    ws.append(["人员编号", "派出所", "日期", "姓名", "处理方式", "备注"])  # 派出所, 日期, 备注: accepted aliases
    ws.append(["JZ1", "甲所", dt.date(2015, 1, 5), "张某", "刑拘", None])
    ws.append(["JZ2", "乙派出所", "2015-03-20", None, "直诉", "合同诈骗"])
    ws.append(["JZ1", "甲所", dt.date(2015, 1, 5), "张某", "刑拘", None])  # the same person again
    ws.append(["JZ3", "开发区派出所", dt.date(2015, 2, 1), None, "逮捕", None])  # not a station
    ws.append(["JZ4", "乙派出所", dt.date(2015, 2, 1), None, "取保候审", None])  # not a measure dealt with
    path = tmp_path / "jz.xlsx"
    wb.save(path)
    export = read_export(path, make_bureau(), kaohe_registry)
    assert [(r.unit, r.date, r.get("measure")) for r in export.records] == [
        ("a1", dt.date(2015, 1, 5), "刑事拘留"),  # 刑拘 is stored as 刑事拘留
        ("b1", dt.date(2015, 3, 20), "直诉"),
    ]
    assert export.records[0].note == "刑事拘留 张某"
    assert [(r.row, r.column) for r in export.rejected] == [(5, ""), (6, "办案单位"), (7, "处理方式")]  # named by the column's own header


def test_demo_year_is_read_and_scored(tmp_path):
    registry = load_registry(get_plugin_manager(load_entrypoints=False, plugins=[("jingzhen", kaohe_jingzhen)]))
    bureau, _ = demo_bureau(registry)
    [path] = kaohe_jingzhen.kaohe_demo_data(bureau=bureau, directory=tmp_path, seed=DEMO_SEED)
    export = read_export(path, bureau, registry)
    # the one bad row on purpose: 开发区派出所 is not a station of the demo bureau (row 3 of the data + 2)
    assert [(r.row, r.column) for r in export.rejected] == [(6, "办案单位")]
    assert len(export.records) > 50
    res = score(bureau, Period.parse("2015-03"), MemorySource(export.records))
    points = {}
    for u in bureau.units:
        [item] = [i for c in res.unit(u.id).categories for i in c.items if i.item == "jingzhen.prosecuted_quarterly"]
        points[u.id] = (u.klass, item.points, len(item.lines))
    # March: classes A and B are assessed (one line each), class C only in June and December
    assert all(n == (0 if k == "C" else 1) for k, _, n in points.values())
    # a deduction is a whole multiple of −5 for A and B (whole persons against whole targets)
    assert all(p <= 0 and p % 5 == 0 for k, p, _ in points.values())
    assert any(p < 0 for _, p, _ in points.values()) and any(p == 0 for k, p, _ in points.values() if k != "C")
