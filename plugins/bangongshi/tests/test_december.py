"""(十六) 调研论文 (seed 000 l.680), scored over the year in the 年度加考 category."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import kaohe_bangongshi
import openpyxl
from kaohe import Period
from kaohe.testing import read_export
from kaohe.plugins.discovery import get_plugin_manager, load_registry
from kaohe.scheme.config import parse_bureau
from kaohe.testing import MemorySource, score

CONFIG = {
    "bureau": {"name": "测试局"},
    "series": [{"id": "A", "name": "A类"}],
    "categories": [{"id": "jiakao", "name": "年度加考", "weight": 20, "base": 100, "scope": "year"}],
    "units": [
        {"id": "a", "name": "甲派出所", "series": "A", "aliases": ["甲"]},
        {"id": "b", "name": "乙派出所", "series": "A", "aliases": ["乙"]},
        {"id": "c", "name": "丙派出所", "series": "A", "aliases": ["丙"]},
    ],
    "items": {"enable": ["bangongshi.dec_*"]},
}


def test_papers_reported_and_adopted(tmp_path):
    reg = load_registry(get_plugin_manager(load_entrypoints=False, plugins=[("bangongshi", kaohe_bangongshi)]))
    bureau = parse_bureau(CONFIG, reg)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["论文编号", "上报单位", "上报日期", "论文题目", "录用级别"])
    rows = [
        ("1", "甲", "省厅"), ("2", "甲", "省厅"), ("3", "甲", "常州市局"),  # 3 papers, 30 + 30 + 10 = 70 → capped at 40
        ("4", "乙", "市局"),  # 1 paper: 1 short → −10; adopted by 市局 → +5
        ("5", "乙", "公安部"),  # not a level of l.680: rejected
    ]
    for n, unit, level in rows:
        ws.append([n, unit, dt.date(2015, 5, 4), "题目", level])
    wb.save(tmp_path / "papers.xlsx")
    export = read_export(tmp_path / "papers.xlsx", bureau, reg, today=dt.date(2016, 1, 1))
    assert [(r.row, r.column) for r in export.rejected] == [(6, "录用级别")]
    res = score(bureau, Period.parse("2015"), MemorySource(export.records))

    def items(u):
        cat = next(c for c in res.unit(u).categories if c.category == "jiakao")
        return {i.item: i.points for i in cat.items}, cat.raw

    # 甲: reported 3 ≥ 2 → 0; adopted 70, 加分不超过40分 → 40; raw 100 + 40 = 140
    assert items("a") == ({"bangongshi.dec_papers_reported": 0, "bangongshi.dec_papers_adopted": 40}, 140)
    # 乙: reported 1 → (2 − 1) × −10 = −10; adopted +5; raw 95
    assert items("b") == ({"bangongshi.dec_papers_reported": -10, "bangongshi.dec_papers_adopted": 5}, 95)
    # 丙: none reported → 2 × −10 = −20; raw 80
    assert items("c") == ({"bangongshi.dec_papers_reported": -20, "bangongshi.dec_papers_adopted": 0}, 80)
    # normalised within the class: 140 is the top → 20; 乙 95 / 140 × 20 = 13.57; 丙 80 / 140 × 20 = 11.43
    assert [next(c.score for c in res.unit(u).categories if c.category == "jiakao") for u in "abc"] == [
        Decimal(20), Decimal("13.57"), Decimal("11.43")
    ]
