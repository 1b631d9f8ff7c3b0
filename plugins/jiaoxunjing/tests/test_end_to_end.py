"""Demo export → read_export → score 2015-04 (2015-03-21 .. 2015-04-20) → two stations by hand."""

from __future__ import annotations

from decimal import Decimal

import kaohe_jiaoxunjing
import pytest
from kaohe import Period
from kaohe.demo import DEMO_SEED, demo_bureau
from kaohe.testing import read_export
from kaohe.plugins.discovery import get_plugin_manager, load_registry
from kaohe.testing import MemorySource, score


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    registry = load_registry(get_plugin_manager(load_entrypoints=False, plugins=[("jiaoxunjing", kaohe_jiaoxunjing)]))
    bureau, _ = demo_bureau(registry)
    [path] = kaohe_jiaoxunjing.kaohe_demo_data(bureau=bureau, directory=tmp_path_factory.mktemp("jx"), seed=DEMO_SEED)
    export = read_export(path, bureau, registry)
    return score(bureau, Period.parse("2015-04"), MemorySource(export.records)), export.rejected


def items_of(res, unit):
    [jichu] = [c for c in res.unit(unit).categories if c.category == "jichu"]
    return {i.item.split(".", 1)[1]: i.points for i in jichu.items}


def test_bad_rows_rejected(result):
    _, rejected = result
    # 城南派出所 (not a station), 2015-06-31 (no such day), 协助查处酒驾 (not scored by the seed)
    assert [(r.row, r.column) for r in rejected] == [(6, "协助单位"), (12, "认定日期"), (18, "协助类别")]


def test_chengdong_and_zhiqian_april(result):
    # Rows of 协助破案及稳控登记_2015年.xlsx dated 2015-03-21 .. 2015-04-20:
    #   25 JX2015020 城东所     2015-04-09 协助侦破死亡逃逸交通事故   → 城东 +10
    #   26 JX2015021 城东所     2015-04-02 协助做好其他事件稳控工作   → 城东 +5
    #   27 JX2015022 儒林派出所 2015-03-22 协助侦破其他逃逸交通事故
    #   28 JX2015023 直溪派出所 2015-04-15 协助侦破其他逃逸交通事故
    #   29 JX2015024 指前所     2015-04-16 协助侦破其他逃逸交通事故   → 指前 +5
    #   30 JX2015025 指前派出所 2015-04-16 协助做好其他事件稳控工作   → 指前 +5
    #   31 JX2015026 社头派出所 2015-03-31 协助侦破死亡逃逸交通事故
    res, _ = result
    assert items_of(res, "chengdong") == {
        "fatal_hit_run": Decimal(10), "other_hit_run": 0, "major_stabilise": 0, "other_stabilise": Decimal(5),
    }
    assert items_of(res, "zhiqian") == {
        "fatal_hit_run": 0, "other_hit_run": Decimal(5), "major_stabilise": 0, "other_stabilise": Decimal(5),
    }
    # 城东 jichu raw score: base 100 + 10 + 5 = 115
    [jichu] = [c for c in res.unit("chengdong").categories if c.category == "jichu"]
    assert jichu.raw == Decimal(115)
