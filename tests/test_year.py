"""The year of the 2015 scheme: months 60 %, year-end extra test 20 %, special work 20 % (seed 000
l.422), with special work ranked campaign by campaign (l.690) and its last-place flag (l.426)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kaohe.config import parse_bureau
from kaohe.model import Record
from kaohe.periods import Period
from kaohe.pipeline import MemorySource, score
from kaohe.plugins import get_plugin_manager, load_registry

CONFIG = {
    "bureau": {"name": "测试局"},
    "scheme": {"year_method": "scaled", "year_scale": 60},
    "series": [{"id": "A", "name": "A类所"}],
    "categories": [
        {"id": "jichu", "name": "基础工作建设", "weight": 100, "base": 100},
        {"id": "jiakao", "name": "年度加考", "weight": 20, "base": 100, "scope": "year"},
        {"id": "zhuanxiang", "name": "专项工作", "weight": 20, "base": 0, "scope": "year"},
    ],
    "units": [
        {"id": "a", "name": "甲所", "series": "A"},
        {"id": "b", "name": "乙所", "series": "A"},
        {"id": "c", "name": "丙所", "series": "A"},
    ],
    "office_items": [
        {
            "id": "office.special_work", "title": "专项工作考核", "category": "zhuanxiang", "reference": "seed 000 l.690",
            "reads": ["office.campaign"], "cadence": "yearly", "shape": "campaigns",
        },
        {
            "id": "office.report_late", "title": "报表迟报", "category": "jichu", "reference": "seed 000 l.458",
            "reads": ["office.report_late"], "shape": "per_occurrence", "params": {"points": -10},
        },
    ],
}


def campaign(n, unit, day, name, value):
    return Record(f"office.campaign:{n}", "office.campaign", unit, dt.date.fromisoformat(day), Decimal(value), {"campaign": name})


RECORDS = [
    # 春季: 甲 90, 乙 80, 丙 70 → places 1, 2, 3 → 3, 2, 1 points (n − place + 1)
    campaign(1, "a", "2015-03-10", "春季", 90), campaign(2, "b", "2015-03-10", "春季", 80), campaign(3, "c", "2015-03-10", "春季", 70),
    # 夏季: 乙 85, 甲 60, 丙 50 → 乙 3, 甲 2, 丙 1; 丙 last twice running → flagged (l.426)
    campaign(4, "a", "2015-06-10", "夏季", 60), campaign(5, "b", "2015-06-10", "夏季", 85), campaign(6, "c", "2015-06-10", "夏季", 50),
    # one deduction in April for 甲: its April 基础工作建设 raw 90, normalised 90 / 100 × 100 = 90
    Record("office.report_late:1", "office.report_late", "a", dt.date(2015, 4, 2)),
]


def bureau():
    reg = load_registry(get_plugin_manager(load_entrypoints=False))
    return parse_bureau(CONFIG, reg)


def test_year_is_months_60_plus_extra_test_20_plus_special_work_20():
    res = score(bureau(), Period.parse("2015"), MemorySource(RECORDS))
    a, b, c = (res.unit(u) for u in "abc")
    # months: 甲 11 × 100 + 90 = 1190, mean 1190 / 12 = 99.1666…, ÷ 100 × 60 = 59.50 (2 places);
    #         乙 and 丙 100 every month → 60
    # extra test: no items → raw 100 for all, the top → 20 each
    # special work raw: 甲 3 + 2 = 5, 乙 2 + 3 = 5, 丙 1 + 1 = 2; top 5 → 20, 20, 2 / 5 × 20 = 8
    assert [u.total for u in (a, b, c)] == [Decimal("99.50"), Decimal(100), Decimal(88)]
    special = {u.unit: next(cat for cat in u.categories if cat.category == "zhuanxiang") for u in (a, b, c)}
    assert [special[u].raw for u in "abc"] == [5, 5, 2]
    assert [special[u].score for u in "abc"] == [Decimal(20), Decimal(20), Decimal(8)]
    assert "专项工作连续2次考核排名末位" in c.flags and not any("专项" in f for f in a.flags + b.flags)
    assert [u.rank for u in (b, a, c)] == [1, 2, 3]


def test_year_categories_are_not_part_of_the_months():
    res = score(bureau(), Period.parse("2015-04"), MemorySource(RECORDS))
    a = res.unit("a")
    assert [c.category for c in a.categories] == ["jichu"]
    assert a.total == 90


def test_special_work_fixed_points_by_place():
    from kaohe.rules import Campaigns

    b = bureau()
    special = next(i for i in b.items if i.id == "office.special_work")
    rule = special.rule.with_params({"points": [5, "4.5", 4]})
    assert isinstance(rule, Campaigns)
    import attrs

    b2 = attrs.evolve(b, items=tuple(attrs.evolve(i, rule=rule) if i.id == special.id else i for i in b.items))
    res = score(b2, Period.parse("2015"), MemorySource(RECORDS))
    cat = next(c for c in res.unit("c").categories if c.category == "zhuanxiang")
    # 丙 third twice → 4 + 4 = 8; 甲 5 + 4.5 = 9.5; 乙 4.5 + 5 = 9.5 → 8 / 9.5 × 20 = 16.84
    assert cat.raw == 8 and cat.score == Decimal("16.84")
