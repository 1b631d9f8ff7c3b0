"""``Store.save_result`` of a month, another checkout's code against this one's, beside the month's
scoring and the bare ``GROUP BY unit, kind`` scan, CPU time (``time.process_time``) in one process.

    python bench/save_ab.py --config bench/out/serve-0.1/kaohe.toml \
        --old /path/to/other/checkout/kernel/src/kaohe --scratch /tmp/x/save.sqlite [--month 2015-06] [--runs 3]

The month is scored once from the configuration's store, opened read-only (as ``kaohe score --full``
scores it); its result is then saved into the scratch store (a new SQLite file, or an existing one
whose stored month is replaced), by the other checkout's ``store.py`` and ``scoring/treejson.py`` and
by this one's in turn, each first in turn, best of ``--runs`` (after a first save, not timed:
each save timed replaces the month stored, as a scoring of the month again does). After each save the stored rows
(``explanations``, ``category_results``, ``item_results``, ``scores`` but their run) and the
period's digest are hashed: the two must be equal (exit 1 when not). ``--profile`` prints the
cProfile of one save by this checkout's code.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import importlib.util
import os
import pstats
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any


def _load(name: str, path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def stored_digest(path: Path, period: str) -> str:
    """A digest of every stored row of ``period`` (in rowid order) and its ``period_results.digest``."""
    h = hashlib.sha256()
    db = sqlite3.connect(path)
    for q in (
        "SELECT unit, tree FROM explanations WHERE period = ? ORDER BY rowid",
        "SELECT * FROM category_results WHERE period = ? ORDER BY rowid",
        "SELECT * FROM item_results WHERE period = ? ORDER BY rowid",
        "SELECT period, unit, name, series, class, total, subtotal, rank, flags, veto, carried, fields FROM scores"
        " WHERE period = ? ORDER BY rowid",
        "SELECT digest, parts, missing, empty FROM period_results WHERE period = ?",
    ):
        for row in db.execute(q, [period]):
            h.update(repr(row).encode())
    db.close()
    return h.hexdigest()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--config", type=Path, required=True)
    p.add_argument("--old", type=Path, required=True, help="the other checkout's kernel/src/kaohe")
    p.add_argument("--scratch", type=Path, required=True, help="the SQLite file the month is saved into")
    p.add_argument("--month", default="2015-06")
    p.add_argument("--runs", type=int, default=2)
    p.add_argument("--profile", action="store_true")
    a = p.parse_args(argv)

    from kaohe.core.periods import Period
    from kaohe.office.jobs import history
    from kaohe.office.results import config_digest, foldable
    from kaohe.plugins.discovery import load_registry
    from kaohe.scheme.config import load_bureau
    from kaohe.scoring.pipeline import score
    from kaohe.scoring.sources import StoreSource
    import kaohe.store.store as S

    old_tree = _load("kaohe.scoring.old_treejson", a.old / "scoring" / "treejson.py")
    old = _load("kaohe.store.old_store", a.old / "store" / "store.py")
    old.TreeEncoder = old_tree.TreeEncoder

    registry = load_registry()
    bureau = load_bureau(a.config, registry)
    period = Period.parse(a.month)
    source_store = S.Store(bureau.database, readonly=True)
    source = StoreSource(source_store, bureau, registry)

    # the bare scan, as bench/run.py's scan-month
    kinds = sorted({k for it in bureau.items for k in it.reads})
    start, end = bureau.calendar.start(period).isoformat(), bureau.calendar.end(period).isoformat()
    db = sqlite3.connect(f"{Path(bureau.database).resolve().as_uri()}?mode=ro", uri=True)
    q = (
        f"SELECT unit, kind, count(*), sum(value) FROM records WHERE voided = 0 AND kind IN ({','.join('?' * len(kinds))})"
        " AND date BETWEEN ? AND ? GROUP BY unit, kind"
    )
    scans = []
    for _ in range(a.runs):
        started = time.process_time()
        db.execute(q, [*kinds, start, end]).fetchall()
        scans.append(time.process_time() - started)
    db.close()

    started = time.process_time()
    result = score(bureau, period, source, history(source_store, bureau, period, source))
    scoring = time.process_time() - started
    args = (config_digest(bureau, period), len(bureau.at(period).items))
    fold = foldable(bureau, period)
    source_store.close()

    stores = {"old": old.Store(a.scratch), "new": S.Store(a.scratch)}
    stores["new"].save_result(result, *args, fold=fold)  # the month stored once first: each save then replaces it
    best = {"old": float("inf"), "new": float("inf")}
    digests: dict[str, set[str]] = {"old": set(), "new": set()}
    for run in range(a.runs):
        for name in ("old", "new") if run % 2 == 0 else ("new", "old"):
            started = time.process_time()
            stores[name].save_result(result, *args, fold=fold)
            best[name] = min(best[name], time.process_time() - started)
            digests[name].add(stored_digest(a.scratch, a.month))
    if a.profile:
        prof = cProfile.Profile()
        prof.enable()
        stores["new"].save_result(result, *args, fold=fold)
        prof.disable()
        pstats.Stats(prof).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(30)
    for s in stores.values():
        s.close()
    same = len(digests["old"] | digests["new"]) == 1
    load = os.getloadavg()[0]
    print(f"{a.month} of {a.config}: {len(result.units)} units, load average {load:.2f}; CPU seconds, best of {a.runs}:")
    print(f"  bare GROUP BY unit, kind scan  {min(scans):8.3f}")
    print(f"  scoring the month (in memory)  {scoring:8.3f}")
    print(f"  save_result, old               {best['old']:8.3f}   ({best['old'] / min(scans):.2f}x the scan)")
    print(f"  save_result, new               {best['new']:8.3f}   ({best['new'] / min(scans):.2f}x the scan)")
    print(f"  old / new                      {best['old'] / best['new']:8.2f}x")
    print(f"  the month (scoring + save), old {(scoring + best['old']) / min(scans):.2f}x the scan, new {(scoring + best['new']) / min(scans):.2f}x")
    print(f"  stored rows and digest the same: {'yes' if same else 'NO'}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
