"""Per item: the points a person works out from the seed's words (seed 000), arithmetic in comments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from kaohe_zhian import adapters
from kaohe_zhian.items import EVENTS, all_items

D = Decimal
APRIL = dt.date(2015, 4, 10)  # assessment month 2015-04 runs 2015-03-21 .. 2015-04-20
MAY = dt.date(2015, 4, 25)  # already in 2015-05


def event(unit: str, label: str, count: int | None = None, n: int = 1, date: dt.date = APRIL, **flags: bool):
    return adapters.event_records(
        {"id": f"T{n}", "unit": unit, "date": date, "category": label, "count": count, "remark": None, **flags}
    )


LABELS = {e.name: e.category_label for e in EVENTS}

# (item, 人数/次数 on one row, points): worked from the seed's sentence, not from the code.
PER_OCCURRENCE = [
    ("intel_unrest_not_warned", None, "-20"),  # l.566 有一起扣20分: 1 × −20
    ("intel_person_not_controlled", 2, "-60"),  # l.566 每人次扣30分: 2人次 × −30 = −60
    ("intel_early_warning", None, "20"),  # l.566 有一次加20分
    ("intel_quality_city", 3, "-15"),  # l.566 被市局巡查通报的,有一处扣5分: 3处 × −5
    ("intel_quality_changzhou", 1, "-10"),  # l.566 被常州市局通报的,有一处扣10分
    ("pop_room_entry", 4, "-8"),  # l.568 每人次扣2分: 4 × −2
    ("pop_resident_major_error", 3, "-6"),  # l.568 主项差错一人扣2分: 3人 × −2
    ("pop_main_item_missing", 2, "-4"),  # l.568 每缺一项扣2分: 2项 × −2
    ("pop_id_card_returned", 2, "-10"),  # l.568 退回一条错误信息扣5分: 2条 × −5
    ("pop_warned_person", 1, "-10"),  # l.568 有一人扣10分
    ("pop_work_object_missing", 3, "-9"),  # l.568 有一人扣3分: 3 × −3
    ("pop_key_population", 2, "-10"),  # l.568 漏列管或失控一名扣5分: 2 × −5
    ("pop_backtrack", 1, "-30"),  # l.568 漏管、失控一名扣30分
    ("pop_background_check", 2, "-20"),  # l.568 有一人次扣10分: 2 × −10
    ("pop_room_staffing", 1, "-10"),  # l.568 有一个不到位扣10分
    ("pop_officer_absent", 2, "-10"),  # l.568 有一次扣5分: 2 × −5
    ("pop_one_plus_n", 2, "40"),  # l.568 每完成一个加20分: 2 × 20
    ("pop_room_level_one", 1, "30"),  # l.568 每创建一个一级警务室加30分
    ("pop_room_level_two", 1, "20"),  # l.568 创建一个二级警务室加20分
    ("pop_hukou_error", 1, "-5"),  # l.568 扣5分
    ("pop_illegal_hukou", 2, "-20"),  # l.568 一次扣10分: 2 × −10
    ("pop_fugitive_not_cancelled", 3, "-15"),  # l.568 有一人次扣5分: 3 × −5
    ("venue_entry_inaccurate", 2, "-10"),  # l.570 发现一家扣5分: 2家 × −5
    ("venue_not_filed", 1, "-5"),  # l.570 发现一家扣5分
    ("venue_inspection_missed", 3, "-15"),  # l.570 少一次扣5分: 3次 × −5
    ("venue_unlicensed_hotel", 1, "-10"),  # l.570 有一家扣10分
    ("venue_guest_item_error", 5, "-10"),  # l.570 有一项错误扣2分: 5项 × −2
    ("venue_fake_id", 2, "10"),  # l.570 有一名加5分: 2 × 5
    ("venue_fugitive_escaped", 1, "-20"),  # l.570 每例扣20分
    ("venue_system_not_installed", 2, "-10"),  # l.570 未安装的有一家扣5分: 2 × −5
    ("venue_staff_unregistered", 3, "-6"),  # l.570 一人(次)扣2分: 3 × −2
    ("venue_vice_raided", 1, "-20"),  # l.570 直接组织查处 … 分别扣20分
    ("venue_vice_reported", 1, "-10"),  # l.570 暗访通报 … 分别扣10分
    ("venue_media_exposed", 1, "-50"),  # l.570 每次扣50分
    ("venue_trade_closed", 1, "10"),  # l.570 有一家加10分
    ("venue_gambling_machine", 6, "12"),  # l.570 每收缴一台赌博机计2分: 6台 × 2
    ("venue_innovation", 1, "20"),  # l.570 有一项加20分
    ("venue_security_leader", 1, "-10"),  # l.570 扣10分
    ("venue_security_discipline", 2, "-10"),  # l.570 发现一次扣5分: 2 × −5
    ("venue_security_accident", 1, "-50"),  # l.570 每起扣50分
    ("danger_inspection", 1, "-5"),  # l.572 达不到要求的扣5分
    ("danger_gun_handling", 2, "-10"),  # l.572 每次扣5分: 2 × −5
    ("danger_gun_retrieval", 1, "-10"),  # l.572 一次扣10分
    ("danger_goods_lost", 1, "-20"),  # l.572 有一起扣20分 (未破获)
    ("econ_safe_theft", 1, "-20"),  # l.574 有一起扣20分
    ("econ_bank_case", 1, "-20"),  # l.574 有一起扣20分
    ("econ_enterprise_info", 3, "15"),  # l.574 每新增一家 … 加5分: 3 × 5
    ("econ_security_substandard", 2, "-20"),  # l.574 有一家扣10分: 2 × −10
    ("econ_market_room", 1, "10"),  # l.574 验收合格一家加10分
    ("aux_unapproved_hire", 2, "-10"),  # l.576 每人次扣5分: 2 × −5
    ("aux_late_report", 1, "-5"),  # l.576 每次扣5分
    ("aux_misconduct", 1, "-10"),  # l.576 有一人扣10分 (非主动查处)
    ("aux_pay_fraud", 1, "-5"),  # l.576 每人次扣5分
    ("aux_commended", 2, "20"),  # l.576 每人次加10分: 2 × 10
    ("mediation_irregular", 1, "-5"),  # l.578 发现一次扣5分
    ("mediation_case", 7, "14"),  # l.578 一件加2分: 7件 × 2
    ("mass_commended", 1, "5"),  # l.580 加5分
]


def test_every_event_item_has_a_hand_worked_case():
    flags = {"intel_data_not_entered", "pop_floating_collection"}
    assert {name for name, _, _ in PER_OCCURRENCE} | flags == {e.name for e in EVENTS}


@pytest.mark.parametrize(("name", "count", "expected"), PER_OCCURRENCE)
def test_per_occurrence_event(kaohe_bureau, points_of, draft_records, name, count, expected):
    recs = draft_records(event("jincheng", LABELS[name], count))
    # a row of another 事项类别 and a row of the next month do not count
    other = "调解民间纠纷" if name != "mediation_case" else "警务室民警无故不在岗"
    recs += draft_records(event("jincheng", other, 1, n=2))
    recs += draft_records(event("jincheng", LABELS[name], count, n=3, date=MAY))
    got = points_of(kaohe_bureau, f"zhian.{name}", recs)
    assert got["jincheng"] == D(expected)
    assert got["huacheng"] == 0


def test_row_without_count_counts_once(kaohe_bureau, points_of, draft_records):
    # 人数/次数 left blank: one occurrence, l.570 少一次扣5分 → −5
    got = points_of(kaohe_bureau, "zhian.venue_inspection_missed", draft_records(event("chengxi", "场所未按规定检查")))
    assert got["chengxi"] == D(-5)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("intel_data_not_entered", "-5"),  # l.566 未按规定录入警务平台的扣5分: a state, once a month, not 2 × −5
        ("pop_floating_collection", "10"),  # l.568 按规定时间完成 … 的派出所加10分: once, not 2 × 10
    ],
)
def test_flag_items_count_once_a_month(kaohe_bureau, points_of, draft_records, name, expected):
    recs = draft_records(event("rulin", LABELS[name], n=1)) + draft_records(event("rulin", LABELS[name], n=2))
    assert points_of(kaohe_bureau, f"zhian.{name}", recs)["rulin"] == D(expected)


@pytest.mark.parametrize(
    ("solved", "expected"),
    [
        (True, "-10"),  # l.572 有一起扣20分(案件及时破获的减半扣分): −20 × 0.5 = −10
        (False, "-20"),
    ],
)
def test_dangerous_goods_lost_halved_when_solved(kaohe_bureau, points_of, draft_records, solved, expected):
    recs = draft_records(event("xuebu", "危险物品丢失被盗被抢", solved=solved))
    assert points_of(kaohe_bureau, "zhian.danger_goods_lost", recs)["xuebu"] == D(expected)


def test_auxiliary_misconduct_halved_when_self_reported(kaohe_bureau, points_of, draft_records):
    # l.576 有一人扣10分(主动查处上报减半扣分):
    # row 1: 2人, 主动查处上报 → 2 × −10 × 0.5 = −10; row 2: 1人, not self-reported → −10; total −20
    recs = draft_records(event("zhixi", "辅警违法违纪", 2, n=1, self_reported=True))
    recs += draft_records(event("zhixi", "辅警违法违纪", 1, n=2))
    assert points_of(kaohe_bureau, "zhian.aux_misconduct", recs)["zhixi"] == D(-20)


# --- monthly figures --------------------------------------------------------------------------------


def monthly(unit: str, year: int = 2015, month: int = 4, **figures):
    return adapters.monthly_records({"unit": unit, "month": f"{year}-{month:02d}", **figures})


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        ("1.5", "-2"),  # l.568 次项差错超过1%的扣2分: 1.5 > 1 → −2
        ("1", "0"),  # exactly 1 % is not 超过1%
        ("0.4", "0"),
    ],
)
def test_resident_minor_error_rate(kaohe_bureau, points_of, draft_records, rate, expected):
    recs = draft_records(monthly("jincheng", minor_error_rate=D(rate)))
    assert points_of(kaohe_bureau, "zhian.pop_resident_minor_error", recs)["jincheng"] == D(expected)


@pytest.mark.parametrize(
    ("last", "now", "expected"),
    [
        (40, 39, "-12.5"),  # (39−40)/40 = −2.5 %; target −5 %, 2.5 points short × −5 = −12.5
        (40, 38, "0"),  # −5 % exactly: target met
        (40, 36, "0"),  # −10 %: better than the target, no bonus in the seed
        (20, 22, "-75"),  # +10 %: 15 points short of −5 % × −5 = −75
    ],
)
def test_burglary_year_over_year(kaohe_bureau, points_of, draft_records, last, now, expected):
    recs = draft_records(monthly("huacheng", 2014, 4, burglary_cases=last)) + draft_records(monthly("huacheng", burglary_cases=now))
    assert points_of(kaohe_bureau, "zhian.pop_burglary_yoy", recs)["huacheng"] == D(expected)


def test_burglary_year_over_year_without_last_year(kaohe_bureau, points_of, draft_records):
    # no 2014 figure: a percent change cannot be worked out, so no points
    assert points_of(kaohe_bureau, "zhian.pop_burglary_yoy", draft_records(monthly("huacheng", burglary_cases=5)))["huacheng"] == 0


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        ("97.5", "-12.5"),  # l.570 达到100%,低一个百分点扣5分: 2.5 × −5
        ("100", "0"),
    ],
)
def test_guest_transmission_rate(kaohe_bureau, points_of, draft_records, rate, expected):
    recs = draft_records(monthly("chengdong", transmission_rate=D(rate)))
    assert points_of(kaohe_bureau, "zhian.venue_guest_transmission_rate", recs)["chengdong"] == D(expected)


@pytest.mark.parametrize(
    ("last", "now", "expected"),
    [
        (1000, 1035, "7"),  # l.570 每增加一个百分点加2分: +3.5 % × 2 = 7
        (1000, 950, "0"),  # a decrease: the seed gives no deduction
    ],
)
def test_guest_volume_year_over_year(kaohe_bureau, points_of, draft_records, last, now, expected):
    recs = draft_records(monthly("chengxi", 2014, 4, guest_records=last)) + draft_records(monthly("chengxi", guest_records=now))
    assert points_of(kaohe_bureau, "zhian.venue_guest_volume_yoy", recs)["chengxi"] == D(expected)


def test_gun_cabinet_rate(kaohe_bureau, points_of, draft_records):
    # l.572 畅通率达到100%,每低一个百分点扣2分: 98 % → 2 × −2 = −4
    recs = draft_records(monthly("yaotang", gun_cabinet_rate=D(98)))
    assert points_of(kaohe_bureau, "zhian.danger_gun_cabinet_rate", recs)["yaotang"] == D(-4)


@pytest.mark.parametrize(("rate", "expected"), [("8.5", "-3"), ("12", "0")])
def test_informant_rate(kaohe_bureau, points_of, draft_records, rate, expected):
    # l.580 有效利用率达10%以上,每低一个百分点扣2分: 8.5 % → 1.5 × −2 = −3
    recs = draft_records(monthly("zhulin", informant_rate=D(rate)))
    assert points_of(kaohe_bureau, "zhian.mass_informant_rate", recs)["zhulin"] == D(expected)


def test_police_room_rank(kaohe_bureau, points_of, draft_records):
    # l.568 位于全局前5名的,分别加25分至5分,位于全局后5名的,分别扣10分.
    # 12 stations report; 3 (shuibei, maolu, xigang) do not and are not ranked.
    scores = {
        "jincheng": 95, "huacheng": 97, "chengdong": 97, "chengxi": 90, "xuebu": 88, "rulin": 86,
        "yaotang": 85, "zhixi": 84, "zhulin": 80, "zhiqian": 79, "jianchang": 78, "shetou": 70,
    }
    recs = [r for uid, s in scores.items() for r in draft_records(monthly(uid, room_score=D(s)))]
    got = points_of(kaohe_bureau, "zhian.pop_room_rank", recs)
    # huacheng, chengdong tie at 97 → both 1st (+25); jincheng 3rd (+15); chengxi 4th (+10); xuebu 5th (+5);
    # rulin 6th and yaotang 7th: neither top 5 nor bottom 5 (8th-12th of 12) → 0; zhixi … shetou → −10 each
    assert got == {
        "huacheng": 25, "chengdong": 25, "jincheng": 15, "chengxi": 10, "xuebu": 5, "rulin": 0, "yaotang": 0,
        "zhixi": -10, "zhulin": -10, "zhiqian": -10, "jianchang": -10, "shetou": -10,
        "shuibei": 0, "maolu": 0, "xigang": 0,
    }


def test_police_room_rank_leaves_out_a_row_without_the_score(kaohe_bureau, points_of, results_of, draft_records):
    # 金城 sends its 月报表 row without 警务室考核得分 (other figures only): it is not ranked (not last with 0
    # and −10, as rules.Rank(skip_missing=True) would have it, since 金城 has a record)
    scores = {"huacheng": 97, "chengdong": 90, "chengxi": 85, "xuebu": 80, "rulin": 75, "yaotang": 70}
    recs = [r for uid, s in scores.items() for r in draft_records(monthly(uid, room_score=D(s)))]
    recs += draft_records(monthly("jincheng", transmission_rate=D(100)))
    got = points_of(kaohe_bureau, "zhian.pop_room_rank", recs)
    # 6 ranked: top 5 +25 … +5; the 6th (尧塘) is also 1st of the bottom 5, and the top list wins for
    # places 1-5 only: 尧塘 is 倒数第1 → −10
    assert got["huacheng"] == 25 and got["rulin"] == 5 and got["yaotang"] == -10
    assert got["jincheng"] == 0
    assert "不参加排名" in results_of(kaohe_bureau, "zhian.pop_room_rank", recs)["jincheng"].lines[0].reason


def test_police_room_rank_without_data_gives_nothing(kaohe_bureau, points_of):
    # no station has a 警务室考核得分 this month: nobody is ranked (not fifteen-way first place)
    assert set(points_of(kaohe_bureau, "zhian.pop_room_rank", []).values()) == {0}


# --- the yearly quota of the hotel system -------------------------------------------------------------


def hotel(unit: str, n: int, date: dt.date):
    return adapters.hotel_records({"id": f"H{unit}{n}", "unit": unit, "date": date, "type": "网上逃犯",
                                   "hotel": None, "remark": None})


def test_hotel_fugitive_quota_is_yearly(kaohe_bureau, points_of, draft_records):
    recs = draft_records(hotel("jincheng", 1, APRIL))
    assert points_of(kaohe_bureau, "zhian.venue_hotel_fugitive_quota", recs, "2015-04") == {}  # not due before December


def test_hotel_fugitive_quota(kaohe_bureau, points_of, draft_records):
    days = [dt.date(2014, 12, 22), dt.date(2015, 3, 1), dt.date(2015, 6, 30), dt.date(2015, 12, 20)]
    caught = {"jincheng": 7, "huacheng": 10, "xuebu": 2, "zhulin": 0, "xigang": 3}
    recs = [r for uid, k in caught.items() for i in range(k) for r in draft_records(hotel(uid, i, days[i % 4]))]
    recs += draft_records(hotel("chengxi", 99, dt.date(2015, 12, 21)))  # in the 2016 assessment year: not counted
    got = points_of(kaohe_bureau, "zhian.venue_hotel_fugitive_quota", recs, "2015-12")
    assert got["jincheng"] == D(20)  # task 5, caught 7: 2 more × 10
    assert got["huacheng"] == D(-40)  # task 14, caught 10: 4 fewer × −10
    assert got["xuebu"] == D(0)  # task 2, caught 2
    assert got["zhulin"] == D(-10)  # 其他所各1名, caught 0: −10
    assert got["xigang"] == D(20)  # 其他所各1名, caught 3: 2 more × 10
    assert got["chengxi"] == D(-50)  # task 5, caught 0 in 2015: 5 × −10


def test_hotel_fugitive_quota_overridden_by_the_bureau(make_bureau, points_of, draft_records):
    b = make_bureau(items={"zhian.venue_hotel_fugitive_quota": {"params": {"targets": {"金城": 8, "*": 1}}}})
    recs = [r for i in range(7) for r in draft_records(hotel("jincheng", i, APRIL))]
    # the bureau sets 金城 to 8: caught 7 → 1 fewer × −10
    assert points_of(b, "zhian.venue_hotel_fugitive_quota", recs, "2015-12")["jincheng"] == D(-10)


# --- 打处绩效 -------------------------------------------------------------------------------------


def case(unit: str, n: int, nature: str = "年内在帐", cars: int | None = None, **flags: bool):
    return adapters.criminal_records({"id": f"C{n}", "unit": unit, "date": APRIL, "nature": nature,
                                      "cars_recovered": cars, "remark": None, **flags})


def test_criminal_case_points(kaohe_bureau, kaohe_registry, draft_records):
    from kaohe import Period
    from kaohe.testing import MemorySource, score

    recs = draft_records(case("jincheng", 1, eight_kinds=True, local=True, car_theft=True))
    recs += draft_records(case("jincheng", 2, "在帐积隐案", eight_kinds=True))
    recs += draft_records(case("jincheng", 3, "外省市案件", motorbike=True))
    recs += draft_records(case("jincheng", 4, "外省市案件", cars=2))
    items = {i.item: i.points for c in score(kaohe_bureau, Period.parse("2015-04"), MemorySource(recs)).unit("jincheng").categories
             for i in c.items if i.item.startswith("zhian.dachu_case") or i.item == "zhian.dachu_car_recovered"}
    assert items == {
        "zhian.dachu_case_in_year": 20,  # case 1: 年内在帐 计20分
        "zhian.dachu_case_eight_kinds": 30,  # case 1: 年内在帐“八类”另计30分 (case 2 is 积隐案: no)
        "zhian.dachu_case_backlog": 5,  # case 2: 在帐积隐案 计5分
        "zhian.dachu_case_outside": 4,  # cases 3 and 4: 外省市 每起2分 × 2
        "zhian.dachu_car_recovered": 400,  # case 4: 2 辆 × 200
        "zhian.dachu_case_local": 10,  # case 1: 本辖区年内在帐 另计10分
        "zhian.dachu_case_car_theft": 50,  # case 1: 盗窃汽车 另计50分
        "zhian.dachu_case_motorbike": 20,  # case 3: 本市年内盗窃摩托车 另计20分
    }


def ps_case(unit: str, n: int, type_: str = "治安案件", ruling: str | None = None, **flags: bool):
    return adapters.ps_case_records({"id": f"P{n}", "unit": unit, "date": APRIL, "type": type_, "ruling": ruling,
                                     "remark": None, **flags})


def test_public_order_case_quota_has_no_default_task(kaohe_bureau, points_of, draft_records):
    # l.490 任务分解: the seed gives no numbers, so nothing is scored until the bureau sets them
    assert set(points_of(kaohe_bureau, "zhian.dachu_ps_case_quota", draft_records(ps_case("jincheng", 1))).values()) == {0}


def test_public_order_case_quota(make_bureau, points_of, draft_records):
    b = make_bureau(items={"zhian.dachu_ps_case_quota": {"params": {"targets": {"A": 10, "*": 3}}},
                     "zhian.dachu_econ_case_quota": {"params": {"targets": {"*": 2}}}})
    recs = [r for i in range(7) for r in draft_records(ps_case("jincheng", i))]
    recs += draft_records(ps_case("jincheng", 50, "经文保案件"))
    got = points_of(b, "zhian.dachu_ps_case_quota", recs)
    assert got["jincheng"] == D(-9)  # A task 10, 7 治安案件 (the 经文保 case is not one): 3 × −3
    assert got["rulin"] == D(-9)  # task 3, none: 3 × −3
    econ = points_of(b, "zhian.dachu_econ_case_quota", recs)
    assert econ["jincheng"] == D(-5)  # 经文保 task 2, 1 case: 1 × −5


def test_public_order_case_bonuses(kaohe_bureau, points_of, draft_records):
    recs = draft_records(ps_case("chengdong", 1, ruling="查处场所"))
    recs += draft_records(ps_case("chengdong", 2, dangerous=True))
    recs += draft_records(ps_case("chengdong", 3, "经文保案件", ruling="罚款以上处罚", dangerous=True))
    recs += draft_records(ps_case("chengdong", 4, cross_region=True))
    assert points_of(kaohe_bureau, "zhian.dachu_ps_venue_ruling", recs)["chengdong"] == D(40)  # case 1: 加40分
    assert points_of(kaohe_bureau, "zhian.dachu_ps_dangerous", recs)["chengdong"] == D(40)  # cases 2, 3: 2 × 20
    assert points_of(kaohe_bureau, "zhian.dachu_econ_fine_ruling", recs)["chengdong"] == D(30)  # case 3: 加30分
    assert points_of(kaohe_bureau, "zhian.dachu_ps_cross_region", recs)["chengdong"] == D(-50)  # case 4: 扣50分


def person(unit: str, n: int, offence: str, **flags: bool):
    return adapters.vice_records({"id": f"R{n}", "unit": unit, "date": APRIL, "offence": offence, "case": None,
                                  "remark": None, **flags})


def test_vice_persons(kaohe_bureau, points_of, draft_records):
    recs = draft_records(person("shetou", 1, "赌博", detained=True, special_trade=True))
    recs += draft_records(person("shetou", 2, "卖淫嫖娼"))
    recs += draft_records(person("shetou", 3, "其他", detained=True, special_trade=True))
    # l.512 每查处一名赌、毒、娼人员计15分: persons 1, 2 → 30
    assert points_of(kaohe_bureau, "zhian.dachu_vice_person", recs)["shetou"] == D(30)
    # 治安拘留另计5分: person 1 only (person 3 is not 赌毒娼) → 5
    assert points_of(kaohe_bureau, "zhian.dachu_vice_detained", recs)["shetou"] == D(5)
    # 通过特种行业治安管理治安处罚1人另加5分: persons 1 and 3 → 10
    assert points_of(kaohe_bureau, "zhian.dachu_special_trade_person", recs)["shetou"] == D(10)


# --- declarations --------------------------------------------------------------------------------


def test_items_keep_their_seed_reference_and_category():
    items = all_items()
    assert len({i.id for i in items}) == len(items)
    for i in items:
        assert i.reference.startswith("seed 000 l.") and i.text
        assert i.category == ("dachu" if i.id.startswith("zhian.dachu_") else "jichu")


def test_readme_configuration_example(make_bureau):
    """The TOML example of the README loads and does what it says."""
    import re
    import tomllib
    from pathlib import Path

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    example = tomllib.loads(re.search(r"```toml\n(.*?)```", readme, re.S).group(1))
    b = make_bureau(items=example["items"])
    ids = {i.id: i for i in b.items}
    assert "zhian.pop_room_rank" not in ids
    assert ids["zhian.dachu_ps_case_quota"].rule.targets == {"A": 10, "*": 3}
    assert ids["zhian.mass_informant_rate"].rule.target == 12
    assert ids["zhian.dachu_quarter_vice_persons"].rule.targets == {"A": 8, "B": 4, "C": 2, "华城": 12}
