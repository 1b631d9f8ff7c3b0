"""A unit's record lines made on demand (issue 18 point 1): a base period's stored results keep the
record lines of the items whose rule reads each unit's own records (per occurrence, tiers, flags,
vetoes) folded into one line — how many records, their points —, and ``office.results.explanation``
makes them again for one unit from that unit's records. What ``kaohe explain`` shows must be what a
scoring of the period shows with every line, word for word: here every unit of the demo in a month
with a voided record and an item's adjustment (an appeal's decision is one of these two), a month
with an adjustment of a unit's total, a month carried over from the previous one (seed 000 l.88:
January 2016, nothing sent, every department's December standing in), and the quarter and the year
aggregated from the stored months."""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from demo_helpers import ingested_demo
from kaohe.core.periods import Period
from kaohe.office.jobs import score_period, scored_now, shown
from kaohe.office.results import explanation, foldable
from kaohe.rules import PerOccurrence, Rank
from kaohe.rules.base import lines_per_unit
from kaohe.scheme.config import load_bureau
from kaohe.scoring.explain import unit_data, unit_text
from kaohe.store.store import Store

MAY, JUNE, JAN = Period.parse("2015-05"), Period.parse("2015-06"), Period.parse("2016-01")


def whole(bureau: Any) -> Any:
    """``bureau`` scoring every item from its records, a line per record (the reference)."""
    return bureau.evolve(engine="python")


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any, Path, dict[str, Any]]:
    """The demo's year ingested with carry-over allowed; in May the record of the item with the most
    record lines voided and that item adjusted for its unit (+1.5), in June a unit's total adjusted
    (+2); the year and January 2016 scored and stored."""
    d = tmp_path_factory.mktemp("on-demand")
    _, registry, _ = ingested_demo(d)
    toml = d / "kaohe.toml"
    text = toml.read_text(encoding="utf-8")
    assert '"*" = false' in text
    toml.write_text(text.replace('"*" = false', '"*" = true'), encoding="utf-8")
    bureau = load_bureau(toml, registry)
    with Store(bureau.database) as store:
        may = score_period(store, whole(bureau), registry, MAY, save=False)
        unit, item, lines = max(
            ((u.unit, i.item, [ln for ln in i.lines if ln.record]) for u in may.units for c in u.categories for i in c.items),
            key=lambda t: len(t[2]),
        )
        assert len(lines) >= 3
        store.void_record(str(lines[0].record), "复查:重复登记", actor="test")
        store.add_adjustment("2015-05", unit, Decimal("1.5"), "复查改分", "考核办", kind="复查改分", item=item, actor="test")
        store.add_adjustment("2015-06", unit, Decimal(2), "表彰", "考核领导小组", actor="test")
        scored_now(store, bureau, registry, Period(2015, "year"))
        scored_now(store, bureau, registry, JAN)
    return bureau, registry, d, {"unit": unit, "item": item, "voided": lines[0].record}


def _folded(d: Path, label: str) -> int:
    db = sqlite3.connect(d / "kaohe.sqlite")
    try:
        return sum(
            i.get("folded", 0)
            for (tree,) in db.execute("SELECT tree FROM explanations WHERE period = ?", [label])
            for c in json.loads(tree)["categories"] for i in c["items"]
        )
    finally:
        db.close()


@pytest.mark.parametrize("period", [MAY, JUNE, JAN], ids=str)
def test_every_units_explanation_is_the_full_scorings(scored, period):
    bureau, registry, d, _ = scored
    assert _folded(d, period.label) > 0  # the stored trees do lack record lines: they are made here
    with Store(bureau.database) as store:
        reference = score_period(store, whole(bureau), registry, period, save=False)  # every line, in memory
        for ref in reference.units:
            made = explanation(store, bureau, registry, period, ref.unit)
            assert made is not None
            assert unit_data(made) == unit_data(ref)
            assert unit_text(made, show_zero=True, ids=True) == unit_text(ref, show_zero=True, ids=True)
            shown_now, note = shown(store, bureau, registry, period, ref.unit)
            assert note == "" and unit_data(shown_now.unit(ref.unit)) == unit_data(ref)


def test_the_voided_record_the_adjustments_and_the_carried_lines_are_there(scored):
    bureau, registry, _, case = scored
    folds = foldable(bureau, JAN)
    with Store(bureau.database) as store:
        may = explanation(store, bureau, registry, MAY, case["unit"])
        june = explanation(store, bureau, registry, JUNE, case["unit"])
        jan = [explanation(store, bureau, registry, JAN, u.id) for u in bureau.active_units(JAN)]
    assert may is not None and june is not None
    item = next(i for c in may.categories for i in c.items if i.item == case["item"])
    assert case["voided"] not in {ln.record for ln in item.lines}
    assert sum(1 for ln in item.lines if ln.record) >= 2 and item.folded == 0
    assert item.lines[-1].points == Decimal("1.5") and str(item.lines[-1].record).startswith("adjustment:")  # after the records
    assert [ln.points for ln in june.adjustments] == [Decimal(2)]
    records = [ln for u in jan if u is not None for c in u.categories for i in c.items if i.item in folds for ln in i.lines if ln.record]
    assert len(records) > 20 and all(ln.carried and str(ln.record).endswith("@2016-01") for ln in records)


@pytest.mark.parametrize("label", ["2015-Q2", "2015"])
def test_the_quarter_and_the_year_are_the_full_scorings(scored, label):
    bureau, registry, _, _ = scored
    period = Period.parse(label)
    with Store(bureau.database) as store:
        reference = score_period(store, whole(bureau), registry, period, save=False)
        for ref in reference.units:
            result, note = shown(store, bureau, registry, period, ref.unit)
            assert note == "" and unit_data(result.unit(ref.unit)) == unit_data(ref)


def test_the_stored_item_results_count_every_line(scored):
    """``item_results`` counts the lines and record lines of the whole item, folded or not."""
    bureau, registry, d, _ = scored
    with Store(bureau.database) as store:
        reference = score_period(store, whole(bureau), registry, JUNE, save=False)
    want = {
        (u.unit, i.item): (len(i.lines), sum(1 for ln in i.lines if ln.record is not None))
        for u in reference.units for c in u.categories for i in c.items
    }
    db = sqlite3.connect(d / "kaohe.sqlite")
    got = {(u, i): (n, r) for u, i, n, r in db.execute("SELECT unit, item, lines, records FROM item_results WHERE period = '2015-06'")}
    db.close()
    assert got == want


def test_which_rules_make_their_lines_on_demand():
    """A per-occurrence rule reads each unit's records alone; a rank compares the units; a subclass
    that evaluates otherwise is not taken at its parent's word."""
    per = PerOccurrence(points=Decimal(-1))
    assert lines_per_unit(per)
    assert not lines_per_unit(Rank(top=(Decimal(3), Decimal(2))))

    @attrs.frozen
    class Compared(PerOccurrence):
        def evaluate(self, ctx: Any) -> Any:
            return super().evaluate(ctx)

    assert not lines_per_unit(Compared(points=Decimal(-1)))


def test_a_longer_period_folds_nothing_more(scored):
    bureau, _, _, _ = scored
    assert foldable(bureau, Period.parse("2015-Q2")) == frozenset()
    assert foldable(bureau, JUNE) and all(lines_per_unit(bureau.item(i).rule) for i in foldable(bureau, JUNE))
