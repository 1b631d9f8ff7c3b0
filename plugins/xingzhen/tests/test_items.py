"""Each item against values worked out by hand from the seed's words (seed 000 l.478-516, l.582-616).

Month 2015-04 runs from 2015-03-21 to 2015-04-20. Test stations: a1 (class A, 10 officers),
b1 (class B, 12 officers), c1 (class C, 8 officers).
"""

from __future__ import annotations

import datetime as dt

from decimal import Decimal

import pytest
from kaohe.testing import records_from as to_records
from kaohe_xingzhen import adapters
from kaohe_xingzhen.items import ITEMS, MATTERS

# A day inside month 2015-04 (2015-03-21 .. 2015-04-20) and one in the next month.
IN_APRIL = dt.date(2015, 4, 10)
IN_MAY = dt.date(2015, 4, 25)

D = Decimal


def finding(id: str, unit: str, date, matter: str, count: int | None = None) -> dict:
    return {"id": id, "unit": unit, "date": date, "matter": matter, "count": count, "remark": None}


def monthly(unit: str, prints: int = 100, bad: int | None = None, tech: bool = True, key=None, other=None,
            scene=None, storage=None, date=IN_APRIL) -> dict:
    return {"unit": unit, "date": date, "prints": prints, "bad_prints": bad, "has_technician": tech,
            "rate_key": None if key is None else D(key), "rate_other": None if other is None else D(other),
            "rate_scene": None if scene is None else D(scene), "rate_storage": None if storage is None else D(storage)}


# --- 考核登记表: per occurrence, points × 人数 ---------------------------------------------------------
# Each case: station a1 has two registrations of the item's 事项 in April (人数 1 and 3, so 4 in all),
# one registration of another 事项 and one of the same 事项 in May: only the 4 April units count.
FINDING_CASES = [
    # (item, expected points for a1 in April, acts directly on the per-capita score)
    ("alert_transfer_late", "-4", False),         # l.584 有一起扣1分: 4 起 × −1 = −4
    ("case_description_unclear", "-4", False),    # l.584 有一项扣1分: 4 项 × −1 = −4
    ("phone_pc_not_entered", "-4", False),        # l.584 每查实一次扣1分: 4 × −1 = −4
    ("unreviewed_entry", "-8", True),             # l.586 每起直接扣人均分2分: 4 × −2 = −8
    ("suspect_info_late", "-20", False),          # l.592 有1人次扣5分: 4 × −5 = −20
    ("suspect_info_missing", "-4", False),        # l.592 每缺1项扣1分: 4 × −1 = −4
    ("suspect_prints", "-4", True),               # l.594 每份直接扣人均分1分: 4 × −1 = −4
    ("suspect_dna", "-4", True),                  # l.596 有1人直接扣人均分1分: 4 × −1 = −4
    ("missing_person_late", "-40", False),        # l.598 有1人扣10分: 4 × −10 = −40
    ("missing_person_incomplete", "-40", False),  # l.598 有1人扣10分: 4 × −10 = −40
    ("missing_person_not_revoked", "-40", False),  # l.598 有1人扣10分: 4 × −10 = −40
    ("drug_user_entry", "-20", False),            # l.600 有1人扣5分: 4 × −5 = −20
    ("drug_user_check", "-8", True),              # l.600 发现1人直接扣人均分2分: 4 × −2 = −8
    ("platform_case", "40", False),               # l.602 每破1起案件计10分: 4 × 10 = 40
    ("platform_document", "40", False),           # l.602 每份分别计10分: 4 × 10 = 40
    ("platform_not_used", "-80", False),          # l.602 发现1人倒扣20分: 4 × −20 = −80
    ("position_control", "-8", True),             # l.604 抽查一次…直接扣人均分2分: 4 × −2 = −8
    ("case_review", "-4", True),                  # l.612 发现一案直接扣人均分1分: 4 × −1 = −4
    ("trafficking_dna", "40", False),             # l.614 每采集一名…计10分: 4 × 10 = 40
    ("trafficking_case", "200", False),           # l.614 每起计50分: 4 × 50 = 200
    ("trafficking_rescue", "200", False),         # l.614 每名计50分: 4 × 50 = 200
    ("secondhand_incomplete", "-8", False),       # l.616 发现一次扣2分: 4 × −2 = −8
    ("secondhand_phone_match", "4", True),        # l.616 每比中一只直接计人均分1分: 4 × 1 = 4
    ("secondhand_mac_match", "8", True),          # l.616 每次直接计人均分2分: 4 × 2 = 8
    ("gang_3x3", "240", False),                   # l.492 每摧毁1个3人3起团伙计60分: 4 × 60 = 240
    ("gang_3x1", "120", False),                   # l.492 每摧毁1个3人1起团伙计30分: 4 × 30 = 120
]


def test_every_registered_matter_has_a_case():
    assert sorted(name for name, _, _ in FINDING_CASES) == sorted(MATTERS)


@pytest.mark.parametrize(("name", "expected", "direct"), FINDING_CASES)
def test_finding_items(kaohe_bureau, score_item, name, expected, direct):
    matter = MATTERS[name]
    other = MATTERS["alert_transfer_late"] if name != "alert_transfer_late" else MATTERS["case_review"]
    recs = to_records(
        adapters.FINDINGS,
        finding("F1", "a1", IN_APRIL, matter),          # 人数 blank: 1
        finding("F2", "a1", IN_APRIL, matter, 3),
        finding("F3", "a1", IN_APRIL, other, 2),        # another 事项
        finding("F4", "a1", IN_MAY, matter, 5),         # next month
        finding("F5", "b1", IN_APRIL, matter, 7),       # another station
    )
    res = score_item(kaohe_bureau, recs, "2015-04", f"xingzhen.{name}", "a1")
    assert res.points == D(expected)
    assert res.direct_per_capita is direct
    assert len(res.lines) == 2


def test_same_registration_number_counts_once(kaohe_bureau, score_item):
    # l.404 加减分均不重复计算: the same 编号 imported twice is one finding: 1 × −5 = −5
    row = finding("F1", "a1", IN_APRIL, MATTERS["suspect_info_late"])
    res = score_item(kaohe_bureau, to_records(adapters.FINDINGS, row, row), "2015-04", "xingzhen.suspect_info_late", "a1")
    assert res.points == D(-5)


def test_direct_per_capita_points_are_added_to_the_category_as_they_are(kaohe_bureau):
    # jichu base 100; 刑事警情未及时流转 1 起 −1 (ordinary) and 未经审核擅自录入 1 起 −2 (直接扣人均分, the
    # scheme adds it as is); a monthly row with 100 prints for 10 officers (10 ≥ 5 per officer: 0),
    # a technician set up and no rates: raw = 100 − 1 − 2 = 97.
    from kaohe import Period
    from kaohe.testing import MemorySource, score

    recs = to_records(
        adapters.FINDINGS,
        finding("F1", "a1", IN_APRIL, MATTERS["alert_transfer_late"]),
        finding("F2", "a1", IN_APRIL, MATTERS["unreviewed_entry"]),
    ) + to_records(adapters.MONTHLY_FIGURES, monthly("a1"))
    res = score(kaohe_bureau, Period.parse("2015-04"), MemorySource(recs)).unit("a1")
    jichu = next(c for c in res.categories if c.category == "jichu")
    assert jichu.raw == D(97)


# --- 月度数据 -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "prints", "expected"),
    [
        ("a1", 38, "-0.6"),    # 10 人, 38 份: 人均 3.8, 少 1.2 份 × −0.5 = −0.6
        ("a1", 50, "0"),       # 10 人, 50 份: 人均 5, 恰好完成
        ("a1", 73, "0"),       # 人均 7.3: 超额不加分
        ("b1", 50, "-0.415"),  # 12 人, 50 份: 人均 4.1666… 记 4.17, 少 0.83 × −0.5 = −0.415
        ("c1", 0, "-2.5"),     # 8 人, 0 份: 少 5 份 × −0.5 = −2.5
    ],
)
def test_fingerprint_quota(kaohe_bureau, score_item, unit, prints, expected):
    # l.588 各单位每月必须完成人均5份指标数,人均少捺印1份指纹扣0.5分
    res = score_item(kaohe_bureau, to_records(adapters.MONTHLY_FIGURES, monthly(unit, prints=prints)), "2015-04", "xingzhen.fingerprint_quota", unit)
    assert res.points == D(expected)


@pytest.mark.parametrize(("bad", "expected"), [(3, "-3"), (1, "-1"), (0, "0"), (None, "0")])
def test_fingerprint_unqualified(kaohe_bureau, score_item, bad, expected):
    # l.588 送交不合格的指纹有1份扣1分: 3 份 → −3; 1 份 → −1; 0 或空白 → 0
    res = score_item(kaohe_bureau, to_records(adapters.MONTHLY_FIGURES, monthly("a1", bad=bad)), "2015-04", "xingzhen.fingerprint_unqualified", "a1")
    assert res.points == D(expected)


@pytest.mark.parametrize(("tech", "expected"), [(False, "-10"), (True, "0")])
def test_no_technician(kaohe_bureau, score_item, tech, expected):
    # l.608 没有设立的,每月扣10分: once per month, not per record
    res = score_item(kaohe_bureau, to_records(adapters.MONTHLY_FIGURES, monthly("a1", tech=tech)), "2015-04", "xingzhen.no_technician", "a1")
    assert res.points == D(expected)


@pytest.mark.parametrize(
    ("item", "unit", "field", "rate", "expected"),
    [
        # l.610 "八类"等案件勘查率必须达100%,每少1个百分点扣2分
        ("scene_rate_key", "a1", "key", "97.5", "-5"),      # 100 − 97.5 = 2.5 点 × −2 = −5
        ("scene_rate_key", "c1", "key", "100", "0"),
        ("scene_rate_key", "a1", "key", None, "0"),         # 本月无此类案件: 不计分
        # l.610 其他案件 A类所80%, B类所90%, C类所100%, 每少1个百分点扣2分
        ("scene_rate_other", "a1", "other", "76", "-8"),    # A: 80 − 76 = 4 × −2 = −8
        ("scene_rate_other", "b1", "other", "76", "-28"),   # B: 90 − 76 = 14 × −2 = −28
        ("scene_rate_other", "c1", "other", "99.5", "-1"),  # C: 100 − 99.5 = 0.5 × −2 = −1
        ("scene_rate_other", "a1", "other", "85", "0"),     # A: above 80, no bonus
        # l.610 现场勘查率每少一个百分点扣5分 (target 100%)
        ("scene_rate", "b1", "scene", "96", "-20"),          # 100 − 96 = 4 × −5 = −20
        # l.610 入库率每少一个百分点扣5分 (target 100%)
        ("scene_storage_rate", "a1", "storage", "92.5", "-37.5"),  # 7.5 × −5 = −37.5
        ("scene_storage_rate", "a1", "storage", "100", "0"),
    ],
)
def test_scene_rates(kaohe_bureau, score_item, item, unit, field, rate, expected):
    recs = to_records(adapters.MONTHLY_FIGURES, monthly(unit, **{field: rate}))
    res = score_item(kaohe_bureau, recs, "2015-04", f"xingzhen.{item}", unit)
    assert res.points == D(expected)


def test_scene_rate_other_target_by_class_is_a_parameter(make_bureau):
    # A bureau sets class A to 85 %: 76 % is 9 points below, 9 × −2 = −18.
    from kaohe import Period
    from kaohe.testing import MemorySource, score

    b = make_bureau(items={"xingzhen.scene_rate_other": {"params": {"target": {"A": 85, "B": 90, "C": 100}}}})
    recs = to_records(adapters.MONTHLY_FIGURES, monthly("a1", other="76"))
    res = score(b, Period.parse("2015-04"), MemorySource(recs)).unit("a1")
    item = next(i for c in res.categories for i in c.items if i.item == "xingzhen.scene_rate_other")
    assert item.points == D(-18)


# --- 破案记录 (打处绩效 l.480-486) -------------------------------------------------------------------------


def case(id, category, *, eight=False, local=False, in_year=False, backlog=False, other=False, cars=None,
         unit="a1", date=IN_APRIL) -> dict:
    return {"id": id, "unit": unit, "date": date, "category": category, "eight": eight, "local": local,
            "in_year": in_year, "backlog": backlog, "other_province": other, "cars": cars, "summary": None}


CASES = [
    case("C1", "抢劫", eight=True, local=True, in_year=True),
    case("C2", "盗窃汽车", in_year=True, cars=2),
    case("C3", "盗窃摩托车", local=True, in_year=True),
    case("C4", "盗窃摩托车", backlog=True),
    case("C5", "盗窃", other=True),
    case("C6", "抢劫", eight=True, local=True, in_year=True, date=IN_MAY),  # next month
]


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("case_in_year", "60"),          # 年内在帐 C1, C2, C3: 3 × 20 = 60
        ("case_eight", "30"),            # 年内在帐八类 C1: 1 × 30 = 30
        ("case_backlog", "5"),           # 积隐案 C4: 1 × 5 = 5
        ("case_other_province", "2"),    # 外省市 C5: 1 × 2 = 2
        ("car_recovered", "400"),        # C2 追回 2 辆 × 200 = 400
        ("case_local", "20"),            # 本辖区年内在帐 C1, C3: 2 × 10 = 20
        ("car_theft", "50"),             # 盗窃汽车 C2: 1 × 50 = 50
        ("motorbike_theft", "20"),       # 本市年内盗窃摩托车 C3 (C4 is not 年内): 1 × 20 = 20
    ],
)
def test_case_items(kaohe_bureau, score_item, item, expected):
    res = score_item(kaohe_bureau, to_records(adapters.CASES, *CASES), "2015-04", f"xingzhen.{item}", "a1")
    assert res.points == D(expected)
    assert res.category == "dachu"


# --- 打击处理人员 (打处绩效 l.504-516) -----------------------------------------------------------------------


def person(id, category, *, special=None, origin=None, past=None, homicide=None, unit="a1", date=IN_APRIL) -> dict:
    return {"id": id, "name": None, "unit": unit, "date": date, "category": category, "special_trade": special,
            "origin": origin, "past": past, "homicide": homicide, "remark": None}


PERSONS = [
    person("P1", "刑事拘留"),
    person("P2", "刑事拘留"),
    person("P3", "逮捕", special=True),
    person("P4", "直诉"),
    person("P5", "劳动教养"),
    person("P6", "强制戒毒"),
    person("P7", "邪教案件犯罪嫌疑人"),
    person("F1", "网上逃犯", origin="外省"),
    person("F2", "网上逃犯", origin="本省外市", past=False),
    person("F3", "网上逃犯", origin="本市", homicide=True),
    person("F4", "网上逃犯", origin="本市", past=True),
    person("F5", "网上逃犯", origin="外省", past=True),
    person("F6", "网上逃犯", origin="本省外市", past=True, homicide=True),
    person("P8", "刑事拘留", date=IN_MAY),  # next month
]


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("detention", "20"),                 # l.504 P1, P2: 2 × 10 = 20
        ("arrest", "100"),                   # l.506 逮捕 P3 + 直诉 P4: 2 × 50 = 100
        ("arrest_special_trade", "20"),      # l.506 P3 通过特种行业: 1 × 20 = 20
        ("reeducation", "30"),               # l.508 P5: 1 × 30 = 30
        ("rehab", "50"),                     # l.510 P6: 1 × 50 = 50
        ("cult", "80"),                      # l.514 P7: 1 × 80 = 80
        ("fugitive_other_province", "40"),   # l.516 F1 外省(年内): 1 × 40 = 40
        ("fugitive_other_city", "20"),       # l.516 F2 本省外市(年内): 1 × 20 = 20
        ("fugitive_local", "2"),             # l.516 F3 本市年内: 1 × 2 = 2
        ("fugitive_homicide", "60"),         # l.516 命案逃犯 F3, F6: 2 × 30 = 60
        ("fugitive_local_past", "50"),       # l.516 F4 本市历年: 1 × 50 = 50
        ("fugitive_outside_past", "200"),    # l.516 F5 外省历年, F6 本省外市历年: 2 × 100 = 200
    ],
)
def test_person_items(kaohe_bureau, score_item, item, expected):
    res = score_item(kaohe_bureau, to_records(adapters.PERSONS, *PERSONS), "2015-04", f"xingzhen.{item}", "a1")
    assert res.points == D(expected)
    assert res.category == "dachu"


def test_fugitive_from_outside_counts_its_highest_level_only(kaohe_bureau, score_item):
    # A 外省历年逃犯 earns 100 (l.516), not 40 + 100: the 外省 (年内) item gives 0 for him.
    recs = to_records(adapters.PERSONS, person("F5", "网上逃犯", origin="外省", past=True))
    assert score_item(kaohe_bureau, recs, "2015-04", "xingzhen.fugitive_other_province", "a1").points == 0
    assert score_item(kaohe_bureau, recs, "2015-04", "xingzhen.fugitive_outside_past", "a1").points == 100


# --- Declarations ------------------------------------------------------------------------------------------

# Which seed lines each part of the plugin covers.
JICHU_LINES = range(582, 617)
DACHU_LINES = range(478, 517)


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i.id)
def test_declaration(item):
    assert item.text and item.title and item.department == "刑侦大队"
    line = int(item.reference.removeprefix("seed 000 l."))
    assert line in (JICHU_LINES if item.category == "jichu" else DACHU_LINES)
    assert item.category in ("jichu", "dachu")


def test_direct_per_capita_items_are_those_the_seed_says():
    # 直接扣人均分 / 直接计人均分: l.586, l.594, l.596, l.600, l.604, l.612, l.616 (twice)
    direct = sorted(i.id.removeprefix("xingzhen.") for i in ITEMS if i.direct_per_capita)
    assert direct == sorted([
        "unreviewed_entry", "suspect_prints", "suspect_dna", "drug_user_check", "position_control",
        "case_review", "secondhand_phone_match", "secondhand_mac_match",
    ])
    assert all("人均分" in i.text for i in ITEMS if i.direct_per_capita)
