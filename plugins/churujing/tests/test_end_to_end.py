"""The demo export, read by the kernel's intake and scored for 2015-04 (2015-03-21 .. 2015-04-20);
two stations' item points worked out by hand from the rows of the generated files."""

from __future__ import annotations

from decimal import Decimal

import kaohe_churujing
import pytest
from kaohe import Period
from kaohe.demo import DEMO_SEED, demo_bureau
from kaohe.testing import read_export
from kaohe.testing import MemorySource, score


@pytest.fixture(scope="module")
def april(tmp_path_factory, kaohe_registry):
    bureau, _ = demo_bureau(kaohe_registry)
    directory = tmp_path_factory.mktemp("demo")
    files = kaohe_churujing.kaohe_demo_data(bureau=bureau, directory=directory, seed=DEMO_SEED)
    exports = [read_export(f, bureau, kaohe_registry) for f in files]
    records = [r for e in exports for r in e.records]
    return exports, score(bureau, Period.parse("2015-04"), MemorySource(records))


def test_bad_rows_are_rejected(april):
    exports, _ = april
    rejected = sorted((e.adapter.id, r.column) for e in exports for r in e.rejected)
    # the three bad rows written on purpose: a unit not in the bureau, an impossible date, text in a number column
    assert rejected == [("churujing.lodging", "入住日期"), ("churujing.lodging", "派出所"),
                        ("churujing.monthly", "常驻境外人员漏登人次")]


def points(result, unit):
    return {i.item.removeprefix("churujing."): i.points for c in result.unit(unit).categories for i in c.items}


# 金城派出所 (jincheng). 境外人员临时住宿登记, rows dated 2015-03-21 .. 2015-04-20
# (登记编号, 入住日期, 人次, 是否及时申报, 申报是否准确):
#   row 95  JW201500093 2015-04-02 1     是 否   → 信息错误 1 人次
#   row 96  JW201500094 2015-03-22 1     否 是   → 未及时 1 人次
#   row 97  JW201500095 2015-04-05 1     否 否   → 未及时 1 人次, 信息错误 1 人次
#   row 98  JW201500096 2015-03-23 blank 是 是   → 及时准确 1 人次
#   row 99  JW201500097 2015-04-12 1     是 是   → 及时准确 1 人次
# 月度数据 row 48: 2015-04-20 金城派出所 漏登 blank, 非法居留未发现 1, 30日以上 blank, 租房 23, 签订 23,
#   未建档 blank, 及时通报备案 1
JINCHENG = {
    "lodging_late": Decimal(-2),                # 2 人次 × −1
    "lodging_incomplete": Decimal(-1),          # 2 人次 × −0.5
    "lodging_correct": Decimal(2),              # 2 人次 × +1
    "illegal_stay_undetected": Decimal(-2),     # 1 人次 × −2
    "exit_ban_filing": Decimal(1),              # 1 人 × +1
    # guarantee_rate: 23 / 23 = 100 % → 0
}

# 城西派出所 (chengxi):
#   row 114 JW201500112 2015-03-24 2     是 否   → 信息错误 2 人次
#   row 115 JW201500113 2015-03-30 blank 是 是   → 及时准确 1 人次
#   row 116 JW201500114 2015-03-23 blank 是 是   → 及时准确 1 人次
#   row 117 JW201500115 2015-04-19 blank 是 是   → 及时准确 1 人次
# 月度数据 row 51: 2015-04-20 城西 漏登 1, 非法居留未发现 1, 30日以上 blank, 租房 20, 签订 19, 未建档 1, 及时通报备案 3
CHENGXI = {
    "lodging_incomplete": Decimal(-1),          # 2 人次 × −0.5
    "lodging_correct": Decimal(3),              # 3 人次 × +1
    "resident_missed": Decimal("-0.5"),         # 1 人次 × −0.5
    "illegal_stay_undetected": Decimal(-2),     # 1 人次 × −2
    "guarantee_unfiled": Decimal(-1),           # 1 户 × −1
    "guarantee_rate": Decimal(-5),              # 19 / 20 = 95 %: 5 个百分点 × −1
    "exit_ban_filing": Decimal(3),              # 3 人 × +1
}


@pytest.mark.parametrize(("unit", "expected"), [("jincheng", JINCHENG), ("chengxi", CHENGXI)])
def test_two_stations_by_hand(april, unit, expected):
    _, result = april
    got = points(result, unit)
    assert {k: v for k, v in got.items() if v} == expected


def test_category_raw_by_hand(april):
    _, result = april
    jichu = {u: next(c.raw for c in result.unit(u).categories if c.category == "jichu") for u in ("jincheng", "chengxi")}
    # 金城: 100 − 2 − 1 + 2 − 2 + 1 = 98;  城西: 100 − 1 + 3 − 0.5 − 2 − 1 − 5 + 3 = 96.5
    assert jichu == {"jincheng": Decimal(98), "chengxi": Decimal("96.5")}
