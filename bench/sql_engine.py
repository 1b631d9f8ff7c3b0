"""Scoring a month with the items that aggregate scored in SQL (``[scoring] engine = "sql"``,
kaohe.scoring.aggregated), beside the Python path, against the bare scan of the month's records.

    python bench/sql_engine.py --config bench/out/scale-0.01/kaohe.toml [--month 2015-06] [--runs 3]

Every figure is measured in this run, the paths interleaved (python, sql, scan, python, sql, scan …)
so that a busy machine slows them alike; the best of ``--runs`` is printed. Measured, in one process
with the plugins loaded and the store open:

- ``scan``: the bare ``SELECT unit, kind, count(*), sum(value) … GROUP BY unit, kind`` over the
  month's records (bench/run.py's reference scan, each record once);
- ``python``: ``score_base`` of the month, every item from its records (``engine = "python"``);
- ``sql``: the same with ``engine = "sql"`` (the default): the per-occurrence items from grouped
  counts, quotas and the same period last year from the units' counts (178 and 32 of the bench's 248);
- ``sums``: the grouped counts alone (``evaluate_sums`` of the aggregated items: their SQL and the
  finishing in decimals);
- ``python items``: those same items' rules evaluated from records (``evaluate_item`` of each, the
  records read once per kinds and window as scoring reads them), for a like-for-like comparison;
- ``kind plain`` and ``kind json``: the month's largest kind alone, ``count(*) … GROUP BY unit``
  against the same with its specs' attributes read with one ``json_extract`` a record (what reading
  the attributes from the JSON text costs; typed columns would cost about the plain scan).

Both engines' totals are checked equal. With ``--json`` the figures are printed as JSON.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
from pathlib import Path
from collections.abc import Sequence
from typing import Any


def measure(config: Path, month: str, runs: int, only: Sequence[str] = ()) -> dict[str, Any]:
    from kaohe.core.periods import Period
    from kaohe.plugins.discovery import load_registry
    from kaohe.scheme.config import load_bureau
    from kaohe.scoring.aggregated import evaluate_sums, spec_of
    from kaohe.scoring.pipeline import Grouped, evaluate_item, period_gaps, score_base
    from kaohe.scoring.sources import StoreSource
    from kaohe.store.store import Store

    registry = load_registry()
    bureau = load_bureau(config, registry).evolve(engine="python")  # the reference, whatever the file says
    sql_bureau = bureau.evolve(engine="sql")
    period = Period.parse(month)
    store = Store(bureau.database, readonly=True)
    data = StoreSource(store, bureau, registry)
    cal = bureau.calendar
    start, end = cal.start(period).isoformat(), cal.end(period).isoformat()
    kinds = sorted({k for it in bureau.items for k in it.reads})
    bare = sqlite3.connect(f"file:{Path(bureau.database).resolve()}?mode=ro", uri=True)  # read-only, as the store
    scan_q = (
        f"SELECT unit, kind, count(*), sum(value) FROM records WHERE voided = 0 AND kind IN ({','.join('?' * len(kinds))})"
        " AND date BETWEEN ? AND ? GROUP BY unit, kind"
    )
    aggregated = [i for i in bureau.items if spec_of(i) is not None]
    units = bureau.active_units(period)
    missing, _, confirmed = period_gaps(data, period)
    records = sum(g[2] for g in bare.execute(scan_q, [*kinds, start, end]).fetchall())

    largest = max(((k, n) for k, n in bare.execute(
        "SELECT kind, count(*) FROM records WHERE voided = 0 AND date BETWEEN ? AND ? GROUP BY kind", [start, end]
    )), key=lambda kn: kn[1])[0]
    used = sorted({f for i in aggregated if largest in i.reads for f in spec_of(i).fields if f != "value"})  # type: ignore[union-attr]
    one_kind = "FROM records WHERE voided = 0 AND kind = ? AND date BETWEEN ? AND ?"
    paths = "".join(f", '$.\"{f}\"'" for f in used)
    kind_plain = f"SELECT unit, count(*) {one_kind} GROUP BY 1"
    kind_json = f"SELECT unit, count(json_extract(attrs{paths}, '$.__none__')) {one_kind} GROUP BY 1"

    def scan() -> object:
        return bare.execute(scan_q, [*kinds, start, end]).fetchall()

    def python_items() -> object:
        out = {}
        groups: dict[tuple[tuple[str, ...], object], Grouped] = {}
        for item in aggregated:
            cache = groups.setdefault((tuple(item.reads), item.window(period)), {})
            out[item.id] = evaluate_item(bureau, item, period, units, data, cache, missing, confirmed)
        return out

    steps = {
        "python": lambda: score_base(bureau, period, data),
        "sql": lambda: score_base(sql_bureau, period, data),
        "scan": scan,
        "sums": lambda: evaluate_sums(bureau, aggregated, period, data),
        "python items": python_items,
        "kind plain": lambda: bare.execute(kind_plain, [largest, start, end]).fetchall(),
        "kind json": lambda: bare.execute(kind_json, [largest, start, end]).fetchall(),
    }
    if only:  # some steps alone (a full province: the Python engine's month holds every record)
        steps = {name: step for name, step in steps.items() if name in only}
    best = {name: float("inf") for name in steps}
    cpu = {name: float("inf") for name in steps}
    results: dict[str, Any] = {}
    for _ in range(runs):
        for name, step in steps.items():
            started, spent = time.perf_counter(), time.process_time()
            results[name] = step()
            best[name] = min(best[name], time.perf_counter() - started)
            cpu[name] = min(cpu[name], time.process_time() - spent)
    same = None if not {"python", "sql"} <= set(results) else (
        [(u.unit, u.total, u.rank) for u in results["python"].units] == [(u.unit, u.total, u.rank) for u in results["sql"].units]
    )
    store.close()
    bare.close()
    return {
        "records": records, "units": len(units), "items": len(bureau.items), "aggregated": len(aggregated),
        "seconds": best, "cpu": cpu, "same_totals": same, "largest": largest, "fields": used,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--config", type=Path, required=True)
    p.add_argument("--month", default="2015-06")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--json", action="store_true")
    p.add_argument("--steps", default="", help="comma-separated: only these (scan, sql, python, sums, python items, kind plain, kind json)")
    a = p.parse_args(argv)
    r = measure(a.config, a.month, a.runs, [x for x in a.steps.split(",") if x])
    if a.json:
        print(json.dumps(r, ensure_ascii=False))
        return 0 if r["same_totals"] is not False else 1
    s, c = r["seconds"], r["cpu"]
    scan, scan_cpu = s["scan"], c["scan"]
    print(f"{a.month}: {r['records']:,} records, {r['units']:,} units, {r['items']} items of which {r['aggregated']} aggregate"
          f" (best of {a.runs}, interleaved; wall, then CPU of the process)")
    print(f"  bare GROUP BY unit, kind          {scan:8.3f} s   1.0×   {scan_cpu:8.3f} s   1.0×")
    for name, label in (("python", "score month, python engine"), ("sql", "score month, sql engine"),
                        ("python items", "aggregating items, from records"), ("sums", "aggregating items, grouped counts")):
        if name in s:
            print(f"  {label:<33} {s[name]:8.3f} s {s[name] / scan:5.1f}×   {c[name]:8.3f} s {c[name] / scan_cpu:5.1f}×")
    if "kind json" in s and "kind plain" in s:
        print(f"  {r['largest']} alone: GROUP BY unit {s['kind plain']:.3f} s; reading its {len(r['fields'])} attributes"
          f" ({', '.join(r['fields'])}) from JSON as well {s['kind json']:.3f} s ({s['kind json'] / s['kind plain']:.1f}×)")
    if r["same_totals"] is not None:
        print(f"  totals and ranks equal: {'yes' if r['same_totals'] else 'NO'}")
    return 0 if r["same_totals"] is not False else 1


if __name__ == "__main__":
    sys.exit(main())
