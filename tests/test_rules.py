"""Every rule shape, with values worked out by hand from the seed's words (seed 000 = 金坛 2015,
l.416-694, and 上城 2010, l.14-116). Each test quotes the sentence and writes the arithmetic."""

from __future__ import annotations

from decimal import Decimal

import pytest
from kaohe.core.errors import KaoheError, RuleError
from kaohe.core.model import Line
from kaohe.core.periods import Calendar
from kaohe.rules import (
    SHAPES,
    Flag,
    Formula,
    MidRank,
    Modifier,
    PerCapita,
    PerOccurrence,
    Quota,
    Rank,
    RateTarget,
    Tiered,
    Veto,
    YearOverYear,
    build,
    competition_ranks,
)
from kernel_helpers import CAL, D, a_stations, ctx, pts, rec, unit

JC, HC, CD = a_stations()

# --- per occurrence -------------------------------------------------------------------------------


def test_per_occurrence_fixed() -> None:
    # l.540 "各派出所网络派单未登录、电话无人接听的,每次扣1分": 3 occurrences → 3 × −1 = −3
    rule = PerOccurrence(points=-1)
    records = [rec("x", "jincheng", f"2015-04-0{i}") for i in (1, 2, 3)] + [rec("x", "huacheng", "2015-04-05")]
    lines = rule.evaluate(ctx(records, (JC, HC, CD)))
    assert pts(lines, "jincheng") == -3
    assert pts(lines, "huacheng") == -1
    assert "chengdong" not in lines  # no record, no line
    assert [ln.record for ln in lines["huacheng"]] == [records[3].key]


def test_per_occurrence_outside_window_ignored() -> None:
    # month 2015-04 is 03-21 … 04-20: a record of 04-21 belongs to May
    rule = PerOccurrence(points=-1)
    lines = rule.evaluate(ctx([rec("x", "jincheng", "2015-04-21"), rec("x", "jincheng", "2015-03-21")], (JC,)))
    assert pts(lines, "jincheng") == -1


def test_per_occurrence_quantity_and_match() -> None:
    # l.436 "被市局或上级部门检查、督查发现违反的,每人次扣10分": one finding of 3 人次 → 3 × −10 = −30;
    # a self-reported one is not counted ("对自查主动上报的违规行为不列入考核"), modelled by match.
    rule = PerOccurrence(points=-10, quantity="persons", match={"source": ["督查"]})
    records = [
        rec("x", "jincheng", "2015-04-02", persons=3, source="督查"),
        rec("x", "jincheng", "2015-04-03", persons=2, source="自查"),
    ]
    assert pts(rule.evaluate(ctx(records, (JC,))), "jincheng") == -30


def test_per_occurrence_ranged_check_and_points() -> None:
    # l.546 "造成群众投诉、媒体炒作等严重后果的,每次扣5-10分" (the seed's "510" lost its dash):
    # the record carries its own points between −10 and −5.
    rule = PerOccurrence(min_points=-10, max_points=-5)
    ok = rec("x", "jincheng", "2015-04-02", value=-8)
    assert rule.check(ok) is None
    assert rule.check(rec("x", "jincheng", "2015-04-02", value=-10)) is None  # bounds included
    assert rule.check(rec("x", "jincheng", "2015-04-02", value=-5)) is None
    too_much = rule.check(rec("x", "jincheng", "2015-04-02", value=-12))
    assert too_much is not None and "-12" in too_much
    assert rule.check(rec("x", "jincheng", "2015-04-02", value=-3)) is not None
    assert rule.check(rec("x", "jincheng", "2015-04-02")) is not None  # no points given
    # −8 and −5 on two occurrences: −13
    lines = rule.evaluate(ctx([ok, rec("x", "jincheng", "2015-04-09", value=-5)], (JC,)))
    assert pts(lines, "jincheng") == -13


def test_fixed_points_check_accepts_anything() -> None:
    assert PerOccurrence(points=-1).check(rec("x", "jincheng", "2015-04-02", value=-99)) is None


@pytest.mark.parametrize(
    "params",
    [{}, {"min_points": -10}, {"max_points": -5}, {"min_points": -5, "max_points": -10}, {"points": -1, "when_field": "minutes"}],
)
def test_per_occurrence_invalid(params: dict) -> None:
    with pytest.raises(RuleError):
        PerOccurrence(**params)


ARRIVAL = PerOccurrence(
    points=-1,
    when_field="minutes",
    when_op=">",
    limit={"一类": {"城区": 5, "城郊": 10}, "二类": {"城区": 10, "城郊": 15}},
    limit_by=("grade", "area"),
    when_label="到场用时",
    when_unit="分钟",
)


def test_condition_table_arrival_limits() -> None:
    # l.548 "一类警情应按照城区中心区域5分钟,城郊结合部中心区域 10分钟,农村地区以最快速度…;二类警情应按照
    # 城区中心区域10分钟,城郊结合部中心区域15分钟…未在规定时间内赶赴现场的,每次扣1分"
    records = [
        rec("d", "jincheng", "2015-04-01", grade="一类", area="城区", minutes=7),  # 7 > 5: late, −1
        rec("d", "jincheng", "2015-04-02", grade="一类", area="城郊", minutes=7),  # 7 ≤ 10: in time
        rec("d", "jincheng", "2015-04-03", grade="二类", area="城区", minutes=12),  # 12 > 10: late, −1
        rec("d", "jincheng", "2015-04-04", grade="二类", area="城郊", minutes=15),  # 15 = limit: in time
        rec("d", "jincheng", "2015-04-05", grade="一类", area="城区", minutes=5),  # exactly 5: in time
        rec("d", "jincheng", "2015-04-06", grade="一类", area="农村", minutes=40),  # no limit in minutes: none
        rec("d", "jincheng", "2015-04-07", grade="三类", area="城区", minutes=40),  # 三类 "视情尽快": none
    ]
    lines = ARRIVAL.evaluate(ctx(records, (JC,)))
    assert pts(lines, "jincheng") == -2  # two late arrivals × −1
    assert [ln.record for ln in lines["jincheng"]] == [records[0].key, records[2].key]
    assert "7分钟" in lines["jincheng"][0].reason and "5分钟" in lines["jincheng"][0].reason


def test_condition_table_override_by_bureau() -> None:
    # a bureau may loosen 一类/城区 to 8 minutes: the 7-minute arrival is then in time, 12 > 10 still late
    rule = ARRIVAL.with_params({"limit": {"一类": {"城区": 8, "城郊": 10}, "二类": {"城区": 10, "城郊": 15}}})
    records = [
        rec("d", "jincheng", "2015-04-01", grade="一类", area="城区", minutes=7),
        rec("d", "jincheng", "2015-04-03", grade="二类", area="城区", minutes=12),
    ]
    assert pts(rule.evaluate(ctx(records, (JC,))), "jincheng") == -1


def test_modifier_halved_when_solved() -> None:
    # l.572 "辖区发生危险物品丢失、被盗、被抢案件的,有一起扣20分(案件及时破获的减半扣分)":
    # solved: −20 × 0.5 = −10; unsolved: −20; total −30
    rule = PerOccurrence(points=-20, modifiers=[{"field": "solved", "factor": "0.5", "label": "破获减半"}])
    solved = rec("g", "jincheng", "2015-04-02", solved="是")
    open_ = rec("g", "jincheng", "2015-04-03", solved="否")
    lines = rule.evaluate(ctx([solved, open_], (JC,)))
    by_key = {ln.record: ln.points for ln in lines["jincheng"]}
    assert by_key == {solved.key: -10, open_.key: -20}
    assert "破获减半" in lines["jincheng"][0].reason


def test_modifier_bool_and_double() -> None:
    # a boolean field counts as 是/否; 双倍扣分 (l.526) is factor 2: −5 × 2 = −10, and with both
    # modifiers −5 × 2 × 0.5 = −5
    rule = PerOccurrence(
        points=-5,
        modifiers=[Modifier(field="double", factor=2), Modifier(field="self_reported", factor="0.5")],
    )
    a = rec("g", "jincheng", "2015-04-02", double=True)
    b = rec("g", "jincheng", "2015-04-03", double=True, self_reported=True)
    c = rec("g", "jincheng", "2015-04-04", double=False)
    lines = rule.evaluate(ctx([a, b, c], (JC,)))
    assert {ln.record: ln.points for ln in lines["jincheng"]} == {a.key: -10, b.key: -5, c.key: -5}


def test_modifier_must_be_table() -> None:
    with pytest.raises(RuleError):
        PerOccurrence(points=-20, modifiers=["solved"])


# --- tiered ---------------------------------------------------------------------------------------


def test_tiered_highest_level_only() -> None:
    # l.562 "信息被常州市局录用1条加1分,被省厅录用1条加2分", and l.458 "同一条档案信息被不同级重复录用
    # 的不累计加分,按最高值加分": one report adopted by city and province counts +2 (not 1 + 2 = 3);
    # a second report adopted by the city only +1; total +3.
    rule = Tiered(levels={"市局": 1, "省厅": 2})
    both = rec("p", "jincheng", "2015-04-02", level="市局、省厅")
    city = rec("p", "jincheng", "2015-04-05", level="市局")
    lines = rule.evaluate(ctx([both, city], (JC,)))
    assert {ln.record: ln.points for ln in lines["jincheng"]} == {both.key: 2, city.key: 1}
    assert pts(lines, "jincheng") == 3
    assert "不重复计分" in lines["jincheng"][0].reason


def test_tiered_seed_levels_list_field() -> None:
    # l.462 "被金坛政府或常州市局采用的,有1条加5分,被常州、市政府和省厅采用的,有一条加20分,被江苏政府和
    # 公安部采用的,有一条加50分": adopted at all three levels → +50 once
    rule = Tiered(levels={"常州市局": 5, "省厅": 20, "公安部": 50}, field="adopted")
    r = rec("p", "jincheng", "2015-04-02", adopted=["常州市局", "省厅", "公安部"])
    assert pts(rule.evaluate(ctx([r], (JC,))), "jincheng") == 50


def test_tiered_check() -> None:
    rule = Tiered(levels={"市局": 1, "省厅": 2})
    assert rule.check(rec("p", "jincheng", "2015-04-02", level="省厅")) is None
    bad = rule.check(rec("p", "jincheng", "2015-04-02", level="县局"))
    assert bad is not None and "县局" in bad
    assert rule.check(rec("p", "jincheng", "2015-04-02")) is not None
    with pytest.raises(RuleError):
        Tiered(levels={})


# --- flag and veto --------------------------------------------------------------------------------


def test_flag_once_per_period() -> None:
    # l.628 "派出所未明确分管领导的扣2分": a state, −2 once however many records say so
    rule = Flag(points=-2)
    records = [rec("f", "jincheng", f"2015-04-0{i}") for i in (3, 1, 2)] + [rec("f", "huacheng", "2015-04-10")]
    lines = rule.evaluate(ctx(records, (JC, HC, CD)))
    assert pts(lines, "jincheng") == -2
    assert len(lines["jincheng"]) == 1
    assert lines["jincheng"][0].record == records[1].key  # the earliest record is cited
    assert "只计一次" in lines["jincheng"][0].reason
    assert pts(lines, "huacheng") == -2
    assert "chengdong" not in lines


def test_veto_lines() -> None:
    # l.430 "有下列情形之一的,实行“一票否决”,当月考核为零分": the rule only marks; points are 0
    rule = Veto()
    r = rec("v", "huacheng", "2015-04-02")
    lines = rule.evaluate(ctx([r], (JC, HC)))
    assert [ln.points for ln in lines["huacheng"]] == [0]
    assert "一票否决" in lines["huacheng"][0].reason
    assert "jincheng" not in lines


# --- rate against a target ------------------------------------------------------------------------

SATISFACTION = RateTarget(target=95, per_point_below="-0.5")


@pytest.mark.parametrize(
    ("rate", "exact", "whole"),
    [
        # l.554 "满意率达到95%以上,每降低1个百分点扣0.5分"
        ("93", "-1", "-1"),  # 2 points below × −0.5 = −1
        ("92.5", "-1.25", "-1"),  # exact: 2.5 × −0.5 = −1.25; whole points only: 2 × −0.5 = −1
        ("94.9", "-0.05", "0"),  # exact: 0.1 × −0.5 = −0.05; whole: 0 full points
        ("95", "0", "0"),
        ("99", "0", "0"),  # no bonus above the target in the seed
    ],
)
def test_rate_target_exact_and_whole(rate: str, exact: str, whole: str) -> None:
    r = rec("s", "jincheng", "2015-04-15", value=rate)
    assert pts(SATISFACTION.evaluate(ctx([r], (JC,))), "jincheng") == D(exact)
    whole_rule = SATISFACTION.with_params({"step": "whole"})
    assert pts(whole_rule.evaluate(ctx([r], (JC,))), "jincheng") == D(whole)


def test_rate_target_latest_record_and_ratio() -> None:
    # the latest figure in the window counts: 90 (04-01) then 93 (04-15) → 93 → −1
    records = [rec("s", "jincheng", "2015-04-01", value=90), rec("s", "jincheng", "2015-04-15", value=93)]
    assert pts(SATISFACTION.evaluate(ctx(records, (JC,))), "jincheng") == -1
    # numerator/denominator: 186 satisfied of 200 callbacks = 93 % → −1 (120 of 125 = 96 % → 0)
    rule = RateTarget(target=95, per_point_below="-0.5", numerator="ok", denominator="n")
    records = [
        rec("s", "jincheng", "2015-04-01", ok=100, n=110),
        rec("s", "jincheng", "2015-04-10", ok=86, n=90),
        rec("s", "huacheng", "2015-04-10", ok=120, n=125),
    ]
    lines = rule.evaluate(ctx(records, (JC, HC)))
    assert pts(lines, "jincheng") == -1
    assert pts(lines, "huacheng") == 0


def test_rate_target_by_class_and_bonus() -> None:
    # l.604 "其他案件 A类所勘查率达80%,B类所勘查率达90%,C类所勘查率达100%,每少1个百分点扣2分"
    rule = RateTarget(target={"A": 80, "B": 90, "C": 100}, per_point_below=-2)
    a, b, c = unit("a", "A所", klass="A"), unit("b", "B所", klass="B"), unit("c", "C所", klass="C")
    records = [rec("r", "a", "2015-04-02", value=75), rec("r", "b", "2015-04-02", value=88), rec("r", "c", "2015-04-02", value=100)]
    lines = rule.evaluate(ctx(records, (a, b, c)))
    assert pts(lines, "a") == -10  # (80 − 75) × −2
    assert pts(lines, "b") == -4  # (90 − 88) × −2
    assert pts(lines, "c") == 0
    # with a bonus of +1 per point above and a cap of +3: 86 % for class A → 6 points above → min(6, 3) = 3
    capped = rule.with_params({"per_point_above": 1, "max_points": 3})
    assert pts(capped.evaluate(ctx([rec("r", "a", "2015-04-02", value=86)], (a,))), "a") == 3


def test_rate_target_no_data_and_check() -> None:
    # no row at all: not scored, marked as missing data (the default); a blank rate: not scored
    lines = SATISFACTION.evaluate(ctx([], (JC,)))
    assert pts(lines, "jincheng") == 0 and "数据缺失" in lines["jincheng"][0].reason
    assert lines["jincheng"][0].missing == "2015-04"
    blank = SATISFACTION.evaluate(ctx([rec("s", "jincheng", "2015-04-02")], (JC,)))
    assert pts(blank, "jincheng") == 0 and "无该项数据" in blank["jincheng"][0].reason and not blank["jincheng"][0].missing
    skipped = SATISFACTION.with_params({"missing": "skip"}).evaluate(ctx([], (JC,)))
    assert "无该项数据" in skipped["jincheng"][0].reason and not skipped["jincheng"][0].missing
    assert SATISFACTION.check(rec("s", "jincheng", "2015-04-02", value=120)) is not None
    assert SATISFACTION.check(rec("s", "jincheng", "2015-04-02", value=-1)) is not None
    assert SATISFACTION.check(rec("s", "jincheng", "2015-04-02", value=93)) is None


# --- quotas ---------------------------------------------------------------------------------------

FIRE_NOTICES = Quota(targets={"A": 4, "B": 1, "C": 1}, per_short=-20, per_over=5, short_once=True, over_once=True, window_months={"C": 2})
A1, B1, C1 = unit("a", "A所", klass="A"), unit("b", "B所", klass="B"), unit("c", "C所", klass="C")


def test_quota_by_class_once_per_window() -> None:
    # l.638 "A类派出所每月发责令改正通知书4份…B类派出所每月发责令改正通知书1份…每项未达标的,分别扣20分,
    # 超过基础数据的每项加5分": A with 3 → −20 (once, not 1 × −20 per notice... 4 − 3 = 1 short, −20 once);
    # A with 6 → +5 once; B with 1 → 0
    a2 = unit("a2", "A所二", klass="A")
    records = [rec("n", "a", f"2015-04-0{i}") for i in (1, 2, 3)]
    records += [rec("n", "a2", f"2015-04-0{i}") for i in range(1, 7)]
    records += [rec("n", "b", "2015-04-02")]
    lines = FIRE_NOTICES.evaluate(ctx(records, (A1, a2, B1), period="2015-04"))
    assert pts(lines, "a") == -20
    assert pts(lines, "a2") == 5
    assert pts(lines, "b") == 0


def test_quota_short_not_once() -> None:
    # without short_once: 每少1 −20: A with 1 of 4 → 3 × −20 = −60
    rule = FIRE_NOTICES.with_params({"short_once": False})
    assert pts(rule.evaluate(ctx([rec("n", "a", "2015-04-01")], (A1,))), "a") == -60


def test_quota_class_c_every_two_months() -> None:
    # l.638 "C类派出所每两月发责令限期改正通知书1份": blocks Jan–Feb, Mar–Apr, …; assessed only in the
    # even month, over both months. 2015-03 is 02-21…03-20, 2015-04 is 03-21…04-20.
    notice_in_march = rec("n", "c", "2015-03-05")  # falls in month 2015-03
    # in month 2015-03 class C is not assessed at all
    assert "c" not in FIRE_NOTICES.evaluate(ctx([notice_in_march], (C1,), period="2015-03"))
    # in 2015-04 the block 03–04 holds the March notice: 1 of 1 → 0
    lines = FIRE_NOTICES.evaluate(ctx([notice_in_march], (C1,), period="2015-04"))
    assert pts(lines, "c") == 0 and "2015-03至2015-04" in lines["c"][0].reason
    # nothing in 03–04 → −20; a notice of February (02-10 is month 2015-02) does not count for 03–04
    lines = FIRE_NOTICES.evaluate(ctx([rec("n", "c", "2015-02-10")], (C1,), period="2015-04"))
    assert pts(lines, "c") == -20
    # two notices in 03–04 → 1 over → +5
    two = [notice_in_march, rec("n", "c", "2015-04-10")]
    assert pts(FIRE_NOTICES.evaluate(ctx(two, (C1,), period="2015-04")), "c") == 5


def test_quota_by_unit_seed_targets() -> None:
    # l.570 "对旅馆信息系统抓获…实行任务分解(金城5名,华城 14名,城东6名,城西5名,薛埠、儒林、尧塘、直溪
    # 各2名,其他所各1名),完成任务基础上,每增加一名加10分,少完成一名扣10分"
    rule = Quota(targets={"金城": 5, "华城": 14, "城东": 6, "城西": 5, "薛埠": 2, "*": 1}, per_short=-10, per_over=10)
    xuebu = unit("xuebu", "薛埠派出所", klass="B", aliases=("薛埠",))
    jianchang = unit("jianchang", "建昌派出所", klass="C", aliases=("建昌",))
    records = [rec("h", "jincheng", "2015-04-02") for _ in range(7)]  # 7 − 5 = 2 over → +20
    records += [rec("h", "huacheng", "2015-04-02") for _ in range(12)]  # 14 − 12 = 2 short → −20
    records += [rec("h", "chengdong", "2015-04-02") for _ in range(6)]  # exactly 6 → 0
    records += [rec("h", "xuebu", "2015-04-02")]  # 2 − 1 = 1 short → −10
    # 建昌 "其他所各1名", none caught → −10
    lines = rule.evaluate(ctx(records, (JC, HC, CD, xuebu, jianchang)))
    assert {u: pts(lines, u) for u in lines} == {"jincheng": 20, "huacheng": -20, "chengdong": 0, "xuebu": -10, "jianchang": -10}


def test_quota_sum_of_field_and_no_target() -> None:
    # l.638 "罚款额不得少于5千" for A: fines 3000 + 1500 = 4500 < 5000 → −20 once; a unit with no target
    # (class C has none here) gets no line
    rule = Quota(targets={"A": 5000}, per_short=-20, short_once=True, field="amount")
    records = [rec("fine", "a", "2015-04-02", amount=3000), rec("fine", "a", "2015-04-09", amount=1500)]
    c_other_series = unit("c", "C所", series="C", klass="C")  # no target by id, class, series or *
    lines = rule.evaluate(ctx(records, (A1, c_other_series)))
    assert pts(lines, "a") == -20
    assert "c" not in lines


def test_quota_carry_surplus_quarters() -> None:
    # l.524 "A类所每季度打击处理3人…未完成指标的,每少1人扣5分,超出部分可累计推至下季度,年底每超1人加20分"
    rule = Quota(targets={"A": 3, "C": "1.5"}, per_short=-5, carry_surplus=True, year_end_per_over=20, window_months={"C": 6})
    counts = {"2015-02-01": 5, "2015-05-01": 2, "2015-08-01": 1, "2015-11-01": 6}  # Q1, Q2, Q3, Q4
    records = [rec("e", "a", d) for d, n in counts.items() for _ in range(n)]

    def q(month: str, quarter: str) -> Decimal:
        return pts(rule.evaluate(ctx(records, (A1,), period=month, window=quarter)), "a")

    # Q1: 5 done, 2 over → carried to Q2, no points now
    assert q("2015-03", "2015-Q1") == 0
    # Q2: 2 done + 2 carried = 4 ≥ 3 → 0, 1 carried on
    assert q("2015-06", "2015-Q2") == 0
    # Q3: 1 done + 1 carried = 2 < 3 → 1 short × −5 = −5, nothing carried
    assert q("2015-09", "2015-Q3") == -5
    # Q4 (the year's last): 6 done + 0 carried − 3 = 3 over × 20 = +60
    assert q("2015-12", "2015-Q4") == 60
    # C: 1.5 per half-year ("C类所每半年打击处理1.5人"): 1 in H1 → 0.5 short × −5 = −2.5; not assessed in Q1
    c_records = [rec("e", "c", "2015-04-01")]
    assert "c" not in rule.evaluate(ctx(c_records, (C1,), period="2015-03", window="2015-Q1"))
    assert pts(rule.evaluate(ctx(c_records, (C1,), period="2015-06", window="2015-Q2")), "c") == D("-2.5")


def test_quota_invalid() -> None:
    with pytest.raises(RuleError):
        Quota(targets={"A": 1}, per_short=-1, window_months={"C": 5})
    with pytest.raises(RuleError):
        Quota(targets=3, per_short=-1)


# --- per capita -----------------------------------------------------------------------------------


def test_per_capita_per_day() -> None:
    # l.558 "巡逻民警每人每天盘查嫌疑人员(车辆)不低于5人(辆)次…人均每低一次扣2分".
    # Month 2015-04 = 03-21…04-20 = 31 days. 金城: 2 officers, 248 checks → 248 ÷ 2 ÷ 31 = 4 → 1 short → −2.
    # 华城: 2 officers, 310 checks → 5 → 0. 城东: 2 officers, 217 → 3.5 → 1.5 short → −3.
    rule = PerCapita(target=5, per_unit_short=-2, per="day")
    jc, hc, cd = a_stations(headcount=2)
    records = [rec("c", "jincheng", "2015-04-01", value=200), rec("c", "jincheng", "2015-04-02", value=48)]
    records += [rec("c", "huacheng", "2015-04-01", value=310), rec("c", "chengdong", "2015-04-01", value=217)]
    lines = rule.evaluate(ctx(records, (jc, hc, cd)))
    assert pts(lines, "jincheng") == -2
    assert pts(lines, "huacheng") == 0
    assert pts(lines, "chengdong") == -3
    # whole steps: 3.5 is 1 full check short → −2
    whole = rule.with_params({"step": "whole"})
    assert pts(whole.evaluate(ctx(records, (jc, hc, cd))), "chengdong") == -2


def test_per_capita_headcount_field() -> None:
    # the number of patrol officers given by the record (not the station's 民警人数 of 30):
    # 4 officers, 496 checks in 31 days → 4 per day → −2
    rule = PerCapita(target=5, per_unit_short=-2, per="day", headcount_field="officers")
    jc = a_stations(headcount=30)[0]
    lines = rule.evaluate(ctx([rec("c", "jincheng", "2015-04-01", value=496, officers=4)], (jc,)))
    assert pts(lines, "jincheng") == -2


def test_per_capita_missing_row_counts_as_nothing_done() -> None:
    # l.590 "各单位每月必须完成人均5份指标数,人均少捺印1份指纹扣0.5分": a station whose row is absent
    # from the month's sheet took no prints: 10 officers (unit list), 0 prints → 0 per officer,
    # 5 short × −0.5 = −2.5. A station that reports 30 prints → 3 each, 2 short → −1: sending
    # nothing never scores better than reporting a shortfall.
    rule = PerCapita(target=5, per_unit_short="-0.5", field="value")
    jc, hc, _ = a_stations(headcount=10)
    lines = rule.evaluate(ctx([rec("fp", "huacheng", "2015-04-02", value=30)], (jc, hc)))
    assert pts(lines, "jincheng") == D("-2.5") and "未报送,按0计" in lines["jincheng"][0].reason
    assert pts(lines, "huacheng") == D(-1)
    # per day (l.558): a station with no row and 10 officers (unit list) against 5 per officer per
    # day in 2015-04 (31 days) did 0 checks: 5 short per officer per day × −2 = −10
    patrol = PerCapita(target=5, per_unit_short=-2, per="day", field="value", headcount_field="officers")
    assert pts(patrol.evaluate(ctx([], (jc,))), "jincheng") == D(-10)
    # marked instead of counted: no points, the line says the data is missing
    marked = rule.with_params({"missing": "missing"}).evaluate(ctx([], (jc,)))
    assert pts(marked, "jincheng") == 0 and marked["jincheng"][0].missing == "2015-04"
    with pytest.raises(RuleError):
        rule.with_params({"missing": "ignore"})


def test_per_capita_per_period_and_missing_headcount() -> None:
    # l.590 "各单位每月必须完成人均5份指标数,人均少捺印1份指纹扣0.5分":
    # 10 officers, 42 prints → 4.2 each → 0.8 short × −0.5 = −0.4
    rule = PerCapita(target=5, per_unit_short="-0.5", field=None)
    jc = a_stations(headcount=10)[0]
    records = [rec("fp", "jincheng", "2015-04-02") for _ in range(42)]
    assert pts(rule.evaluate(ctx(records, (jc,))), "jincheng") == D("-0.4")
    with pytest.raises(KaoheError, match="民警人数"):
        rule.evaluate(ctx(records, (JC,)))  # JC has no headcount


def test_per_capita_headcount_by_period() -> None:
    # the month's own headcount wins over the default: 8 officers in 2015-04 → 40 ÷ 8 = 5 → 0
    jc = unit("jincheng", "金城派出所", headcount={"*": 10, "2015-04": 8})
    rule = PerCapita(target=5, per_unit_short="-0.5", field=None)
    records = [rec("fp", "jincheng", "2015-04-02") for _ in range(40)]
    assert pts(rule.evaluate(ctx(records, (jc,))), "jincheng") == 0


# --- year over year -------------------------------------------------------------------------------


def test_year_over_year_count() -> None:
    # l.560 "“两抢”警情数与去年同期相比,每少1起加1分,每多1起扣2分"
    # 金城: 2014-04 had 5, 2015-04 has 3 → 2 fewer → +2. 华城: 2 → 4 → 2 more × −2 = −4. 城东: 1 → 1 → 0.
    rule = YearOverYear(per_better=1, per_worse=-2)
    records = [rec("r", "jincheng", "2014-04-01") for _ in range(5)] + [rec("r", "jincheng", "2015-04-01") for _ in range(3)]
    records += [rec("r", "huacheng", "2014-04-10") for _ in range(2)] + [rec("r", "huacheng", "2015-04-10") for _ in range(4)]
    records += [rec("r", "chengdong", "2014-04-10"), rec("r", "chengdong", "2015-04-10")]
    records += [rec("r", "jincheng", "2014-05-10") for _ in range(9)]  # not the same period: ignored
    lines = rule.evaluate(ctx(records, (JC, HC, CD)))
    assert (pts(lines, "jincheng"), pts(lines, "huacheng"), pts(lines, "chengdong")) == (2, -4, 0)


def test_year_over_year_percent() -> None:
    # l.560 "盗窃警情数与去年同期相比,每下降一个百分点加1分,每上升一个百分点扣2分"
    # 金城: 20 → 18 = −10 % → +10. 华城: 20 → 23 = +15 % → 15 × −2 = −30. 城东: 0 → 4: no percentage → 0.
    rule = YearOverYear(per_better=1, per_worse=-2, mode="percent", field="value")
    records = [rec("t", "jincheng", "2014-04-01", value=20), rec("t", "jincheng", "2015-04-01", value=18)]
    records += [rec("t", "huacheng", "2014-04-01", value=20), rec("t", "huacheng", "2015-04-01", value=23)]
    records += [rec("t", "chengdong", "2015-04-01", value=4)]
    lines = rule.evaluate(ctx(records, (JC, HC, CD)))
    assert pts(lines, "jincheng") == 10
    assert pts(lines, "huacheng") == -30
    assert pts(lines, "chengdong") == 0 and "去年同期为0" in lines["chengdong"][0].reason


def test_year_over_year_target() -> None:
    # l.574 "社区入室盗窃案件和“三车”案件发案数同比下降5%,每低一个百分点扣5分": 40 → 39 is −2.5 %,
    # 2.5 points short of −5 % → 2.5 × −5 = −12.5; 40 → 36 is −10 %, better than the target, no bonus
    rule = YearOverYear(per_better=0, per_worse=-5, mode="percent", target=-5, field="value")
    records = [rec("t", "jincheng", "2014-04-01", value=40), rec("t", "jincheng", "2015-04-01", value=39)]
    records += [rec("t", "huacheng", "2014-04-01", value=40), rec("t", "huacheng", "2015-04-01", value=36)]
    lines = rule.evaluate(ctx(records, (JC, HC)))
    assert pts(lines, "jincheng") == D("-12.5")
    assert pts(lines, "huacheng") == 0


# --- rank -----------------------------------------------------------------------------------------


def test_competition_ranks() -> None:
    assert competition_ranks({"a": D(10), "b": D(10), "c": D(5)}) == {"a": 1, "b": 1, "c": 3}
    assert competition_ranks({"a": D(10), "b": D(10), "c": D(5)}, descending=False) == {"c": 1, "a": 2, "b": 2}


def _group(values: list[int]) -> tuple[list, list]:
    units = [unit(f"u{i:02d}", f"所{i}") for i in range(1, len(values) + 1)]
    records = [rec("m", u.id, "2015-04-02", value=v) for u, v in zip(units, values, strict=True)]
    return units, records


def test_rank_top_five_bottom_five() -> None:
    # l.576 "位于全局前5名的,分别加25分至5分,位于全局后5名的,分别扣10分": 12 stations ranked by score;
    # 所2 and 所3 tie at 90 and share 2nd place → +20 each; 所4 is 4th (3rd is skipped) → +10; 所5 +5;
    # 6th and 7th → 0; 8th…12th → −10 each.
    rule = Rank(top=(25, 20, 15, 10, 5), bottom=(-10,) * 5, field="value", measure="latest")
    units, records = _group([100, 90, 90, 80, 70, 65, 60, 50, 40, 30, 20, 10])
    lines = rule.evaluate(ctx(records, units))
    got = [pts(lines, u.id) for u in units]
    assert got == [25, 20, 20, 10, 5, 0, 0, -10, -10, -10, -10, -10]
    assert "第2名" in lines["u03"][0].reason


def test_rank_ties_at_the_bottom_share_the_better_place() -> None:
    # l.90 "前三名的分别加3分、2分、1分,后三名的分别减1分、2分、3分": the last −3, the one before −2, then −1.
    # Six units 60, 50, 40, 30, 20, 20: the two at 20 share 5th place (the better of 5th and 6th), which is
    # second from the bottom → −2 each; 30 is 4th = third from the bottom → −1.
    rule = Rank(top=(3, 2, 1), bottom=(-3, -2, -1), field="value")
    units, records = _group([60, 50, 40, 30, 20, 20])
    lines = rule.evaluate(ctx(records, units))
    assert [pts(lines, u.id) for u in units] == [3, 2, 1, -1, -2, -2]


def test_rank_unit_in_both_lists_gets_top_points_and_asc_order() -> None:
    # four units, top three +3/+2/+1 and bottom three −3/−2/−1: 3rd place is also second from the bottom;
    # it gets its top points +1; the 4th −3
    rule = Rank(top=(3, 2, 1), bottom=(-3, -2, -1), field="value")
    units, records = _group([40, 30, 20, 10])
    assert [pts(rule.evaluate(ctx(records, units)), u.id) for u in units] == [3, 2, 1, -3]
    # order = asc: fewest first (e.g. fewest complaints): 10 is 1st
    asc = rule.with_params({"order": "asc"})
    assert [pts(asc.evaluate(ctx(records, units)), u.id) for u in units] == [-3, 1, 2, 3]


def test_rank_within_class() -> None:
    # ranking per class: A and B are separate groups; each class's best gets +3
    rule = Rank(top=(3,), field="value", within="class")
    a, b = unit("a", "A所", klass="A"), unit("b", "B所", klass="B")
    records = [rec("m", "a", "2015-04-02", value=1), rec("m", "b", "2015-04-02", value=100)]
    lines = rule.evaluate(ctx(records, (a, b)))
    assert pts(lines, "a") == 3 and pts(lines, "b") == 3


def test_mid_rank_odd_even_ties() -> None:
    # l.74 "其记分以各序列中间排名为标准,排名上升(下降)一位加(减)1分": 5 units → the middle is 3rd;
    # 1st +2, 2nd +1, 3rd 0, 4th −1, 5th −2
    rule = MidRank(per_place=1, field="value")
    units, records = _group([50, 40, 30, 20, 10])
    assert [pts(rule.evaluate(ctx(records, units)), u.id) for u in units] == [2, 1, 0, -1, -2]
    # 4 units → the middle is between 2nd and 3rd (2.5): +1.5, +0.5, −0.5, −1.5
    units, records = _group([40, 30, 20, 10])
    assert [pts(rule.evaluate(ctx(records, units)), u.id) for u in units] == [D("1.5"), D("0.5"), D("-0.5"), D("-1.5")]
    # ties share the better place: 10, 10, 5 → places 1, 1, 3, middle 2 → +1, +1, −1
    units, records = _group([10, 10, 5])
    assert [pts(rule.evaluate(ctx(records, units)), u.id) for u in units] == [1, 1, -1]
    # l.90 special work: ±0.5 per place; 3 units → +0.5, 0, −0.5
    half = MidRank(per_place="0.5", field="value")
    units, records = _group([3, 2, 1])
    assert [pts(half.evaluate(ctx(records, units)), u.id) for u in units] == [D("0.5"), 0, D("-0.5")]


# --- formula, building, overrides -----------------------------------------------------------------


def _per_record(c, params):  # type: ignore[no-untyped-def]
    out = {}
    for u in c.units:
        n = len(c.of(u))
        if n:
            out[u.id] = [Line(n * Decimal(str(params["per"])), f"{n}条")]
    return out


def test_formula_and_override() -> None:
    rule = Formula(function=_per_record, params={"per": -3})
    records = [rec("f", "jincheng", "2015-04-02"), rec("f", "jincheng", "2015-04-03")]
    assert pts(rule.evaluate(ctx(records, (JC,))), "jincheng") == -6  # 2 × −3
    assert pts(rule.with_params({"per": -1}).evaluate(ctx(records, (JC,))), "jincheng") == -2  # 2 × −1
    with pytest.raises(RuleError, match="nope"):
        rule.with_params({"nope": 1})
    assert rule.params() == {"per": -3}


def test_build_by_shape_name() -> None:
    assert set(SHAPES) == {"per_occurrence", "tiered", "flag", "veto", "rate_target", "quota", "per_capita", "year_over_year", "rank", "mid_rank", "campaigns", "measure", "weighted_scores", "disqualify"}
    rule = build("per_occurrence", {"points": -1})
    assert isinstance(rule, PerOccurrence) and rule.points == -1
    built = build("quota", {"targets": {"A": 4}, "per_short": -20, "short_once": True})
    assert pts(built.evaluate(ctx([rec("n", "a", "2015-04-02")], (A1,))), "a") == -20
    with pytest.raises(RuleError, match="未知的规则类型"):
        build("per_ocurrence", {"points": -1})
    with pytest.raises(RuleError):
        build("per_occurrence", {"pionts": -1})
    with pytest.raises(RuleError):
        build("per_occurrence", {})
    with pytest.raises(RuleError):
        build("rate_target", {"target": 95, "per_point_below": -1, "step": "half"})
    with pytest.raises(RuleError):
        build("flag", {"points": "abc"})


def test_with_params_unknown_and_invalid() -> None:
    with pytest.raises(RuleError, match="pionts"):
        PerOccurrence(points=-1).with_params({"pionts": -2})
    with pytest.raises(RuleError):
        PerOccurrence(min_points=-10, max_points=-5).with_params({"min_points": -4})  # min > max
    assert PerOccurrence(points=-1).with_params({"points": -2}).points == -2


def test_every_shape_describes_itself() -> None:
    rules = [
        PerOccurrence(points=-1), Tiered(levels={"市局": 1}), Flag(points=-2), Veto(), SATISFACTION, FIRE_NOTICES,
        PerCapita(target=5, per_unit_short=-2), YearOverYear(per_better=1, per_worse=-2), Rank(top=(3,)), MidRank(),
    ]
    for r in rules:
        assert r.describe()
    assert "95" in SATISFACTION.describe() and "-0.5" in SATISFACTION.describe()


def test_calendar_month_window_for_per_day() -> None:
    # with calendar months April has 30 days: 2 officers, 300 checks → 5 per day → 0
    rule = PerCapita(target=5, per_unit_short=-2, per="day")
    jc = a_stations(headcount=2)[0]
    lines = rule.evaluate(ctx([rec("c", "jincheng", "2015-04-30", value=300)], (jc,), calendar=Calendar("end")))
    assert pts(lines, "jincheng") == 0
    assert CAL.days(ctx([], (jc,)).window) == 31
