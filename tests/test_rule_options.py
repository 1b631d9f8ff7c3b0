"""Rule options added for the plugins: Quota.match and PerOccurrence.quantity_unit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kaohe.core.model import Record, Unit
from kaohe.core.periods import Calendar, Period
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


def test_boolean_fields_match_yes_no():
    # 案件及时破获的减半扣分 (seed 000 l.572): a field read from a 是/否 column may be a bool
    rule = PerOccurrence(points=-20, match={"solved": "是"})
    lines = rule.evaluate(ctx([rec(1, solved=True), rec(2, solved=False)]))["jincheng"]
    assert [ln.points for ln in lines] == [Decimal(-20)]


def test_missing_value_can_count_as_late():
    # 一般警情 … 24小时内 … 反馈 … 未及时反馈的每次扣0.5分 (seed 000 l.552): never fed back is late
    rule = PerOccurrence(points="-0.5", when_field="hours", limit=24, when_label="反馈用时", missing_crosses=True, missing_text="未反馈")
    lines = rule.evaluate(ctx([rec(1, hours=30), rec(2, hours=None), rec(3, hours=3)]))["jincheng"]
    assert [ln.points for ln in lines] == [Decimal("-0.5"), Decimal("-0.5")]
    assert "反馈用时未反馈" in lines[1].reason
    lenient = PerOccurrence(points="-0.5", when_field="hours", limit=24)
    assert len(lenient.evaluate(ctx([rec(2, hours=None)])).get("jincheng", [])) == 0


def test_zero_quantity_gives_no_line_and_blank_counts_one():
    rule = PerOccurrence(points=-3, quantity="count", quantity_unit="项")
    lines = rule.evaluate(ctx([rec(1, count=0), rec(2, count=""), rec(3, count=2)]))["jincheng"]
    assert [ln.points for ln in lines] == [Decimal(-3), Decimal(-6)]


def test_targets_by_tag():
    # 城区四所每月报送巡防信息不少于2条 … 其他所每月不少于1条 (seed 000 l.562): by the 城区 tag
    town = Unit("chengdong", "城东派出所", "A", "A", {"*": 30}, tags=("城区",))
    rule = Quota(targets={"城区": 2, "*": 1}, per_short=-1)
    period = Period.parse("2015-04")
    c = RuleContext("测试", period, period, Calendar(20), [town, A], {"chengdong": [], "jincheng": []})
    lines = rule.evaluate(c)
    assert lines["chengdong"][0].points == Decimal(-2) and lines["jincheng"][0].points == Decimal(-1)


def test_year_over_year_counts_only_matching_records():
    from kaohe.rules import YearOverYear

    # "两抢"警情数与去年同期相比,每少1起加1分,每多1起扣2分 (seed 000 l.560):
    # this April 2 robberies (and 5 thefts, not counted), last April 3 → 1 fewer → +1
    rule = YearOverYear(per_better=1, per_worse=-2, match={"type": ["抢劫", "抢夺"]})
    period = Period.parse("2015-04")
    now = [rec(1, type="抢劫"), rec(2, type="抢夺")] + [rec(10 + i, type="盗窃") for i in range(5)]
    before = [Record(f"o{i}", "x.acts", "jincheng", dt.date(2014, 4, 2), attrs={"type": "抢劫"}) for i in range(3)]
    c = RuleContext("测试", period, period, Calendar(20), [A], {"jincheng": now}, fetch=lambda periods: {"jincheng": before})
    (line,) = rule.evaluate(c)["jincheng"]
    assert line.points == Decimal(1)


def test_rank_can_skip_units_without_data():
    from kaohe.rules import Rank

    b = Unit("huacheng", "华城派出所", "A", "A", {"*": 30})
    period = Period.parse("2015-04")
    c = RuleContext("测试", period, period, Calendar(20), [A, b], {"jincheng": [rec(1)], "huacheng": []})
    assert set(Rank(top=[25, 20], skip_missing=True).evaluate(c)) == {"jincheng"}
    assert Rank(top=[25, 20]).evaluate(c)["huacheng"][0].points == Decimal(20)


def test_per_capita_figure_not_reported_is_no_data_when_skipped():
    from kaohe.rules import PerCapita

    rule = PerCapita(target=5, per_unit_short="-0.5", missing="skip")
    (line,) = rule.evaluate(ctx([]))["jincheng"]
    assert line.points == 0 and "无该项数据" in line.reason and not line.missing


def test_level_names_are_not_doubled():
    """A level already named with 级 (地级, 金坛级) is not given another: 地级, not 地级级."""
    from kaohe.rules import Tiered

    rule = Tiered(levels={"地级": 2, "省厅": 20})
    lines = rule.evaluate(ctx([rec(1, level="地级"), rec(2, level="省厅")]))["jincheng"]
    assert [ln.points for ln in lines] == [2, 20]
    assert lines[0].reason.endswith("(地级)") and lines[1].reason.endswith("(省厅级)")
    assert "级级" not in lines[0].reason


def test_an_evaluators_group_named_with_its_kind_is_not_repeated():
    """下城 2011 满意度测评: the group 派出所民警评议 (what = 评议) reads 派出所民警评议得分90, not
    派出所民警评议评议90; 90 × 30% = 27 by hand."""
    from kaohe.rules import WeightedScores

    rule = WeightedScores(shares={"派出所民警评议": 30, "辖区群众": 70}, what="评议")
    records = [
        Record("k1", "x.acts", "jincheng", dt.date(2015, 4, 2), Decimal(90), {"campaign": "派出所民警评议"}),
        Record("k2", "x.acts", "jincheng", dt.date(2015, 4, 3), Decimal(80), {"campaign": "辖区群众"}),
    ]
    lines = rule.evaluate(ctx(records))["jincheng"]
    assert [(ln.points, ln.reason) for ln in lines] == [
        (Decimal(27), "派出所民警评议得分90 × 30% = 27"),
        (Decimal(56), "辖区群众评议得分80 × 70% = 56"),
    ]
