"""Demo export → read_export → score 2015-04 → two stations checked by hand against the rows of the
generated files (demo seed 2015). Month 2015-04 runs 2015-03-21 .. 2015-04-20 (31 days); its
same period last year is 2014-03-21 .. 2014-04-20."""

from __future__ import annotations

from decimal import Decimal

import kaohe_zhihui110
import pytest
from kaohe import Period
from kaohe.demo import DEMO_SEED, demo_bureau
from kaohe.testing import read_export
from kaohe.plugins.discovery import get_plugin_manager, load_registry
from kaohe.testing import MemorySource, score


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    registry = load_registry(get_plugin_manager(load_entrypoints=False, plugins=[("zhihui110", kaohe_zhihui110)]))
    bureau, _ = demo_bureau(registry)
    directory = tmp_path_factory.mktemp("zhihui110-demo")
    files = kaohe_zhihui110.kaohe_demo_data(bureau=bureau, directory=directory, seed=DEMO_SEED)
    records, rejected = [], []
    for f in files:
        export = read_export(f, bureau, registry)
        records.extend(export.records)
        rejected.extend(export.rejected)
    return score(bureau, Period.parse("2015-04"), MemorySource(records)), rejected


def items_of(result, unit):
    [jichu] = [c for c in result.unit(unit).categories if c.category == "jichu"]
    return {i.item.split(".", 1)[1]: i.points for i in jichu.items}


def test_the_bad_rows_are_rejected(result):
    _, rejected = result
    # one bad row on purpose in four of the six files
    assert sorted((r.file, r.column) for r in rejected) == [
        ("110处警问题登记_2015年.xlsx", "扣分"),  # 扣12分, outside 5-10
        ("110接处警记录_2015年.xlsx", "处警单位"),  # 东门派出所 is not a station of the bureau
        ("两抢及盗窃警情_2015年.xlsx", "报警日期"),  # 2015-02-30
        ("月度回访及巡逻盘查统计_2015年.xlsx", "盘查人(辆)次"),  # 三百
    ]


def test_huacheng_april(result):
    # 华城派出所 (class A, 城区四所), rows of the generated files dated in 2015-04:
    #
    # 110接处警记录 (派单 → 到达 → 反馈):
    #   J201500203 一类 城区 重大紧急 04-05 02:30 → 02:33 (3 min ≤ 5) → 03:52 (1 h 22 ≤ 2 h)
    #   J201500204 二类 城区 一般 04-15 12:57 → 13:16 (19 min > 10: −1) → 04-16 17:52 (28 h 55 > 24 h: −0.5),
    #              反馈内容不规范 (−0.5)
    #   J201500205 二类 城郊 一般 03-27 00:53 → 01:03 (10 min ≤ 15) → 13:22 (12 h 29)
    #   J201500206 二类 城区 一般 03-24 07:21 → 07:28 (7 min ≤ 10) → 23:57 (16 h 36)
    #   J201500207 一类 城区 一般 03-28 23:05 → 23:08 (3 min ≤ 5) → 03-29 07:08 (8 h 03)
    #   all signed for normally.
    # 110处警问题登记: WT20150007 04-06 影响警情处置 (−2); WT20150008 04-02 未按职责分工及时移交或履行手续 (−1)
    # 月度统计: 2015-04 回访满意率 97.5 (≥ 95: 0); 巡逻民警 8 人, 盘查 1160 人(辆)次:
    #   1160 ÷ 8 ÷ 31 = 4.677… → 4.68 per officer per day; 5 − 4.68 = 0.32 × −2 = −0.64
    # 巡防信息报送登记: none in 2015-04; class A needs 2: 2 short × −1 = −2; nothing adopted: 0
    # “两抢”: 2015-04 none; 2014-04 one (A201400381 抢劫 2014-03-26): 1 fewer × +1 = +1
    # 盗窃: 2015-04 15 (A201500313 … A201500327); 2014-04 14 (A201400367 … A201400380):
    #   (15 − 14) ÷ 14 = +7.14 %; 7.14 × −2 = −14.28
    res, _ = result
    assert items_of(res, "huacheng") == {
        "no_answer": 0,
        "equipment_unreported": 0,
        "handling_poor": Decimal(-2),
        "handling_serious": 0,
        "arrival_late": Decimal(-1),
        "contact_serious": 0,
        "handover_failure": Decimal(-1),
        "handover_refusal": 0,
        "feedback_late_urgent": 0,
        "feedback_late_ordinary": Decimal("-0.5"),
        "feedback_nonstandard": Decimal("-0.5"),
        "callback_satisfaction": 0,
        "patrol_checks": Decimal("-0.64"),
        "robbery_yoy": Decimal(1),
        "theft_yoy": Decimal("-14.28"),
        "patrol_reports": Decimal(-2),
        "patrol_reports_adopted": 0,
    }


def test_zhiqian_april(result):
    # 指前派出所 (class B), rows of the generated files dated in 2015-04:
    #
    # 110接处警记录:
    #   J201500236 二类 城郊 一般 04-01 02:26 → 02:44 (18 min > 15: −1) → 18:07 (15 h 41 ≤ 24 h)
    #   J201500237 三类 农村 一般 04-11 21:51 → 22:08 (三类: no fixed limit) → 04-13 02:53 (29 h 02 > 24 h: −0.5)
    #   J201500238 一类 农村 重大紧急 04-09 07:11, 签收情况 电话无人接听 (−1) → 07:24 (农村: no fixed limit)
    #              → 08:15 (1 h 04 ≤ 2 h)
    #   J201500239 三类 城郊 一般 04-13 22:33 → 22:51 (三类) → 04-14 19:19 (20 h 46 ≤ 24 h)
    # 110处警问题登记: none in 2015-04
    # 月度统计: 回访满意率 99.4 (0); 巡逻民警 4 人, 盘查 612: 612 ÷ 4 ÷ 31 = 4.935… → 4.94;
    #   5 − 4.94 = 0.06 × −2 = −0.12
    # 巡防信息报送登记: none; class B needs 1: −1
    # “两抢”: none in either year: 0
    # 盗窃: 2015-04 7 (A201500382 … A201500388); 2014-04 7 (A201400444 … A201400450): 0 % change: 0
    res, _ = result
    assert items_of(res, "zhiqian") == {
        "no_answer": Decimal(-1),
        "equipment_unreported": 0,
        "handling_poor": 0,
        "handling_serious": 0,
        "arrival_late": Decimal(-1),
        "contact_serious": 0,
        "handover_failure": 0,
        "handover_refusal": 0,
        "feedback_late_urgent": 0,
        "feedback_late_ordinary": Decimal("-0.5"),
        "feedback_nonstandard": 0,
        "callback_satisfaction": 0,
        "patrol_checks": Decimal("-0.12"),
        "robbery_yoy": 0,
        "theft_yoy": 0,
        "patrol_reports": Decimal(-1),
        "patrol_reports_adopted": 0,
    }
    # the category score is base 100 + Σ items = 100 − 3.62 = 96.38
    [jichu] = [c for c in res.unit("zhiqian").categories if c.category == "jichu"]
    assert jichu.raw == Decimal("96.38")
