"""(十) 经济案件打击处理数超出全年目标 (seed 000 l.668), scored over the year 2015 on a small bureau
with a year-scope 年度加考 category; expected values worked out by hand."""

from __future__ import annotations

import datetime as dt
import types

from kaohe import Period, Record, hookimpl
from kaohe.plugins.discovery import get_plugin_manager, load_registry
from kaohe.scheme.config import parse_bureau
from kaohe.testing import MemorySource, score
from kaohe_jingzhen import december
from kaohe_jingzhen.items import PERSON

CONFIG = {
    "bureau": {"name": "测试局", "cutoff_day": 20},
    "scheme": {"base_period": "month"},
    "series": [{"id": "A"}, {"id": "B"}, {"id": "C"}],
    "categories": [
        {"id": "dachu", "name": "打处绩效", "weight": 300, "base": 300},
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
    mod = types.ModuleType("kaohe_jingzhen_december")

    @hookimpl
    def kaohe_items(register):
        for item in december.ITEMS:
            register(item)

    mod.kaohe_items = kaohe_items  # type: ignore[attr-defined]
    return mod


def person(n: int, unit: str, measure: str, day: dt.date = dt.date(2015, 7, 1)) -> Record:
    return Record(f"{PERSON}:{n}", PERSON, unit, day, attrs={"measure": measure})


def test_each_person_over_the_yearly_target_adds_ten():
    reg = load_registry(get_plugin_manager(load_entrypoints=False, plugins=[("jingzhen", plugin())]))
    assert not reg.errors, reg.errors
    records = [
        *[person(n, "a1", "直诉" if n % 3 == 0 else "逮捕") for n in range(15)],  # 甲 A: 15 (直诉 included)
        *[person(n, "b1", "刑事拘留") for n in range(20, 23)],                    # 乙 B: 3 of 4
        *[person(n, "c1", "逮捕") for n in range(30, 34)],                        # 丙 C: 4 of 3 …
        person(40, "c1", "逮捕", dt.date(2014, 12, 1)),                           # … (2014's does not count)
    ]
    res = score(parse_bureau(CONFIG, reg), Period.parse("2015"), MemorySource(records))

    def points(unit):
        cat = next(c for c in res.unit(unit).categories if c.category == "jiakao")
        return next(i.points for i in cat.items if i.item == "jingzhen.dec_prosecuted_over")

    # 甲 15 − 12 = 3 over × 10 = +30; 乙 3 < 4: short, no deduction → 0; 丙 4 − 3 = 1 over → +10
    assert [points(u) for u in ("a1", "b1", "c1")] == [30, 0, 10]


def test_item_is_yearly_in_jiakao():
    (item,) = december.ITEMS
    assert item.category == "jiakao" and item.cadence == "yearly" and item.reference == "seed 000 l.668"
    assert item.text.startswith("(十)经济案件打击处理数")
