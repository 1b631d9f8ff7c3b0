"""经济案件打击处理季度加考 (seed 000 l.524), worked out by hand from the seed's words:

"A类所每季度打击处理3人,B类所每季度打击处理1人,C类所每半年打击处理1.5人。未完成指标的,每少1人扣5分,
超出部分可累计推至下季度,年底每超1人加 20分"

Months run from the 21st to the 20th: Q1 = 2014-12-21 … 2015-03-20, Q2 = 03-21 … 06-20,
Q3 = 06-21 … 09-20, Q4 = 09-21 … 12-20; the first half-year = Q1 + Q2. A quarterly item is assessed in
the quarter's last month (3, 6, 9, 12); class C only in the half-year's last month (6, 12).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kaohe.testing import item_result, records_of
from kaohe_jingzhen.adapters import PERSONS
from kaohe_jingzhen.items import ITEMS

D = Decimal
Q1 = [dt.date(2014, 12, 28), dt.date(2015, 1, 5), dt.date(2015, 2, 10), dt.date(2015, 3, 1), dt.date(2015, 3, 20)]
Q2 = [dt.date(2015, 3, 21), dt.date(2015, 5, 2), dt.date(2015, 6, 20)]
Q3 = [dt.date(2015, 7, 1), dt.date(2015, 9, 20)]
Q4 = [dt.date(2015, 9, 21), dt.date(2015, 10, 3), dt.date(2015, 11, 11), dt.date(2015, 12, 1), dt.date(2015, 12, 2),
      dt.date(2015, 12, 20)]


def persons(unit: str, *days: dt.date, prefix: str = "") -> list:
    """One person dealt with on each day, as the adapter turns a row into a record."""
    rows = [{"id": f"{prefix or unit}-{n}", "unit": unit, "date": day, "measure": "刑拘", "name": None, "case": None,
             "remark": None} for n, day in enumerate(days)]
    return [r for row in rows for r in records_of(PERSONS, row)]


def lines_of(bureau, records: list, period: str) -> dict:
    """unit id -> (points, reasons) of the item in ``period``."""
    out = {}
    for unit in ("a1", "a2", "b1", "c1", "c2"):
        it = item_result(bureau, records, period, "jingzhen.prosecuted_quarterly", unit)
        if it is not None:
            out[unit] = (it.points, [ln.reason for ln in it.lines])
    return out


def test_the_item_quotes_the_seed():
    [item] = ITEMS
    assert item.reference == "seed 000 l.524" and item.cadence == "quarterly" and item.category == "dachu"
    assert "超出部分可累计推至下季度" in item.text


def year(make_bureau):
    """a1 (A, 3 a quarter): Q1 5, Q2 2, Q3 1, Q4 6.  a2 (A): Q1 1.  b1 (B, 1 a quarter): Q1 0, Q2 1.
    c1 (C, 1.5 a half-year): 1 in the first half.  c2 (C): 4 in the first half, none in the second."""
    records = (
        persons("a1", *Q1) + persons("a1", *Q2[:2], prefix="a1q2") + persons("a1", Q3[0], prefix="a1q3")
        + persons("a1", *Q4, prefix="a1q4")
        + persons("a2", Q1[0])
        + persons("b1", Q2[1])
        + persons("c1", Q1[1])
        + persons("c2", Q1[0], Q1[4], Q2[0], Q2[2])
    )
    return make_bureau(), records


def test_q1(make_bureau):
    bureau, records = year(make_bureau)
    got = lines_of(bureau, records, "2015-03")
    # a1: 5 persons, target 3 → 2 over; the surplus carries to the next quarter, no points now
    assert got["a1"][0] == 0 and "超2,结转下期" in got["a1"][1][0]
    # a2: 1 person, target 3 → 2 short × −5 = −10
    assert got["a2"][0] == D(-10)
    # b1: 0 persons, target 1 → 1 short × −5 = −5
    assert got["b1"][0] == D(-5)
    # c1, c2: class C is assessed per half-year: nothing in March
    assert got["c1"][0] == 0 and got["c1"][1] == [] and got["c2"][1] == []


def test_q2_the_surplus_of_q1_carries_over(make_bureau):
    bureau, records = year(make_bureau)
    got = lines_of(bureau, records, "2015-06")
    # a1: Q2 2 persons + 2 carried from Q1 = 4 ≥ 3 → no deduction (without the carry: 1 short, −5);
    #     1 over, carried again
    assert got["a1"][0] == 0
    assert "打击处理人数2,加上期结转2,目标3,超1" in got["a1"][1][0]
    # a2: Q1 had no surplus; Q2 0 persons → 3 short × −5 = −15
    assert got["a2"][0] == D(-15)
    # b1: Q1 short (nothing to carry); Q2 1 person = target → 0
    assert got["b1"][0] == 0 and "恰好完成" in got["b1"][1][0]
    # c1: first half-year 1 person, target 1.5 → 0.5 short × −5 = −2.5
    assert got["c1"][0] == D("-2.5")
    # c2: first half-year 4 persons → 2.5 over, carried to the second half-year, no points now
    assert got["c2"][0] == 0 and "超2.5,结转下期" in got["c2"][1][0]


def test_q3_and_year_end(make_bureau):
    bureau, records = year(make_bureau)
    q3 = lines_of(bureau, records, "2015-09")
    # a1: carry after Q1 = 5 − 3 = 2; after Q2 = 2 + 2 − 3 = 1; Q3: 1 + 1 = 2 < 3 → 1 short × −5 = −5
    assert q3["a1"][0] == D(-5)
    q4 = lines_of(bureau, records, "2015-12")
    # a1: carry after Q3 = max(0, 1 + 1 − 3) = 0; Q4 6 persons → 3 over; the year's end: 3 × 20 = +60
    assert q4["a1"][0] == D(60) and "年底计加分" in q4["a1"][1][0]
    # c2: second half-year 0 persons + 2.5 carried = 2.5, target 1.5 → 1 over at the year's end: +20
    assert q4["c2"][0] == D(20)
    # c1: nothing carried (first half short), second half 0 → 1.5 short × −5 = −7.5
    assert q4["c1"][0] == D("-7.5")


def test_a_station_target_set_in_the_bureau_configuration(make_bureau):
    bureau = make_bureau(items={"jingzhen.prosecuted_quarterly": {"params": {
        "targets": {"A": 3, "B": 1, "C": "1.5", "甲派出所": 6}}}})
    got = lines_of(bureau, persons("a1", *Q1), "2015-03")
    # a1's own target 6: 5 persons → 1 short × −5 = −5
    assert got["a1"][0] == D(-5)


def test_one_person_counts_once():
    # The record's key is the 人员编号: a file imported twice, or a corrected row, replaces the person
    # instead of adding one (l.404 "不重复计算").
    first, again = persons("a2", Q1[0]) + persons("a2", Q1[1])
    assert first.key == again.key == "jingzhen.person:a2-0"
