"""Each item against values worked out by hand from the seed's words (seed 000 l.642-646).
Records are dated in assessment month 2015-04 (2015-03-21 .. 2015-04-20)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kaohe import Record
from kaohe.testing import item_points as points
from kaohe_jiaoxunjing.items import ASSIST, ITEMS

APR = dt.date(2015, 4, 3)


def assist(unit: str, key: str, type_: str, day: dt.date = APR) -> Record:
    return Record(key=f"{ASSIST}:{key}", kind=ASSIST, unit=unit, date=day, attrs={"type": type_})


RECORDS = [
    assist("a1", "1", "协助侦破死亡逃逸交通事故"),
    assist("a1", "2", "协助侦破死亡逃逸交通事故"),
    assist("a1", "3", "协助侦破其他逃逸交通事故"),
    assist("b1", "4", "协助侦破其他逃逸交通事故"),
    assist("b1", "5", "协助做好重大事件稳控工作"),
    assist("b1", "6", "协助做好其他事件稳控工作"),
    assist("b1", "7", "协助做好其他事件稳控工作"),
    assist("b1", "8", "协助做好其他事件稳控工作", dt.date(2015, 4, 21)),  # month 2015-05: not counted in April
]


def test_every_item_quotes_its_seed_line(kaohe_seed):
    seed = kaohe_seed("000")
    for item in ITEMS:
        line = seed[int(item.reference.removeprefix("seed 000 l.")) - 1].strip()
        assert item.text == line, item.id
        assert item.category == "jichu" and item.department == "交巡警大队"


def test_fatal_hit_and_run_plus_ten_each(kaohe_bureau):
    # a1: 2 × +10 = +20; b1: none
    assert points(kaohe_bureau, "jiaoxunjing.fatal_hit_run", RECORDS) == {"a1": Decimal(20), "b1": 0}


def test_other_hit_and_run_plus_five_each(kaohe_bureau):
    # a1: 1 × +5; b1: 1 × +5
    assert points(kaohe_bureau, "jiaoxunjing.other_hit_run", RECORDS) == {"a1": Decimal(5), "b1": Decimal(5)}


def test_major_stabilisation_plus_ten_each(kaohe_bureau):
    # b1: 1 × +10
    assert points(kaohe_bureau, "jiaoxunjing.major_stabilise", RECORDS) == {"a1": 0, "b1": Decimal(10)}


def test_other_stabilisation_plus_five_each(kaohe_bureau):
    # b1: 2 × +5 = +10 in April (the one of 04-21 belongs to May)
    assert points(kaohe_bureau, "jiaoxunjing.other_stabilise", RECORDS) == {"a1": 0, "b1": Decimal(10)}
    # May: the 04-21 one, +5
    assert points(kaohe_bureau, "jiaoxunjing.other_stabilise", RECORDS, "2015-05") == {"a1": 0, "b1": Decimal(5)}


def test_points_are_a_bureau_parameter(make_bureau):
    bureau = make_bureau(items={"jiaoxunjing.fatal_hit_run": {"params": {"points": 20}}})
    # a1: 2 × +20 = +40 under the bureau's own value
    assert points(bureau, "jiaoxunjing.fatal_hit_run", RECORDS)["a1"] == Decimal(40)


def test_a_cap_can_be_set_by_the_bureau(make_bureau):
    bureau = make_bureau(items={"jiaoxunjing.fatal_hit_run": {"cap": 15}})
    # a1: 2 × +10 = +20, capped at 15
    assert points(bureau, "jiaoxunjing.fatal_hit_run", RECORDS)["a1"] == Decimal(15)
