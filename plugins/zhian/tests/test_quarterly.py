"""The quarterly extra tests of 打处绩效 whose data 治安 supplies (seed 000 l.498, l.528), worked out by hand.

Scored in 2015-06, the last month of Q2 (2015-03-21 … 2015-06-20), over the quarter's records; records
dated 2015-03-20 (Q1) and 2015-06-21 (Q3) never count. Default targets per quarter (demo assumptions,
see README): 涉危案件 A 1, B 0.5, C 0.5; 赌、毒、娼涉案人员 A 6, B 4, C 2.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kaohe_zhian import adapters
from kaohe_zhian.items import all_items

D = Decimal
Q2 = [dt.date(2015, 3, 21), dt.date(2015, 5, 1), dt.date(2015, 6, 20)]
Q1_LAST, Q3_FIRST = dt.date(2015, 3, 20), dt.date(2015, 6, 21)
serial = iter(range(10**6))


def ps_case(unit: str, day: dt.date, type_: str = "治安案件", dangerous: bool | None = None):
    return adapters.ps_case_records({"id": f"P{next(serial)}", "unit": unit, "date": day, "type": type_,
                                     "dangerous": dangerous, "ruling": None, "cross_region": None, "remark": None})


def vice(unit: str, day: dt.date, offence: str):
    return adapters.vice_records({"id": f"R{next(serial)}", "unit": unit, "date": day, "offence": offence,
                                  "detained": None, "special_trade": None, "case": None, "remark": None})


def test_declared_quarterly_with_the_seeds_sentence():
    items = {i.id: i for i in all_items()}
    for iid, line in (("zhian.dachu_quarter_dangerous", 498), ("zhian.dachu_quarter_vice_persons", 528)):
        item = items[iid]
        assert (item.cadence, item.category, item.reference) == ("quarterly", "dachu", f"seed 000 l.{line}")
        assert "加考" in item.text


def dangerous_records(records):
    recs = records(ps_case("jincheng", Q2[0], dangerous=True))
    recs += records(ps_case("jincheng", Q2[2], "经文保案件", dangerous=True))
    recs += records(ps_case("jincheng", Q2[1]))  # not 涉危
    recs += records(ps_case("jincheng", Q1_LAST, dangerous=True))  # Q1
    recs += records(ps_case("huacheng", Q2[1], dangerous=True))
    recs += records(ps_case("huacheng", Q3_FIRST, dangerous=True))  # Q3
    recs += records(ps_case("xigang", Q2[1], dangerous=True))
    return recs


def test_dangerous_cases(kaohe_bureau, points_of, draft_records):
    got = points_of(kaohe_bureau, "zhian.dachu_quarter_dangerous", dangerous_records(draft_records), "2015-06")
    # l.498 每增加1起加10分,每少一起扣15分
    assert got["jincheng"] == D(10)  # A, target 1: 2 涉危 (治安 and 经文保) → 1 more × 10
    assert got["huacheng"] == D(0)  # A, target 1: 1 in Q2 (the Q3 one does not count)
    assert got["xuebu"] == D("-7.5")  # B, target 0.5: none → 0.5 fewer × −15
    assert got["xigang"] == D(5)  # C, target 0.5: 1 → 0.5 more × 10


def test_dangerous_cases_not_assessed_in_the_quarters_other_months(kaohe_bureau, points_of, draft_records):
    assert points_of(kaohe_bureau, "zhian.dachu_quarter_dangerous", dangerous_records(draft_records), "2015-05") == {}


def test_vice_persons(kaohe_bureau, points_of, draft_records):
    recs = []
    for offence in ("赌博", "吸毒", "卖淫嫖娼", "其他"):
        recs += draft_records(vice("shetou", Q2[1], offence))
    recs += [r for d in Q2 + [Q2[1]] for r in draft_records(vice("jincheng", d, "赌博"))]
    recs += draft_records(vice("jincheng", Q1_LAST, "赌博"))  # Q1
    got = points_of(kaohe_bureau, "zhian.dachu_quarter_vice_persons", recs, "2015-06")
    # l.528 每多一人加10分,每少一人扣15分
    assert got["shetou"] == D(10)  # C, target 2: 3 赌毒娼 (其他 does not count) → 1 more × 10
    assert got["jincheng"] == D(-30)  # A, target 6: 4 in Q2 → 2 fewer × −15
    assert got["rulin"] == D(-60)  # B, target 4: none → 4 × −15


def test_a_stations_own_task_from_the_bureau_configuration(make_bureau, points_of, draft_records):
    b = make_bureau(items={"zhian.dachu_quarter_vice_persons": {"params": {"targets": {"A": 6, "B": 4, "C": 2, "社头": 5}}}})
    recs = [r for _ in range(3) for r in draft_records(vice("shetou", Q2[1], "吸毒"))]
    # 社头's own task 5: 3 → 2 fewer × −15 = −30; 西岗 keeps the C default 2: none → −30
    got = points_of(b, "zhian.dachu_quarter_vice_persons", recs, "2015-06")
    assert got["shetou"] == D(-30) and got["xigang"] == D(-30)
