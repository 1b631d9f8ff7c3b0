"""How much of a month's scoring is the store's reading and how much the Python around it.

    python bench/month_python.py --config bench/out/serve-0.1/kaohe.toml [--month 2015-06] [--runs 3]

In one process, with the plugins loaded and the store opened read-only (a prepared bench, e.g.
bench/out/serve-1, is never written): ``score_base`` of the month (``engine`` as the bureau says,
"sql" by default), its CPU time split into

- ``store``: the time inside ``Store.tallies``, ``Store.records_of`` and ``Store.records`` (their
  SQL and the decoding of their rows: the grouped scans, the single records' lines, the records of
  the items scored from records);
- ``rest``: everything else, the Python of scoring (finishing the grouped counts, the rules, the
  items' and categories' results, ranks and flags; and the few small queries of gaps and
  adjustments);

beside the bare ``SELECT unit, kind, count(*), sum(value) … GROUP BY unit, kind`` over the month's
records (bench/sql_engine.py's baseline), measured in the same process, the steps interleaved; CPU
times (``time.process_time``), the best of ``--runs``. To compare two versions of the kernel, run it
with each on ``PYTHONPATH`` in alternate processes (bench/RESULTS.md says how it was done).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any


def measure(config: Path, month: str, runs: int) -> dict[str, float]:
    from kaohe.core.periods import Period
    from kaohe.plugins.discovery import load_registry
    from kaohe.scheme.config import load_bureau
    from kaohe.scoring.pipeline import score_base
    from kaohe.scoring.sources import StoreSource
    from kaohe.store.store import Store

    registry = load_registry()
    bureau = load_bureau(config, registry)
    period = Period.parse(month)
    store = Store(bureau.database, readonly=True)
    data = StoreSource(store, bureau, registry)
    spent = [0.0]

    def timed(read: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
        def inner(self: Store, *a: Any, **k: Any) -> Iterator[Any]:
            t = time.process_time()
            rows = list(read(self, *a, **k))  # read whole: its decoding counted here, not in the caller
            spent[0] += time.process_time() - t
            return iter(rows)
        return inner

    for name in ("tallies", "records_of", "records"):
        setattr(Store, name, timed(getattr(Store, name)))
    cal = bureau.calendar
    kinds = sorted({k for it in bureau.items for k in it.reads})
    bare = sqlite3.connect(f"file:{Path(bureau.database).resolve()}?mode=ro", uri=True)
    scan_q = (
        f"SELECT unit, kind, count(*), sum(value) FROM records WHERE voided = 0 AND kind IN ({','.join('?' * len(kinds))})"
        " AND date BETWEEN ? AND ? GROUP BY unit, kind"
    )
    args = [*kinds, cal.start(period).isoformat(), cal.end(period).isoformat()]
    best = {"month": float("inf"), "store": float("inf"), "rest": float("inf"), "scan": float("inf")}
    for _ in range(runs):
        t = time.process_time()
        bare.execute(scan_q, args).fetchall()
        best["scan"] = min(best["scan"], time.process_time() - t)
        spent[0] = 0.0
        t = time.process_time()
        score_base(bureau, period, data)
        total = time.process_time() - t
        if total < best["month"]:
            best["month"], best["store"], best["rest"] = total, spent[0], total - spent[0]
    bare.close()
    store.close()
    return best


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--config", type=Path, required=True)
    p.add_argument("--month", default="2015-06")
    p.add_argument("--runs", type=int, default=3)
    a = p.parse_args(argv)
    r = measure(a.config, a.month, a.runs)
    scan = r["scan"]
    print(f"{a.month}, CPU s, best of {a.runs} (load average {os.getloadavg()[0]:.1f}):")
    print(f"  bare GROUP BY unit, kind (baseline)  {scan:8.3f}   1.0×")
    print(f"  the month's score_base               {r['month']:8.3f} {r['month'] / scan:5.1f}×")
    print(f"    the store's reads (SQL, decoding)  {r['store']:8.3f} {r['store'] / scan:5.1f}×")
    print(f"    the rest (the Python of scoring)   {r['rest']:8.3f} {r['rest'] / scan:5.1f}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
