"""The store writes each unit's explanation with kaohe.scoring.treejson, a faster encoder that must give the
very text of ``store.dumps(explain.unit_data(u))``: checked here on results holding every part of a
tree (adjustments, changed items on appeal, carried-over and vetoed units, aggregated periods with
year categories, items without lines shared between units)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import report_bureau as rb
from kaohe.core.adjustments import Adjustment
from kaohe.core.periods import Period
from kaohe.office.jobs import score_period
from kaohe.scoring.explain import unit_data
from kaohe.scoring.pipeline import MemorySource, score
from kaohe.scoring.treejson import TreeEncoder
from kaohe.store.store import Store, dumps


def _same(result) -> int:  # type: ignore[no-untyped-def]
    enc = TreeEncoder(dumps)
    for u in result.units:
        assert enc.unit(u) == dumps(unit_data(u)), u.unit
    return len(result.units)


def test_trees_of_a_store_with_carry_over_veto_and_flags(tmp_path):
    bureau, reg, db = rb.make(tmp_path)
    with Store(db) as store:
        for label in ("2015-02", "2015-03", "2015-Q1"):
            assert _same(score_period(store, bureau, reg, Period.parse(label), save=False)) == 6


def test_trees_with_adjustments_of_the_total_and_of_an_item(tmp_path):
    bureau, reg, db = rb.make(tmp_path)
    with Store(db) as store:
        records = list(store.records(["testdept.event", "testdept.check"], dt.date(2014, 1, 1), dt.date(2016, 1, 1)))
    adjusted = [
        Adjustment(1, "2015-03", "jincheng", Decimal("1.5"), "通知单", "考核领导小组"),
        Adjustment(2, "2015-03", "rulin", Decimal(1), "改分", "督察支队", kind="复查改分", item="testdept.criticised", appeal=1),
        Adjustment(3, "2015-Q1", "xuebu", Decimal(-2), "季度通知单", "考核领导小组"),
    ]
    source = MemorySource(records, adjusted)
    march = score(bureau, Period.parse("2015-03"), source)
    assert march.unit("jincheng").adjustments and _same(march) == 6
    quarter = score(bureau, Period.parse("2015-Q1"), source)
    assert quarter.unit("xuebu").adjustments and _same(quarter) == 6
