"""Each item against values worked out by hand from the seed's words (seed 000 l.618-624).

Month 2015-04 runs from 2015-03-21 to 2015-04-20.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from kaohe.testing import records_from as to_records
from kaohe_churujing import adapters
from kaohe_churujing.items import ITEMS

# A day inside month 2015-04 (2015-03-21 .. 2015-04-20) and one in the next month.
IN_APRIL = dt.date(2015, 4, 10)
IN_MAY = dt.date(2015, 4, 25)

D = Decimal


def lodging(id, timely, accurate, count=None, unit="a1", date=IN_APRIL) -> dict:
    return {"id": id, "unit": unit, "date": date, "name": None, "nationality": None, "count": count,
            "timely": timely, "accurate": accurate}


def monthly(unit="a1", date=IN_APRIL, **figures) -> dict:
    row = {"unit": unit, "date": date}
    row.update({k: figures.get(k) for k in adapters.FIGURES})
    return row


# l.620, one station's registrations in April (and one in May that must not count):
LODGINGS = [
    lodging("L1", True, True),            # 及时准确 1 人次
    lodging("L2", True, True, 3),         # 及时准确 3 人次
    lodging("L3", False, True),           # 未及时申报 1 人次
    lodging("L4", True, False, 2),        # 项目不全、信息错误 2 人次
    lodging("L5", False, False),          # 未及时申报 且 信息错误 1 人次
    lodging("L6", False, False, 4, date=IN_MAY),
]


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("lodging_late", "-2"),         # 每人次扣1分: L3 1 + L5 1 = 2 人次 × −1 = −2
        ("lodging_incomplete", "-1.5"),  # 每人次扣0.5分: L4 2 + L5 1 = 3 人次 × −0.5 = −1.5
        ("lodging_correct", "4"),       # 每人次加1分: L1 1 + L2 3 = 4 人次 × 1 = 4
    ],
)
def test_lodging_items(kaohe_bureau, score_item, item, expected):
    res = score_item(kaohe_bureau, to_records(adapters.LODGINGS, *LODGINGS), "2015-04", f"churujing.{item}", "a1")
    assert res.points == D(expected)


@pytest.mark.parametrize(
    ("item", "figures", "expected"),
    [
        # l.622 漏登每人次扣0.5分: 3 人次 × −0.5 = −1.5
        ("resident_missed", {"missed": 3}, "-1.5"),
        ("resident_missed", {"missed": 0}, "0"),
        # l.622 非法居留未发现的每人次扣2分: 2 × −2 = −4
        ("illegal_stay_undetected", {"illegal": 2}, "-4"),
        # l.622 非法居留30日以上未发现的,每人次扣5分: 1 × −5 = −5 (the −2 column is separate: 0 here)
        ("illegal_stay_30_days", {"illegal_30": 1}, "-5"),
        ("illegal_stay_undetected", {"illegal_30": 1}, "0"),
        # l.622 未建档的扣1分 (per 户): 2 户 × −1 = −2
        ("guarantee_unfiled", {"rentals": 10, "signed": 10, "unfiled": 2}, "-2"),
        # l.622 保证书比例达100%,少一个百分点扣1分: 17 / 20 = 85 %, 15 points × −1 = −15
        ("guarantee_rate", {"rentals": 20, "signed": 17}, "-15"),
        # 23 / 24 = 95.833… % shown as 95.83 %: 4.17 points × −1 = −4.17
        ("guarantee_rate", {"rentals": 24, "signed": 23}, "-4.17"),
        ("guarantee_rate", {"rentals": 8, "signed": 8}, "0"),
        # no rented houses: nothing to measure, no points
        ("guarantee_rate", {"rentals": 0, "signed": 0}, "0"),
        # l.624 及时通报备案一人加1分: 3 × 1 = 3
        ("exit_ban_filing", {"exit_ban": 3}, "3"),
        ("exit_ban_filing", {}, "0"),
    ],
)
def test_monthly_items(kaohe_bureau, score_item, item, figures, expected):
    res = score_item(kaohe_bureau, to_records(adapters.MONTHLY_FIGURES, monthly(**figures)), "2015-04", f"churujing.{item}", "a1")
    assert res.points == D(expected)


def test_monthly_figures_of_another_month_do_not_count(kaohe_bureau, score_item):
    # the May row (2015-05-20) is outside 2015-04: 0 in April
    recs = to_records(adapters.MONTHLY_FIGURES, monthly(date=IN_MAY, missed=4))
    assert score_item(kaohe_bureau, recs, "2015-04", "churujing.resident_missed", "a1").points == 0


def test_guarantee_target_is_a_parameter(make_bureau):
    # A bureau sets the target at 90 %: 17 / 20 = 85 % is 5 points below, 5 × −1 = −5.
    from kaohe import Period
    from kaohe.testing import MemorySource, score

    bureau = make_bureau(items={"churujing.guarantee_rate": {"params": {"target": 90}}})
    res = score(bureau, Period.parse("2015-04"),
                MemorySource(to_records(adapters.MONTHLY_FIGURES, monthly(rentals=20, signed=17)))).unit("a1")
    assert next(i for c in res.categories for i in c.items if i.item == "churujing.guarantee_rate").points == -5


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.id)
def test_declaration(item):
    assert item.text and item.title and item.department == "出入境大队" and item.category == "jichu"
    assert int(item.reference.removeprefix("seed 000 l.")) in (620, 622, 624)
    assert not item.direct_per_capita
