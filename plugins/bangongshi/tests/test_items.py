"""Each item against values worked out by hand from the words of seed 000 l.456-472.

The test bureau (tests/cases/_bureau.toml) has one station per class: a1 (A, 30 民警), b1 (B, 15), c1 (C, 8); the
month runs from the 21st of the previous month to the 20th, so 2015-04 is 2015-03-21 .. 2015-04-20,
Q1 is 2014-12-21 .. 2015-03-20 and H1 is 2014-12-21 .. 2015-06-20.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from kaohe import Period
from kaohe.testing import item_result
from kaohe_bangongshi import adapters as ad
from kaohe_bangongshi import items as it

_ids = itertools.count(1)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def nid() -> str:
    return f"N{next(_ids)}"


def intel(unit: str, month: str, total: int, stability: int = 0, archive: int = 0, headcount: int | None = None) -> dict:
    return {"month": Period.parse(month), "unit": unit, "headcount": headcount, "total": total, "stability": stability,
            "archive": archive}


def quality(unit: str, date: str, problem: str) -> dict:
    return {"id": nid(), "unit": unit, "date": d(date), "title": "某信息", "problem": problem, "reason": None}


def adoption(unit: str, date: str, levels: str, archive: bool = False, endorsed: bool | None = None) -> dict:
    return {"id": nid(), "unit": unit, "date": d(date), "title": "某信息", "archive": archive, "levels": levels,
            "endorsed": endorsed}


def reporting(unit: str, date: str, violation: str, notified: bool | None = None) -> dict:
    return {"id": nid(), "unit": unit, "date": d(date), "violation": violation, "matter": "某事", "notified": notified}


def warning(unit: str, date: str) -> dict:
    return {"id": nid(), "unit": unit, "date": d(date), "title": "某预警"}


def instruction(unit: str, date: str, kind: str = "查控指令", signed: str | None = None, **more) -> dict:
    row = {"id": nid(), "unit": unit, "type": kind, "date": d(date), "signed": d(signed) if signed else None,
           "substandard": None, "catches": None, "cases_this_year": None, "cases_earlier": None}
    row.update(more)
    return row


def key_person(unit: str, date: str, **more) -> dict:
    row = {"id": nid(), "unit": unit, "date": d(date), "person": "王某", "late": None, "notified": None, "catches": None,
           "cases_this_year": None, "cases_earlier": None, "checked_back": None}
    row.update(more)
    return row


def article(unit: str, date: str, category: str, levels: str) -> dict:
    return {"id": nid(), "unit": unit, "date": d(date), "category": category, "title": "某稿件", "levels": levels,
            "media": None}


def pts(bureau, records, period, item, unit) -> Decimal | None:
    r = item_result(bureau, records, period, item, unit)
    return None if r is None else r.points


# --- (一)情报信息采集报送 (l.458) -----------------------------------------------------------------


def test_intel_per_capita_total_short(kaohe_bureau, adapter_records):
    # a1: 30 民警 × 3 = 90 条 required, 30 of them 维稳; reported 80 (35 维稳): 10 short → 10 × −2 = −20
    # b1: 15 × 3 = 45 required; reported 50 (20 维稳 ≥ 15): met → 0
    recs = adapter_records(ad.INTEL_MONTHLY, intel("a1", "2015-04", 80, 35), intel("b1", "2015-04", 50, 20))
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.intel_per_capita", "a1") == Decimal(-20)
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.intel_per_capita", "b1") == Decimal(0)


def test_intel_per_capita_stability_short_counts_once(kaohe_bureau, adapter_records):
    # c1: 8 民警 → 24 条 of which 8 维稳. Reported 30 but only 5 维稳: 3 维稳 items missing; the total is
    # met, so 3 items are still missing → 3 × −2 = −6
    recs = adapter_records(ad.INTEL_MONTHLY, intel("c1", "2015-04", 30, 5))
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.intel_per_capita", "c1") == Decimal(-6)
    # Reported 20 with 5 维稳: total short 4, 维稳 short 3; adding 4 维稳 items fixes both → 4 × −2 = −8
    recs = adapter_records(ad.INTEL_MONTHLY, intel("c1", "2015-04", 20, 5))
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.intel_per_capita", "c1") == Decimal(-8)


def test_intel_per_capita_headcount_from_table(kaohe_bureau, adapter_records):
    # the table says 10 民警 this month (not the configured 30): 30 required, 28 reported (10 维稳) → −4
    recs = adapter_records(ad.INTEL_MONTHLY, intel("a1", "2015-04", 28, 10, headcount=10))
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.intel_per_capita", "a1") == Decimal(-4)


def test_intel_per_capita_without_figures_not_scored(kaohe_bureau, adapter_records, score_item):
    recs = adapter_records(ad.INTEL_MONTHLY, intel("a1", "2015-04", 90, 30))
    r = score_item(kaohe_bureau, recs, "2015-04", "bangongshi.intel_per_capita", "b1")
    assert r.points == Decimal(0)
    assert "无情报信息报送统计数据" in r.lines[0].reason


def test_reporting_rule_and_major_late(kaohe_bureau, adapter_records):
    recs = adapter_records(
        ad.REPORTING_REGISTER,
        reporting("a1", "2015-04-01", it.NOT_REPORTED),
        reporting("a1", "2015-04-08", it.NOT_REPORTED),
        reporting("a1", "2015-04-09", it.LATE),
        reporting("a1", "2015-04-10", it.CONCEALED, notified=True),
        reporting("a1", "2015-04-25", it.MISSED),  # 04-25 is in 2015-05
    )
    # 违反报告制度 每次扣2分: two → −4
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.reporting_rule", "a1") == Decimal(-4)
    # 迟报 每次扣10分: the 迟报 of 04-09 → −10 (the 瞒报 of 04-10 was notified: −30 instead, not also −10)
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.major_late", "a1") == Decimal(-10)
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.major_late_notified", "a1") == Decimal(-30)
    assert pts(kaohe_bureau, recs, "2015-05", "bangongshi.major_late", "a1") == Decimal(-10)


def test_archive_quota_by_class(kaohe_bureau, adapter_records):
    recs = adapter_records(
        ad.INTEL_MONTHLY,
        intel("a1", "2015-04", 90, 30, archive=3),  # A: 4 required, 3 → 未完成 −10
        intel("b1", "2015-04", 45, 15, archive=2),  # B: 2 required, 2 → 0
        intel("c1", "2015-04", 24, 8, archive=5),  # C: 2 required, 5 → 0 (no bonus stated)
    )
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.archive_quota", "a1") == Decimal(-10)
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.archive_quota", "b1") == Decimal(0)
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.archive_quota", "c1") == Decimal(0)


def test_archive_quota_short_by_two_is_still_ten(kaohe_bureau, adapter_records):
    recs = adapter_records(ad.INTEL_MONTHLY, intel("a1", "2015-04", 90, 30, archive=1))
    # 未完成的扣10分: once, however far short (4 − 1 = 3 short) → −10
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.archive_quota", "a1") == Decimal(-10)


def test_archive_adoption_half_highest_level_capped(kaohe_bureau, adapter_records, score_item):
    recs = adapter_records(
        ad.ADOPTIONS,
        adoption("a1", "2015-04-01", "每日公安情况", archive=True),  # 2 / 2 = 1
        adoption("a1", "2015-04-02", "常州市局、省厅", archive=True),  # highest 省厅 20 / 2 = 10 (not 2.5 + 10)
        adoption("b1", "2015-04-03", "公安社情民意", archive=True),  # 1 / 2 = 0.5
        adoption("c1", "2015-04-03", "公安部", archive=True),  # 50 / 2 = 25 → capped at 20
        adoption("c1", "2015-04-04", "金坛市政府", archive=True),  # 5 / 2 = 2.5 (still capped: 27.5 → 20)
    )
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.archive_adopted", "a1") == Decimal(11)  # 1 + 10
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.archive_adopted", "b1") == Decimal("0.5")
    r = score_item(kaohe_bureau, recs, "2015-04", "bangongshi.archive_adopted", "c1")
    assert r.uncapped == Decimal("27.5") and r.points == Decimal(20)  # 档案信息加分最高不超过20分
    # ordinary (non-archive) adoption items ignore archive records
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.intel_adopted", "a1") == Decimal(0)


# --- (二)情报信息采集质量 (l.460) -----------------------------------------------------------------


def test_returned_and_fabricated(kaohe_bureau, adapter_records):
    recs = adapter_records(
        ad.QUALITY_REGISTER,
        quality("b1", "2015-04-01", it.RETURNED),
        quality("b1", "2015-04-05", it.RETURNED),
        quality("b1", "2015-04-06", it.RETURNED),
        quality("b1", "2015-04-07", it.FABRICATED),
    )
    # 每退回一次,扣2分: 3 × −2 = −6
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.intel_returned", "b1") == Decimal(-6)
    # 发现弄虚作假的,扣10分
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.intel_fabricated", "b1") == Decimal(-10)


# --- (三)情报信息录用情况 (l.462) -----------------------------------------------------------------


def test_adoption_levels(kaohe_bureau, adapter_records):
    recs = adapter_records(
        ad.ADOPTIONS,
        adoption("a1", "2015-04-01", "《每日公安情况》"),  # +2
        adoption("a1", "2015-04-02", "公安社情民意"),  # +1
        adoption("a1", "2015-04-03", "国保信息"),  # +1
        adoption("a1", "2015-04-04", "金坛政府"),  # +5 (alias of 金坛市政府)
        adoption("b1", "2015-04-04", "每日公安情况、常州市局、常州市政府"),  # highest: 常州市政府 +20
        adoption("c1", "2015-04-05", "江苏省政府", endorsed=True),  # +50, and 领导批示 +5 (another item)
        adoption("c1", "2015-04-06", "公安部"),  # +50
    )
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.intel_adopted", "a1") == Decimal(9)  # 2 + 1 + 1 + 5
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.intel_adopted", "b1") == Decimal(20)
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.intel_adopted", "c1") == Decimal(100)  # 50 + 50
    # 上报信息被上级领导批示予以肯定的,另加5分
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.leader_endorsed", "c1") == Decimal(5)
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.leader_endorsed", "a1") == Decimal(0)


# --- (四)情报信息分析研判 (l.464) -----------------------------------------------------------------


def test_analysis_failure(kaohe_bureau, adapter_records):
    row = {"id": "Y1", "unit": "a1", "date": d("2015-04-02"), "cause": "舆情导控不得力", "matter": "某事"}
    row2 = dict(row, id="Y2", cause="值班制度不健全")
    recs = adapter_records(ad.ANALYSIS_REGISTER, row, row2)
    # 每次扣5分: two → −10
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.analysis_failure", "a1") == Decimal(-10)


def test_warning_quota_a_monthly(kaohe_bureau, adapter_records):
    recs = adapter_records(ad.WARNINGS, warning("a1", "2015-03-25"), warning("a1", "2015-04-02"), warning("a1", "2015-04-19"))
    # A 每月1条: 2015-04 has 3 → 2 over → 2 × +2 = +4
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.warning_quota", "a1") == Decimal(4)
    # 2015-05 has none → 未完成的扣10分
    assert pts(kaohe_bureau, recs, "2015-05", "bangongshi.warning_quota", "a1") == Decimal(-10)


def test_warning_quota_b_quarterly_c_half_yearly(kaohe_bureau, adapter_records, score_item):
    recs = adapter_records(ad.WARNINGS, warning("b1", "2015-01-10"), warning("c1", "2015-05-10"), warning("c1", "2015-06-01"))
    # B is assessed at the quarter's end only: not in 2015-02; in 2015-03 (Q1 = 12-21 .. 03-20) 1 → 0
    feb = score_item(kaohe_bureau, recs, "2015-02", "bangongshi.warning_quota", "b1")
    assert feb.points == Decimal(0) and feb.lines == ()
    assert pts(kaohe_bureau, recs, "2015-03", "bangongshi.warning_quota", "b1") == Decimal(0)
    # Q2 (03-21 .. 06-20): none → −10
    assert pts(kaohe_bureau, recs, "2015-06", "bangongshi.warning_quota", "b1") == Decimal(-10)
    # C over H1 (12-21 .. 06-20): 2 → 1 over → +2; nothing in 2015-03 (not the half's end)
    assert pts(kaohe_bureau, recs, "2015-06", "bangongshi.warning_quota", "c1") == Decimal(2)
    mar = score_item(kaohe_bureau, recs, "2015-03", "bangongshi.warning_quota", "c1")
    assert mar.points == Decimal(0) and mar.lines == ()


# --- (五)情报信息转化应用 (l.466-470) -------------------------------------------------------------


def test_signoff_deadline_in_working_days():
    # 2015-04-03 is a Friday: 2 working days → Tuesday 04-07; 1 working day → Monday 04-06
    assert ad.signoff_deadline(d("2015-04-03"), 2) == d("2015-04-07")
    assert ad.signoff_deadline(d("2015-04-03"), 1) == d("2015-04-06")
    assert ad.signoff_deadline(d("2015-04-01"), 2) == d("2015-04-03")


def test_signoff_failed(kaohe_bureau, adapter_records):
    recs = adapter_records(
        ad.INSTRUCTIONS,
        instruction("a1", "2015-04-03", "查控指令", "2015-04-07"),  # in time (Tuesday)
        instruction("a1", "2015-04-03", "预警信息", "2015-04-08"),  # late → −2
        instruction("a1", "2015-04-03", "通知", "2015-04-07"),  # 通知: 1 working day, Monday 04-06 → late −2
        instruction("a1", "2015-04-08", "查控指令", None),  # never signed → −2
        instruction("a1", "2015-04-09", "查控指令", "2015-04-09", substandard=True),  # 反馈内容达不到要求 → −2
    )
    # 每条扣2分: 4 × −2 = −8
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.signoff_failed", "a1") == Decimal(-8)


def test_instruction_results(kaohe_bureau, adapter_records):
    recs = adapter_records(
        ad.INSTRUCTIONS,
        instruction("b1", "2015-04-01", "查控指令", "2015-04-01", catches=2, cases_this_year=1),
        instruction("b1", "2015-04-02", "预警信息", "2015-04-02", catches=1, cases_earlier=2),
    )
    # 抓获1名嫌疑人员加5分: 3 persons → +15
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.instruction_catch", "b1") == Decimal(15)
    # 破获年内本地案件 有1起加10分: 1 → +10; 年前 有1起加5分: 2 → +10
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.instruction_case_this_year", "b1") == Decimal(10)
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.instruction_case_earlier", "b1") == Decimal(10)
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.signoff_failed", "b1") == Decimal(0)


def test_key_persons(kaohe_bureau, adapter_records):
    recs = adapter_records(
        ad.KEY_PERSONS,
        key_person("c1", "2015-04-01", late=True),  # 超时签收或反馈 −2
        key_person("c1", "2015-04-02", late=True, notified=True),  # −2, and 被常州通报 −5
        key_person("c1", "2015-04-03", catches=2, cases_this_year=1, cases_earlier=1),  # +3×2, +10, +5
        key_person("c1", "2015-04-04", checked_back=True),  # 被部、省、市倒查 −20
    )
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.key_person_late", "c1") == Decimal(-4)
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.key_person_notified", "c1") == Decimal(-5)
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.key_person_catch", "c1") == Decimal(6)
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.key_person_case_this_year", "c1") == Decimal(10)
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.key_person_case_earlier", "c1") == Decimal(5)
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.key_person_checked_back", "c1") == Decimal(-20)


def test_bank_catch(kaohe_bureau, adapter_records):
    recs = adapter_records(
        ad.BANK_CATCHES,
        {"id": "B1", "unit": "a1", "date": d("2015-04-02"), "person": "李某"},
        {"id": "B2", "unit": "a1", "date": d("2015-04-12"), "person": "张某"},
    )
    # 有一名加10分: 2 → +20
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.bank_catch", "a1") == Decimal(20)


# --- (六)公安宣传报道和政工信息 (l.472) -----------------------------------------------------------

P = ad.CATEGORY_PUBLICITY
Z = ad.CATEGORY_ZHENGGONG


def test_publicity_quota_counts_prefecture_level_and_above(kaohe_bureau, adapter_records):
    recs = adapter_records(
        ad.PUBLICITY_REGISTER,
        article("a1", "2015-04-01", P, "地级"),
        article("a1", "2015-04-02", P, "金坛级"),  # not 地级以上: does not count
        article("a1", "2015-04-03", P, "金坛级"),
        article("b1", "2015-04-03", P, "省级"),
    )
    # A needs 2 of 地级以上: 1 → 未达标 −20; B needs 1: 1 → 0; C: none → −20
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.publicity_quota", "a1") == Decimal(-20)
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.publicity_quota", "b1") == Decimal(0)
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.publicity_quota", "c1") == Decimal(-20)
    # and no bonus for a1, which did not meet its target (在达标基础上)
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.publicity_bonus", "a1") == Decimal(0)


def test_publicity_bonus_by_level(kaohe_bureau, adapter_records):
    recs = adapter_records(
        ad.PUBLICITY_REGISTER,
        article("a1", "2015-04-01", P, "地级"),
        article("a1", "2015-04-02", P, "地级"),
        article("a1", "2015-04-03", P, "省级"),
        article("a1", "2015-04-04", P, "全国"),
        article("a1", "2015-04-05", P, "金坛级"),
        article("b1", "2015-04-05", P, "地级、省级"),  # one article, highest 省级
    )
    # a1: 4 of 地级以上, target 2 met by the two 地级; beyond: 省级 +5, 全国 +10, 金坛级 +0.5 = 15.5
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.publicity_bonus", "a1") == Decimal("15.5")
    # b1: 1 article meets the target of 1, nothing beyond → 0
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.publicity_bonus", "b1") == Decimal(0)


def test_publicity_bonus_capped_at_30(kaohe_bureau, adapter_records, score_item):
    recs = adapter_records(ad.PUBLICITY_REGISTER, *[article("c1", f"2015-04-{n:02d}", P, "全国") for n in range(1, 6)])
    # c1: 5 全国, target 1; 4 beyond × 10 = 40 → 宣传报道加分不超过30分
    r = score_item(kaohe_bureau, recs, "2015-04", "bangongshi.publicity_bonus", "c1")
    assert r.uncapped == Decimal(40) and r.points == Decimal(30)


def test_zhenggong_quota_and_bonus_by_class_window(kaohe_bureau, adapter_records):
    recs = adapter_records(
        ad.PUBLICITY_REGISTER,
        article("a1", "2015-04-01", Z, "常州市局政治部"),
        article("a1", "2015-04-02", Z, "省厅政治部"),
        article("b1", "2015-01-05", Z, "常州市局政治部"),
        article("b1", "2015-02-05", Z, "公安部"),
        article("c1", "2015-05-05", Z, "常州市局政治部"),
    )
    # a1, 2015-04: 2 adopted, target 1 → 0; beyond: the 省厅政治部 piece (the target is met by the
    # lower one) → +10
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.zhenggong_quota", "a1") == Decimal(0)
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.zhenggong_bonus", "a1") == Decimal(10)
    # a1, 2015-05: none → 按月扣20分
    assert pts(kaohe_bureau, recs, "2015-05", "bangongshi.zhenggong_quota", "a1") == Decimal(-20)
    # b1, Q1 (assessed in 2015-03): 2, target 1 → 0; beyond: 公安部 +30
    assert pts(kaohe_bureau, recs, "2015-03", "bangongshi.zhenggong_quota", "b1") == Decimal(0)
    assert pts(kaohe_bureau, recs, "2015-03", "bangongshi.zhenggong_bonus", "b1") == Decimal(30)
    # b1, Q2 (assessed in 2015-06): none → −20; no bonus in 2015-04 (not a quarter's end)
    assert pts(kaohe_bureau, recs, "2015-06", "bangongshi.zhenggong_quota", "b1") == Decimal(-20)
    assert pts(kaohe_bureau, recs, "2015-04", "bangongshi.zhenggong_bonus", "b1") == Decimal(0)
    # c1, H1 (assessed in 2015-06): 1 → 0, nothing beyond → 0
    assert pts(kaohe_bureau, recs, "2015-06", "bangongshi.zhenggong_quota", "c1") == Decimal(0)
    assert pts(kaohe_bureau, recs, "2015-06", "bangongshi.zhenggong_bonus", "c1") == Decimal(0)


def test_bureau_overrides_a_parameter(make_bureau, adapter_records):
    from kaohe.testing import MemorySource, score

    bureau = make_bureau(items={"bangongshi.intel_per_capita": {"params": {"per_officer": 2}}})
    recs = adapter_records(ad.INTEL_MONTHLY, intel("c1", "2015-04", 14, 8))
    res = score(bureau, Period.parse("2015-04"), MemorySource(recs))
    got = {i.item: i.points for c in res.unit("c1").categories for i in c.items}
    # 8 民警 × 2 = 16 required, 14 reported → 2 × −2 = −4
    assert got["bangongshi.intel_per_capita"] == Decimal(-4)
