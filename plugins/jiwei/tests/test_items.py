"""Each item against values worked out by hand from the seed's words (seed 000 l.430-454).
Records are dated in assessment month 2015-07 (2015-06-21 .. 2015-07-20) unless said."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from kaohe import Period, Record
from kaohe.scoring.pipeline import MemorySource, evaluate_item, score
from kaohe_jiwei import items as it

JUL = dt.date(2015, 7, 3)
AUG = dt.date(2015, 7, 21)  # the first day of assessment month 2015-08


def ded(unit: str, key: str, matter: str, count: int = 1, self_reported: bool = False, day: dt.date = JUL) -> Record:
    return Record(
        key=f"{it.DEDUCTION}:{key}",
        kind=it.DEDUCTION,
        unit=unit,
        date=day,
        attrs={"matter": matter, "count": count, "self_reported": self_reported},
        note=matter,
    )


def veto(unit: str, key: str, situation: str, day: dt.date = JUL) -> Record:
    return Record(key=f"{it.VETO}:{key}", kind=it.VETO, unit=unit, date=day, attrs={"situation": situation})


def points(bureau, item_id: str, records: list[Record], period: str = "2015-07") -> dict[str, Decimal]:
    item = next(i for i in bureau.items if i.id == item_id)
    p = Period.parse(period)
    out = evaluate_item(bureau, item, p, bureau.active_units(p), MemorySource(records))
    return {uid: r.points for uid, r in out.items()}


# One month of the 纪委's deduction register, every 事项 at least once.
RECORDS = [
    ded("a1", "1", it.DISCIPLINE, 2),
    ded("a1", "2", it.DISCIPLINE, 1, self_reported=True),  # 自查主动上报: not assessed
    ded("b1", "3", it.DISCIPLINE),
    ded("c1", "4", it.MAJOR_MATTER, 2),
    ded("b1", "5", it.VERIFIED_DECISION),
    ded("b1", "6", it.VERIFIED_SUPERVISED),
    ded("b1", "7", it.VERIFIED_COMPLAINT, 2),
    ded("b1", "8", it.VERIFIED_INSPECTION),
    ded("a1", "9", it.COERCIVE, 3),
    ded("a1", "10", it.NOTICE),
    ded("a1", "11", it.NOTICE),
    ded("c1", "12", it.CRITICISM, 2),
    ded("c1", "13", it.ADMONITION),
    ded("b1", "14", it.WARNING),
    ded("c1", "15", it.ACCOUNTABILITY, 2),
    ded("a1", "16", it.CHANGZHOU),
    ded("b1", "17", it.PROVINCE),
    ded("c1", "18", it.KEY_TARGET),
    ded("c1", "19", it.KEY_TARGET),  # listed again in the same month: still 扣40分 once
    ded("b1", "20", it.DISCIPLINE, 3, day=AUG),  # month 2015-08: not in July
]


def test_every_item_quotes_its_seed_line(kaohe_seed):
    assert len(it.ITEMS) == 18 and len({i.id for i in it.ITEMS}) == 18
    for item in it.ITEMS:
        assert item.category == "duiwu" and item.department == "纪委", item.id
        line = int(item.reference.removeprefix("seed 000 l."))
        assert 432 <= line <= 454, item.id
    seed = kaohe_seed("000")
    for item in it.ITEMS:
        line = seed[int(item.reference.removeprefix("seed 000 l.")) - 1].strip()
        if item.id.startswith("jiwei.veto_"):
            assert item.text == line, item.id  # (一) … (七): the whole line
        else:
            assert item.text and item.text in line, item.id  # the sentence of its rule


@pytest.mark.parametrize(("name", "line", "title", "situation"), it.VETOES)
def test_each_veto_reads_its_own_situation(kaohe_bureau, name, line, title, situation):
    # one record of this situation for 乙镇 → a 0-point line (the veto) on this item only
    records = [veto("b1", "F1", situation)]
    for other, *_ in it.VETOES:
        got = points(kaohe_bureau, f"jiwei.{other}", records)
        assert got == {"a1": 0, "b1": 0, "c1": 0}  # a veto never changes the category's points
    item = next(i for i in kaohe_bureau.items if i.id == f"jiwei.{name}")
    p = Period.parse("2015-07")
    out = evaluate_item(kaohe_bureau, item, p, kaohe_bureau.active_units(p), MemorySource(records))
    assert [len(out[u].veto) for u in ("a1", "b1", "c1")] == [0, 1, 0]
    others = [i for i in kaohe_bureau.items if i.id.startswith("jiwei.veto_") and i.id != item.id]
    for o in others:
        assert not evaluate_item(kaohe_bureau, o, p, kaohe_bureau.active_units(p), MemorySource(records))["b1"].veto


def test_veto_makes_the_month_zero_and_keeps_the_subtotal(kaohe_bureau):
    # 乙镇: (六) in July and one 书面警诫 (−10): 队伍建设 raw 100 − 10 = 90, alone in series B → top 90,
    # score 90 ÷ 90 × 100 = 100; subtotal 100, total 0 (一票否决, l.430)
    records = [veto("b1", "F1", it.SITUATIONS[5]), ded("b1", "W1", it.WARNING)]
    res = score(kaohe_bureau, Period.parse("2015-07"), MemorySource(records))
    b1 = res.unit("b1")
    assert b1.categories[0].raw == Decimal(90)
    assert b1.subtotal == Decimal(100) and b1.total == 0
    assert "一票否决" in b1.flags and len(b1.veto) == 1
    # 甲城 is untouched: 100
    assert res.unit("a1").total == Decimal(100) and not res.unit("a1").veto
    # the veto belongs to July only: August is scored normally
    aug = score(kaohe_bureau, Period.parse("2015-08"), MemorySource(records))
    assert aug.unit("b1").total == Decimal(100) and not aug.unit("b1").veto


def test_discipline_found_minus_ten_per_person_self_reported_excluded(kaohe_bureau):
    # 甲城: 2人次 × −10 = −20; its 自查主动上报 row gives nothing; 乙镇: 1人次 × −10 = −10 (the 3人次 of 07-21 are August's)
    assert points(kaohe_bureau, "jiwei.discipline_found", RECORDS) == {"a1": Decimal(-20), "b1": Decimal(-10), "c1": 0}
    # August: 乙镇 3人次 × −10 = −30
    assert points(kaohe_bureau, "jiwei.discipline_found", RECORDS, "2015-08") == {"a1": 0, "b1": Decimal(-30), "c1": 0}


def test_major_matter_unreported_minus_ten_per_person(kaohe_bureau):
    # 丙村: 2人次 × −10 = −20
    assert points(kaohe_bureau, "jiwei.major_matter_unreported", RECORDS) == {"a1": 0, "b1": 0, "c1": Decimal(-20)}


def test_verified_minus_ten_per_person_from_all_four_sources(kaohe_bureau):
    # 乙镇: 重要决策 1 + 督办件 1 + 效能投诉 2 + 警务督察 1 = 5人次 × −10 = −50
    assert points(kaohe_bureau, "jiwei.verified", RECORDS) == {"a1": 0, "b1": Decimal(-50), "c1": 0}


def test_coercive_measure_unreported_minus_five_per_person(kaohe_bureau):
    # 甲城: 少报备3人次 × −5 = −15
    assert points(kaohe_bureau, "jiwei.coercive_unreported", RECORDS) == {"a1": Decimal(-15), "b1": 0, "c1": 0}


def test_supervision_notice_minus_ten_each(kaohe_bureau):
    # 甲城: 2份 × −10 = −20
    assert points(kaohe_bureau, "jiwei.supervision_notice", RECORDS) == {"a1": Decimal(-20), "b1": 0, "c1": 0}


def test_criticism_and_admonition_minus_five_per_person(kaohe_bureau):
    # 丙村: 通报批评 2人次 + 诫勉谈话 1人次 = 3 × −5 = −15
    assert points(kaohe_bureau, "jiwei.criticism_admonition", RECORDS) == {"a1": 0, "b1": 0, "c1": Decimal(-15)}


def test_written_warning_minus_ten(kaohe_bureau):
    # 乙镇: 1人次 × −10
    assert points(kaohe_bureau, "jiwei.written_warning", RECORDS) == {"a1": 0, "b1": Decimal(-10), "c1": 0}


def test_public_accountability_minus_fifteen(kaohe_bureau):
    # 丙村: 2人次 × −15 = −30
    assert points(kaohe_bureau, "jiwei.public_accountability", RECORDS) == {"a1": 0, "b1": 0, "c1": Decimal(-30)}


def test_changzhou_criticism_minus_twenty(kaohe_bureau):
    # 甲城: 1次 × −20
    assert points(kaohe_bureau, "jiwei.changzhou_criticism", RECORDS) == {"a1": Decimal(-20), "b1": 0, "c1": 0}


def test_province_criticism_minus_thirty(kaohe_bureau):
    # 乙镇: 1次 × −30
    assert points(kaohe_bureau, "jiwei.province_criticism", RECORDS) == {"a1": 0, "b1": Decimal(-30), "c1": 0}


def test_key_rectification_minus_forty_once(kaohe_bureau):
    # 丙村: listed twice in July → 扣40分 once = −40
    assert points(kaohe_bureau, "jiwei.key_rectification", RECORDS) == {"a1": 0, "b1": 0, "c1": Decimal(-40)}


def test_duiwu_raw_scores_of_the_month(kaohe_bureau):
    res = score(kaohe_bureau, Period.parse("2015-07"), MemorySource(RECORDS))
    # 甲城: 100 − 20 (内务) − 15 (报备) − 20 (通知书) − 20 (常州) = 25
    # 乙镇: 100 − 10 (内务) − 50 (查实) − 10 (警诫) − 30 (省厅) = 0
    # 丙村: 100 − 20 (重大事项) − 15 (通报/诫勉) − 30 (问责) − 40 (重点整治) = −5 (不设下限)
    assert [res.unit(u).categories[0].raw for u in ("a1", "b1", "c1")] == [Decimal(25), Decimal(0), Decimal(-5)]


def test_points_are_a_bureau_parameter(make_bureau):
    bureau = make_bureau(items={"jiwei.coercive_unreported": {"params": {"points": -3}}})
    # 甲城: 3人次 × −3 = −9 under the bureau's own value
    assert points(bureau, "jiwei.coercive_unreported", RECORDS)["a1"] == Decimal(-9)


def test_an_item_can_be_switched_off(make_bureau):
    bureau = make_bureau(items={"disable": ["jiwei.written_warning"]})
    ids = {i.id for i in bureau.items}
    assert "jiwei.written_warning" not in ids and "jiwei.public_accountability" in ids
    res = score(bureau, Period.parse("2015-07"), MemorySource(RECORDS))
    # 乙镇 without the 书面警诫: 100 − 10 − 50 − 30 = 10
    assert res.unit("b1").categories[0].raw == Decimal(10)
