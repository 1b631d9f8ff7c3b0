"""The demo export, read by the kernel's intake and scored for 2015-04 (2015-03-21 .. 2015-04-20);
two stations' item points worked out by hand from the rows of the generated files."""

from __future__ import annotations

from decimal import Decimal

import kaohe_xingzhen
import pytest
from kaohe import Period
from kaohe.demo import DEMO_SEED, demo_bureau
from kaohe.testing import read_export
from kaohe.testing import MemorySource, score


@pytest.fixture(scope="module")
def april(tmp_path_factory, kaohe_registry):
    bureau, _ = demo_bureau(kaohe_registry)
    directory = tmp_path_factory.mktemp("demo")
    files = kaohe_xingzhen.kaohe_demo_data(bureau=bureau, directory=directory, seed=DEMO_SEED)
    exports = [read_export(f, bureau, kaohe_registry) for f in files]
    records = [r for e in exports for r in e.records]
    return exports, score(bureau, Period.parse("2015-04"), MemorySource(records))


def test_bad_rows_are_rejected(april):
    exports, _ = april
    rejected = {(e.adapter.id, r.column) for e in exports for r in e.rejected}
    # the three bad rows written on purpose: a unit not in the bureau, an impossible date, text in a number column
    assert rejected == {("xingzhen.cases", "办案单位"), ("xingzhen.persons", "日期"), ("xingzhen.monthly", "指纹捺印份数")}
    assert [e.adapter.id for e in exports] == [
        "xingzhen.cases", "xingzhen.persons", "xingzhen.findings", "xingzhen.monthly", "xingzhen.december", "xingzhen.unfiled",
    ]


def points(result, unit):
    return {i.item.removeprefix("xingzhen."): i.points for c in result.unit(unit).categories for i in c.items}


def raw(result, unit, category):
    return next(c.raw for c in result.unit(unit).categories if c.category == category)


# 社头派出所 (shetou, class C, 8 officers). Its rows dated 2015-03-21 .. 2015-04-20:
#   破案记录 row 89:      A201500087 社头所 2015-04-14 入室盗窃 八类 否 本辖区 是 年内在帐 是 积隐案 否 外省市 否
#   打击处理人员 row 222: R201500220 社头派出所 2015-04-19 逮捕 (特种行业 blank)
#   考核登记表 row 127:   XZ201500125 社头所 2015-04-02 涉案手机电脑信息未采集录入 人数 1
#   月度数据 row 59:      2015-04-20 社头所 捺印41份 不合格0 技术员 是 八类等100 其他100 现场勘查98.5 入库95
SHETOU = {
    "case_in_year": Decimal(20),           # 1 起年内在帐 × 20
    "case_local": Decimal(10),             # 本辖区年内在帐 1 起 × 10
    "arrest": Decimal(50),                 # 逮捕 1 人 × 50
    "phone_pc_not_entered": Decimal(-1),   # 1 次 × −1
    "scene_rate": Decimal("-7.5"),         # 100 − 98.5 = 1.5 点 × −5
    "scene_storage_rate": Decimal(-25),    # 100 − 95 = 5 点 × −5
    # fingerprint_quota: 41 ÷ 8 = 5.125 ≥ 5 → 0; rates 100 % for 八类等 and for other cases (C: 100 %) → 0
}

# 指前派出所 (zhiqian, class B, 12 officers):
#   破案记录 row 86:      A201500084 指前 2015-04-04 入室盗窃 八类 否 本辖区 是 年内在帐 否 积隐案 是
#   破案记录 row 87:      A201500085 指前所 2015-03-27 盗窃 八类 否 本辖区 是 年内在帐 是 积隐案 否
#   打击处理人员 row 215: R201500213 指前派出所 2015-04-15 刑事拘留
#   考核登记表 row 120:   案件信息描述不清 人数 2
#   考核登记表 row 121:   失踪人员信息采集不完整 人数 1
#   考核登记表 row 122:   被审查人员信息缺项 人数 2
#   考核登记表 row 123:   二手机语音报警系统比中被盗抢手机 人数 2
#   考核登记表 row 124:   涉案手机电脑信息未采集录入 人数 1
#   月度数据 row 57:      2015-04-20 指前派出所 捺印66份 不合格2 技术员 是 八类等100 其他86.8 现场勘查100 入库100
ZHIQIAN = {
    "case_backlog": Decimal(5),                   # A201500084 积隐案 × 5 (not 年内在帐: no 本辖区 extra)
    "case_in_year": Decimal(20),                  # A201500085 × 20
    "case_local": Decimal(10),                    # A201500085 本辖区年内在帐 × 10
    "detention": Decimal(10),                     # 刑拘 1 人 × 10
    "case_description_unclear": Decimal(-2),      # 2 项 × −1
    "missing_person_incomplete": Decimal(-10),    # 1 人 × −10
    "suspect_info_missing": Decimal(-2),          # 2 项 × −1
    "secondhand_phone_match": Decimal(2),         # 2 只 × 直接计人均分 1
    "phone_pc_not_entered": Decimal(-1),          # 1 次 × −1
    "fingerprint_unqualified": Decimal(-2),       # 不合格 2 份 × −1
    "scene_rate_other": Decimal("-6.4"),          # B 类 90 − 86.8 = 3.2 点 × −2
    # fingerprint_quota: 66 ÷ 12 = 5.5 ≥ 5 → 0
}


@pytest.mark.parametrize(("unit", "expected"), [("shetou", SHETOU), ("zhiqian", ZHIQIAN)])
def test_two_stations_by_hand(april, unit, expected):
    _, result = april
    got = points(result, unit)
    assert {k: v for k, v in got.items() if v} == expected


def test_category_raw_scores_by_hand(april):
    _, result = april
    # 社头: 基础工作 100 − 1 − 7.5 − 25 = 66.5; 打处 300 + 20 + 10 + 50 = 380
    assert raw(result, "shetou", "jichu") == Decimal("66.5")
    assert raw(result, "shetou", "dachu") == Decimal(380)
    # 指前: 基础工作 100 − 2 − 10 − 2 + 2 − 1 − 2 − 6.4 = 78.6; 打处 300 + 5 + 20 + 10 + 10 = 345
    assert raw(result, "zhiqian", "jichu") == Decimal("78.6")
    assert raw(result, "zhiqian", "dachu") == Decimal(345)
