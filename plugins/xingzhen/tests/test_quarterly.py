"""The quarterly extra tests of 打处绩效 (seed 000 l.494-500, l.518-532), values worked out by hand.

Scored in 2015-06, the last month of Q2 (2015-03-21 … 2015-06-20), over the quarter's records; a
record of Q1 (2015-03-20) and one of Q3 (2015-06-21) are never counted. Test stations: a1 (class A),
b1 (class B), c1 (class C). Default targets per quarter (demo assumptions, see README):

| item | A | B | C | short | over |
| 破案数 (l.496) | 9 | 4 | 2 | −15 | +10 |
| 3人3起团伙 (l.500) | 0.25 | 0 | 0 | −80 | +60 |
| 3人1起团伙 (l.500) | 0 | 0.25 | 0.25 | −40 | +30 |
| 刑事拘留 (l.520) | 10 | 4 | 2 | −15 | +10 |
| 逮捕(含直诉) (l.522) | 4 | 2 | 1 | −30 | +20 |
| 劳教 (l.526) | 1 | 0.5 | 0.5 | −20 | +30 |
| 逮捕涉毒人员 (l.530) | 1.5 | 0.75 | 0.4 | −40 | +30 |
| 强制戒毒 (l.530) | 1.25 | 0.5 | 0.4 | −40 | +30 |
| 外省逃犯 (l.532, 每月 2/1/0.5 × 3) | 6 | 3 | 1.5 | 0 | +60 |
| 本省外市逃犯 (l.532, 每月 1/0.5/0.5 × 3) | 3 | 1.5 | 1.5 | 0 | +40 |
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from kaohe.testing import records_from as to_records
from kaohe_xingzhen import adapters
from kaohe_xingzhen.items import MATTERS
from kaohe_xingzhen.quarterly import ITEMS

D = Decimal
IN_Q2 = [dt.date(2015, 3, 21), dt.date(2015, 4, 10), dt.date(2015, 5, 15), dt.date(2015, 6, 20)]
IN_Q1 = dt.date(2015, 3, 20)
IN_Q3 = dt.date(2015, 6, 21)
serial = iter(range(10**6))


def case(unit: str, day: dt.date) -> dict:
    return {"id": f"C{next(serial)}", "unit": unit, "date": day, "category": "盗窃", "eight": False, "local": True,
            "in_year": True, "backlog": None, "other_province": None, "cars": None, "summary": None}


def person(unit: str, category: str, day: dt.date = IN_Q2[1], drug: bool | None = None, origin: str | None = None,
           past: bool | None = None) -> dict:
    return {"id": f"P{next(serial)}", "name": None, "unit": unit, "date": day, "category": category,
            "special_trade": None, "drug": drug, "origin": origin, "past": past, "homicide": None, "remark": None}


def gang(unit: str, matter: str, count: int | None = None, day: dt.date = IN_Q2[2]) -> dict:
    return {"id": f"G{next(serial)}", "unit": unit, "date": day, "matter": MATTERS[matter], "count": count,
            "remark": None}


def outside(unit: str, category: str, **kw) -> list[dict]:
    """Two records of the category outside Q2, which must not count."""
    return [person(unit, category, IN_Q1, **kw), person(unit, category, IN_Q3, **kw)]


def cases(unit: str, n: int) -> list[dict]:
    return [case(unit, IN_Q2[i % 4]) for i in range(n)] + [case(unit, IN_Q1), case(unit, IN_Q3)]


def persons(unit: str, category: str, n: int, **kw) -> list[dict]:
    return [person(unit, category, IN_Q2[i % 4], **kw) for i in range(n)] + outside(unit, category, **kw)


CASES = {
    # 破案数: a1 11 vs 9 → 2 more × 10 = +20; b1 2 vs 4 → 2 fewer × −15 = −30; c1 2 vs 2 → 0
    "quarter_solved": (
        lambda: to_records(adapters.CASES, *cases("a1", 11), *cases("b1", 2), *cases("c1", 2)),
        {"a1": "20", "b1": "-30", "c1": "0"},
    ),
    # 3人3起: a1 1 vs 0.25 → 0.75 × 60 = +45; b1 1 vs 0 → +60; c1 none vs 0 → 0
    # (the 3人1起 gangs and a1's gang of Q3 do not count)
    "quarter_gang_3x3": (
        lambda: to_records(adapters.FINDINGS, gang("a1", "gang_3x3"), gang("a1", "gang_3x3", day=IN_Q3),
                           gang("a1", "gang_3x1"), gang("b1", "gang_3x3"), gang("c1", "gang_3x1", 2)),
        {"a1": "45", "b1": "60", "c1": "0"},
    ),
    # 3人1起: a1 1 vs 0 → +30; b1 none vs 0.25 → 0.25 × −40 = −10; c1 one row of 2 (人数 2) vs 0.25 →
    # 1.75 × 30 = +52.5
    "quarter_gang_3x1": (
        lambda: to_records(adapters.FINDINGS, gang("a1", "gang_3x3"), gang("a1", "gang_3x1"),
                           gang("b1", "gang_3x3"), gang("c1", "gang_3x1", 2)),
        {"a1": "30", "b1": "-10", "c1": "52.5"},
    ),
    # 刑事拘留: a1 10 vs 10 → 0; b1 5 vs 4 → +10; c1 0 vs 2 → 2 × −15 = −30 (c1's arrests do not count)
    "quarter_detention": (
        lambda: to_records(adapters.PERSONS, *persons("a1", "刑事拘留", 10), *persons("b1", "刑事拘留", 5),
                           *persons("c1", "逮捕", 3)),
        {"a1": "0", "b1": "10", "c1": "-30"},
    ),
    # 逮捕(含直诉): a1 3 + 2 = 5 vs 4 → +20; b1 1 vs 2 → −30; c1 1 直诉 vs 1 → 0
    "quarter_arrest": (
        lambda: to_records(adapters.PERSONS, *persons("a1", "逮捕", 3), *persons("a1", "直诉", 2),
                           *persons("b1", "逮捕", 1), *persons("b1", "刑事拘留", 4), *persons("c1", "直诉", 1)),
        {"a1": "20", "b1": "-30", "c1": "0"},
    ),
    # 劳教 (每少1人扣20分,每多1人加30分): a1 0 vs 1 → −20; b1 1 vs 0.5 → 0.5 × 30 = +15;
    # c1 0 vs 0.5 → 0.5 × −20 = −10
    "quarter_reeducation": (
        lambda: to_records(adapters.PERSONS, *outside("a1", "劳动教养"), *persons("b1", "劳动教养", 1)),
        {"a1": "-20", "b1": "15", "c1": "-10"},
    ),
    # 逮捕涉毒人员: a1 2 涉毒 (+1 not) vs 1.5 → 0.5 × 30 = +15; b1 1 not 涉毒 vs 0.75 → 0.75 × −40 = −30;
    # c1 1 直诉 涉毒 vs 0.4 → 0.6 × 30 = +18
    "quarter_drug_arrest": (
        lambda: to_records(adapters.PERSONS, *persons("a1", "逮捕", 2, drug=True), *persons("a1", "逮捕", 1),
                           *persons("b1", "逮捕", 1, drug=False), *persons("c1", "直诉", 1, drug=True)),
        {"a1": "15", "b1": "-30", "c1": "18"},
    ),
    # 强制戒毒: a1 1 vs 1.25 → 0.25 × −40 = −10; b1 1 vs 0.5 → 0.5 × 30 = +15; c1 0 vs 0.4 → −16
    "quarter_rehab": (
        lambda: to_records(adapters.PERSONS, *persons("a1", "强制戒毒", 1), *persons("b1", "强制戒毒", 1),
                           *persons("c1", "逮捕", 1, drug=True)),
        {"a1": "-10", "b1": "15", "c1": "-16"},
    ),
    # 外省逃犯 (年内 or 历年): a1 6 + 1 历年 = 7 vs 6 → +60; b1 2 vs 3 → short, no deduction → 0;
    # c1 2 vs 1.5 → 0.5 × 60 = +30
    "quarter_fugitive_other_province": (
        lambda: to_records(adapters.PERSONS, *persons("a1", "网上逃犯", 6, origin="外省"),
                           person("a1", "网上逃犯", origin="外省", past=True),
                           *persons("b1", "网上逃犯", 2, origin="外省"), *persons("b1", "网上逃犯", 2, origin="本省外市"),
                           *persons("c1", "网上逃犯", 2, origin="外省")),
        {"a1": "60", "b1": "0", "c1": "30"},
    ),
    # 本省外市逃犯: a1 3 vs 3 → 0; b1 2 (+1 本市) vs 1.5 → 0.5 × 40 = +20; c1 0 vs 1.5 → no deduction → 0
    "quarter_fugitive_other_city": (
        lambda: to_records(adapters.PERSONS, *persons("a1", "网上逃犯", 3, origin="本省外市"),
                           *persons("b1", "网上逃犯", 2, origin="本省外市"), *persons("b1", "网上逃犯", 1, origin="本市"),
                           *persons("c1", "网上逃犯", 2, origin="外省")),
        {"a1": "0", "b1": "20", "c1": "0"},
    ),
}


def test_every_quarterly_item_is_tested_and_quotes_the_seed():
    assert sorted(CASES) == sorted(i.id.split(".", 1)[1] for i in ITEMS)
    for item in ITEMS:
        assert item.cadence == "quarterly" and item.category == "dachu"
        assert item.reference.startswith("seed 000 l.") and "加考" in item.text


@pytest.mark.parametrize("name", sorted(CASES))
def test_quarterly_item(kaohe_bureau, score_item, name):
    build, expected = CASES[name]
    records = build()
    for unit, points in expected.items():
        res = score_item(kaohe_bureau, records, "2015-06", f"xingzhen.{name}", unit)
        assert res.points == D(points), (unit, [ln.reason for ln in res.lines])


@pytest.mark.parametrize("period", ["2015-04", "2015-05"])
def test_not_assessed_before_the_quarters_last_month(kaohe_bureau, score_item, period):
    records = to_records(adapters.CASES, *cases("a1", 11))
    assert score_item(kaohe_bureau, records, period, "xingzhen.quarter_solved", "a1") is None  # not scored


def test_a_stations_own_target_from_the_bureau_configuration(make_bureau):
    from kaohe import Period
    from kaohe.testing import MemorySource, score

    bureau = make_bureau(items={"enable": ["xingzhen.quarter_*"], "xingzhen.quarter_solved": {
        "params": {"targets": {"A": 9, "B": 4, "C": 2, "甲派出所": 12}}}})
    res = score(bureau, Period.parse("2015-06"), MemorySource(to_records(adapters.CASES, *cases("a1", 11))))
    [item] = [i for c in res.unit("a1").categories for i in c.items if i.item == "xingzhen.quarter_solved"]
    # 甲派出所's own target 12: 11 solved → 1 fewer × −15 = −15
    assert item.points == D(-15)
    assert "破案数11,目标12,少1" in item.lines[0].reason
