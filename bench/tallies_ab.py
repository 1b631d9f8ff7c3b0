"""Every ``Store.tallies`` call of a month's scoring, another checkout's code against this one's, on
the same store (opened read-only): the same rows on every call, and the CPU time of each, best of
``--runs`` (the two in turn, each first in turn).

    python bench/tallies_ab.py --config bench/out/serve-0.1/kaohe.toml \
        --old /path/to/other/checkout/kernel/src/kaohe/store/store.py [--month 2015-06] [--runs 3] [--top 8]

The calls are those ``score_base`` makes with ``engine = "sql"`` (captured, then replayed).
Exits 1 when a call's rows differ.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path
from typing import Any


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--config", type=Path, required=True)
    p.add_argument("--old", type=Path, required=True, help="the other checkout's kaohe/store/store.py")
    p.add_argument("--month", default="2015-06")
    p.add_argument("--runs", type=int, default=2)
    p.add_argument("--top", type=int, default=8)
    a = p.parse_args(argv)

    from kaohe.core.periods import Period
    from kaohe.plugins.discovery import load_registry
    from kaohe.scheme.config import load_bureau
    from kaohe.scoring.pipeline import score_base
    from kaohe.scoring.sources import StoreSource
    import kaohe.store.store as S

    spec = importlib.util.spec_from_file_location("kaohe.store.old_store", a.old)
    assert spec is not None and spec.loader is not None
    old = importlib.util.module_from_spec(spec)
    sys.modules["kaohe.store.old_store"] = old
    spec.loader.exec_module(old)

    registry = load_registry()
    bureau = load_bureau(a.config, registry)
    store = S.Store(bureau.database, readonly=True)
    calls: list[tuple[Any, Any]] = []
    new = S.Store.tallies

    def capture(self: Any, *args: Any, **kw: Any) -> Any:
        calls.append((args, kw))
        return new(self, *args, **kw)

    store.db.execute("BEGIN")  # one read transaction for every call, as a scanning process reads (kaohe.store.scanner)
    S.Store.tallies = capture  # type: ignore[method-assign]
    try:
        score_base(bureau.evolve(engine="sql"), Period.parse(a.month), StoreSource(store, bureau, registry))
    finally:
        S.Store.tallies = new  # type: ignore[method-assign]
    total = {"old": 0.0, "new": 0.0}
    per = []
    for args, kw in calls:
        best = {"old": float("inf"), "new": float("inf")}
        rows: dict[str, list[Any]] = {}
        for run in range(a.runs):
            pair = (("old", old.Store.tallies), ("new", new))
            for name, f in pair if run % 2 == 0 else pair[::-1]:
                started = time.process_time()
                rows[name] = list(f(store, *args, **kw))
                best[name] = min(best[name], time.process_time() - started)
        if rows["old"] != rows["new"]:
            print(f"differ: {args[0]} {args[2]}..{args[3]}")
            return 1
        total["old"] += best["old"]
        total["new"] += best["new"]
        per.append((best["old"], best["new"], ",".join(args[0]), str(args[2]), len(rows["new"])))
    store.close()
    print(f"{len(calls)} calls, the same rows on every one; CPU in all: old {total['old']:.3f} s, new {total['new']:.3f} s")
    for o, n, kinds, start, groups in sorted(per, reverse=True)[: a.top]:
        print(f"  {o:7.3f} -> {n:7.3f} s  {kinds} from {start} ({groups:,} groups)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
