"""What an edition is made from (issue 18 point 1), timed in one process, interleaved:

    python bench/publish_stored.py --dir bench/out/scale-0.01 --runs 3

On a province that ``bench/run.py`` has ingested and scored (2015 stored and up to date), for
2015-06, 2015-Q2 and 2015: the period's stored results read whole (``publication._stored``: up to
date, then ``results.stored_whole``, the record lines of the items a month stores folded made again
for every unit), what ``kaohe publish`` now makes the edition from; against the period scored whole
from the records with its 末位 history (``pipeline.score``), what it was made from before (the
baseline). Both must give the same result. Nothing is written.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dir", type=Path, required=True, help="a scale's folder of bench/run.py (bench/out/scale-0.01)")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--periods", default="2015-06,2015-Q2,2015")
    a = p.parse_args(argv)

    from kaohe.core.periods import Period
    from kaohe.office.jobs import history
    from kaohe.office.publication import up_to_date
    from kaohe.office.publication import _stored
    from kaohe.plugins.discovery import load_registry
    from kaohe.scheme.config import load_bureau
    from kaohe.scoring.pipeline import score
    from kaohe.scoring.sources import StoreSource
    from kaohe.store.store import Store

    registry = load_registry()
    bureau = load_bureau(a.dir / "kaohe.toml", registry)
    store = Store(bureau.database)
    print(f"{a.dir.name}: {len(bureau.units)} stations, {a.runs} runs (interleaved), CPU seconds (wall in brackets)")
    for label in a.periods.split(","):
        period = Period.parse(label)
        up_to_date(store, bureau, registry, period)  # not timed (bench/rescore.py's corrections leave them out of date)
        cpu: dict[str, list[float]] = {"stored": [], "scored": []}
        wall: dict[str, list[float]] = {"stored": [], "scored": []}
        results = {}
        for _ in range(a.runs):
            for name in ("stored", "scored"):
                started, used = time.perf_counter(), time.process_time()
                if name == "stored":
                    result = _stored(store, bureau, registry, period)
                    if result is None:
                        raise SystemExit(f"{label}: the stored results are out of date: run kaohe score {label} first")
                else:
                    source = StoreSource(store, bureau, registry)
                    result = score(bureau, period, source, history(store, bureau, period, source, stored=False))
                cpu[name].append(time.process_time() - used)
                wall[name].append(time.perf_counter() - started)
                results[name] = result
        same = results["stored"] == results["scored"]
        print(f"  {label}: from the stored results {min(cpu['stored']):.3f} s ({min(wall['stored']):.3f} s),"
              f" scored whole (baseline) {min(cpu['scored']):.3f} s ({min(wall['scored']):.3f} s):"
              f" {min(cpu['stored']) / min(cpu['scored']):.2f}× best, "
              f"{statistics.median(cpu['stored']) / statistics.median(cpu['scored']):.2f}× median; same result: {same}")
        if not same:
            return 1
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
