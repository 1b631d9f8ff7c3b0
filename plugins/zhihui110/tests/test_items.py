"""Each item against values worked out by hand from the seed's words (seed 000 l.540-562).

All records are dated in assessment month 2015-04 (2015-03-21 .. 2015-04-20) unless said.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from kaohe import ConfigError, D, Record
from kaohe_zhihui110.items import (
    DISPATCH,
    ITEMS,
    MONTHLY,
    PATROL_INFO,
    PROBLEM,
    ROBBERY,
    THEFT,
)


def rec(kind: str, unit: str, date: dt.date, key: str, value: object = None, **attrs: object) -> Record:
    """A record as the store holds it."""
    return Record(key=f"{kind}:{key}", kind=kind, unit=unit, date=date, value=None if value is None else D(value), attrs=attrs)


APR = dt.date(2015, 4, 3)
APR_LAST_YEAR = dt.date(2014, 4, 3)


def test_every_item_quotes_its_seed_line(kaohe_seed):
    seed = kaohe_seed("000")
    for item in ITEMS:
        assert item.reference.startswith("seed 000 l."), item.id
        line = seed[int(item.reference.split("l.")[1]) - 1].replace(" ", "")
        # every sentence of the quoted text is on the referenced line of the seed
        for sentence in item.text.replace(" ", "").split("。"):
            assert sentence in line, (item.id, sentence)
        assert item.category == "jichu" and item.department == "110指挥中心"


# --- 1、接警 (l.542) --------------------------------------------------------------------------------


def test_no_answer_minus_one_each(kaohe_bureau, points_of):
    records = [
        rec(DISPATCH, "a1", APR, "1", answer="网络派单未登录"),
        rec(DISPATCH, "a1", APR, "2", answer="电话无人接听"),
        rec(DISPATCH, "a1", APR, "3", answer="正常签收"),
        rec(DISPATCH, "a1", APR, "4", answer="通信装备失灵未事先申报"),
        rec(DISPATCH, "b1", APR, "5", answer="正常签收"),
    ]
    # a1: 未登录 −1 + 无人接听 −1 = −2 (the equipment failure is the next item's)
    assert points_of(kaohe_bureau, "zhihui110.no_answer", records) == {"a1": Decimal(-2), "b1": 0, "c1": 0}
    # a1: 通信装备失灵未事先申报 视为无应答 −1
    assert points_of(kaohe_bureau, "zhihui110.equipment_unreported", records) == {"a1": Decimal(-1), "b1": 0, "c1": 0}


def test_a_record_counts_once_even_if_imported_twice(kaohe_bureau, points_of):
    r = rec(DISPATCH, "a1", APR, "1", answer="电话无人接听")
    # the same 警情编号 twice: one −1, not two
    assert points_of(kaohe_bureau, "zhihui110.no_answer", [r, r])["a1"] == Decimal(-1)


# --- 2、处警 (l.546-550) -----------------------------------------------------------------------------


def test_handling_poor_minus_two_each(kaohe_bureau, points_of):
    records = [
        rec(PROBLEM, "a1", APR, "1", problem="指令执行不力"),
        rec(PROBLEM, "a1", APR, "2", problem="拖延出警"),
        rec(PROBLEM, "b1", APR, "3", problem="推诿扯皮"),
        rec(PROBLEM, "b1", APR, "4", value=-8, problem="造成群众投诉、媒体炒作等严重后果"),
    ]
    # a1: 2 × −2 = −4; b1: 推诿扯皮 −2 (the serious case scores in its own item, not here)
    assert points_of(kaohe_bureau, "zhihui110.handling_poor", records) == {"a1": Decimal(-4), "b1": Decimal(-2), "c1": 0}


def test_handling_serious_takes_the_recorded_points_within_5_to_10(kaohe_bureau, points_of):
    records = [
        rec(PROBLEM, "a1", APR, "1", value=-8, problem="造成群众投诉、媒体炒作等严重后果"),
        rec(PROBLEM, "a1", APR, "2", value=-5, problem="造成群众投诉、媒体炒作等严重后果"),
        rec(PROBLEM, "a1", APR, "3", problem="指令执行不力"),
    ]
    # a1: −8 + −5 = −13
    assert points_of(kaohe_bureau, "zhihui110.handling_serious", records)["a1"] == Decimal(-13)
    rule = next(i for i in kaohe_bureau.items if i.id == "zhihui110.handling_serious").rule
    # 扣12分 is outside 5-10; a serious case without points cannot be scored
    assert rule.check(rec(PROBLEM, "a1", APR, "4", value=-12, problem="造成群众投诉、媒体炒作等严重后果"))
    assert rule.check(rec(PROBLEM, "a1", APR, "5", problem="造成群众投诉、媒体炒作等严重后果"))
    assert rule.check(rec(PROBLEM, "a1", APR, "6", value=-10, problem="造成群众投诉、媒体炒作等严重后果")) is None
    # a fixed-point problem needs no points
    assert rule.check(rec(PROBLEM, "a1", APR, "7", problem="指令执行不力")) is None


def test_contact_serious_5_to_10(kaohe_bureau, points_of):
    records = [rec(PROBLEM, "c1", APR, "1", value=-6, problem="因联络不畅导致群众投诉等严重后果")]
    # c1: −6 as recorded
    assert points_of(kaohe_bureau, "zhihui110.contact_serious", records) == {"a1": 0, "b1": 0, "c1": Decimal(-6)}


def test_arrival_late_by_grade_and_area(kaohe_bureau, points_of):
    records = [
        rec(DISPATCH, "a1", APR, "1", grade="一类", area="城区", arrival_minutes=Decimal("6")),  # 6 > 5: late
        rec(DISPATCH, "a1", APR, "2", grade="一类", area="城区", arrival_minutes=Decimal("5")),  # 5 = 5: in time
        rec(DISPATCH, "a1", APR, "3", grade="一类", area="城郊", arrival_minutes=Decimal("10.5")),  # > 10: late
        rec(DISPATCH, "a1", APR, "4", grade="二类", area="城区", arrival_minutes=Decimal("9")),  # ≤ 10
        rec(DISPATCH, "a1", APR, "5", grade="二类", area="城郊", arrival_minutes=Decimal("16")),  # > 15: late
        rec(DISPATCH, "a1", APR, "6", grade="一类", area="农村", arrival_minutes=Decimal("60")),  # no fixed limit
        rec(DISPATCH, "a1", APR, "7", grade="三类", area="城区", arrival_minutes=Decimal("45")),  # no fixed limit
        rec(DISPATCH, "b1", APR, "8", grade="二类", area="城区", arrival_minutes=Decimal("10.01")),  # > 10: late
        rec(DISPATCH, "b1", APR, "9", grade="一类", area="城区"),  # nobody arrived: no time to compare
    ]
    # a1: three late × −1 = −3; b1: one late = −1
    assert points_of(kaohe_bureau, "zhihui110.arrival_late", records) == {"a1": Decimal(-3), "b1": Decimal(-1), "c1": 0}


def test_arrival_limits_are_a_bureau_parameter(make_bureau, points_of):
    bureau = make_bureau(
        items={"zhihui110.arrival_late": {"params": {"limit": {"一类": {"城区": 8, "城郊": 10, "农村": 30}, "二类": {"城区": 10}}}}}
    )
    records = [
        rec(DISPATCH, "a1", APR, "1", grade="一类", area="城区", arrival_minutes=Decimal("6")),  # 6 ≤ 8 now
        rec(DISPATCH, "a1", APR, "2", grade="一类", area="农村", arrival_minutes=Decimal("31")),  # 31 > 30: late
        rec(DISPATCH, "a1", APR, "3", grade="二类", area="城郊", arrival_minutes=Decimal("16")),  # 城郊 removed
    ]
    # a1: only the 农村 one is late under the bureau's table: −1
    assert points_of(bureau, "zhihui110.arrival_late", records)["a1"] == Decimal(-1)


def test_unknown_parameter_is_refused(make_bureau):
    with pytest.raises(ConfigError):
        make_bureau(items={"zhihui110.arrival_late": {"params": {"limits": {}}}})


def test_handover(kaohe_bureau, points_of):
    records = [
        rec(PROBLEM, "a1", APR, "1", problem="未按职责分工及时移交或履行手续"),
        rec(PROBLEM, "b1", APR, "2", problem="接受单位推诿、拒绝"),
        rec(PROBLEM, "b1", APR, "3", problem="接受单位推诿、拒绝"),
    ]
    # a1: 未及时移交 −1; b1 (the receiving unit): 2 × −2 = −4
    assert points_of(kaohe_bureau, "zhihui110.handover_failure", records) == {"a1": Decimal(-1), "b1": 0, "c1": 0}
    assert points_of(kaohe_bureau, "zhihui110.handover_refusal", records) == {"a1": 0, "b1": Decimal(-4), "c1": 0}


# --- 3、反馈 (l.552) -------------------------------------------------------------------------------


def test_feedback_late(kaohe_bureau, points_of):
    records = [
        rec(DISPATCH, "a1", APR, "1", urgency="重大紧急", feedback_hours=Decimal("2.5")),  # > 2 h: −1
        rec(DISPATCH, "a1", APR, "2", urgency="重大紧急", feedback_hours=Decimal("2")),  # = 2 h: in time
        rec(DISPATCH, "a1", APR, "3", urgency="重大紧急", feedback_hours=Decimal("30")),  # > 2 h: −1 (not −0.5 too)
        rec(DISPATCH, "a1", APR, "4", urgency="一般", feedback_hours=Decimal("25")),  # > 24 h: −0.5
        rec(DISPATCH, "a1", APR, "5", urgency="一般", feedback_hours=Decimal("3")),  # in time
        rec(DISPATCH, "c1", APR, "6", urgency="一般", feedback_hours=Decimal("24.01")),  # > 24 h: −0.5
    ]
    # a1 urgent: 2 × −1 = −2
    assert points_of(kaohe_bureau, "zhihui110.feedback_late_urgent", records) == {"a1": Decimal(-2), "b1": 0, "c1": 0}
    # a1 ordinary: −0.5; c1: −0.5
    assert points_of(kaohe_bureau, "zhihui110.feedback_late_ordinary", records) == {
        "a1": Decimal("-0.5"), "b1": 0, "c1": Decimal("-0.5"),
    }


def test_feedback_never_given_counts_as_late(kaohe_bureau, points_of, results_of):
    # l.552 未及时反馈的每次扣1分 / 扣0.5分: a dispatch with no 反馈时间 was never fed back, which is
    # late whatever the limit (README 口径 6)
    records = [
        rec(DISPATCH, "b1", APR, "7", urgency="重大紧急"),  # never fed back: −1
        rec(DISPATCH, "b1", APR, "8", urgency="一般"),  # never fed back: −0.5
        rec(DISPATCH, "b1", APR, "9", urgency="一般"),  # never fed back: −0.5
        rec(DISPATCH, "b1", APR, "10", urgency="一般", feedback_hours=Decimal("1")),  # in time
    ]
    assert points_of(kaohe_bureau, "zhihui110.feedback_late_urgent", records) == {"a1": 0, "b1": Decimal(-1), "c1": 0}
    # b1 ordinary: 2 × −0.5 = −1
    assert points_of(kaohe_bureau, "zhihui110.feedback_late_ordinary", records) == {"a1": 0, "b1": Decimal(-1), "c1": 0}
    lines = results_of(kaohe_bureau, "zhihui110.feedback_late_urgent", records)["b1"].lines
    assert len(lines) == 1 and "未反馈" in lines[0].reason


def test_feedback_nonstandard(kaohe_bureau, points_of):
    records = [
        rec(DISPATCH, "b1", APR, "1", feedback_standard="否"),
        rec(DISPATCH, "b1", APR, "2", feedback_standard="否"),
        rec(DISPATCH, "b1", APR, "3", feedback_standard="是"),
    ]
    # b1: 2 × −0.5 = −1
    assert points_of(kaohe_bureau, "zhihui110.feedback_nonstandard", records)["b1"] == Decimal(-1)


# --- 4、回访 (l.554) -------------------------------------------------------------------------------


def test_callback_satisfaction(kaohe_bureau, points_of):
    records = [
        rec(MONTHLY, "a1", dt.date(2015, 4, 1), "a1", satisfaction=Decimal("93.4")),
        rec(MONTHLY, "b1", dt.date(2015, 4, 1), "b1", satisfaction=Decimal("96")),
        rec(MONTHLY, "c1", dt.date(2015, 4, 1), "c1"),  # no callback figure this month
    ]
    # a1: (95 − 93.4) = 1.6 points below × −0.5 = −0.8; b1: above 95: 0; c1: no figure: 0
    assert points_of(kaohe_bureau, "zhihui110.callback_satisfaction", records) == {"a1": Decimal("-0.8"), "b1": 0, "c1": 0}


# --- 5、大巡防 (l.558-562) --------------------------------------------------------------------------


def test_patrol_checks_per_officer_per_day(kaohe_bureau, points_of):
    day = dt.date(2015, 4, 1)
    records = [
        rec(MONTHLY, "a1", day, "a1", patrol_officers=10, checks=1395),
        rec(MONTHLY, "b1", day, "b1", patrol_officers=5, checks=800),
        rec(MONTHLY, "c1", day, "c1", patrol_officers=4, checks=558),
    ]
    # 2015-04 runs 03-21 .. 04-20: 11 + 20 = 31 days.
    # a1: 1395 ÷ 10 ÷ 31 = 4.5 per officer per day; 0.5 short × −2 = −1
    # b1: 800 ÷ 5 ÷ 31 = 5.16 ≥ 5: 0
    # c1: 558 ÷ 4 ÷ 31 = 4.5; 0.5 short × −2 = −1
    assert points_of(kaohe_bureau, "zhihui110.patrol_checks", records) == {"a1": Decimal(-1), "b1": 0, "c1": Decimal(-1)}


def test_robbery_year_over_year(kaohe_bureau, points_of):
    records = (
        [rec(ROBBERY, "a1", APR, f"a{i}") for i in range(3)]
        + [rec(ROBBERY, "a1", APR_LAST_YEAR, "a-old")]
        + [rec(ROBBERY, "b1", APR, "b0")]
        + [rec(ROBBERY, "b1", APR_LAST_YEAR, f"b-old{i}") for i in range(3)]
        + [rec(ROBBERY, "c1", dt.date(2014, 3, 20), "c-too-early")]  # 2014-03, not 2014-04
    )
    # a1: 3 now vs 1 a year ago: 2 more × −2 = −4
    # b1: 1 now vs 3: 2 fewer × +1 = +2
    # c1: 0 vs 0 (the 2014-03-20 alarm lies in month 2014-03): 0
    assert points_of(kaohe_bureau, "zhihui110.robbery_yoy", records) == {"a1": Decimal(-4), "b1": Decimal(2), "c1": 0}


def test_theft_year_over_year_percent(kaohe_bureau, points_of):
    records = (
        [rec(THEFT, "a1", APR, f"a{i}") for i in range(9)]
        + [rec(THEFT, "a1", APR_LAST_YEAR, f"a-old{i}") for i in range(10)]
        + [rec(THEFT, "b1", APR, f"b{i}") for i in range(11)]
        + [rec(THEFT, "b1", APR_LAST_YEAR, f"b-old{i}") for i in range(10)]
        + [rec(THEFT, "c1", APR, "c0")]
    )
    # a1: (9 − 10) ÷ 10 = −10 %: 10 points down × +1 = +10
    # b1: (11 − 10) ÷ 10 = +10 %: 10 points up × −2 = −20
    # c1: none last year: no percentage, 0
    assert points_of(kaohe_bureau, "zhihui110.theft_yoy", records) == {"a1": Decimal(10), "b1": Decimal(-20), "c1": 0}


def test_patrol_reports_quota_by_class(kaohe_bureau, points_of):
    records = [
        rec(PATROL_INFO, "a1", APR, "1", adopted="否"),
        rec(PATROL_INFO, "c1", APR, "2", adopted="否"),
        rec(PATROL_INFO, "c1", APR, "3", adopted="否"),
        rec(PATROL_INFO, "c1", APR, "4", adopted="否"),
    ]
    # a1 (城区四所, A): 1 of 2: −1; b1: 0 of 1: −1; c1: 3 ≥ 1: 0 (no bonus for more)
    assert points_of(kaohe_bureau, "zhihui110.patrol_reports", records) == {"a1": Decimal(-1), "b1": Decimal(-1), "c1": 0}


def test_patrol_reports_adopted_tiered(kaohe_bureau, points_of):
    records = [
        rec(PATROL_INFO, "a1", APR, "1", adopted="是", level="常州市局"),
        rec(PATROL_INFO, "a1", APR, "2", adopted="是", level="省厅"),
        rec(PATROL_INFO, "a1", APR, "3", adopted="是", level="常州市局、省厅"),
        rec(PATROL_INFO, "a1", APR, "4", adopted="否"),
    ]
    # a1: +1 (市局) + 2 (省厅) + 2 (both: the highest level only) + 0 = +5
    assert points_of(kaohe_bureau, "zhihui110.patrol_reports_adopted", records)["a1"] == Decimal(5)
    rule = next(i for i in kaohe_bureau.items if i.id == "zhihui110.patrol_reports_adopted").rule
    assert rule.check(rec(PATROL_INFO, "a1", APR, "5", adopted="是", level="新华社"))
    assert rule.check(rec(PATROL_INFO, "a1", APR, "6", adopted="否")) is None
