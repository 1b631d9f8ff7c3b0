"""Typed columns (issue 18 point 4, ``Store.type_fields``): what the migration and the filling of a
stored year cost, and a month's grouped scans and scoring read from the typed columns against the
same read from the JSON (the map hidden: ``Store.tallies`` as before), beside the bare scan, in one
process, on the same store.

    python bench/typed_columns.py --config /tmp/copy/kaohe.toml [--month 2015-06] [--runs 5]

``--config``'s database is written (migrated, its compared fields typed): give a copy (SQLite's backup
of bench/out/serve-0.01/kaohe.sqlite), never the bench data itself. Measured, best of ``--runs``,
interleaved (scan, json, typed, …), CPU time (``time.process_time``) beside wall time:

- ``scan``: the bare ``SELECT unit, kind, count(*), sum(value) … GROUP BY unit, kind`` of the month
  (bench/run.py's reference);
- ``tallies json`` / ``tallies typed``: every ``Store.tallies`` call a month's scoring makes (captured,
  replayed), with the map hidden and with it; their rows checked equal call by call;
- ``month json`` / ``month typed``: ``score_base`` of the month (``engine = "sql"``) either way; the
  units' totals and ranks checked equal;
- ``intake json`` / ``intake typed``: the month's records written (``Store.write_records``, the
  import's statement) into a new store without typed columns and with the scheme's.
Exits 1 on a difference.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--config", type=Path, required=True)
    p.add_argument("--month", default="2015-06")
    p.add_argument("--runs", type=int, default=5)
    a = p.parse_args(argv)

    from kaohe.core.periods import Period
    from kaohe.plugins.discovery import load_registry
    from kaohe.scheme.config import load_bureau
    from kaohe.scoring.aggregated import typed_fields
    from kaohe.scoring.pipeline import score_base
    from kaohe.scoring.sources import StoreSource
    from kaohe.store.store import Store

    registry = load_registry()
    bureau = load_bureau(a.config, registry).evolve(engine="sql")
    path = Path(bureau.database).resolve()
    before = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    version = before.execute("SELECT max(version) FROM migrations").fetchone()[0]
    before.close()
    wall, cpu = time.perf_counter(), time.process_time()
    store = Store(path)
    print(f"open (migration {version} -> {store.schema_version}): CPU {time.process_time() - cpu:.3f} s, wall {time.perf_counter() - wall:.3f} s")
    wall, cpu = time.perf_counter(), time.process_time()
    added = store.type_fields(typed_fields(bureau))
    n = store.count()
    print(
        f"type_fields ({len(added)} pairs added: {', '.join(f'{k}.{f}' for k, f, _ in added) or 'none'}; {n:,} records):"
        f" CPU {time.process_time() - cpu:.3f} s, wall {time.perf_counter() - wall:.3f} s"
    )

    period = Period.parse(a.month)
    data = StoreSource(store, bureau, registry)
    cal = bureau.calendar
    start, end = cal.start(period).isoformat(), cal.end(period).isoformat()
    kinds = sorted({k for it in bureau.items for k in it.reads})
    scan_q = (
        f"SELECT unit, kind, count(*), sum(value) FROM records WHERE voided = 0 AND kind IN ({','.join('?' * len(kinds))})"
        " AND date BETWEEN ? AND ? GROUP BY unit, kind"
    )
    records = sum(g[2] for g in store.db.execute(scan_q, [*kinds, start, end]).fetchall())

    calls: list[tuple[Any, Any]] = []
    real = store.tallies

    def capture(*args: Any, **kw: Any) -> Any:
        calls.append((args, kw))
        return real(*args, **kw)

    store.tallies = capture  # type: ignore[method-assign]
    score_base(bureau, period, data)
    del store.tallies

    def hidden(on: bool) -> None:
        if on:
            store.typed_map = lambda: {}  # type: ignore[method-assign]
        elif "typed_map" in vars(store):
            del store.typed_map

    def tallies() -> list[Any]:
        return [list(store.tallies(*args, **kw)) for args, kw in calls]

    def month() -> list[Any]:
        return [(u.unit, u.total, u.rank) for u in score_base(bureau, period, data).units]

    steps = {
        "scan": (False, lambda: store.db.execute(scan_q, [*kinds, start, end]).fetchall()),
        "tallies json": (True, tallies),
        "tallies typed": (False, tallies),
        "month json": (True, month),
        "month typed": (False, month),
    }
    cpu_best = {name: float("inf") for name in steps}
    wall_best = {name: float("inf") for name in steps}
    results: dict[str, Any] = {}
    for _ in range(a.runs):
        for name, (hide, step) in steps.items():
            hidden(hide)
            w, c = time.perf_counter(), time.process_time()
            results[name] = step()
            cpu_best[name] = min(cpu_best[name], time.process_time() - c)
            wall_best[name] = min(wall_best[name], time.perf_counter() - w)
            hidden(False)
    # intake: the month's records written into a new store (its rows as stored), the map empty and
    # the scheme's (every record's columns filled as it is written), best of the runs
    import tempfile

    from kaohe.store.store import RECORD_COLUMNS

    month_rows = store.db.execute(
        f"SELECT {', '.join(RECORD_COLUMNS)} FROM records WHERE date BETWEEN ? AND ? ORDER BY rowid", [start, end]
    ).fetchall()
    pairs = typed_fields(bureau)
    for name in ("intake json", "intake typed"):
        cpu_best[name] = wall_best[name] = float("inf")
    for _ in range(a.runs):
        for name in ("intake json", "intake typed"):
            with tempfile.TemporaryDirectory() as folder:
                fresh = Store(Path(folder) / "k.sqlite")
                if name == "intake typed":
                    fresh.type_fields(pairs)
                fresh.db.execute("BEGIN IMMEDIATE")
                fresh.db.execute("CREATE TEMP TABLE IF NOT EXISTS kaohe_written (line TEXT)")
                w, c = time.perf_counter(), time.process_time()
                fresh.write_records(month_rows, ((str(r[0]),) for r in month_rows))
                cpu_best[name] = min(cpu_best[name], time.process_time() - c)
                wall_best[name] = min(wall_best[name], time.perf_counter() - w)
                fresh.db.execute("ROLLBACK")
                fresh.close()
    steps["intake json"] = steps["intake typed"] = (False, lambda: None)
    store.close()
    if results["tallies json"] != results["tallies typed"]:
        print("differ: Store.tallies read from the typed columns and from the JSON")
        return 1
    if results["month json"] != results["month typed"]:
        print("differ: the month's totals and ranks")
        return 1
    scan = cpu_best["scan"]
    print(f"{a.month}: {records:,} records, {len(calls)} tallies calls; best of {a.runs}, CPU (wall):")
    for name in steps:
        print(f"  {name:14} {cpu_best[name]:8.3f} s ({wall_best[name]:.3f} s)  {cpu_best[name] / scan:6.2f}x the scan")
    print("the same rows on every call and the same totals and ranks, read either way")
    return 0


if __name__ == "__main__":
    sys.exit(main())
