"""Rule parameters added for 上城 2010 (seed 000 l.14-274): a deduction list by article
(PerOccurrence.points_by), repeated findings counted once at the highest (PerOccurrence.once_per),
key works ranked one by one against the middle place (MidRank.split_field), and campaigns with a
base, the middle place, the top and bottom three, and a reported place (Campaigns). Values worked
out by hand from the seed's words."""

from __future__ import annotations

import pytest
from kaohe.core.errors import RuleError
from kaohe.rules import Campaigns, MidRank, PerOccurrence, build
from kernel_helpers import D, ctx, pts, rec, unit

# --- a deduction list: points by article -----------------------------------------------------------

LIST = {"第3条": "-0.5", "第25条": -2, "第20条": [-10, -5]}


def test_points_by_article() -> None:
    # l.128 "坚持三会一课制度,缺一次扣0.5分"; l.180 "擅离职守的,发现一次扣2分";
    # l.164 "在立案和打处工作中,发现弄虚作假的,每件扣5-10分" (a range: the record carries its points)
    # 甲: two 第3条 (−0.5 × 2 = −1), one 第25条 (−2), one 第20条 entered at −8 → −11
    rule = PerOccurrence(points_by=LIST)
    a = unit("a", "甲所")
    records = [
        rec("dw", "a", "2015-04-02", level="第3条"),
        rec("dw", "a", "2015-04-03", level="第3条"),
        rec("dw", "a", "2015-04-04", level="第25条"),
        rec("dw", "a", "2015-04-05", value=-8, level="第20条"),
    ]
    lines = rule.evaluate(ctx(records, (a,)))
    assert pts(lines, "a") == D("-11")
    assert [ln.points for ln in lines["a"]] == [D("-0.5"), D("-0.5"), -2, -8]
    assert "第25条 -2分" in lines["a"][2].reason


def test_points_by_refuses_unknown_article_and_out_of_range() -> None:
    rule = PerOccurrence(points_by=LIST)
    assert "第3条、第25条、第20条" in rule.check(rec("dw", "a", "2015-04-02", level="第99条"))
    assert "空" in rule.check(rec("dw", "a", "2015-04-02"))
    assert rule.check(rec("dw", "a", "2015-04-02", level="第3条")) is None
    # 第20条 is 5-10: −12 is outside, a missing value too
    assert "-10 至 -5" in rule.check(rec("dw", "a", "2015-04-02", value=-12, level="第20条"))
    assert "应填写分值" in rule.check(rec("dw", "a", "2015-04-02", level="第20条"))
    assert rule.check(rec("dw", "a", "2015-04-02", value=-5, level="第20条")) is None


def test_points_by_building_errors() -> None:
    with pytest.raises(RuleError, match="不能与 points"):
        PerOccurrence(points=-1, points_by=LIST)
    with pytest.raises(RuleError, match="最低分"):
        PerOccurrence(points_by={"x": [-5, -10]})
    with pytest.raises(RuleError, match="两个数"):
        PerOccurrence(points_by={"x": [-5]})
    with pytest.raises(RuleError, match="应为表"):
        build("per_occurrence", {"points_by": [1, 2]})
    with pytest.raises(RuleError):
        build("per_occurrence", {"points_by": {"x": "abc"}})


def test_once_per_counts_the_highest() -> None:
    # l.260 "被市局、省厅、公安部评为精品、典型、经典案件的,每件分别加1分、3分、5分 … 专案组荣立三等功、二等功、
    # 一等功案件的,每件分别加2分、5分、8分 … 以上案件遇有重复情况,按最高加分统计"
    # case “3·15”: 市局精品 +1 and 专案组三等功 +2 → only the highest, +2; case “6·01”: 省厅典型 +3 → +3;
    # a record with no case name is never grouped: 市局精品 +1. Total 2 + 3 + 1 = 6 (not 1 + 2 + 3 + 1 = 7)
    rule = PerOccurrence(points_by={"市局精品": 1, "省厅典型": 3, "三等功": 2}, once_per="campaign")
    a = unit("a", "甲所")
    records = [
        rec("jd", "a", "2015-04-02", level="市局精品", campaign="“3·15”案"),
        rec("jd", "a", "2015-04-05", level="三等功", campaign="“3·15”案"),
        rec("jd", "a", "2015-04-06", level="省厅典型", campaign="“6·01”案"),
        rec("jd", "a", "2015-04-07", level="市局精品"),
    ]
    lines = rule.evaluate(ctx(records, (a,)))
    assert [ln.points for ln in lines["a"]] == [0, 2, 3, 1]
    assert pts(lines, "a") == 6
    assert "重复情况按最高分统计" in lines["a"][0].reason and "三等功" not in lines["a"][0].reason.split("(")[0]
    # equal points: the earliest counts, the later one shows 0
    twice = [rec("jd", "a", "2015-04-02", level="市局精品", campaign="X"), rec("jd", "a", "2015-04-03", level="市局精品", campaign="X")]
    assert [ln.points for ln in rule.evaluate(ctx(twice, (a,)))["a"]] == [1, 0]
    # without once_per every record counts: 1 + 2 + 3 + 1 = 7
    assert pts(PerOccurrence(points_by={"市局精品": 1, "省厅典型": 3, "三等功": 2}).evaluate(ctx(records, (a,))), "a") == 7


# --- key works ranked one by one ----------------------------------------------------------------------


def test_mid_rank_split_by_work() -> None:
    # l.74 "涉及分局重点工作完成情况排名考核,其记分以各序列中间排名为标准,排名上升(下降)一位加(减)1分"
    # two works among 甲乙丙丁戊 (5 units: middle place 3):
    #   追逃: 甲 9, 乙 7, 丙 5, 丁 3, 戊 1 → +2, +1, 0, −1, −2
    #   破案: 戊 8, 丁 6, 丙 4, 乙 2; 甲 has no figure → 4 ranked, middle 2.5 → 戊 +1.5, 丁 +0.5, 丙 −0.5, 乙 −1.5
    # totals: 甲 2; 乙 1 − 1.5 = −0.5; 丙 0 − 0.5 = −0.5; 丁 −1 + 0.5 = −0.5; 戊 −2 + 1.5 = −0.5
    units = [unit(u, n) for u, n in (("a", "甲"), ("b", "乙"), ("c", "丙"), ("d", "丁"), ("e", "戊"))]
    records = [rec("zd", u, "2015-04-02", value=v, campaign="追逃") for u, v in zip("abcde", (9, 7, 5, 3, 1), strict=True)]
    records += [rec("zd", u, "2015-04-03", value=v, campaign="破案") for u, v in zip("edcb", (8, 6, 4, 2), strict=True)]
    rule = MidRank(per_place=1, field="value", split_field="campaign")
    lines = rule.evaluate(ctx(records, units))
    assert [pts(lines, u) for u in "abcde"] == [2, D("-0.5"), D("-0.5"), D("-0.5"), D("-0.5")]
    assert len(lines["a"]) == 1 and len(lines["b"]) == 2
    assert "“破案”完成数2,组内第4名(共4个单位),中间名次2.5,计-1.5分" == lines["b"][1].reason
    # lower is better (发案数): order = "asc" reverses: 追逃 戊 +2 … 甲 −2
    asc = MidRank(per_place=1, field="value", split_field="campaign", order="asc")
    assert pts(asc.evaluate(ctx(records[:5], units)), "e") == 2


# --- campaigns -----------------------------------------------------------------------------------------

SEVEN = [unit(f"s{i}", f"所{i}") for i in range(1, 8)]


def _campaign(name: str, scores: list[int], day: str = "2015-04-02") -> list:
    return [rec("zx", u.id, day, value=v, campaign=name) for u, v in zip(SEVEN, scores, strict=True)]


def test_campaign_base_middle_place_top_and_bottom_three() -> None:
    # l.90 "每个专项工作设基本分5分 … 以中间排名为标准,排名上升(下降)1位加(减)0.5分 … 前三名的分别加3分、2分、
    # 1分,后三名的分别减1分、2分、3分" (read within the series: docs/readings.md, reading A)
    # 7 units, middle place 4; scores 70 … 10 give places 1 … 7:
    #   1st: 5 + (4 − 1) × 0.5 + 3 = 9.5;  2nd: 5 + 1 + 2 = 8;  3rd: 5 + 0.5 + 1 = 6.5;  4th: 5 + 0 = 5
    #   5th: 5 − 0.5 − 1 = 3.5;  6th: 5 − 1 − 2 = 2;  7th: 5 − 1.5 − 3 = 0.5
    rule = Campaigns(base=5, per_place="0.5", points=[3, 2, 1], bottom=[-3, -2, -1])
    lines = rule.evaluate(ctx(_campaign("禁毒", [70, 60, 50, 40, 30, 20, 10]), SEVEN))
    assert [pts(lines, u.id) for u in SEVEN] == [D("9.5"), 8, D("6.5"), 5, D("3.5"), 2, D("0.5")]
    assert lines["s7"][0].reason == (
        "专项工作“禁毒”:基本分5,得分10,组内第7名(共7个单位),中间名次4,下降3位 -1.5分,倒数第1名 -3分,末位(连续第1次),计0.5分"
    )


def test_campaign_add_value_without_places() -> None:
    # "每个专项工作设基本分5分", the leading department's own plan adds or deducts: 5 − 1.5 = 3.5, 5 + 0 = 5
    rule = Campaigns(base=5, add_value=True, rank="none")
    records = [rec("zx", "s1", "2015-04-02", value="-1.5", campaign="交通整治"), rec("zx", "s2", "2015-04-02", value=0, campaign="交通整治")]
    lines = rule.evaluate(ctx(records, SEVEN))
    assert pts(lines, "s1") == D("3.5") and pts(lines, "s2") == 5 and "s3" not in lines
    assert lines["s1"][0].reason == "专项工作“交通整治”:基本分5,本专项考核-1.5分,计3.5分"
    assert "加减分" in rule.check(rec("zx", "s1", "2015-04-02", campaign="交通整治"))
    with pytest.raises(RuleError, match="rank"):
        Campaigns(rank="none", per_place=1)


def test_campaign_reported_place() -> None:
    # the superior's ranking of the bureau among 13 similar bureaus, credited to the leading department:
    # middle place 7; 2nd: (7 − 2) × 0.5 = 2.5, + 2 (前三名第2) = 4.5; 12th: (7 − 12) × 0.5 = −2.5, − 2 (倒数第2) = −4.5;
    # 7th: 0
    rule = Campaigns(rank="reported", per_place="0.5", points=[3, 2, 1], bottom=[-3, -2, -1])
    records = [
        rec("sj", "s1", "2015-04-02", campaign="禁毒", place=2, of=13),
        rec("sj", "s2", "2015-04-02", campaign="校园安全", place=12, of=13),
        rec("sj", "s3", "2015-04-02", campaign="消防", place=7, of=13),
    ]
    lines = rule.evaluate(ctx(records, SEVEN))
    assert [pts(lines, u) for u in ("s1", "s2", "s3")] == [D("4.5"), D("-4.5"), 0]
    assert "第2名(共13个单位),中间名次7,上升5位 +2.5分,前3名 +2分" in lines["s1"][0].reason
    assert "名次" in rule.check(rec("sj", "s1", "2015-04-02", campaign="禁毒", place=14, of=13))
    assert "名次" in rule.check(rec("sj", "s1", "2015-04-02", campaign="禁毒"))
    assert rule.check(records[0]) is None


def test_campaign_last_twice_running_with_reported_places() -> None:
    rule = Campaigns(rank="reported", per_place="0.5", last_running=2)
    records = [
        rec("sj", "s1", "2015-04-02", campaign="一", place=5, of=5),
        rec("sj", "s1", "2015-04-09", campaign="二", place=5, of=5),
    ]
    lines = rule.evaluate(ctx(records, SEVEN))
    assert [ln.flag for ln in lines["s1"]] == [None, "专项工作连续2次考核排名末位"]
    # 5 of 5: middle 3 → −1 each time
    assert pts(lines, "s1") == -2
    # last_running = 0: no flag, no 末位 in the reason (上城 2010 has no such rule)
    quiet = Campaigns(rank="reported", per_place="0.5", last_running=0).evaluate(ctx(records, SEVEN))
    assert [ln.flag for ln in quiet["s1"]] == [None, None] and "末位" not in quiet["s1"][1].reason
    with pytest.raises(ValueError):
        Campaigns(last_running=-1)


def test_campaign_default_points_unchanged() -> None:
    # without points, bottom or per_place a place earns n − place + 1 (seed 000 l.690 reading)
    lines = Campaigns().evaluate(ctx(_campaign("春季", [70, 60, 50, 40, 30, 20, 10]), SEVEN))
    assert [pts(lines, u.id) for u in SEVEN] == [7, 6, 5, 4, 3, 2, 1]
    assert lines["s1"][0].reason == "专项工作“春季”:得分70,组内第1名(共7个单位),计7分"
