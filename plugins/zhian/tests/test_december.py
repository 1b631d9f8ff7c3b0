"""(十七) 平安企业创建 (seed 000 l.682), scored over the year 2015 on a small bureau with a year-scope
年度加考 category; expected values worked out by hand."""

from __future__ import annotations

import datetime as dt
import types

import pytest
from kaohe import Period, Record, hookimpl
from kaohe.plugins.discovery import get_plugin_manager, load_registry
from kaohe.scheme.config import parse_bureau
from kaohe.testing import MemorySource, score
from kaohe_zhian import december

CONFIG = {
    "bureau": {"name": "测试局", "cutoff_day": 20},
    "scheme": {"base_period": "month"},
    "series": [{"id": "A"}, {"id": "B"}, {"id": "C"}],
    "categories": [
        {"id": "jichu", "name": "基础工作建设", "weight": 100, "base": 100},
        {"id": "jiakao", "name": "年度加考", "weight": 20, "base": 100, "scope": "year"},
    ],
    "units": [
        {"id": "a1", "name": "甲派出所", "series": "A", "class": "A", "headcount": 10},
        {"id": "b1", "name": "乙派出所", "series": "B", "class": "B", "headcount": 10},
        {"id": "c1", "name": "丙派出所", "series": "C", "class": "C", "headcount": 10},
    ],
    "items": {"enable": ["*"]},
}


def plugin() -> types.ModuleType:
    mod = types.ModuleType("kaohe_zhian_december")

    @hookimpl
    def kaohe_items(register):
        for item in december.ITEMS:
            register(item)

    mod.kaohe_items = kaohe_items  # type: ignore[attr-defined]
    return mod


def enterprise(n: int, unit: str, day: dt.date = dt.date(2015, 5, 1)) -> Record:
    return Record(f"{december.KIND}:{n}", december.KIND, unit, day, attrs={"name": f"企业{n}"}, note=f"平安企业 企业{n}")


RECORDS = [
    *[enterprise(n, "a1") for n in range(1, 3)],  # 甲 (A) 2 of 4
    *[enterprise(n, "b1") for n in range(3, 8)],  # 乙 (B) 5 of 3: more gives nothing
    enterprise(9, "c1", dt.date(2015, 12, 25)),   # after 12-20: assessment year 2016, not counted
]


@pytest.fixture(scope="module")
def registry():
    reg = load_registry(get_plugin_manager(load_entrypoints=False, plugins=[("zhian", plugin())]))
    assert not reg.errors, reg.errors
    return reg


def points(res, unit):
    cat = next(c for c in res.unit(unit).categories if c.category == "jiakao")
    return next(i.points for i in cat.items if i.item == "zhian.dec_safe_enterprise")


def test_short_enterprises_cost_ten_each(kaohe_registry):
    res = score(parse_bureau(CONFIG, kaohe_registry), Period.parse("2015"), MemorySource(RECORDS))
    # 甲 A: 4 − 2 = 2 short × −10 = −20; 乙 B: 5 ≥ 3 → 0; 丙 C: 0 of 2 (the 12-25 one is 2016) → −20
    assert [points(res, u) for u in ("a1", "b1", "c1")] == [-20, 0, -20]


def test_targets_by_station(kaohe_registry):
    cfg = {**CONFIG, "items": {"enable": ["*"], "zhian.dec_safe_enterprise": {"params": {"targets": {"A": 4, "B": 3, "C": 2, "甲派出所": 1}}}}}
    res = score(parse_bureau(cfg, kaohe_registry), Period.parse("2015"), MemorySource(RECORDS))
    # 甲's own target 1: 2 ≥ 1 → 0
    assert points(res, "a1") == 0


def test_row_to_record_and_item():
    (d,) = december.to_records({"id": "E1", "unit": "金城", "date": dt.date(2015, 5, 1), "name": "某厂"})
    assert d.key == "zhian.safe_enterprise:E1" and d.note == "平安企业 某厂"
    (item,) = december.ITEMS
    assert item.category == "jiakao" and item.cadence == "yearly" and item.reference == "seed 000 l.682"
    assert item.text == "(十七)全年,平安企业创建少完成1家扣10分。"
