"""The SQL path against the Python reference: every item scored from grouped counts
(``[scoring] engine = "sql"``, kaohe.scoring.aggregated) — and every item whose rule reads only
counts (quotas, the same period last year: ``counts_of``), scored from them — must give, for every
unit and every period, what the item's rule gives from the records (its ``evaluate``) as a base period's stored result keeps
it (``folding.fold_stored``: its points, its lines with two or more record lines folded, a single
record's own line), the encoded item (``explain.item_data``) equal too.

    python bench/sql_check.py --config bench/out/scale-0.01/kaohe.toml   # bench data (bench/generate.py)
    python bench/sql_check.py --config /tmp/demo/kaohe.toml              # the demo (kaohe demo /tmp/demo)
    python bench/sql_check.py --config … --longer                        # also quarters, halves, the year

Prints how many (period, unit, item) results were compared, and every difference; exits 1 on one.
``compare`` is also what tests/test_aggregate.py runs on the demo.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def compare(bureau: Any, registry: Any, store: Any, periods: Iterable[Any]) -> tuple[int, int, int, list[str]]:
    """(how many (period, unit, item) results of aggregated items were compared, how many of them
    have points, how many are carried over, the differences). A period longer than the base period
    evaluates each item over that period as its window (``Item.window``), as a year's categories are."""
    from kaohe.scoring.aggregated import Counts, counts_of, spec_of, summed
    from kaohe.scoring.explain import item_data
    from kaohe.scoring.folding import fold_stored
    from kaohe.scoring.pipeline import evaluate_item, period_gaps
    from kaohe.scoring.sources import StoreSource

    data = StoreSource(store, bureau, registry)
    items = [i for i in bureau.items if spec_of(i) is not None]
    counting = [i for i in bureau.items if counts_of(i) is not None]
    compared, scored, carried, diffs = 0, 0, 0, []
    for period in periods:
        units = bureau.active_units(period)
        missing, _, confirmed = period_gaps(data, period) if period.kind == bureau.scheme.base_period else ({}, False, frozenset())
        counts = Counts(bureau, counting, data)
        for item in counting:  # quotas, the same period last year: scored from the units' counts
            if item.window(period) is None or any(k in missing for k in item.reads):
                continue
            python = evaluate_item(bureau, item, period, units, data, {}, missing, confirmed)
            sql = evaluate_item(bureau, item, period, units, data, {}, missing, confirmed, None, counts.counter(item))
            assert python is not None and sql is not None
            for unit in units:
                p, s = python[unit.id], sql[unit.id]
                compared += 1
                scored += p.uncapped != 0
                carried += p.carried
                if p != s or item_data(p) != item_data(s):
                    diffs.append(f"{period.label} {unit.id} {item.id}: python {item_data(p)}, sql {item_data(s)}")
        live = [i for i in items if not any(k in missing for k in i.reads)]
        sums = summed(bureau, live, period, units, data)
        for item in live:
            if item.window(period) is None:
                continue
            if item.id not in sums:
                diffs.append(f"{period.label} {item.id}: not scored from counts")
                continue
            python = evaluate_item(bureau, item, period, units, data, {}, missing, confirmed)
            sql = evaluate_item(bureau, item, period, units, data, {}, missing, confirmed, sums[item.id])
            assert python is not None and sql is not None
            for unit in units:
                p, s = fold_stored(python[unit.id]), sql[unit.id]
                compared += 1
                scored += p.uncapped != 0
                carried += p.carried
                if p != s or item_data(p) != item_data(s):
                    diffs.append(f"{period.label} {unit.id} {item.id}: python {item_data(p)}, sql {item_data(s)}")
    return compared, scored, carried, diffs


def main(argv: list[str] | None = None) -> int:
    from kaohe.core.periods import Period
    from kaohe.plugins.discovery import load_registry
    from kaohe.scheme.config import load_bureau
    from kaohe.store.store import Store

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--config", type=Path, required=True)
    p.add_argument("--year", type=int, default=2015)
    p.add_argument("--longer", action="store_true", help="also the quarters, halves and the year as windows")
    a = p.parse_args(argv)
    registry = load_registry()
    bureau = load_bureau(a.config, registry)
    started = time.perf_counter()
    with Store(bureau.database, readonly=True) as store:
        periods = [Period.parse(f"{a.year}-{m:02d}") for m in range(1, 13)]
        if a.longer:
            periods += [Period.parse(f"{a.year}-{x}") for x in ("Q1", "Q2", "Q3", "Q4", "H1", "H2")] + [Period(a.year, "year")]
        compared, scored, carried, diffs = compare(bureau, registry, store, periods)
    for d in diffs[:50]:
        print(d)
    print(f"{compared:,} (period, unit, item) results of items scored from counts compared ({scored:,} with points,"
          f" {carried:,} carried over), {len(diffs)} differ"
          f" ({time.perf_counter() - started:.1f} s)")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
