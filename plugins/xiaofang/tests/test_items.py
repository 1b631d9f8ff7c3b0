"""Each item against values worked out by hand from the words of seed 000 l.626-640.

The test bureau (tests/cases/_bureau.toml) has one station per class: a1 (A), b1 (B), c1 (C); the month runs from
the 21st of the previous month to the 20th, so 2015-04 is 2015-03-21 .. 2015-04-20 and the year 2015
starts on 2014-12-21.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from kaohe.testing import item_result
from kaohe_xiaofang import adapters as ad
from kaohe_xiaofang import items as it

_ids = itertools.count(1)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def finding(unit: str, date: str, category: str, count: int | None = None) -> dict:
    return {"id": f"F{next(_ids)}", "unit": unit, "date": d(date), "category": category, "count": count, "remark": None}


def doc(unit: str, date: str, doc_type: str, fine: int | None = None) -> dict:
    return {
        "id": f"W{next(_ids)}",
        "unit": unit,
        "date": d(date),
        "doc_type": doc_type,
        "fine": None if fine is None else Decimal(fine),
    }


def activity(unit: str, date: str, kind: str, monotonous: bool | None = None) -> dict:
    return {"id": f"H{next(_ids)}", "unit": unit, "date": d(date), "type": kind, "content": None, "people": None,
            "monotonous": monotonous}


def meeting(unit: str, date: str) -> dict:
    return {"id": f"M{next(_ids)}", "unit": unit, "date": d(date), "topic": None, "people": None}


def fire(unit: str, date: str, grade: str = "一般", deaths: int | None = None, **flags: bool) -> dict:
    row = {"id": f"Z{next(_ids)}", "unit": unit, "date": d(date), "place": None, "grade": grade, "deaths": deaths,
           "loss": None, "late_arrival": None, "investigation_late": None, "no_cooperation": None,
           "supervision_failed": None}
    row.update(flags)
    return row


def pts(bureau, records, period, item, unit) -> Decimal | None:
    r = item_result(bureau, records, period, item, unit)
    return None if r is None else r.points


# --- 1、落实消防责任制 (l.628) -------------------------------------------------------------------


def test_responsibility_flags_count_once_per_month(kaohe_bureau, adapter_records):
    recs = adapter_records(
        ad.FINDINGS,
        finding("a1", "2015-03-25", it.LEADER),  # in 2015-04 (03-21 .. 04-20)
        finding("a1", "2015-04-10", it.LEADER),  # the same state found again: still once
        finding("a1", "2015-04-12", it.DUTY),
        finding("a1", "2015-04-21", it.OFFICER),  # 04-21 is in 2015-05
    )
    # 未明确分管领导的扣2分: found twice in the month, a state, so −2 once
    assert pts(kaohe_bureau, recs, "2015-04", "xiaofang.no_leader", "a1") == Decimal(-2)
    # 人员未履行职责的扣2分
    assert pts(kaohe_bureau, recs, "2015-04", "xiaofang.duty_not_performed", "a1") == Decimal(-2)
    # 未明确专(兼)职消防民警和辅警: found on 04-21, which belongs to 2015-05
    assert pts(kaohe_bureau, recs, "2015-04", "xiaofang.no_fire_officer", "a1") == Decimal(0)
    assert pts(kaohe_bureau, recs, "2015-05", "xiaofang.no_fire_officer", "a1") == Decimal(-2)
    assert pts(kaohe_bureau, recs, "2015-04", "xiaofang.no_leader", "b1") == Decimal(0)


# --- 2、台帐 (l.630) ------------------------------------------------------------------------------


def test_ledgers_per_missing_kind_and_per_place(kaohe_bureau, adapter_records):
    recs = adapter_records(
        ad.FINDINGS,
        finding("b1", "2015-04-01", it.LEDGER_MISSING, 2),
        finding("b1", "2015-04-02", it.LEDGER_STALE, 3),
        finding("b1", "2015-04-03", it.LEDGER_STALE),  # 数量 blank: one place
    )
    # 每缺1项(类)扣3分: 2 kinds missing → 2 × −3 = −6
    assert pts(kaohe_bureau, recs, "2015-04", "xiaofang.ledger_missing", "b1") == Decimal(-6)
    # 未及时更新修订的每处扣1分: 3 + 1 places → 4 × −1 = −4
    assert pts(kaohe_bureau, recs, "2015-04", "xiaofang.ledger_not_updated", "b1") == Decimal(-4)


# --- 3、消防宣传 (l.632) --------------------------------------------------------------------------


def test_no_board_flag(kaohe_bureau, adapter_records):
    recs = adapter_records(ad.FINDINGS, finding("c1", "2015-04-01", it.BOARD), finding("c1", "2015-04-15", it.BOARD))
    # 未设立固定消防宣传栏的扣3分: a state, once in the month → −3
    assert pts(kaohe_bureau, recs, "2015-04", "xiaofang.no_board", "c1") == Decimal(-3)


def test_training_is_assessed_in_june_and_december_only(kaohe_bureau, adapter_records, score_item):
    recs = adapter_records(ad.ACTIVITIES, activity("a1", "2015-01-10", ad.ACT_TRAINING))
    due = [m for m in range(1, 13) if score_item(kaohe_bureau, recs, f"2015-{m:02d}", "xiaofang.training", "a1") is not None]
    assert due == [6, 12]


def test_training_four_per_half_year(kaohe_bureau, adapter_records):
    recs = adapter_records(
        ad.ACTIVITIES,
        # a1: five in H1 (2014-12-21 .. 2015-06-20)
        *[activity("a1", f"2015-0{m}-05", ad.ACT_TRAINING) for m in (1, 2, 3, 4, 5)],
        # c1: three in H1, the first on the year's first day; a fourth on 06-21 falls in H2
        activity("c1", "2014-12-21", ad.ACT_TRAINING),
        activity("c1", "2015-03-01", ad.ACT_TRAINING),
        activity("c1", "2015-06-20", ad.ACT_TRAINING),
        activity("c1", "2015-06-21", ad.ACT_TRAINING),
        # b1: four in H2 (2015-06-21 .. 2015-12-20), one of them on the last day
        *[activity("b1", f"2015-{m:02d}-10", ad.ACT_TRAINING) for m in (7, 9, 11)],
        activity("b1", "2015-12-20", ad.ACT_TRAINING),
        # a 119 activity is not a 消防宣传培训活动 for this quota
        activity("b1", "2015-01-09", ad.ACT_119),
    )
    # 每半年四次,每少1次扣2分; no points for more
    assert pts(kaohe_bureau, recs, "2015-06", "xiaofang.training", "a1") == Decimal(0)  # 5 ≥ 4
    assert pts(kaohe_bureau, recs, "2015-06", "xiaofang.training", "c1") == Decimal(-2)  # 4 − 3 = 1 short × −2
    assert pts(kaohe_bureau, recs, "2015-06", "xiaofang.training", "b1") == Decimal(-8)  # 4 short × −2
    assert pts(kaohe_bureau, recs, "2015-12", "xiaofang.training", "b1") == Decimal(0)  # 4 = 4
    assert pts(kaohe_bureau, recs, "2015-12", "xiaofang.training", "c1") == Decimal(-6)  # 4 − 1 = 3 short × −2
    assert pts(kaohe_bureau, recs, "2015-12", "xiaofang.training", "a1") == Decimal(-8)  # none in H2


def test_119_is_assessed_in_november_only(kaohe_bureau, adapter_records, score_item):
    recs = adapter_records(ad.ACTIVITIES, activity("a1", "2015-11-09", ad.ACT_119, True))
    for item in ("xiaofang.day119_missing", "xiaofang.day119_monotonous"):
        due = [m for m in range(1, 13) if score_item(kaohe_bureau, recs, f"2015-{m:02d}", item, "a1") is not None]
        assert due == [11], item


def test_119_day(kaohe_bureau, adapter_records):
    recs = adapter_records(
        ad.ACTIVITIES,
        activity("a1", "2015-11-09", ad.ACT_119, False),
        activity("b1", "2015-11-09", ad.ACT_119, True),
        activity("b1", "2015-11-10", ad.ACT_119, True),
        activity("c1", "2015-11-25", ad.ACT_119),  # after 11-20: in 2015-12, too late for November
        activity("c1", "2015-11-05", ad.ACT_TRAINING),  # a training is not the 119 activity
    )
    # a1 held it, content not monotonous: 0 and 0
    assert pts(kaohe_bureau, recs, "2015-11", "xiaofang.day119_missing", "a1") == Decimal(0)
    assert pts(kaohe_bureau, recs, "2015-11", "xiaofang.day119_monotonous", "a1") == Decimal(0)
    # b1 held it (twice), monotonous: 活动内容单调的扣1分, once → −1
    assert pts(kaohe_bureau, recs, "2015-11", "xiaofang.day119_missing", "b1") == Decimal(0)
    assert pts(kaohe_bureau, recs, "2015-11", "xiaofang.day119_monotonous", "b1") == Decimal(-1)
    # c1 held none in November: 未开展的扣3分 → −3
    assert pts(kaohe_bureau, recs, "2015-11", "xiaofang.day119_missing", "c1") == Decimal(-3)


# --- 4、消防警务室 (l.634) -----------------------------------------------------------------------


def test_fire_police_room_per_missing_element(kaohe_bureau, adapter_records):
    recs = adapter_records(ad.FINDINGS, finding("a1", "2015-04-01", it.ROOM, 3), finding("a1", "2015-04-18", it.ROOM, 1))
    # 每少1项扣1分: 3 + 1 = 4 elements → −4
    assert pts(kaohe_bureau, recs, "2015-04", "xiaofang.room_missing", "a1") == Decimal(-4)


# --- 5、消防工作制度 (l.636) ---------------------------------------------------------------------


def test_monthly_meeting(kaohe_bureau, adapter_records):
    recs = adapter_records(
        ad.MEETINGS,
        meeting("a1", "2015-04-08"),
        meeting("b1", "2015-03-21"),
        meeting("b1", "2015-04-20"),
        meeting("c1", "2015-03-20"),  # in 2015-03
    )
    # 按月召开,每少1次扣2分
    assert pts(kaohe_bureau, recs, "2015-04", "xiaofang.meeting", "a1") == Decimal(0)  # 1 held
    assert pts(kaohe_bureau, recs, "2015-04", "xiaofang.meeting", "b1") == Decimal(0)  # 2 held: no bonus
    assert pts(kaohe_bureau, recs, "2015-04", "xiaofang.meeting", "c1") == Decimal(-2)  # 0 held: 1 short × −2
    assert pts(kaohe_bureau, recs, "2015-03", "xiaofang.meeting", "c1") == Decimal(0)


def test_legal_documents_each_minus_one(kaohe_bureau, adapter_records):
    recs = adapter_records(
        ad.FINDINGS,
        finding("b1", "2015-04-01", it.DOC_SYSTEM),
        finding("b1", "2015-04-11", it.DOC_SYSTEM),
        finding("b1", "2015-04-11", it.DOC_FILING),
    )
    # 未落实领用、审批、登记制度的,未按月归档的,分别扣1分: −1 each, once in the month
    assert pts(kaohe_bureau, recs, "2015-04", "xiaofang.documents_unregistered", "b1") == Decimal(-1)
    assert pts(kaohe_bureau, recs, "2015-04", "xiaofang.documents_unfiled", "b1") == Decimal(-1)


# --- 6、消防监督执法量化目标 (l.638) ---------------------------------------------------------------


def test_class_a_monthly_quotas(kaohe_bureau, adapter_records):
    R, O, G = ad.DOC_RECTIFICATION, ad.DOC_ONSITE, ad.DOC_GENERAL
    recs = adapter_records(
        ad.ENFORCEMENT,
        *[doc("a1", "2015-04-01", R) for _ in range(4)],  # 4 = target 4
        *[doc("a1", "2015-04-02", O, 500) for _ in range(7)],  # 7 > target 5
        # no 一般程序处罚 (target 1)
        doc("a1", "2015-04-21", G, 10000),  # in 2015-05
    )
    # A: 责令改正通知书4份 — exactly met → 0
    assert pts(kaohe_bureau, recs, "2015-04", "xiaofang.quota_rectification", "a1") == Decimal(0)
    # 当场处罚5起 — 7, over by 2: 超过的每项加5分, once per 指标 → +5 (not 2 × 5)
    assert pts(kaohe_bureau, recs, "2015-04", "xiaofang.quota_onsite", "a1") == Decimal(5)
    # 一般程序处罚1起 — none: 每项未达标的扣20分 → −20
    assert pts(kaohe_bureau, recs, "2015-04", "xiaofang.quota_general", "a1") == Decimal(-20)
    # 罚款额不得少于5千 — 7 × 500 = 3500 < 5000 → −20
    assert pts(kaohe_bureau, recs, "2015-04", "xiaofang.quota_fine", "a1") == Decimal(-20)
    # 2015-05: the general case of 04-21 with 10000: 1 = 1 → 0; fine 10000 > 5000 → +5;
    # no notices and no on-the-spot penalties: short by 4 and by 5, −20 once each (not per unit short)
    assert pts(kaohe_bureau, recs, "2015-05", "xiaofang.quota_general", "a1") == Decimal(0)
    assert pts(kaohe_bureau, recs, "2015-05", "xiaofang.quota_fine", "a1") == Decimal(5)
    assert pts(kaohe_bureau, recs, "2015-05", "xiaofang.quota_rectification", "a1") == Decimal(-20)
    assert pts(kaohe_bureau, recs, "2015-05", "xiaofang.quota_onsite", "a1") == Decimal(-20)


def test_class_b_monthly_quotas(kaohe_bureau, adapter_records, score_item):
    R, O, G = ad.DOC_RECTIFICATION, ad.DOC_ONSITE, ad.DOC_GENERAL
    recs = adapter_records(
        ad.ENFORCEMENT,
        doc("b1", "2015-04-01", R, 300),  # an amount on a notice is not a fine
        doc("b1", "2015-04-02", O, 500),
        doc("b1", "2015-04-03", G, 1500),
    )
    # B: 责令改正通知书1份: 1 → 0
    assert pts(kaohe_bureau, recs, "2015-04", "xiaofang.quota_rectification", "b1") == Decimal(0)
    # 当场处罚2起: 1 → −20
    assert pts(kaohe_bureau, recs, "2015-04", "xiaofang.quota_onsite", "b1") == Decimal(-20)
    # 一般程序处罚1起: 1 → 0
    assert pts(kaohe_bureau, recs, "2015-04", "xiaofang.quota_general", "b1") == Decimal(0)
    # 罚款额不得少于2千: 500 + 1500 = 2000 (the 300 on the notice does not count) → exactly met, 0
    r = score_item(kaohe_bureau, recs, "2015-04", "xiaofang.quota_fine", "b1")
    assert r.points == Decimal(0)
    assert "2000" in r.lines[0].reason


def test_class_c_assessed_in_second_month_of_each_block(kaohe_bureau, adapter_records, score_item):
    R = ad.DOC_RECTIFICATION
    recs = adapter_records(ad.ENFORCEMENT, doc("c1", "2015-01-05", R), doc("a1", "2015-01-05", R))
    c_months = [m for m in range(1, 13) if score_item(kaohe_bureau, recs, f"2015-{m:02d}", "xiaofang.quota_rectification", "c1").lines]
    a_months = [m for m in range(1, 13) if score_item(kaohe_bureau, recs, f"2015-{m:02d}", "xiaofang.quota_rectification", "a1").lines]
    assert c_months == [2, 4, 6, 8, 10, 12]
    assert a_months == list(range(1, 13))


def test_class_c_block_counts_both_months(kaohe_bureau, adapter_records, score_item):
    R, O, G = ad.DOC_RECTIFICATION, ad.DOC_ONSITE, ad.DOC_GENERAL
    recs = adapter_records(
        ad.ENFORCEMENT,
        # block 2015-01/02 = 2014-12-21 .. 2015-02-20
        doc("c1", "2014-12-21", O, 200),  # first day of the year: month 01
        doc("c1", "2015-02-20", O, 200),  # last day of month 02
        doc("c1", "2015-02-20", R),
        # block 2015-03/04 = 2015-02-21 .. 2015-04-20
        doc("c1", "2015-02-21", R),  # first day of month 03
        doc("c1", "2015-04-02", O, 50),
        doc("c1", "2015-04-15", O, 50),
        doc("c1", "2015-04-16", O, 50),
        doc("c1", "2015-03-25", G, 5000),  # month 04
        doc("c1", "2015-03-10", G, 5000),  # month 03: two general cases in the block
    )
    # 01/02: 责令改正通知书 1 = 1 → 0; 当场处罚 1 + 1 = 2 = 2 → 0; 一般程序处罚 0 < 1 → −20
    assert pts(kaohe_bureau, recs, "2015-02", "xiaofang.quota_rectification", "c1") == Decimal(0)
    assert pts(kaohe_bureau, recs, "2015-02", "xiaofang.quota_onsite", "c1") == Decimal(0)
    assert pts(kaohe_bureau, recs, "2015-02", "xiaofang.quota_general", "c1") == Decimal(-20)
    # 03/04 over both months: 通知书 1 → 0; 当场处罚 3 > 2 → +5; 一般程序 2 > 1 → +5
    assert pts(kaohe_bureau, recs, "2015-04", "xiaofang.quota_rectification", "c1") == Decimal(0)
    assert pts(kaohe_bureau, recs, "2015-04", "xiaofang.quota_onsite", "c1") == Decimal(5)
    assert pts(kaohe_bureau, recs, "2015-04", "xiaofang.quota_general", "c1") == Decimal(5)
    # in the block's first month nothing is assessed
    assert pts(kaohe_bureau, recs, "2015-03", "xiaofang.quota_onsite", "c1") == Decimal(0)
    assert score_item(kaohe_bureau, recs, "2015-03", "xiaofang.quota_onsite", "c1").lines == ()
    # 05/06: nothing at all → three 指标 short, −20 each
    for item in ("quota_rectification", "quota_onsite", "quota_general"):
        assert pts(kaohe_bureau, recs, "2015-06", f"xiaofang.{item}", "c1") == Decimal(-20)


def test_class_c_has_no_fine_target(kaohe_bureau, adapter_records, score_item):
    recs = adapter_records(ad.ENFORCEMENT, doc("c1", "2015-04-02", ad.DOC_ONSITE, 50))
    # no 罚款额 is stated for C (l.638): the item gives c1 no line, in any month
    for m in range(1, 13):
        assert score_item(kaohe_bureau, recs, f"2015-{m:02d}", "xiaofang.quota_fine", "c1").lines == ()


def test_fine_target_for_class_c_can_be_set_by_the_bureau(make_bureau, adapter_records):
    from kaohe import Period
    from kaohe.testing import MemorySource, score

    data = {
        "bureau": {"name": "测试局"},
        "series": [{"id": "C"}],
        "categories": [{"id": "jichu", "name": "基础工作建设", "weight": 100, "base": 100}],
        "units": [{"id": "c1", "name": "丙所", "series": "C", "class": "C"}],
        "items": {
            "enable": ["xiaofang.quota_fine"],
            "xiaofang.quota_fine": {"params": {"targets": {"A": 5000, "B": 2000, "C": 1000}}},
        },
    }
    bureau = make_bureau(data)
    recs = adapter_records(ad.ENFORCEMENT, doc("c1", "2015-03-02", ad.DOC_ONSITE, 500), doc("c1", "2015-04-02", ad.DOC_ONSITE, 400))

    def fine(period: str) -> Decimal:
        res = score(bureau, Period.parse(period), MemorySource(recs))
        return res.unit("c1").categories[0].items[0].points

    # C's window stays two months: 500 + 400 = 900 < 1000 → −20 in 2015-04; nothing assessed in 2015-03
    assert fine("2015-04") == Decimal(-20)
    assert fine("2015-03") == Decimal(0)


# --- 7、火灾接处警和调查 (l.640) ------------------------------------------------------------------


def test_fire_response_and_investigation(kaohe_bureau, adapter_records):
    recs = adapter_records(
        ad.FIRES,
        fire("a1", "2015-04-01", late_arrival=True, investigation_late=True),
        fire("a1", "2015-04-02", late_arrival=True, no_cooperation=True),
        fire("a1", "2015-04-03", supervision_failed=True),
        fire("a1", "2015-04-04", "一般", 1),  # a death: 亡人火灾
        fire("a1", "2015-04-05", "重大"),
        fire("b1", "2015-04-06", "特大", 3),  # 特大 with deaths: the highest level only
        fire("b1", "2015-04-07", "特别重大"),
        fire("c1", "2015-04-08", "较大"),  # 较大, no death: not listed in l.640
    )
    # 接到报警不及时到现场的每次扣5分: 2 fires → −10
    assert pts(kaohe_bureau, recs, "2015-04", "xiaofang.fire_late_arrival", "a1") == Decimal(-10)
    # 火灾调查处理不及时的每起扣3分: 1 → −3
    assert pts(kaohe_bureau, recs, "2015-04", "xiaofang.fire_investigation_late", "a1") == Decimal(-3)
    # 不积极配合消防机构调查火灾的每起扣5分: 1 → −5
    assert pts(kaohe_bureau, recs, "2015-04", "xiaofang.fire_no_cooperation", "a1") == Decimal(-5)
    # 因监督措施未到位发生火灾的每起扣10分: 1 → −10
    assert pts(kaohe_bureau, recs, "2015-04", "xiaofang.fire_supervision", "a1") == Decimal(-10)
    # 重大或亡人火灾每起扣5分: the fatal fire and the 重大 one → 2 × −5 = −10
    assert pts(kaohe_bureau, recs, "2015-04", "xiaofang.fire_major", "a1") == Decimal(-10)
    # 特大火灾每起扣15分: 2 fires (特大, 特别重大) → −30; the deaths do not add −5 as well
    assert pts(kaohe_bureau, recs, "2015-04", "xiaofang.fire_catastrophic", "b1") == Decimal(-30)
    assert pts(kaohe_bureau, recs, "2015-04", "xiaofang.fire_major", "b1") == Decimal(0)
    for item in ("fire_major", "fire_catastrophic", "fire_late_arrival"):
        assert pts(kaohe_bureau, recs, "2015-04", f"xiaofang.{item}", "c1") == Decimal(0)


# --- Declarations ---------------------------------------------------------------------------------



def test_items_declared_with_seed_references(kaohe_registry):
    items = [i for i in kaohe_registry.items_of("xiaofang") if i.category != "jiakao"]  # the December item: test_december.py
    assert len(items) == 23
    lines = {628: 3, 630: 2, 632: 4, 634: 1, 636: 3, 638: 4, 640: 6}
    for line, n in lines.items():
        assert sum(1 for i in items if i.reference == f"seed 000 l.{line}") == n, line
    for i in items:
        assert i.category == "jichu" and i.department == "消防大队" and i.text


def test_item_text_is_the_seeds_words(kaohe_seed):
    seed = kaohe_seed("000")
    for i in it.ITEMS:
        line = int(i.reference.rsplit(".", 1)[1])
        assert i.text in seed[line - 1], i.id
