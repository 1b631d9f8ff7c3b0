"""Rule options added for the plugins: Quota.match and PerOccurrence.quantity_unit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kaohe.model import Record, Unit
from kaohe.periods import Calendar, Period
from kaohe.rules import PerOccurrence, Quota, RuleContext

A = Unit("jincheng", "金城派出所", "A", "A", {"*": 40})


def ctx(records):
    period = Period.parse("2015-04")
    return RuleContext("测试", period, period, Calendar(20), [A], {"jincheng": records})


def rec(n, **attrs):
    return Record(f"k{n}", "x.acts", "jincheng", dt.date(2015, 4, 1 + n), attrs=attrs)


def test_quota_counts_only_matching_records():
    # A类派出所每月 … 当场处罚5起 … 每项未达标的,分别扣20分 (seed 000 l.638)
    # 4 当场处罚 and 3 责令改正 documents: only the 4 count against the target 5 → −20 once
    rule = Quota(targets={"A": 5}, per_short=-20, short_once=True, match={"type": "当场处罚"})
    records = [rec(i, type="当场处罚") for i in range(4)] + [rec(10 + i, type="责令改正通知书") for i in range(3)]
    (line,) = rule.evaluate(ctx(records))["jincheng"]
    assert line.points == Decimal(-20)
    assert "完成数4" in line.reason and "少1" in line.reason


def test_quantity_unit_in_the_reason():
    # 未按规定建立健全 … 台帐 … 每缺1项(类)扣3分 (seed 000 l.630): 2 missing → −6
    rule = PerOccurrence(points=-3, quantity="count", quantity_unit="项")
    (line,) = rule.evaluate(ctx([rec(1, count=2)]))["jincheng"]
    assert line.points == Decimal(-6)
    assert "2项×-3" in line.reason
