"""(十八) 消防工作先进者 (seed 000 l.684), scored over the year 2015 on a small bureau with a year-scope
年度加考 category; expected values worked out by hand."""

from __future__ import annotations

import datetime as dt
import types
from decimal import Decimal

import pytest
from kaohe import Period, Record, hookimpl
from kaohe.plugins.discovery import get_plugin_manager, load_registry
from kaohe.scheme.config import parse_bureau
from kaohe.testing import MemorySource, score
from kaohe_xiaofang import december

CONFIG = {
    "bureau": {"name": "测试局", "cutoff_day": 20},
    "scheme": {"base_period": "month"},
    "series": [{"id": "A"}],
    "categories": [
        {"id": "jichu", "name": "基础工作建设", "weight": 100, "base": 100},
        {"id": "jiakao", "name": "年度加考", "weight": 20, "base": 100, "scope": "year"},
    ],
    "units": [
        {"id": "a1", "name": "甲派出所", "series": "A", "class": "A", "headcount": 10},
        {"id": "b1", "name": "乙派出所", "series": "A", "class": "A", "headcount": 10},
    ],
    "items": {"enable": ["*"]},
}


def plugin() -> types.ModuleType:
    mod = types.ModuleType("kaohe_xiaofang_december")

    @hookimpl
    def kaohe_items(register):
        for item in december.ITEMS:
            register(item)

    mod.kaohe_items = kaohe_items  # type: ignore[attr-defined]
    return mod


def honour(n: int, unit: str, level: str) -> Record:
    return Record(f"{december.KIND}:{n}", december.KIND, unit, dt.date(2015, 11, 1), attrs={"level": level})


@pytest.fixture(scope="module")
def result():
    reg = load_registry(get_plugin_manager(load_entrypoints=False, plugins=[("xiaofang", plugin())]))
    assert not reg.errors, reg.errors
    records = [honour(1, "a1", "常州市局"), honour(2, "a1", "省公安厅"), honour(3, "b1", "金坛市局")]
    return score(parse_bureau(CONFIG, reg), Period.parse("2015"), MemorySource(records))


def test_honours_from_changzhou_up_add_ten(result):
    cats = {u: next(c for c in result.unit(u).categories if c.category == "jiakao") for u in ("a1", "b1")}
    # 甲: 常州市局 +10, 省公安厅 +10 → raw 120 (top); 乙: 金坛市局's own award does not count → raw 100
    assert cats["a1"].raw == 120 and cats["b1"].raw == 100
    # 乙 100 ÷ 120 × 20 = 16.666… → 16.67
    assert cats["b1"].score == Decimal("16.67")


def test_row_to_record():
    (d,) = december.to_records({"id": "H1", "unit": "金城", "date": dt.date(2015, 11, 1), "level": "公安部", "who": "张三"})
    assert d.attrs == {"level": "公安部"} and d.note == "公安部评为消防工作先进者 张三"
    (item,) = december.ITEMS
    assert item.category == "jiakao" and item.cadence == "yearly" and item.reference == "seed 000 l.684"
