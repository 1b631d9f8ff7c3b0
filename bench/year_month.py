"""The year from the stored months against a month (issue 18 point 2's goal: ≤ 2×), in one process,
interleaved:

    python bench/year_month.py --dir bench/out/scale-0.01 --runs 3

On a province that ``bench/run.py`` has ingested and scored (its twelve months of 2015 stored),
each run scores 2015-06 whole and stores it (``score_period``: a first scoring of the month, the
baseline, ``run.py``'s ``score-month-only``), then aggregates the year 2015 from the stored months
and stores it (``results.aggregate_stored``, with the year categories evaluated from the records:
``run.py``'s ``aggregate-year``). Prints the best and the median of each, in wall time and in the
process's CPU time (less disturbed by a shared machine's load), and their ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

MONTH, YEAR = "2015-06", 2015


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dir", type=Path, required=True, help="a scale's folder of bench/run.py (bench/out/scale-0.01)")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--memory", action="store_true", help="also the peak of Python's memory (tracemalloc) of one more run of each, after the timed ones")
    a = p.parse_args(argv)

    from kaohe.core.periods import Period
    from kaohe.office.jobs import bring_up_to_date, score_period
    from kaohe.office.results import aggregate_stored
    from kaohe.plugins.discovery import load_registry
    from kaohe.scheme.config import load_bureau
    from kaohe.store.store import Store

    registry = load_registry()
    bureau = load_bureau(a.dir / "kaohe.toml", registry)
    store = Store(bureau.database)
    month, year = Period.parse(MONTH), Period(YEAR, "year")
    missing = [m.label for m in year.months() if store.period_state(m.label) is None]
    if missing:
        raise SystemExit(f"the months {', '.join(missing)} are not stored: run bench/run.py (or kaohe score {YEAR}) first")
    bring_up_to_date(store, bureau, registry, year)  # not timed: months out of date since (bench/rescore.py's corrections)
    wall: dict[str, list[float]] = {"month": [], "year": []}
    cpu: dict[str, list[float]] = {"month": [], "year": []}
    for _ in range(a.runs):
        for name, job in (("month", lambda: score_period(store, bureau, registry, month)),
                          ("year", lambda: aggregate_stored(store, bureau, registry, year))):
            started, used = time.perf_counter(), time.process_time()
            job()
            wall[name].append(time.perf_counter() - started)
            cpu[name].append(time.process_time() - used)
    peaks: dict[str, int] = {}
    if a.memory:  # after the timed runs: tracemalloc slows what it watches
        import tracemalloc

        for name, job in (("month", lambda: score_period(store, bureau, registry, month)),
                          ("year", lambda: aggregate_stored(store, bureau, registry, year))):
            tracemalloc.start()
            job()
            peaks[name] = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
    store.close()
    print(f"{a.dir.name}: {len(bureau.active_units(month))} stations, {a.runs} runs (interleaved)")
    for name, label in (("month", f"{MONTH} scored whole and stored (baseline)"), ("year", f"{YEAR} from the stored months, stored")):
        print(f"  {label}: wall best {min(wall[name]):.3f} s, median {statistics.median(wall[name]):.3f} s;"
              f" CPU best {min(cpu[name]):.3f} s, median {statistics.median(cpu[name]):.3f} s")
    for what, d in (("wall", wall), ("CPU", cpu)):
        print(f"  year ÷ month ({what}), best ÷ best: {min(d['year']) / min(d['month']):.2f}×;"
              f" median ÷ median: {statistics.median(d['year']) / statistics.median(d['month']):.2f}×")
    for name, peak in peaks.items():
        print(f"  peak of Python's memory (tracemalloc), {name}: {peak / 2**20:.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
