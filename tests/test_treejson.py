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


def test_a_referred_item_is_encoded_as_its_data_is():
    """An aggregate's item whose lines are its base periods' (``folding.Referred``, ``"lines_from":
    "parts"``): ``TreeEncoder`` makes its text in parts, byte for byte ``dumps`` of its data — carried
    or not, with a note and vetoes or without, -0 kept apart from 0."""
    from kaohe.core.model import Line
    from kaohe.scoring.explain import item_data
    from kaohe.scoring.folding import Referred

    trees = TreeEncoder(dumps)
    cases = [
        Referred(item="x.a", title="甲 \"项\"", department="部门", category="c", reference="第2条", window="2015", lines=(),
                 points=Decimal("-0"), uncapped=Decimal("0"), count=3, records=3),
        Referred(item="x.a", title="甲 \"项\"", department="部门", category="c", reference="第2条", window="2015-Q1",
                 lines=(Line(Decimal("0"), "[2015-02] ", None, True),), points=Decimal("-4.50"), uncapped=Decimal("-6"),
                 direct_per_capita=True, note="扣分封顶", veto=("否决",), count=7, records=5),
    ]
    for item in cases:
        assert trees.item(item) == dumps({**item_data(item), "lines": [], "lines_from": "parts"})
